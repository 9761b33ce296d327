// Named errors the routes throw; the error handler turns each into { success: false, message, code }. They are
// answers, not bugs, so none captures a stack trace (issue 13: that was the largest cost of a 401), and the error
// handler logs no stack but a 500's.
import createError from '@fastify/error'

/** 401: bearer token missing, malformed or unknown. Message: the reason. */
export const UnauthorizedError = createError<[string]>('FBM_UNAUTHORIZED', '%s', 401, Error, false)

/** 403: a valid token on a repo it may not use. Message argument: the repoId. */
export const ForbiddenError = createError<[string]>('FBM_FORBIDDEN', 'This bearer token may not use repo "%s"', 403, Error, false)

/** 404: no repo with this id. Message argument: the repoId. */
export const RepoNotFoundError = createError<[string]>('FBM_REPO_NOT_FOUND', 'Repo "%s" not found', 404, Error, false)

/** 401: a Bearer token was sent but is malformed or unknown (RFC 6750 `invalid_token`). Message: the reason. */
export const InvalidTokenError = createError<[string]>('FBM_INVALID_TOKEN', '%s', 401, Error, false)

/** 404: no key with this id in this repo (a key of another repo is not found either). Arguments: keyId, repoId. */
export const KeyNotFoundError = createError<[string, string]>('FBM_KEY_NOT_FOUND', 'API key "%s" not found in repo "%s"', 404, Error, false)

/** 415: a JSON body in a charset other than UTF-8. Argument: the charset sent. */
export const UnsupportedCharsetError = createError<[string]>('FBM_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset "%s": send JSON as UTF-8', 415, Error, false)

/** 400: a JSON body whose bytes are not valid UTF-8. */
export const InvalidUtf8Error = createError('FBM_INVALID_JSON', 'Request body is not valid UTF-8', 400, Error, false)

/** 415: a compressed request body (the mock reads plain JSON only). Argument: the Content-Encoding sent. */
export const UnsupportedEncodingError = createError<[string]>('FBM_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding "%s": send the JSON body uncompressed', 415, Error, false)

/** 403: a valid fixture token on the control API, which only the admin token may use. */
export const AdminForbiddenError = createError('FBM_FORBIDDEN', 'This bearer token may not use the control API: send the admin token', 403, Error, false)

/**
 * 400: a control API body the schema alone cannot judge: a state document (PUT /__mock/state) a fixture file
 * could not hold, or a fault rule that cannot work. Message: the JSON path or field, and the problem.
 */
export const ControlValidationError = createError<[string]>('FBM_VALIDATION', '%s', 400, Error, false)

/** 404: no fault rule with this id (DELETE /__mock/faults/{id}). Argument: the id. */
export const FaultNotFoundError = createError<[string]>('FBM_FAULT_NOT_FOUND', 'Fault rule "%s" not found', 404, Error, false)

/** 415: a non-empty body that is not JSON. Argument: the Content-Type sent (the error handler words the message). */
export const UnsupportedMediaTypeError = createError<[string]>('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Content-Type %s', 415, Error, false)

/** 400: a body sent to an operation that takes none (DELETE). Argument: the method and route pattern. */
export const BodyNotAllowedError = createError<[string]>('FBM_VALIDATION', '%s takes no request body: send none', 400, Error, false)

/** 409: a repo with this name already exists in the workspace (SDK error_code NAME_ALREADY_USED). Arguments: name, workspaceId. */
export const NameAlreadyUsedError = createError<[string, string]>('FBM_NAME_ALREADY_USED', 'A repo named "%s" already exists in workspace "%s"', 409, Error, false)

/** 400: a MIRROR repo whose units or buckets have no master (SDK error_code MIRROR_MASTER_UNIT_MISSING). Argument: the body field. */
export const MirrorMasterMissingError = createError<[string]>('FBM_MIRROR_MASTER_UNIT_MISSING', 'body/%s: a MIRROR repo needs exactly one master, and none has master: true', 400, Error, false)

/** 400: a MIRROR repo with more than one master (SDK error_code MIRROR_MASTER_UNIT_COUNT_INVALID). Arguments: the body field, the count. */
export const MirrorMasterCountError = createError<[string, number]>('FBM_MIRROR_MASTER_UNIT_COUNT_INVALID', 'body/%s: a MIRROR repo needs exactly one master, and %d have master: true', 400, Error, false)
