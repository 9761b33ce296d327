// /docs: the docs UI is public, serves the same document as /openapi.json, and is the mock's own route.
import t from 'tap'
import { createRequire } from 'node:module'
import diagnostics from 'node:diagnostics_channel'
import { request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { build, DEV_TOKEN } from '../helper.js'

// First in this file: the tests below load the UI into this process.
t.test('issue 13: the docs UI is loaded on its first request, not at start, and answers as it did when loaded at start', async (t) => {
  const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('@fastify/swagger-ui'))
  const app = await build(t)
  await app.ready()
  t.notOk(loaded(), 'not loaded by a started app')
  // Fastify announces every instance it creates on this channel: the UI's app must be created once.
  const created: unknown[] = []
  const onCreate = (message: unknown): void => { created.push(message) }
  diagnostics.subscribe('fastify.initialization', onCreate)
  t.teardown(() => diagnostics.unsubscribe('fastify.initialization', onCreate))
  const [first, second] = await Promise.all([app.inject('/docs/'), app.inject('/docs/')])
  t.same([first.statusCode, second.statusCode], [200, 200])
  t.ok(loaded(), 'loaded by the first request')
  const bare = await app.inject('/docs')
  t.same([bare.statusCode, bare.headers['content-type']], [200, 'text/html; charset=utf-8'], '/docs without the slash too')
  t.match(bare.body, /swagger-ui/)
  t.equal(created.length, 1, 'two first requests at once, and one after, share one UI app')

  const asset = await app.inject('/docs/static/swagger-ui.css')
  t.equal(asset.headers['content-type'], 'text/css; charset=utf-8')
  const head = await app.inject({ method: 'HEAD', url: '/docs/static/swagger-ui.css' })
  t.same([head.statusCode, head.headers['content-length'], head.body], [200, String(asset.rawPayload.length), ''], 'HEAD: the length, no body')
  const cached = await app.inject({ url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': String(asset.headers.etag) } })
  t.same([cached.statusCode, cached.body], [304, ''], 'a cached asset is not sent again')
  const redirect = await app.inject('/docs/static/index.html')
  t.same([redirect.statusCode, redirect.headers.location, redirect.headers['content-type']], [302, '/docs/', undefined])

  const missing = await app.inject('/docs/no-such-file')
  t.same([missing.statusCode, missing.json()], [404, { success: false, message: 'Route GET /docs/no-such-file not found', code: 'FBM_ROUTE_NOT_FOUND' }], 'an unknown path under /docs is the mock\'s 404')
})

t.test('/docs is public, whatever Authorization is sent, and loads the same document as /openapi.json', async (t) => {
  const app = await build(t)
  for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic eDp5' }]) {
    const page = await app.inject({ url: '/docs/', headers })
    t.equal(page.statusCode, 200, JSON.stringify(headers))
    t.match(page.body, /swagger-ui/)
  }
  t.equal((await app.inject('/docs/static/swagger-ui-bundle.js')).statusCode, 200, 'its assets come from the package')
  t.same((await app.inject('/docs/json')).json(), (await app.inject('/openapi.json')).json())
  t.notOk(Object.keys((await app.inject('/openapi.json')).json().paths).some((path) => path.startsWith('/docs')), 'and is not in the document')
})

t.test('/docs is the mock\'s own route: not in the request journal, and no fault rule may name it', async (t) => {
  const app = await build(t)
  await app.inject('/docs/')
  await app.inject('/docs')
  await app.inject({ url: '/repo', headers: { authorization: `Bearer ${DEV_TOKEN}` } })
  t.same((await app.inject('/__mock/requests')).json().requests.map((r: { path: string }) => r.path), ['/repo'])
  for (const path of ['/docs', '/docs/json']) {
    const rule = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { path, status: 500 } })
    t.same([rule.statusCode, rule.json().message], [400, `body/path ${path} is the mock's own route, which fault rules never touch`], path)
  }
})

t.test('issue 13: over a socket, the docs UI\'s answer keeps this connection\'s own Connection header', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const res = await new Promise<IncomingMessage>((resolve, reject) => request({ port, host: '127.0.0.1', path: '/docs/', headers: { connection: 'close' } }, resolve).on('error', reject).end())
  res.resume()
  await once(res, 'end')
  t.same([res.statusCode, res.headers.connection], [200, 'close'], 'a client asking to close is told close, not the inner app\'s keep-alive')
})
