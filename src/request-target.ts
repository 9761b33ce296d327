// What a request is aimed at, in the terms the request journal and fault rules match on.
import type { FastifyRequest } from 'fastify'
import { CONTROL_PREFIX, CONTROL_URL } from './schemas/control.js'
import { DOCS_PATH } from './schemas/common.js'

/** The mock's own routes outside the control API, which are not the emulated API either. */
const OWN_ROUTES = new Set(['/health', '/openapi.json', '/openapi.yaml'])

/** The docs UI's paths: `/docs` and everything under it. */
const DOCS_URL = new RegExp(`^${DOCS_PATH}(/|$)`)

/** The route pattern the router matched (`/repo/:repoId/apikey`), or undefined for an unknown route. */
export const matchedRoute = (request: FastifyRequest): string | undefined => request.is404 ? undefined : request.routeOptions.url

/**
 * The path as the router reads it, percent-decoded once. A path that does not decode is answered 400 FBM_BAD_URL by
 * the router (and recorded by the journal), and the router never reads a fragment, so `/health#%ZZ` gets here too:
 * a segment that does not decode is kept as sent, so `/%5F%5Fmock/faults/%zz` is still under `/__mock`.
 */
function decodedPath (url: string): string {
  const path = url.split('?')[0] as string
  try {
    return decodeURIComponent(path)
  } catch {
    return path.split('/').map((segment) => {
      try {
        return decodeURIComponent(segment)
      } catch {
        return segment
      }
    }).join('/')
  }
}

/**
 * Whether a request is to the control API: by its path, percent-decoded as the router decodes it, so
 * `/%5F%5Fmock/state` counts (CORS preflights included, which match @fastify/cors's own `*` route), and by
 * the route the router matched.
 */
export const isControlRequest = (request: FastifyRequest): boolean =>
  CONTROL_URL.test(decodedPath(request.url)) || matchedRoute(request)?.startsWith(CONTROL_PREFIX) === true

/** Whether a path is one of the mock's own, which fault rules never touch: a rule naming it is a mistake. */
export const isOwnPath = (path: string): boolean => CONTROL_URL.test(path) || OWN_ROUTES.has(path) || DOCS_URL.test(path)

/**
 * Whether a request is to the mock's own routes (the control API, /health, /openapi.*, /docs), not the emulated API.
 * @param route the route it matched (`matchedRoute`), when the caller has it already
 */
export const isOwnRoute = (request: FastifyRequest, route = matchedRoute(request)): boolean => {
  // A matched route without a wildcard names its path itself, so the URL need not be decoded (issue 13: decoding
  // it was about 1% of a request's CPU time); an unknown route or a wildcard one is judged by its path too.
  if (route !== undefined && !route.includes('*')) return isOwnPath(route)
  return isControlRequest(request) || DOCS_URL.test(decodedPath(request.url))
}

/** A request's method, its path without the query, and its route pattern. */
export interface RequestTarget {
  method: string
  /** Path without the query, as sent. */
  path: string
  /** Route pattern in OpenAPI's spelling, `/repo/{repoId}/apikey`. */
  route: string
}

/** A URL's path, without the query, as sent. */
export const pathOf = (url: string): string => url.split('?')[0] as string

/** A route pattern in OpenAPI's spelling: Fastify's `/repo/:repoId/apikey` is `/repo/{repoId}/apikey`. */
export const openApiRoute = (pattern: string): string => pattern.replace(/:(\w+)/g, '{$1}')

/** The method, path and route pattern of a request the router matched, for the fault rules and error messages. */
export const requestTarget = (request: FastifyRequest): RequestTarget => ({
  method: request.method,
  path: pathOf(request.url),
  route: openApiRoute(String(request.routeOptions.url))
})

/** Whether a filter path names this target: its exact path, or its route pattern. */
export const pathMatches = (filter: string, target: { path: string, route: string | null }): boolean =>
  filter === target.path || filter === target.route
