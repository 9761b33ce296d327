// Schema building blocks shared by every resource: enums, $ref helper and the one error shape.
import { Type, type Static, type TSchema, type TUnsafe, type SchemaOptions } from '@sinclair/typebox'

/**
 * A string enum as plain JSON Schema `{ type: "string", enum: [...] }`.
 * TypeBox's own unions compile to `anyOf`, whose validation errors cannot name the allowed values;
 * this form lets a 400 say "must be one of READ, WRITE, ADMIN".
 * @param values the allowed strings, in the order error messages list them
 * @param options extra schema keywords (description, $id, examples)
 */
export function StringEnum<const T extends readonly string[]> (values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] })
}

/**
 * A `$ref` to a schema registered once with `app.addSchema`, typed as the schema it points at,
 * so the OpenAPI document names the component instead of inlining it.
 * @param schema a schema that carries an `$id`
 * @param options extra keywords kept beside the `$ref` (description, examples)
 */
export function ref<T extends TSchema> (schema: T, options: SchemaOptions = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ ...options, $ref: schema.$id })
}

/** Longest path parameter (repoId, keyId) the router accepts, in characters; longer ones answer 414. */
export const MAX_PARAM_LENGTH = 500

/** Access levels of a repository API key, as the SDK's `AccessType` enum spells them. */
export const ACCESS_TYPES = ['READ', 'WRITE', 'ADMIN'] as const

/** A key's display name: any string of 1 to 255 characters (the same rule on create, update and fixtures). */
export const KeyNameSchema = Type.String({ minLength: 1, maxLength: 255, description: 'Display name of the key, 1 to 255 characters.' })

/** `AccessType`: the SDK's enum, as a JSON Schema string enum. */
export const AccessTypeSchema = StringEnum(ACCESS_TYPES, {
  description: 'Access level of the key: READ, WRITE or ADMIN (the SDK\'s AccessType enum).'
})

/** One of `READ`, `WRITE`, `ADMIN`. */
export type AccessType = Static<typeof AccessTypeSchema>

/**
 * The error codes each status can carry on the emulated API's routes (README "Errors"), so a typed client can
 * switch on `code`. Unknown routes (404 FBM_ROUTE_NOT_FOUND) and answers Node's HTTP parser gives (400, 405,
 * 408, 417, 431 FBM_BAD_REQUEST) belong to no operation; the control API adds its own.
 */
export const ERROR_CODES = {
  400: ['FBM_VALIDATION', 'FBM_INVALID_JSON', 'FBM_BAD_URL', 'FBM_MIRROR_MASTER_UNIT_MISSING', 'FBM_MIRROR_MASTER_UNIT_COUNT_INVALID'],
  401: ['FBM_UNAUTHORIZED', 'FBM_INVALID_TOKEN'],
  403: ['FBM_FORBIDDEN'],
  404: ['FBM_REPO_NOT_FOUND', 'FBM_KEY_NOT_FOUND'],
  409: ['FBM_NAME_ALREADY_USED'],
  413: ['FBM_BODY_TOO_LARGE'],
  414: ['FBM_URI_TOO_LONG'],
  415: ['FBM_UNSUPPORTED_MEDIA_TYPE'],
  500: ['FBM_INTERNAL']
} as const

/**
 * The SDK's `RepoErrorCodes` for the mock's codes that have one: an error body with such a code also carries
 * `error_code` and `error_message` (the message again), the fields the SDK's `CreateRepoResponse` reads.
 */
export const REPO_ERROR_CODES: Record<string, string> = {
  FBM_REPO_NOT_FOUND: 'NOT_FOUND',
  FBM_NAME_ALREADY_USED: 'NAME_ALREADY_USED',
  FBM_MIRROR_MASTER_UNIT_MISSING: 'MIRROR_MASTER_UNIT_MISSING',
  FBM_MIRROR_MASTER_UNIT_COUNT_INVALID: 'MIRROR_MASTER_UNIT_COUNT_INVALID'
}

