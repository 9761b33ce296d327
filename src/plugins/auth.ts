// Bearer-token auth and repo access, checked in onRequest: before the body is read, parsed or validated.
import fp from 'fastify-plugin'
import crypto from 'node:crypto'
import type { FastifyPluginAsync, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify'
import { addRouteHook } from '../route-hooks.js'
import type { FixtureToken } from '../schemas/fixtures.js'
import { BEARER_TOKEN_PATTERN } from '../schemas/fixtures.js'
import { parseAuthorization, perHeader, tokenDigest } from '../bearer.js'
import { ForbiddenError, InvalidTokenError, RepoNotFoundError, UnauthorizedError } from '../errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The fixture token that authenticated this request; null on public routes. */
    principal: FixtureToken | null
    /** The store's state generation when the request was authorized; -1 on public routes. */
    authGeneration: number
  }
}

const TOKEN = new RegExp(BEARER_TOKEN_PATTERN)

/** A fixture token and the SHA-256 digest of its value. */
interface KnownToken { token: FixtureToken, digest: Buffer }

/**
 * Plugin `auth`. A route needs `Authorization: Bearer <token>` with a fixture token (the store's current
 * tokens) unless its schema's `security` leaves out `bearerAuth`: `security: []` is public (health, OpenAPI),
 * and the control API names its own scheme, which its plugin checks. Unmatched URLs fall through to the 404
 * handler. CORS preflights (OPTIONS) need no token: @fastify/cors answers them, with no CORS headers on the
 * control API.
 *
 * Replies (contract README conventions, RFC 6750):
 * - 401 FBM_UNAUTHORIZED when no Authorization header or a non-Bearer scheme is sent, and 401
 *   FBM_INVALID_TOKEN when a Bearer token is malformed or unknown (the error handler adds WWW-Authenticate);
 * - 403 FBM_FORBIDDEN when the path or the query has a `repoId` the token may not use (a repeated query
 *   repoId is left to validation, which answers 400). A limited token gets 403 for
 *   every repo outside its list, existing or not, so it cannot probe which repos exist;
 * - 404 FBM_REPO_NOT_FOUND when the token may use every repo and the repoId does not exist.
 *
 * Checked again before the handler when the state was replaced since (see the preHandler hook). The checks are
 * hooks of each route that needs them, so a route added before this plugin has none.
 *
 * Tokens are compared as SHA-256 digests with `timingSafeEqual`, against every fixture token, so the
 * time taken does not depend on how much of a token matched or which token it was. The outcome is remembered per
 * Authorization header (the last 64 per state), so a header sent again skips the comparison.
 */
const authPlugin: FastifyPluginAsync = async (app) => {
  // Per state (a new tokens array when it is replaced): what each Authorization header sent lately came to
  // (perHeader), so a client sending the same header again costs a lookup instead of a parse, a SHA-256 and a
  // comparison with every token (issue 13: about a tenth of a request's CPU time). A lookup's time depends only on
  // whether this exact header was sent before, never on a fixture token.
  const states = new WeakMap<readonly FixtureToken[], (header: string) => FixtureToken | null>()
  const tokenOfNow = (): ((header: string) => FixtureToken | null) => {
    const tokens = app.store.tokens()
    let tokenOf = states.get(tokens)
    if (tokenOf === undefined) {
      const digests = tokens.map((token) => ({ token, digest: tokenDigest(token.token) }))
      tokenOf = perHeader((header) => tokenOfHeader(header, digests))
      states.set(tokens, tokenOf)
    }
    return tokenOf
  }
  app.decorateRequest('principal', null)
  app.decorateRequest('authGeneration', -1)

  /** The fixture token a header's bearer token is, or null for a well-formed unknown one; throws a 401 otherwise. */
  const tokenOfHeader = (header: string, digests: KnownToken[]): FixtureToken | null => {
    const { scheme, credentials } = parseAuthorization(header)
    if (scheme.toLowerCase() !== 'bearer') throw new UnauthorizedError('The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"')
    if (!TOKEN.test(credentials)) throw new InvalidTokenError('Malformed bearer token: expected "Authorization: Bearer <token>"')
    const sent = tokenDigest(credentials)
    let match: FixtureToken | null = null
    for (const candidate of digests) {
      if (crypto.timingSafeEqual(candidate.digest, sent)) match = candidate.token
    }
    return match
  }

  const authenticate = (request: FastifyRequest): FixtureToken => {
    const header = request.headers.authorization
    if (header === undefined) throw new UnauthorizedError('Missing bearer token: send "Authorization: Bearer <token>"')
    const match = tokenOfNow()(header)
    if (match === null) throw new InvalidTokenError('Unknown bearer token')
    return match
  }

  /**
   * Authenticates the request and checks its repo against the store's state now.
   * @param repoFilter whether the route's query has a `repoId` filter (GET /repo), read when its path has no repoId
   */
  const authorize = (request: FastifyRequest, repoFilter: boolean): void => {
    request.authGeneration = app.store.generation()
    request.principal = authenticate(request)
    // The repo a request names: its path's, or the repoId filter of a route that has one (GET /repo). Another
    // route's query is not read: POST /repo?repoId=x names no repo.
    const repoId = (request.params as { repoId?: string }).repoId ?? (repoFilter ? (request.query as { repoId?: unknown }).repoId : undefined)
    if (typeof repoId !== 'string') return
    if (request.principal.repos !== '*') {
      if (!request.principal.repos.includes(repoId)) throw new ForbiddenError(repoId)
    } else if (app.store.getRepo(repoId) === undefined) {
      throw new RepoNotFoundError(repoId)
    }
  }

  // The hooks are the routes' own, added as each route is: only routes that need a bearer token pay for them, and
  // they never ask which route they are on (issue 13). So a route must be added after this plugin.
  app.addHook('onRoute', (route) => {
    const security = route.schema?.security
    // @fastify/cors's preflight route (OPTIONS *) is added before this plugin, so it gets no check: a preflight carries
    // no credentials by design.
    if (security !== undefined && !security.some((scheme) => 'bearerAuth' in scheme)) return
    const filters = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined
    const repoFilter = filters?.properties?.repoId !== undefined
    // Callback hooks: no promise per request.
    const run = (request: FastifyRequest, done: (err?: Error) => void): void => {
      try {
        authorize(request, repoFilter)
      } catch (err) {
        done(err as Error)
        return
      }
      done()
    }
    const check: onRequestHookHandler = (request, _reply, done) => { run(request, done) }
    // A request whose body was still arriving when the state was replaced (PUT /__mock/state, a reset) is
    // checked again against the new state before it runs, so a token or repo that is gone cannot write into it.
    const recheck: preHandlerHookHandler = (request, _reply, done) => {
      if (request.authGeneration === app.store.generation()) done()
      else run(request, done)
    }
    addRouteHook(route, 'onRequest', check)
    addRouteHook(route, 'preHandler', recheck)
  })
}

export default fp(authPlugin, { name: 'auth', fastify: '5.x', dependencies: ['store'] })
