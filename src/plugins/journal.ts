// Records each request to the emulated API in the app's request journal, with its secrets redacted.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { createJournal, type Journal } from '../journal.js'
import { parseAuthorization, tokenDigest } from '../bearer.js'
import { isOwnUrl, requestTarget } from '../request-target.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The request journal of this app instance. */
    journal: Journal
    /**
     * Records a request in the journal with its answer's status, or `status` when given (0: dropped without an
     * answer); a no-op for CORS preflights, the mock's own routes and a journal of size 0.
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

/** Parses JSON text with every `secret` field, at any depth, replaced by "[redacted]". */
const parseRedacted = (json: string): unknown => JSON.parse(json, (key, v: unknown) => key === 'secret' ? '[redacted]' : v)

/** `Bearer sha256:1a2b3c4d`: the scheme and a fingerprint that tells tokens apart without showing one. */
function fingerprint (authorization: string): string {
  const { scheme, credentials } = parseAuthorization(authorization)
  return `${scheme} sha256:${tokenDigest(credentials).toString('hex').slice(0, 8)}`
}

/**
 * Plugin `journal`: decorates `app.journal` (`createJournal(size)`) and records every answered request
 * except CORS preflights and those to the mock's own routes (/__mock, /health, /openapi.*): method, URL, route pattern,
 * params, query, headers (authorization as its scheme and a fingerprint), the parsed body and, for a 2xx,
 * the JSON answer (every `secret` field redacted), the status and the time taken in ms.
 */
const journalPlugin: FastifyPluginAsync<JournalPluginOptions> = async (app, { size }) => {
  app.decorate('journal', createJournal(size))
  app.decorateRequest('journalResponse', undefined)
  app.decorate('journalRequest', (request: FastifyRequest, reply: FastifyReply, status = reply.statusCode) => {
    // CORS preflights are the browser's plumbing, not calls the code under test made.
    if (size === 0 || request.method === 'OPTIONS' || isOwnUrl(request.url)) return
    const { authorization, ...headers } = request.headers
    app.journal.record({
      timestamp: new Date(Date.now() - reply.elapsedTime).toISOString(),
      ...requestTarget(request),
      url: request.url,
      params: request.is404 ? {} : request.params as Record<string, string>,
      query: request.query as Record<string, unknown>,
      headers: authorization === undefined ? headers : { ...headers, authorization: fingerprint(authorization) },
      ...(request.body === undefined ? {} : { body: parseRedacted(JSON.stringify(request.body)) }),
      status,
      ...(request.journalResponse === undefined ? {} : { response: parseRedacted(request.journalResponse) }),
      ...(request.faultId === undefined ? {} : { fault: request.faultId }),
      durationMs: reply.elapsedTime
    })
  })
  // A journal of size 0 keeps nothing: no hooks then, so requests pay nothing for it.
  if (size === 0) return
  app.addHook('onSend', async (request, reply, payload) => {
    const json = String(reply.getHeader('content-type')).startsWith('application/json')
    if (reply.statusCode < 300 && json && typeof payload === 'string') request.journalResponse = payload
    return payload
  })
  app.addHook('onResponse', async (request, reply) => app.journalRequest(request, reply))
}

export default fp(journalPlugin, { name: 'journal', fastify: '5.x' })
