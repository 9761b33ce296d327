// Hooks of one route, added from an onRoute hook.
import type { RouteOptions } from 'fastify'

/** The lifecycle hooks a route's options may carry. */
type RouteHookName = 'onRequest' | 'preValidation' | 'preHandler' | 'onSend' | 'onResponse'

/**
 * Adds `hook` after the hooks a route already has under `name`, in a new array: Fastify copies a GET route's options
 * for its HEAD route before the onRoute hooks run, so changing the array in place would give that route the hook twice.
 * Fastify runs a route's own hooks after the app's, in the order they were added.
 * @param route the options an onRoute hook receives; changed in place
 */
export function addRouteHook<Name extends RouteHookName> (route: RouteOptions, name: Name, hook: NonNullable<RouteOptions[Name]>): void {
  const existing = route[name] as unknown
  const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  route[name] = [...hooks, hook] as RouteOptions[Name]
}
