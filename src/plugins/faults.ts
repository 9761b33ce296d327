// Fault and latency injection: fault rules from the control API, and the Prefer header on each request.
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'
import { setMaxListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import { addRouteHook } from '../route-hooks.js'
import { createFaults, type Faults } from '../faults.js'
import { MAX_DELAY_MS } from '../schemas/control.js'
import { isOwnPath, openApiRoute, requestTarget } from '../request-target.js'
import { WWW_AUTHENTICATE } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The fault rules of this app instance. */
    faults: Faults
    /**
     * Why a fault rule could never fire: its `path` matches no route of the emulated API (neither a route pattern such
     * as `/repo/{repoId}/apikey` nor a path one matches, as sent), or no route at that path takes its `method`;
     * undefined when some route matches, or the rule has no path. The message names the field and what was expected,
     * for a 400.
     */
    faultTargetProblem (rule: { method?: string, path?: string }): string | undefined
  }
  interface FastifyRequest {
    /** Id of the fault rule that fired on this request, for the journal. */
    faultId: string | undefined
  }
}

/** What a `Prefer` header asks of one request: an error status, a delay in ms, or both. */
export interface Preferences {
  code?: number
  delayMs?: number
}

/**
 * Reads the preferences the mock honours from a `Prefer` header (RFC 7240; Prism's `code` and `delay`):
 * `code=404` and `delay=250` (ms, capped at `MAX_DELAY_MS`), case-insensitive, quoted or not, separated by
 * commas, each perhaps followed by `;` parameters, which are ignored. The first instance of each counts
 * (RFC 7240 section 2). Other preferences and values that are not whole numbers are ignored.
 * @param header the header as Node gives it (repeated headers joined with ", "), or undefined
 */
