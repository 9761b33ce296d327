// The assembled app: CORS for browser frontends (answered before auth) and request logging.
import t from 'tap'
import { build, call, captureLogs, DEV_TOKEN, LIMITED_TOKEN } from './helper.js'
import { routeSchemaKey } from '../src/app.js'

const origin = 'http://localhost:5173'

t.test('CORS preflight is answered before auth, reflecting the origin and allowing the SDK\'s headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({
    method: 'OPTIONS',
    url: '/repo/repo-a/apikey',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,prefer' }
  })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], origin)
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/)
  for (const header of ['authorization', 'content-type', 'prefer']) t.ok(allowed.includes(header), header)
  t.match(String(res.headers['access-control-allow-methods']), /POST/)
})

t.test('CORS preflight allows every method the API uses, PUT and DELETE included', async (t) => {
  const app = await build(t)
  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/repo/repo-a/apikey/key-a1',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' }
    })
    t.equal(res.statusCode, 204, method)
    t.ok(String(res.headers['access-control-allow-methods']).split(/\s*,\s*/).includes(method), method)
  }
})

t.test('issue 11: a preflight is allowed whatever headers and method it asks for (tracing headers included), and says it varies by them', async (t) => {
  const app = await build(t)
  for (const [method, headers] of [['GET', 'authorization,sentry-trace,baggage'], ['POST', 'authorization,content-type,traceparent,tracestate,x-request-id'], ['PATCH', 'x-custom']]) {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/repo/repo-photos/apikey',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers }
    })
    t.equal(res.statusCode, 204)
    t.equal(res.headers['access-control-allow-headers'], headers, 'the headers asked for')
    t.equal(res.headers['access-control-allow-methods'], method, 'the method asked for')
    t.match(String(res.headers.vary), /Origin.*Access-Control-Request-Headers/)
  }
  const bare = await app.inject({ method: 'OPTIONS', url: '/repo', headers: { origin } })
  t.equal(bare.headers['access-control-allow-methods'], 'GET, HEAD, POST, PUT, DELETE', 'a preflight naming no method hears the API\'s')
})

t.test('--cors-origin: only the listed origins get CORS headers, on preflights, answers and framework errors', async (t) => {
  const app = await build(t, { corsOrigin: ['http://localhost:5173', 'http://127.0.0.1:5173'] })
  const preflight = (from: string): Promise<{ headers: Record<string, unknown> }> =>
    app.inject({ method: 'OPTIONS', url: '/repo', headers: { origin: from, 'access-control-request-method': 'GET' } })
  t.equal((await preflight('http://127.0.0.1:5173')).headers['access-control-allow-origin'], 'http://127.0.0.1:5173')
  t.notOk('access-control-allow-origin' in (await preflight('http://evil.test')).headers, 'another origin is not allowed')
  const listed = await app.inject({ url: '/repo', headers: { origin } })
  t.equal(listed.headers['access-control-allow-origin'], origin)
  const other = await app.inject({ url: '/repo', headers: { origin: 'http://evil.test' } })
  t.notOk('access-control-allow-origin' in other.headers)
  const badUrl = (from: string): Promise<{ statusCode: number, headers: Record<string, unknown> }> => app.inject({ url: '/repo/%zz/apikey', headers: { origin: from } })
  t.equal((await badUrl(origin)).headers['access-control-allow-origin'], origin, 'a 400 from the router, before any hook, follows the list')
  t.notOk('access-control-allow-origin' in (await badUrl('http://evil.test')).headers)
})

t.test('errors raised before routing on the control API get no CORS headers either (found by an attack pass)', async (t) => {
  const app = await build(t)
  for (const url of ['/__mock/faults/%ZZ', `/__mock/faults/${'a'.repeat(600)}`]) {
    const res = await app.inject({ method: 'DELETE', url, headers: { origin: 'http://evil.test' } })
    t.ok(res.statusCode === 400 || res.statusCode === 414, url.slice(0, 30))
    t.notOk(Object.keys(res.headers).some((name) => name.startsWith('access-control-')), url.slice(0, 30))
  }
})

t.test('--no-cors: no CORS header anywhere, and a preflight is an unknown route', async (t) => {
  const app = await build(t, { cors: false })
  const preflight = await app.inject({ method: 'OPTIONS', url: '/repo', headers: { origin, 'access-control-request-method': 'GET' } })
  t.equal(preflight.statusCode, 404)
  for (const url of ['/repo', '/repo/%zz/apikey', '/health']) {
    const res = await app.inject({ url, headers: { origin } })
    t.notOk(Object.keys(res.headers).some((name) => name.startsWith('access-control-')), url)
  }
})

t.test('an OPTIONS request that is not a preflight gets 204, not a text/plain error', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: '/repo/repo-a/apikey' })
  t.equal(res.statusCode, 204)
})

t.test('CORS headers are on successes and on 401s, and WWW-Authenticate is readable by the page', async (t) => {
  const app = await build(t)
  const ok = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: { origin }, payload: { name: 'n', accessType: 'READ' } })
  t.equal(ok.headers['access-control-allow-origin'], origin)
  const denied = await app.inject({ method: 'POST', url: '/repo/repo-a/apikey', headers: { origin } })
  t.equal(denied.statusCode, 401)
  t.equal(denied.headers['access-control-allow-origin'], origin)
  t.match(String(denied.headers['access-control-expose-headers']), /WWW-Authenticate/i)
})