/** HTTP statuses that carry an error body. */
export type ErrorStatus = keyof typeof ERROR_CODES

/** Every error code the mock sends, any status, any route; the control API's and injected faults' included. */
export const ALL_ERROR_CODES = [
  ...new Set([...Object.values(ERROR_CODES).flat(), 'FBM_ROUTE_NOT_FOUND', 'FBM_BAD_REQUEST', 'FBM_FAULT_NOT_FOUND', 'FBM_INJECTED_FAULT'])
]

/**
 * The error body `{ success: false, message, code }` with `code` limited to the given codes. Always
 * application/json, so the SDK's `HttpError.data.message` is filled (contract README, "Conventions the mock adopts").
 * @param codes the codes this body may carry
 * @param options `$id` and description
 */
function errorBody (codes: readonly string[], options: SchemaOptions): TUnsafe<ErrorResponse> {
  const repoCodes = [...new Set(codes.map((code) => REPO_ERROR_CODES[code]).filter((code) => code !== undefined))]
  return Type.Unsafe<ErrorResponse>(Type.Object({
    success: Type.Literal(false, { description: 'Always false on an error.' }),
    message: Type.String({ description: 'A sentence that names the field or cause, e.g. "body/accessType must be one of READ, WRITE, ADMIN".' }),
    code: StringEnum(codes, { description: 'A stable machine-readable code; the mock\'s own addition.' }),
    ...(repoCodes.length === 0
      ? {}
      : {
          error_code: Type.Optional(StringEnum(repoCodes, { description: `The SDK's RepoErrorCodes value, with ${repoCodes.length === 1 ? 'code' : 'the codes'} ${Object.keys(REPO_ERROR_CODES).filter((code) => codes.includes(code)).join(', ')}.` })),
          error_message: Type.Optional(Type.String({ description: 'The message again, where the SDK\'s CreateRepoResponse reads it.' }))
        })
  }, options))
}

/** `ErrorResponse`: any error body, any code. The control API's document uses it; the main one names one per status. */
export const ErrorResponseSchema = errorBody(ALL_ERROR_CODES, {
  $id: 'ErrorResponse',
  description: 'The one error shape of flashback-mock. The code field is the mock\'s own addition.'
})

/** The error body type: `{ success: false, message, code }`, plus `error_code` and `error_message` for repo errors. */
export interface ErrorResponse {
  success: false
  message: string
  code: string
  /** The SDK's RepoErrorCodes value, for the codes in `REPO_ERROR_CODES`. */
  error_code?: string
  /** The message again, for the same codes. */
  error_message?: string
}

/** `Error400` … `Error500`: the error body of one status, `code` limited to the codes that status carries. */
export const ERROR_SCHEMAS = Object.fromEntries(Object.entries(ERROR_CODES).map(([status, codes]) =>
  [status, errorBody(codes, { $id: `Error${status}`, description: `The error body of a ${status}: code is one of ${codes.join(', ')}.` })])) as Record<ErrorStatus, ReturnType<typeof errorBody>>

/** The default example of each status, for routes that can give it as it is. Routes override what does not fit them. */
export const ERROR_EXAMPLES: Record<ErrorStatus, ErrorResponse> = {
  400: { success: false, message: 'body/accessType must be one of READ, WRITE, ADMIN', code: 'FBM_VALIDATION' },
  401: { success: false, message: 'Missing bearer token: send "Authorization: Bearer <token>"', code: 'FBM_UNAUTHORIZED' },
  403: { success: false, message: 'This bearer token may not use repo "repo-b"', code: 'FBM_FORBIDDEN' },
  404: { success: false, message: 'Repo "no-such-repo" not found', code: 'FBM_REPO_NOT_FOUND', error_code: 'NOT_FOUND', error_message: 'Repo "no-such-repo" not found' },
  409: { success: false, message: 'A repo named "Photos" already exists in workspace "ws-demo"', code: 'FBM_NAME_ALREADY_USED', error_code: 'NAME_ALREADY_USED', error_message: 'A repo named "Photos" already exists in workspace "ws-demo"' },
  413: { success: false, message: 'Request body is larger than the 1048576-byte limit', code: 'FBM_BODY_TOO_LARGE' },
  414: { success: false, message: 'A path parameter is longer than 500 characters', code: 'FBM_URI_TOO_LONG' },
  415: { success: false, message: 'Unsupported Content-Type "text/plain": send application/json', code: 'FBM_UNSUPPORTED_MEDIA_TYPE' },
  500: { success: false, message: 'Internal server error', code: 'FBM_INTERNAL' }
}