export function parsePrefer (header: string | undefined): Preferences {
  const found: Preferences = {}
  for (const item of (header ?? '').split(',')) {
    const match = /^\s*(code|delay)\s*=\s*("?)(\d+)\2\s*(;|$)/i.exec(item)
    if (match === null) continue
    const [, name, , digits] = match as unknown as [string, string, string, string]
    if (name.toLowerCase() === 'code') found.code ??= Number(digits)
    else found.delayMs ??= Math.min(Number(digits), MAX_DELAY_MS)
  }
  return found
}

/** A response as the routes document it (`jsonResponse`): the example is what that status looks like. */
interface DocumentedResponse {
  content: { 'application/json': { example: unknown } }
}

/** Sends an injected answer: JSON, serialized as it is (not with the route's schema), and WWW-Authenticate on a 401. */
function sendInjected (reply: FastifyReply, status: number, body: unknown): FastifyReply {
  if (status === 401) reply.header('www-authenticate', WWW_AUTHENTICATE)
  return reply.code(status).type('application/json; charset=utf-8').serializer(JSON.stringify).send(body)
}

/**
 * Plugin `faults`: decorates `app.faults` (`createFaults`, drawing from `app.randomSource`) and, on requests to
 * the emulated API's routes (not unknown routes, /__mock, /health, /openapi.*, /docs or CORS preflights), applies in
 * a preHandler hook of each such route,
 * after auth, body parsing and validation, so a 401, 403, 404 or 400 the client should get is never hidden;
 * a rule or a preference replaces the route's handler, so it does hide what the handler would answer:
 * 1. the first fault rule that fires: waits `delayMs`, then destroys the socket (`drop`; journaled with status 0), or answers `status`
 *    with its `body` (default `{ success: false, message, code: "FBM_INJECTED_FAULT" }`), or lets the request run;
 * 2. then the `Prefer` header: `delay=` waits that long; `code=` answers that status with the route's documented
 *    example, if the route documents it as an error (400 or above); otherwise it is ignored, as Prism does.
 * The two delays add up to at most `MAX_DELAY_MS`. Waits end early when the app closes, so a long delay never
 * holds `app.close()`. A request whose client hung up during a delay still runs when the delay ends, and is then
 * journaled with status 0.
 */
const faultsPlugin: FastifyPluginAsync = async (app) => {
  app.decorate('faults', createFaults(() => app.randomSource.draw()))
  app.decorateRequest('faultId', undefined)
  const closing = new AbortController()
  // One abort listener per waiting request: a load test with delays has many waiting at once, which is no leak, so
  // Node's warning past ten listeners is turned off for this signal.
  setMaxListeners(0, closing.signal)
  app.addHook('preClose', async () => closing.abort())
  const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal: closing.signal }).catch(() => {})

  const inject = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const header = request.headers.prefer as string | undefined
    const rule = app.faults.take(requestTarget(request))
    const prefer = parsePrefer(header)
    const delayMs = Math.min((rule?.delayMs ?? 0) + (prefer.delayMs ?? 0), MAX_DELAY_MS)
    if (delayMs > 0) await wait(delayMs)
    if (rule !== undefined) request.faultId = rule.id
    if (rule?.drop === true) {
      request.log.info({ fault: rule.id }, 'fault rule dropped the connection')
      reply.hijack()
      request.raw.socket.destroy()
      // No answer, so no onResponse hook: the journal is told here, with status 0.
      app.journalRequest(request, reply, 0)
      return reply
    }
    // A client that hung up during the delay will get no answer, so no onResponse hook: the journal is told here,
    // with status 0, as for a drop. The request still runs, as a real server's would: a create still creates.
    if (request.raw.socket.destroyed) app.journalRequest(request, reply, 0)
    if (rule?.status !== undefined) {
      const message = `Injected fault ${rule.id}: ${rule.status} ${STATUS_CODES[rule.status] ?? 'Error'}`
      return sendInjected(reply, rule.status, rule.body !== undefined ? rule.body : { success: false, message, code: 'FBM_INJECTED_FAULT' })
    }
    const responses = request.routeOptions.schema?.response as Record<number, DocumentedResponse> | undefined
    const documented = prefer.code !== undefined && prefer.code >= 400 ? responses?.[prefer.code] : undefined
    if (documented !== undefined) return sendInjected(reply, prefer.code as number, documented.content['application/json'].example)
  }
  // A callback hook: no promise per request while there is no rule and no Prefer header. Once the answer is sent
  // (a rule's status, a Prefer code) or the socket dropped, `done` ends the hooks and the handler never runs.
  const hook: preHandlerHookHandler = (request, reply, done) => {
    if (app.faults.isEmpty() && request.headers.prefer === undefined) done()
    else inject(request, reply).then(() => { done() }, done)
  }
  // The routes of the emulated API, so a rule that could never fire (a typo in its path) is refused, not kept silently.
  const routes: Array<{ methods: string[], pattern: string, path: RegExp }> = []
  // A hook of each route of the emulated API, added as the route is: the others never pay for it (issue 13). So a
  // route must be added after this plugin. @fastify/cors's preflight route (OPTIONS *) is added before it, so CORS
  // preflights are never faulted, as the journal leaves them out: a rule's `times` is spent on the request the page
  // makes.
  app.addHook('onRoute', (route) => {
    if (isOwnPath(route.url)) return
    addRouteHook(route, 'preHandler', hook)
    routes.push({ methods: [route.method].flat(), pattern: openApiRoute(route.url), path: routePath(route.url) })
  })
  app.decorate('faultTargetProblem', ({ method, path }: { method?: string, path?: string }) => {
    // Without a path, any route may match: each method a rule may name (FAULT_METHODS) has one.
    if (path === undefined) return undefined
    // A path with `{…}` is a route pattern, and must be one exactly (`{repo}` for `{repoId}` would never match).
    const atPath = routes.filter((route) => route.pattern === path || (!/[{}]/.test(path) && route.path.test(path)))
    if (atPath.length === 0) {
      return `body/path ${JSON.stringify(path)} matches no route of the emulated API; expected a route pattern such as /repo/{repoId}/apikey, or a path one matches (the OpenAPI document lists them)`
    }
    if (method !== undefined && !atPath.some((route) => route.methods.includes(method))) {
      const methods = [...new Set(atPath.flatMap((route) => route.methods))].sort()
      return `body/method ${method}: no route at ${path} takes it; expected one of ${methods.join(', ')}`
    }
    return undefined
  })
}

/**
 * What paths a Fastify route pattern matches: `/repo/:repoId/apikey` as `^/repo/[^/]+/apikey$` (a parameter is a
 * segment). The emulated API has no wildcard routes: a `*` is taken as written.
 */
function routePath (pattern: string): RegExp {
  return new RegExp(`^${pattern.split(/(:\w+)/).map((part) => part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('')}$`)
}

export default fp(faultsPlugin, { name: 'faults', fastify: '5.x', dependencies: ['store', 'journal'] })