t.test('one JSON log line per request, and an error after the answer is logged as such', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'info', logStream })
  app.addHook('onResponse', async (request) => { if (request.url === '/health?fail') throw new Error('hook failed') })
  await app.inject('/openapi.json')
  t.match(lines, [{ level: 30, msg: 'request completed', method: 'GET', url: '/openapi.json', statusCode: 200, responseTimeMs: Number }])
  t.match(String(lines[0]?.responseTimeMs), /^\d+(\.\d{1,3})?$/, 'the time taken is in ms, to the µs')
  t.equal(lines.length, 1)
  await app.inject('/health?fail')
  t.match(lines[1], { level: 50, msg: 'request errored', url: '/health?fail', err: { message: 'hook failed' } })
  await app.inject('/health')
  t.equal(lines.length, 2, 'a successful health check is not logged at info')
})

t.test('health checks are logged at debug', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'debug', logStream })
  await app.inject('/health')
  t.match(lines, [{ level: 20, msg: 'request completed', url: '/health', statusCode: 200 }])
})

t.test('at trace, each request is also logged as it arrives, with its headers and the credentials redacted', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'trace', logStream })
  await call(app, { method: 'GET', url: '/repo/repo-a/apikey', headers: { 'x-request-id': 'abc', 'proxy-authorization': 'Basic cHJveHk6cGFzcw==' } })
  await app.inject({ method: 'GET', url: '/health' })
  const received = lines.filter((l) => l.msg === 'request received')
  t.match(received, [
    { level: 10, method: 'GET', url: '/repo/repo-a/apikey', headers: { authorization: '[redacted]', 'proxy-authorization': '[redacted]', 'x-request-id': 'abc' } },
    { level: 10, method: 'GET', url: '/health' }
  ])
  t.notOk('authorization' in (received[1]?.headers as object) || 'proxy-authorization' in (received[1]?.headers as object), 'none is added to a request without one')
  t.notOk(JSON.stringify(lines).includes('cHJveHk6cGFzcw=='), 'the proxy credentials are not logged')
  t.ok(lines.findIndex((l) => l.msg === 'request received') < lines.findIndex((l) => l.msg === 'request completed'), 'before the answer')
})

t.test('below trace, no line is logged as a request arrives', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'debug', logStream })
  await call(app, { method: 'GET', url: '/repo/repo-a/apikey' })
  t.same(lines.map((l) => l.msg), ['request completed'])
})

t.test('no token, secret or admin token appears in any log line of a full flow at trace, as text or as bytes', async (t) => {
  const logs = captureLogs()
  const adminToken = 'the-admin-token-of-this-flow'
  const app = await build(t, { logLevel: 'trace', logStream: logs.stream, adminToken })
  const admin = { authorization: `Bearer ${adminToken}` }
  const created = (await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'k', accessType: 'WRITE', secret: 'sent-by-a-client' } })).json()
  await call(app, { method: 'GET', url: '/repo/repo-a/apikey' })
  await call(app, { method: 'PUT', url: `/repo/repo-a/apikey/${created.id}`, payload: { name: 'r', accessType: 'READ' } })
  await app.inject({ method: 'GET', url: '/repo', headers: { authorization: 'Bearer some-unknown-token' } })
  await app.inject({ method: 'GET', url: '/repo', headers: { authorization: `Basic ${Buffer.from(`user:${DEV_TOKEN}`).toString('base64')}` } })
  await app.inject({ method: 'GET', url: '/__mock/requests', headers: admin })
  await app.inject({ method: 'GET', url: '/__mock/state', headers: admin })
  await app.inject({ method: 'POST', url: '/__mock/faults', headers: admin, payload: { status: 503, times: 1 } })
  await call(app, { method: 'DELETE', url: `/repo/repo-a/apikey/${created.id}` })
  await app.inject({ method: 'POST', url: '/__mock/reset', headers: { authorization: 'Bearer wrong-admin-token' } })
  await app.inject({ method: 'POST', url: '/__mock/reset', headers: admin })
  // Proxy-Authorization carries credentials too (found by an attack pass): not logged, and not in the journal.
  await call(app, { method: 'GET', url: '/repo', headers: { 'proxy-authorization': 'Bearer proxy-s3cret' } })
  const journal = (await app.inject({ method: 'GET', url: '/__mock/requests?path=/repo', headers: admin })).json()
  t.equal(journal.requests.at(-1).headers['proxy-authorization'], '[redacted]')
  t.ok(logs.lines.length > 20, `${logs.lines.length} lines at trace`)
  for (const secret of [DEV_TOKEN, LIMITED_TOKEN, adminToken, 'some-unknown-token', 'wrong-admin-token', created.secret, 'sent-by-a-client', 'proxy-s3cret']) {
    t.notOk(logs.leaks(secret), `${secret.slice(0, 12)}… is not logged`)
  }
})

t.test('routeSchemaKey: one key per route, request part or answer status, and content type (the build\'s precompiled routes)', async (t) => {
  t.equal(routeSchemaKey({ method: 'POST', url: '/repo/:repoId/apikey', httpPart: 'body' }), 'POST /repo/:repoId/apikey body')
  t.equal(routeSchemaKey({ method: 'POST', url: '/repo/:repoId/apikey', httpStatus: '200', contentType: 'application/json' }), 'POST /repo/:repoId/apikey 200 application/json')
  const bodies = ['application/json', 'text/plain'].map((contentType) => routeSchemaKey({ method: 'POST', url: '/x', httpPart: 'body', contentType }))
  t.equal(new Set(bodies).size, 2, 'a body schema per content type has a key of its own')
})
