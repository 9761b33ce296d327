// The one error shape: every failure, Fastify's own included, becomes { success: false, message, code }.
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import { SchemaValidationError } from '../errors.js'
import type { ErrorObject } from 'ajv'
import { describeAjvError, mainAjvError } from '../validation.js'
import { MAX_PARAM_LENGTH, REPO_ERROR_CODES, type ErrorResponse } from '../schemas/common.js'

/** Most bytes of an unread request body the mock reads and discards after an early answer: 64 MiB. */
export const MAX_DISCARD_BYTES = 64 * 1024 * 1024

/** `WWW-Authenticate` value of every 401 (RFC 6750 section 3). */
export const WWW_AUTHENTICATE = 'Bearer realm="flashback"'

type Translate = (error: FastifyError, request: FastifyRequest) => { status: number, body: ErrorResponse }

const reply = (status: number, code: string, message: string): { status: number, body: ErrorResponse } =>
  ({ status, body: { success: false, message, code } })

/** The 404 of an unknown route, naming its method and path. */
const routeNotFound = (request: FastifyRequest): { status: number, body: ErrorResponse } =>
  reply(404, 'FBM_ROUTE_NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`)

/** Fastify's own client errors, reworded to name the cause and the fix. */
const FASTIFY_ERRORS: Record<string, Translate> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_, request) => {
    const type = request.headers['content-type']
    return reply(415, 'FBM_UNSUPPORTED_MEDIA_TYPE', type === undefined
      ? 'A request body needs Content-Type: application/json'
      : `Unsupported Content-Type ${JSON.stringify(type)}: send application/json`)
  },
  // An unknown route is a 404 whatever its body (json-body), but Fastify refuses one over the limit before any parser.
  FST_ERR_CTP_BODY_TOO_LARGE: (_, request) => request.is404
    ? routeNotFound(request)
    : reply(413, 'FBM_BODY_TOO_LARGE', `Request body is larger than the ${request.routeOptions.bodyLimit}-byte limit`),
  FST_ERR_BAD_URL: () => reply(400, 'FBM_BAD_URL', 'The URL has a malformed percent-encoding'),
  FST_ERR_MAX_PARAM_LENGTH: () => reply(414, 'FBM_URI_TOO_LONG', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`)
}

/**
 * Fastify's `schemaErrorFormatter`: the error of a request its route's schema rejects, its message the one the answer
 * gives (`body/accessType must be one of READ, WRITE, ADMIN`: the part and the field, then what was expected), made
 * once and without a stack trace. Fastify's own formatter joined every Ajv error into a message no answer shows and
 * captured a stack: the largest cost of a 400 in issue 13's profile.
 */
function schemaError (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const problem = describeAjvError(mainAjvError(errors as ErrorObject[]))
  return new SchemaValidationError(`${[dataVar, ...problem.path].join('/')} ${problem.expected}`)
}

/** The message of a 400 for a request its route's schema rejects (see `schemaError`), or for a missing body. */
const validationMessage = (error: FastifyError, request: FastifyRequest): string =>
  error.validationContext === 'body' && request.body === undefined
    ? 'Request body is required: send a JSON object with Content-Type: application/json'
    : error.message

function translate (error: FastifyError, request: FastifyRequest): { status: number, body: ErrorResponse } {
  if (error.validation !== undefined) return reply(400, 'FBM_VALIDATION', validationMessage(error, request))
  const known = FASTIFY_ERRORS[error.code]
  if (known !== undefined) return known(error, request)
  const status = error.statusCode ?? 500
  if (status >= 500) return reply(500, 'FBM_INTERNAL', 'Internal server error')
  const answer = reply(status, String(error.code).startsWith('FBM_') ? error.code : 'FBM_BAD_REQUEST', error.message)
  // Repo errors also speak the SDK's CreateRepoResponse: { error_code, error_message }.
  const sdkCode = REPO_ERROR_CODES[answer.body.code]
  if (sdkCode !== undefined) Object.assign(answer.body, { error_code: sdkCode, error_message: answer.body.message })
  return answer
}

/**
 * Fastify's `frameworkErrors` handler: sends the error shape for an error Fastify raises before any route runs
 * (bad URL encoding, long parameter), and records the request in the request journal. No hook runs for these,
 * @fastify/cors and the journal's included, so the origin is reflected here when CORS would allow it, to let a
 * browser read the message.
 * @param allowsOrigin whether CORS allows an origin for this request: never on the control API or with --no-cors,
 *   else the --cors-origin list, or any
 */
export function frameworkErrorsFor (allowsOrigin: (origin: string, request: FastifyRequest) => boolean) {
  return function frameworkErrors (error: FastifyError, request: FastifyRequest, res: FastifyReply): void {
    const { status, body } = translate(error, request)
    const { origin } = request.headers
    if (origin !== undefined && allowsOrigin(origin, request)) {
      res.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin')
    }
    res.code(status).type('application/json').send(body)
    // No onResponse hook runs either: the request journal records the request here, so a test sees what was sent.
    request.server.journalRequest(request, res)
  }
}

/** Whether a request has a body (RFC 9112 section 6.3: a Transfer-Encoding, or a Content-Length above 0). */
const hasBody = (raw: IncomingMessage): boolean => raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length']) > 0

/** The error shape, code FBM_BAD_REQUEST, as JSON text, for answers written without Fastify. */
const badRequestBody = (message: string): string => JSON.stringify({ success: false, message, code: 'FBM_BAD_REQUEST' } satisfies ErrorResponse)

/** The same as raw HTTP/1.1 bytes, for answers written on a socket before Node has a request. */
function rawAnswer (status: number, message: string): string {
  const body = badRequestBody(message)
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are larger than 16 KiB']
}

/**
 * Answers requests Node's HTTP parser rejects (malformed headers, a request that took too long) with the
 * error shape, code FBM_BAD_REQUEST: 408 for a timeout, 431 for headers over 16 KiB, 400 otherwise. Unlike
 * Fastify's default, it never logs the raw bytes, which hold the Authorization header. When an answer to the
 * request has already begun (headers sent), it only closes the connection.
 */
export function clientErrorHandler (this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] = CLIENT_ERRORS[String(err.code)] ?? [400, 'Malformed HTTP request']
  this.log.info({ code: err.code, statusCode: status }, 'client error')
  // Not after an answer has begun on this connection (an early 401 to a request whose body then turns out malformed):
  // a request gets one answer. Node's own handler makes the same check.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (socket.writable && !answering) socket.write(rawAnswer(status, message))
  socket.destroy()
}

/**
 * Plugin `errors`: one `setErrorHandler` and one `setNotFoundHandler`.
 * - Validation errors: 400 FBM_VALIDATION, message like `body/accessType must be one of READ, WRITE, ADMIN`.
 * - Invalid JSON 400, unsupported Content-Type 415, body over the limit 413, other client errors keep their status.
 * - 401s carry `WWW-Authenticate: Bearer realm="flashback"`, plus `, error="invalid_token"` for FBM_INVALID_TOKEN.
 * - Anything else: 500 FBM_INTERNAL "Internal server error"; the details go to the log only.
 * - Unknown routes: 404 FBM_ROUTE_NOT_FOUND naming the method and path.
 * - A body that stops arriving: 408 FBM_BAD_REQUEST after the request timeout, then the connection ends.
 */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  // Requests Node answers by itself with an empty body get the error shape instead.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = badRequestBody(`Expect: ${String(request.headers.expect)} is not supported; only 100-continue is`)
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    response.end(body)
  })
  app.server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    socket.end(rawAnswer(405, 'CONNECT is not supported: this is an HTTP API, not a proxy'))
  })
  app.setSchemaErrorFormatter(schemaError)
  app.setErrorHandler((error: FastifyError, request, res) => {
    const { status, body } = translate(error, request)
    if (status === 500) request.log.error({ err: error }, 'unexpected error')
    // Answered before the body was read (auth runs first, a body over the limit is refused by its length, another
    // content type by its first byte): the client may still be sending it. Closing now would reset the connection
    // mid-upload and the client would see EPIPE, not this answer. So the connection stays open and Node discards the
    // rest of the body once the answer is sent (unparsed: its length frames it), up to MAX_DISCARD_BYTES; past that,
    // or without a length to frame it, the connection ends after the answer. Fastify itself asks to close after
    // any body parser error: that is undone here, for a body read whole as for one Node discards.
    // A request without a body has nothing left to send, even when this runs (in an onRequest hook) before Node has
    // marked it complete: its connection stays open.
    if (hasBody(request.raw) && !request.raw.complete && !(Number(request.headers['content-length']) <= MAX_DISCARD_BYTES)) res.header('connection', 'close')
    // Node's own header then, as on any answer (keep-alive, or close when the client asked): removing the header
    // instead would leave the answer without one.
    else if (res.hasHeader('connection')) res.header('connection', res.raw.shouldKeepAlive ? 'keep-alive' : 'close')
    if (status === 401) {
      res.header('www-authenticate', body.code === 'FBM_INVALID_TOKEN' ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE)
    }
    return res.code(status).type('application/json').send(body)
  })

  // Node's requestTimeout cuts off a client that stalls in its headers, not one that stalls in its body once the
  // request is dispatched (or after an early answer, while Node discards the rest): this does, with the same 408,
  // counted from the headers, so such a client holds a socket for the timeout at most.
  const timeout = app.server.requestTimeout
  app.addHook('onRequest', (request, reply, done) => {
    const { raw } = request
    if (hasBody(raw) && !raw.complete) {
      // Cleared once the body has arrived and been read (or discarded), or the connection is gone.
      const timer = setTimeout(() => {
        request.log.info({ statusCode: 408 }, 'client error')
        if (!reply.raw.headersSent) raw.socket.write(rawAnswer(408, 'The request body was not received in time'))
        raw.socket.destroy()
      }, timeout).unref()
      // `on`, not `once`: once's wrapper per listener is avoidable work on every request with a body (issue 13).
      const clear = (): void => { clearTimeout(timer) }
      raw.on('end', clear)
      raw.on('close', clear)
    }
    done()
  })

  app.setNotFoundHandler((request, res) => res.code(404).type('application/json').send(routeNotFound(request).body))
}

export default fp(errorsPlugin, { name: 'errors', fastify: '5.x' })
