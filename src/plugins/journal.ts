// Records each request to the emulated API in the app's request journal, with its secrets redacted.
import fp from 'fastify-plugin'
import crypto from 'node:crypto'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { createJournal, type Journal } from '../journal.js'
import { CONTROL_PREFIX } from '../schemas/control.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The request journal of this app instance. */
    journal: Journal
  }
  interface FastifyRequest {
    /** The JSON body of a 2xx answer, kept for the journal. */
    journalResponse: string | undefined
  }
}

/** Options of the journal plugin. */
export interface JournalPluginOptions {
  /** How many requests to keep; 0 turns the journal off. */
  size: number
}

/** Requests that are not to the emulated API: the mock's own routes. */
const NOT_JOURNALED = new RegExp(`^(${CONTROL_PREFIX}(/|\\?|$)|/health(\\?|$)|/openapi\\.(json|yaml)(\\?|$))`)

/** A copy of parsed JSON with every `secret` field, at any depth, replaced by "[redacted]". */
const redact = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, v: unknown) => key === 'secret' ? '[redacted]' : v)

/** `Bearer sha256:1a2b3c4d`: the scheme and a fingerprint that tells tokens apart without showing one. */
function fingerprint (authorization: string): string {
  const [, scheme = '', credentials = ''] = /^\s*(\S*)\s*(.*?)\s*$/.exec(authorization) as string[]
  return `${scheme} sha256:${crypto.createHash('sha256').update(credentials).digest('hex').slice(0, 8)}`
}

/** The route pattern in OpenAPI's spelling, `/repo/{repoId}/apikey`; null when no route matched. */
const routeOf = (request: FastifyRequest): string | null =>
  request.is404 ? null : String(request.routeOptions.url).replace(/:(\w+)/g, '{$1}')

/**
 * Plugin `journal`: decorates `app.journal` (`createJournal(size)`) and records every answered request
 * except CORS preflights and those to the mock's own routes (/__mock, /health, /openapi.*): method, URL, route pattern,
 * params, query, headers (authorization as its scheme and a fingerprint), the parsed body and, for a 2xx,
 * the JSON answer (every `secret` field redacted), the status and the time taken in ms.
 */
const journalPlugin: FastifyPluginAsync<JournalPluginOptions> = async (app, { size }) => {
  app.decorate('journal', createJournal(size))
  app.decorateRequest('journalResponse', undefined)
  app.addHook('onSend', async (request, reply, payload) => {
    const json = String(reply.getHeader('content-type')).startsWith('application/json')
    if (reply.statusCode < 300 && json && typeof payload === 'string') request.journalResponse = payload
    return payload
  })
  app.addHook('onResponse', async (request, reply) => {
    // CORS preflights are the browser's plumbing, not calls the code under test made.
    if (size === 0 || request.method === 'OPTIONS' || NOT_JOURNALED.test(request.url)) return
    const { authorization, ...headers } = request.headers
    app.journal.record({
      timestamp: new Date(Date.now() - reply.elapsedTime).toISOString(),
      method: request.method,
      url: request.url,
      path: request.url.split('?')[0] as string,
      route: routeOf(request),
      params: request.is404 ? {} : request.params as Record<string, string>,
      query: request.query as Record<string, unknown>,
      headers: authorization === undefined ? headers : { ...headers, authorization: fingerprint(authorization) },
      ...(request.body === undefined ? {} : { body: redact(request.body) }),
      status: reply.statusCode,
      ...(request.journalResponse === undefined ? {} : { response: redact(JSON.parse(request.journalResponse)) }),
      durationMs: reply.elapsedTime
    })
  })
}

export default fp(journalPlugin, { name: 'journal', fastify: '5.x' })
