// Records each request to the emulated API in the app's request journal, with its secrets redacted.
import fp from 'fastify-plugin'
import { parse as parseQuery } from 'node:querystring'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { createJournal, type Journal } from '../journal.js'
import { parseAuthorization, perHeader, tokenDigest } from '../bearer.js'
import { isOwnRoute, matchedRoute } from '../request-target.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The request journal of this app instance. */
    journal: Journal
    /**
     * Records a request in the journal with its answer's status, or `status` when given (0: no answer went out, the
     * connection dropped by a fault rule or closed by the client during a delay); a no-op for CORS preflights, the
     * mock's own routes and a journal of size 0.
     */
    journalRequest (request: FastifyRequest, reply: FastifyReply, status?: number): void
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

/** `Bearer sha256:1a2b3c4d`: the scheme and a fingerprint that tells tokens apart without showing one. */
function fingerprint (authorization: string): string {
  const { scheme, credentials } = parseAuthorization(authorization)
  return `${scheme} sha256:${tokenDigest(credentials).toString('hex').slice(0, 8)}`
}

/**
 * Plugin `journal`: decorates `app.journal` (`createJournal(size)`) and records every answered request
 * except CORS preflights and those to the mock's own routes (/__mock, /health, /openapi.*): method, URL, route pattern,
 * params, query, headers (authorization as its scheme and a fingerprint), the parsed body and, for a 2xx,
 * the JSON answer (every `secret` field redacted; none for a HEAD, which gets no body), the status and the time taken in ms.
 */
const journalPlugin: FastifyPluginAsync<JournalPluginOptions> = async (app, { size }) => {
  // Per app: a journal read fingerprints each entry's header, and a client sends few, so a hash is rare.
  const fingerprintOf = perHeader(fingerprint)
  /** Headers as an entry shows them: Authorization as its scheme and a fingerprint, Proxy-Authorization as [redacted]. */
  const showHeaders = (headers: Record<string, unknown>): Record<string, unknown> => {
    const { authorization, 'proxy-authorization': proxy, ...rest } = headers
    return {
      ...rest,
      ...(proxy === undefined ? {} : { 'proxy-authorization': '[redacted]' }),
      ...(typeof authorization === 'string' ? { authorization: fingerprintOf(authorization) } : {})
    }
  }
  app.decorate('journal', createJournal(size, showHeaders))
  app.decorateRequest('journalResponse', undefined)
  app.decorate('journalRequest', (request: FastifyRequest, reply: FastifyReply, status = reply.statusCode) => {
    // A journal of size 0 records nothing (`record` returns at once); only a dropped connection gets here then.
    // Read once: `routeOptions` builds a new object on each read.
    const route = matchedRoute(request)
    // CORS preflights are the browser's plumbing, not calls the code under test made.
    if (request.method === 'OPTIONS' || isOwnRoute(request, route)) return
    const durationMs = reply.elapsedTime
    app.journal.record({
      startedAtMs: Date.now() - durationMs,
      method: request.method,
      url: request.url,
      route: route ?? null,
      params: route === undefined ? {} : request.params as Record<string, string>,
      // A URL the router rejects has no parsed query (Fastify's frameworkErrors): read here, as Fastify would.
      query: (request.query ?? parseQuery(request.url.split('?')[1] ?? '')) as Record<string, unknown>,
      headers: request.headers,
      bodyJson: request.bodyText,
      status,
      responseJson: request.journalResponse,
      fault: request.faultId,
      durationMs
    })
  })
  // A journal of size 0 keeps nothing: no hooks then, so requests pay nothing for it.
  if (size === 0) return
  // Callback hooks: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    // A HEAD answer has the GET's headers but no body (Node drops it), so its entry shows none.
    if (reply.statusCode < 300 && request.method !== 'HEAD' && typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('application/json')) {
      request.journalResponse = payload
    }
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    app.journalRequest(request, reply)
    done()
  })
}

export default fp(journalPlugin, { name: 'journal', fastify: '5.x' })
