// Named errors the routes throw; the error handler turns each into { success: false, message, code }.
import createError from '@fastify/error'

/**
 * An error class for one answer (every one here is a 4xx): `@fastify/error`'s, without a stack trace. These are
 * answers, not bugs, and the error handler logs no stack but a 500's; capturing one was the largest cost of a 401
 * (issue 13's profile).
 * @param code the `code` of the error body
 * @param message the message, with `%s` or `%d` where the arguments go
 * @param status the HTTP status
 */
const answer = <Args extends unknown[]>(code: string, message: string, status: number) =>
  createError<Args>(code, message, status, Error, false)

/** 401: bearer token missing, malformed or unknown. Message: the reason. */
export const UnauthorizedError = answer<[string]>('FBM_UNAUTHORIZED', '%s', 401)

/** 403: a valid token on a repo it may not use. Message argument: the repoId. */
export const ForbiddenError = answer<[string]>('FBM_FORBIDDEN', 'This bearer token may not use repo "%s"', 403)

/** 404: no repo with this id. Message argument: the repoId. */
export const RepoNotFoundError = answer<[string]>('FBM_REPO_NOT_FOUND', 'Repo "%s" not found', 404)

/** 401: a Bearer token was sent but is malformed or unknown (RFC 6750 `invalid_token`). Message: the reason. */
export const InvalidTokenError = answer<[string]>('FBM_INVALID_TOKEN', '%s', 401)

/** 404: no key with this id in this repo (a key of another repo is not found either). Arguments: keyId, repoId. */
export const KeyNotFoundError = answer<[string, string]>('FBM_KEY_NOT_FOUND', 'API key "%s" not found in repo "%s"', 404)

/** 400: a request its route's schema rejects. Message: the part and the field, then what was expected (`body/name is required`). */
export const SchemaValidationError = answer<[string]>('FBM_VALIDATION', '%s', 400)

/** 415: a JSON body in a charset other than UTF-8. Argument: the charset sent. */
export const UnsupportedCharsetError = answer<[string]>('FBM_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset "%s": send JSON as UTF-8', 415)

/**
 * 400: a body that is not JSON. Argument: where it stops being JSON, as `jsonErrorLocation` gives it
 * (` at line 4, column 1`), or '' when the parser gives no place (the body ends too soon).
 */
export const InvalidJsonError = answer<[string]>('FBM_INVALID_JSON', 'Request body is not valid JSON%s', 400)

/** 400: a JSON body whose bytes are not valid UTF-8. */
export const InvalidUtf8Error = answer('FBM_INVALID_JSON', 'Request body is not valid UTF-8', 400)

/** 415: a compressed request body (the mock reads plain JSON only). Argument: the Content-Encoding sent. */
export const UnsupportedEncodingError = answer<[string]>('FBM_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding "%s": send the JSON body uncompressed', 415)

/** 403: a valid fixture token on the control API, which only the admin token may use. */
export const AdminForbiddenError = answer('FBM_FORBIDDEN', 'This bearer token may not use the control API: send the admin token', 403)

/**
 * 400: a control API body the schema alone cannot judge: a state document (PUT /__mock/state) a fixture file
 * could not hold, or a fault rule that cannot work. Message: the JSON path or field, and the problem.
 */
export const ControlValidationError = answer<[string]>('FBM_VALIDATION', '%s', 400)

/** 404: no fault rule with this id (DELETE /__mock/faults/{id}). Argument: the id. */
export const FaultNotFoundError = answer<[string]>('FBM_FAULT_NOT_FOUND', 'Fault rule "%s" not found', 404)

/** 415: a non-empty body that is not JSON. Argument: the Content-Type sent (the error handler words the message). */
export const UnsupportedMediaTypeError = answer<[string]>('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Content-Type %s', 415)

/** 400: a body sent to an operation that takes none (DELETE). Argument: the method and route pattern. */
export const BodyNotAllowedError = answer<[string]>('FBM_VALIDATION', '%s takes no request body: send none', 400)

/** 409: a repo with this name already exists in the workspace (SDK error_code NAME_ALREADY_USED). Arguments: name, workspaceId. */
export const NameAlreadyUsedError = answer<[string, string]>('FBM_NAME_ALREADY_USED', 'A repo named "%s" already exists in workspace "%s"', 409)

/** 400: a MIRROR repo whose units or buckets have no master (SDK error_code MIRROR_MASTER_UNIT_MISSING). Argument: the body field. */
export const MirrorMasterMissingError = answer<[string]>('FBM_MIRROR_MASTER_UNIT_MISSING', 'body/%s: a MIRROR repo needs exactly one master, and none has master: true', 400)

/** 400: a MIRROR repo with more than one master (SDK error_code MIRROR_MASTER_UNIT_COUNT_INVALID). Arguments: the body field, the count. */
export const MirrorMasterCountError = answer<[string, number]>('FBM_MIRROR_MASTER_UNIT_COUNT_INVALID', 'body/%s: a MIRROR repo needs exactly one master, and %d have master: true', 400)
