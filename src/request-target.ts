// What a request is aimed at, in the terms the request journal and fault rules match on.
import type { FastifyRequest } from 'fastify'
import { CONTROL_URL } from './schemas/control.js'

/** The mock's own routes outside the control API, which are not the emulated API either. */
const OWN_ROUTES = /^\/(health|openapi\.(json|yaml))(\?|$)/

/** Whether a URL (path and query) is one of the mock's own: the control API, /health or /openapi.*. */
export const isOwnUrl = (url: string): boolean => CONTROL_URL.test(url) || OWN_ROUTES.test(url)

/** A request's method, its path without the query, and its route pattern. */
export interface RequestTarget {
  method: string
  /** Path without the query, as sent. */
  path: string
  /** Route pattern in OpenAPI's spelling, `/repo/{repoId}/apikey`; null when no route matched. */
  route: string | null
}

/** The method, path and route pattern of a request, for the journal's and the fault rules' path filters. */
export const requestTarget = (request: FastifyRequest): RequestTarget => ({
  method: request.method,
  path: request.url.split('?')[0] as string,
  route: request.is404 ? null : String(request.routeOptions.url).replace(/:(\w+)/g, '{$1}')
})

/** Whether a filter path names this target: its exact path, or its route pattern. */
export const pathMatches = (filter: string, target: { path: string, route: string | null }): boolean =>
  filter === target.path || filter === target.route