/** An OpenAPI response with an application/json body, as Fastify and @fastify/swagger both read it. */
export interface JsonResponse<T extends TSchema> {
  description: string
  headers?: Record<string, { type: 'string', description: string }>
  content: { 'application/json': { schema: T, example: unknown } }
}

/**
 * A response whose JSON body is a named component, with its description and one example. Fastify
 * serializes with the schema; @fastify/swagger shows the example beside the `$ref`.
 * @param schema a schema registered with `addSchema` (it has an `$id`)
 * @param description what this status means for the route
 * @param example a body that matches the schema
 */
export function jsonResponse<T extends TSchema> (schema: T, description: string, example: Static<T>): JsonResponse<TUnsafe<Static<T>>> {
  return { description, content: { 'application/json': { schema: ref(schema), example } } }
}

/**
 * Response entries for the given error statuses, each the status's own error body (`Error404`…) with its
 * description and an example; 401 also documents its `WWW-Authenticate` header.
 * @param statuses the statuses a route can answer with an error
 * @param examples examples that replace the default of a status, so every example is an answer this route can give
 * @returns a map from status to response, to spread into a route's `response`
 */
export function errorResponses (statuses: ErrorStatus[], examples: Partial<Record<ErrorStatus, ErrorResponse>> = {}): Record<number, JsonResponse<TUnsafe<ErrorResponse>>> {
  return Object.fromEntries(statuses.map((status) => {
    const response = jsonResponse(ERROR_SCHEMAS[status], ERROR_DESCRIPTIONS[status], examples[status] ?? ERROR_EXAMPLES[status]) as JsonResponse<TUnsafe<ErrorResponse>>
    return [status, status === 401 ? { ...response, headers: WWW_AUTHENTICATE_HEADER } : response]
  }))
}

const WWW_AUTHENTICATE_HEADER = {
  'WWW-Authenticate': { type: 'string' as const, description: 'Bearer realm="flashback", plus error="invalid_token" when a Bearer token was sent (RFC 6750).' }
}

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Malformed or invalid body or parameter; the message names the field and what was expected.',
  401: 'Bearer token missing, malformed or unknown. Carries WWW-Authenticate: Bearer realm="flashback" (RFC 6750).',
  403: 'The bearer token is valid but may not use this repo.',
  404: 'Unknown repo or key. An unknown repo also carries error_code NOT_FOUND (the SDK\'s RepoErrorCodes).',
  409: 'A repo with this name already exists in the workspace: error_code NAME_ALREADY_USED.',
  413: 'Body larger than the limit.',
  414: `A path parameter longer than ${MAX_PARAM_LENGTH} characters.`,
  415: 'Content-Type is not application/json.',
  500: 'Unexpected failure; details are only in the server log.'
}

/**
 * A route's `serializerCompiler` that writes answers with JSON.stringify instead of a compiled serializer: for
 * answers built in their schema's exact shape already (the state, the journal, the OpenAPI document), so no app
 * pays for compiling one from a large schema, and a loose schema ("an object") does not empty the answer.
 */
export const plainJson = () => (data: unknown): string => JSON.stringify(data)

/** Where the docs UI (Swagger UI) is served. */
export const DOCS_PATH = '/docs'
