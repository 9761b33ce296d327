// addRouteHook: hooks added to a route from an onRoute hook.
import t from 'tap'
import Fastify, { type onRequestHookHandler } from 'fastify'
import { addRouteHook } from '../src/route-hooks.js'

t.test('a hook added from onRoute runs after the route\'s own hooks, once per request, on its HEAD route too', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const ran: string[] = []
  const hook = (name: string): onRequestHookHandler => (request, _reply, done) => { ran.push(`${name} ${request.method}`); done() }
  app.addHook('onRoute', (route) => { addRouteHook(route, 'onRequest', hook('added')) })
  app.get('/one', { onRequest: hook('own') }, async () => 'one')
  app.get('/two', { onRequest: [hook('first'), hook('second')] }, async () => 'two')
  app.get('/none', async () => 'none')
  for (const [method, url] of [['GET', '/one'], ['HEAD', '/one'], ['GET', '/two'], ['HEAD', '/two'], ['GET', '/none']] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 200, `${method} ${url}`)
  }
  t.same(ran, ['own GET', 'added GET', 'own HEAD', 'added HEAD', 'first GET', 'second GET', 'added GET', 'first HEAD', 'second HEAD', 'added HEAD', 'added GET'])
})
