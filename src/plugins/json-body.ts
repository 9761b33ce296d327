// JSON is the only body type; an empty JSON body counts as no body, so DELETE with a stray Content-Type works.
import fp from 'fastify-plugin'
import secureJsonParse from 'secure-json-parse'
import type { FastifyPluginAsync, preValidationHookHandler } from 'fastify'
import { addRouteHook } from '../route-hooks.js'
import { requestTarget } from '../request-target.js'
import { jsonErrorLocation } from '../validation.js'
import { BodyNotAllowedError, InvalidJsonError, InvalidUtf8Error, UnsupportedCharsetError, UnsupportedEncodingError, UnsupportedMediaTypeError } from '../errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as sent, when there was one. */
    bodyText: string | undefined
  }
}

const CHARSET = /;\s*charset="?([^";\s]+)"?/i
/** `__proto__` keys, and `constructor` keys holding a `prototype`, are dropped, as Fastify's own JSON parser is told to. */
const PARSE_OPTIONS = { protoAction: 'remove', constructorAction: 'remove' } as const
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Plugin `json-body`. Replaces Fastify's parsers with one for application/json:
 * - an empty body is "no body" (`request.body === undefined`): routes without a body schema accept it,
 *   routes with one answer 400 "Request body is required";
 * - the body must be UTF-8 (RFC 8259): another declared charset is a 415, invalid bytes a 400;
 * - it must not be compressed: a Content-Encoding other than identity is a 415;
 * - `__proto__` and `constructor.prototype` keys are dropped, like any other unknown field;
 * - every other content type, text/plain included, is a 415, unless the body is empty: then there is no body;
 * - a body on an operation without one (DELETE) is a 400 that says so.
 * The body as sent (UTF-8 text) stays on `request.bodyText`, for the request journal. A request to an unknown
 * route gets its 404 whatever its body: the body is read and discarded, never judged.
 */
const jsonBodyPlugin: FastifyPluginAsync = async (app) => {
  app.decorateRequest('bodyText', undefined)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // An unknown route is a 404 whatever its body: read (so the connection stays usable), never judged.
    if (request.is404) return done(null, undefined)
    const encoding = request.headers['content-encoding']
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return done(new UnsupportedEncodingError(encoding))
    const charset = CHARSET.exec(String(request.headers['content-type']))?.[1]?.toLowerCase()
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return done(new UnsupportedCharsetError(charset))
    let text: string
    try {
      text = utf8.decode(body as Buffer)
    } catch {
      return done(new InvalidUtf8Error())
    }
    if (text === '') return done(null, undefined)
    request.bodyText = text
    // secure-json-parse, as Fastify's own JSON parser, but keeping JSON.parse's message, which says where the body
    // stops being JSON: Fastify's drops it (the body was then parsed a second time to find the place).
    let parsed: unknown
    try {
      parsed = secureJsonParse(text, undefined, PARSE_OPTIONS)
    } catch (err) {
      // JSON.parse's SyntaxError: V8 parses and secure-json-parse scans without recursion, so depth throws no other.
      const at = jsonErrorLocation(text, (err as SyntaxError).message)
      return done(new InvalidJsonError(at === undefined ? '' : ` at line ${at.line}, column ${at.column}`))
    }
    done(null, parsed)
  })
  // Any other type: with no body there is nothing for a Content-Type to describe (RFC 9110, 8.3), so an empty
  // body is no body, whatever its type (fetch sends text/plain with body: ''); a non-empty one is a 415, answered
  // as soon as its first byte (or a non-zero Content-Length) shows it, without reading the rest.
  app.addContentTypeParser('*', (request, payload, done) => {
    const refuse = (): void => done(new UnsupportedMediaTypeError(String(request.headers['content-type'])), undefined)
    if (request.is404) {
      payload.resume()
      return payload.once('end', () => done(null, undefined))
    }
    if (Number(request.headers['content-length']) > 0) return refuse()
    const onData = (): void => {
      payload.off('end', onEnd)
      refuse()
    }
    const onEnd = (): void => {
      payload.off('data', onData)
      done(null, undefined)
    }
    payload.once('data', onData)
    payload.once('end', onEnd)
  })
  // An operation the OpenAPI document gives no requestBody (DELETE) takes none: a body is a 400, not ignored.
  // GET and HEAD bodies are never read (Fastify does not parse them), so those routes get no hook; nor does a route
  // with a body schema. A route added before this plugin gets none either.
  app.addHook('onRoute', (route) => {
    if (route.schema?.body !== undefined || [route.method].flat().every((method) => method === 'GET' || method === 'HEAD')) return
    const refuseBody: preValidationHookHandler = (request, _reply, done) => {
      if (request.body === undefined) done()
      else {
        const target = requestTarget(request)
        done(new BodyNotAllowedError(`${target.method} ${target.route}`))
      }
    }
    addRouteHook(route, 'preValidation', refuseBody)
  })
}

export default fp(jsonBodyPlugin, { name: 'json-body', fastify: '5.x' })
