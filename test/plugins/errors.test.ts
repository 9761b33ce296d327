// The one error shape, for Fastify's own errors and for routes that throw: always JSON, never a stack.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import type { Socket } from 'node:net'
import errorsPlugin, { clientErrorHandler } from '../../src/plugins/errors.js'
import jsonBodyPlugin from '../../src/plugins/json-body.js'
import { build, call, captureLogs, DEV_TOKEN, serve } from '../helper.js'
import type { MockServerOptions } from '../../src/index.js'
import { rawBody, rawConnect, rawRequest } from '../raw-socket.js'

const url = '/repo/repo-a/apikey'

t.test('invalid JSON is a 400 that says so, and where, as an editor counts lines and columns', async (t) => {
  const app = await build(t)
  const cases: Array<[string, string]> = [
    ['{"name":', ''],
    ['   ', ''],
    ['{name: "n"}', ' at line 1, column 2'],
    ['{"name":"n","accessType":"READ"} trailing', ' at line 1, column 34'],
    ['{\n  "name": "n",\n  "accessType": "READ",\n}', ' at line 4, column 1'],
    ['{"a":1,\r\n\t}', ' at line 2, column 2'],
    // A lone CR ends a line too (an editor shows one there); CRLF is one line break, not two.
    ['{"a":1,\r\r\n  }', ' at line 3, column 3'],
    // Two byte-order marks: UTF-8 decoding drops the first; an editor shows the second, which the parser skips.
    ['\uFEFF\uFEFF{\n,}', ' at line 2, column 1'],
    ['\uFEFF\uFEFF{,}', ' at line 1, column 3'],
    ['{"😀":1,}', ' at line 1, column 9'],
    // V8 quotes the body here and gives no position, though the quote says "at position 15".
    ['[x,"at position 15"]', '']
  ]
  for (const [payload, where] of cases) {
    const res = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
    t.equal(res.statusCode, 400, payload)
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), { success: false, message: `Request body is not valid JSON${where}`, code: 'FBM_INVALID_JSON' })
  }
})

t.test('a content type other than JSON is a 415 that names it', async (t) => {
  const app = await build(t)
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await call(app, { method: 'POST', url, headers: { 'content-type': type }, payload: 'name=n' })
    t.equal(res.statusCode, 415, type)
    t.same(res.json(), { success: false, message: `Unsupported Content-Type ${JSON.stringify(type)}: send application/json`, code: 'FBM_UNSUPPORTED_MEDIA_TYPE' })
  }
})

t.test('a body without a Content-Type is a 415 that says which one to send', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url, payload: '{"name":"n","accessType":"READ"}', headers: { 'content-type': undefined as unknown as string } })
  t.equal(res.statusCode, 415)
  t.same(res.json(), { success: false, message: 'A request body needs Content-Type: application/json', code: 'FBM_UNSUPPORTED_MEDIA_TYPE' })
})

t.test('URLs the router rejects get the error shape: bad percent-encoding 400, a path parameter over 500 characters 414', async (t) => {
  const app = await build(t)
  const bad = await call(app, { method: 'GET', url: '/repo/%zz/apikey', headers: { origin: 'http://localhost:5173' } })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { success: false, message: 'The URL has a malformed percent-encoding', code: 'FBM_BAD_URL' })
  t.equal(bad.headers['access-control-allow-origin'], 'http://localhost:5173', 'a browser may read it')
  const long = await call(app, { method: 'GET', url: `/repo/${'a'.repeat(501)}/apikey` })
  t.equal(long.statusCode, 414)
  t.same(long.json(), { success: false, message: 'A path parameter is longer than 500 characters', code: 'FBM_URI_TOO_LONG' })
  const longest = await call(app, { method: 'GET', url: `/repo/${'a'.repeat(500)}/apikey` })
  t.equal(longest.statusCode, 404, 'a 500-character repoId reaches the route')
  const journal = (await app.inject('/__mock/requests')).json().requests as Array<Record<string, unknown>>
  t.match(journal, [
    { method: 'GET', url: '/repo/%zz/apikey', route: null, status: 400, headers: { origin: 'http://localhost:5173' } },
    { method: 'GET', url: `/repo/${'a'.repeat(501)}/apikey`, route: null, status: 414 },
    { route: '/repo/{repoId}/apikey', status: 404 }
  ], 'the journal records them, once each')
  t.equal(journal.length, 3)
  for (const own of ['/__mock/%zz', '/%5F%5Fmock/faults/%zz', '/docs/%zz', '/docs/static/%zz', '/docs/nope']) {
    const res = await call(app, { method: 'GET', url: own, headers: { origin: 'http://localhost:5173' } })
    t.equal(res.headers['access-control-allow-origin'], own.startsWith('/docs') ? 'http://localhost:5173' : undefined, `${own}: CORS as its path`)
  }
  t.equal((await app.inject('/__mock/requests')).json().requests.length, 3, 'not one to the control API or the docs, percent-encoded or not')
  await call(app, { method: 'GET', url: '/repo/%zz/apikey?a=1&b=2&b=3' })
  t.match((await app.inject('/__mock/requests')).json().requests.at(-1), { status: 400, query: { a: '1', b: ['2', '3'] } }, 'its query, read as Fastify reads one')
})

t.test('a body over 1 MiB is a 413 that gives the limit in bytes', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url, payload: { name: 'x'.repeat(1024 * 1024), accessType: 'READ' } })
  t.equal(res.statusCode, 413)
  t.same(res.json(), { success: false, message: 'Request body is larger than the 1048576-byte limit', code: 'FBM_BODY_TOO_LARGE' })
})

t.test('an unknown route is a JSON 404 naming method and path, without the query', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'GET', url: '/nope/here?token=x' })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { success: false, message: 'Route GET /nope/here not found', code: 'FBM_ROUTE_NOT_FOUND' })
})

t.test('errors thrown by a route: 500s are generic and logged, client errors keep status and message', async (t) => {
  const logs = captureLogs()
  const app = Fastify({ logger: { stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errorsPlugin)
  await app.register(jsonBodyPlugin)
  app.get('/boom', async () => { throw new Error('database password is hunter2') })
  app.get('/teapot', async () => { throw Object.assign(new Error('I am a teapot'), { statusCode: 418 }) })
  app.get('/coded', async () => { throw Object.assign(new Error('Range not satisfiable'), { statusCode: 416, code: 'FST_ERR_SOMETHING' }) })
  app.get('/unavailable', async () => { throw Object.assign(new Error('busy'), { statusCode: 503 }) })

  const boom = await app.inject('/boom')
  t.equal(boom.statusCode, 500)
  t.same(boom.json(), { success: false, message: 'Internal server error', code: 'FBM_INTERNAL' })
  t.match(logs.lines.find((l) => l.msg === 'unexpected error'), { level: 50, err: { message: 'database password is hunter2' } }, 'the details are in the log')
  t.same((await app.inject('/teapot')).json(), { success: false, message: 'I am a teapot', code: 'FBM_BAD_REQUEST' })
  t.equal((await app.inject('/teapot')).statusCode, 418)
  t.same((await app.inject('/coded')).json(), { success: false, message: 'Range not satisfiable', code: 'FBM_BAD_REQUEST' })
  t.equal((await app.inject('/unavailable')).statusCode, 500)
})

t.test('the server keeps working after every kind of error', async (t) => {
  const app = await build(t)
  await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{' })
  await call(app, { method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'x' })
  const res = await call(app, { method: 'POST', url, payload: { name: 'after', accessType: 'READ' } })
  t.equal(res.statusCode, 200)
  t.same(app.store.listKeys('repo-a').map((k) => k.name), ['existing', 'after'])
})

/** Starts a mock (startMockServer) on a free loopback port; resolves with its URL. */
async function listening (t: Test, options: MockServerOptions = {}): Promise<string> {
  return (await serve(t, options)).url
}

t.test('requests Node cannot parse get the error shape over a real socket, and their bytes are not logged', async (t) => {
  const logs = captureLogs()
  const url = await listening(t, { logLevel: 'trace', logStream: logs.stream })
  const badHeader = await rawRequest(url, `GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nX-Bad: a\u0001b\r\n\r\n`)
  t.match(badHeader, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(badHeader, /content-type: application\/json/i)
  t.same(rawBody(badHeader), { success: false, message: 'Malformed HTTP request', code: 'FBM_BAD_REQUEST' })
  const bigHeader = await rawRequest(url, `GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(bigHeader, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.match(bigHeader, /"message":"The request headers are larger than 16 KiB"/)
  t.match(logs.lines.filter((l) => l.msg === 'client error'), [{ level: 30, statusCode: 400, msg: 'client error' }, { level: 30, statusCode: 431, msg: 'client error' }], 'each failure is logged at info with its status')
  t.notOk(logs.leaks(DEV_TOKEN), 'the token is not, neither as text nor as the raw packet\'s bytes')
})

t.test('a request answered before its body turned out malformed gets one answer, not two', async (t) => {
  const connection = await rawConnect(await listening(t), 'POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n')
  await connection.waitFor(/^HTTP\/1\.1 401 /)
  connection.socket.write('zz\r\n')
  t.same((await connection.closed()).match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401'])
})

t.test('what Node would answer with an empty body gets the error shape: Expect, CONNECT', async (t) => {
  const url = await listening(t)
  const expect = await rawRequest(url, 'GET /health HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nConnection: close\r\n\r\n')
  t.match(expect, /^HTTP\/1\.1 417 Expectation Failed\r\n/)
  t.same(rawBody(expect), { success: false, message: 'Expect: tea is not supported; only 100-continue is', code: 'FBM_BAD_REQUEST' })
  const tunnel = await rawRequest(url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
  t.match(tunnel, /^HTTP\/1\.1 405 Method Not Allowed\r\n/)
  t.same(rawBody(tunnel), { success: false, message: 'CONNECT is not supported: this is an HTTP API, not a proxy', code: 'FBM_BAD_REQUEST' })
})

t.test('an HTTP/1.1 request without a Host header is served', async (t) => {
  const answer = await rawRequest(await listening(t), 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
  t.same(rawBody(answer), { status: 'ok' })
})

t.test('client errors: a timeout is a 408; a reset or already closed socket gets nothing written', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const fakeSocket = (overrides: Record<string, unknown> = {}): Socket & { written: string[] } => {
    const written: string[] = []
    return Object.assign({ destroyed: false, writable: true, written, write (s: string) { written.push(s); return true }, destroy () {} }, overrides) as never
  }
  const timeout = fakeSocket()
  clientErrorHandler.call(app, Object.assign(new Error('t'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), timeout)
  t.match(timeout.written[0], /^HTTP\/1\.1 408 Request Timeout\r\n[^]*"message":"The request was not received in time"/)
  for (const [err, socket] of [
    [Object.assign(new Error('r'), { code: 'ECONNRESET' }), fakeSocket()],
    [new Error('x'), fakeSocket({ destroyed: true })],
    [new Error('x'), fakeSocket({ writable: false })]
  ] as const) {
    clientErrorHandler.call(app, err, socket)
    t.same(socket.written, [])
  }
})

t.test('after an early answer the connection stays open while the client sends the rest of its body, then serves the next request', async (t) => {
  const server = await serve(t)
  const size = 5 * 1024 * 1024
  const head = `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not-a-known-token\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`
  const connection = await rawConnect(server.url, head + 'x'.repeat(64 * 1024))
  const answer = await connection.waitFor(/^HTTP\/1\.1 401 [^]*\r\n\r\n\{[^}]*\}$/)
  t.notMatch(answer, /connection: close/i, 'the answer does not end the connection')
  // The rest of the body, then a second request on the same connection.
  for (let sent = 64 * 1024; sent < size; sent += 1024 * 1024) connection.socket.write('x'.repeat(Math.min(1024 * 1024, size - sent)))
  connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  const all = await connection.closed()
  t.same(all.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401', 'HTTP/1.1 200'], 'the body was discarded unread, and the next request answered')
  const chunked = await rawConnect(server.url, 'POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n')
  t.match(await chunked.closed(), /^HTTP\/1\.1 401 [^]*connection: close/i, 'a body with no length to frame it still ends the connection')
})

t.test('a client that stops sending its body is cut off with a 408 after the request timeout, early answer or not', async (t) => {
  const app = await build(t, { requestTimeout: 300 })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const half = await rawConnect(url, `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"name":"half`)
  t.match(await half.closed(), /^HTTP\/1\.1 408 [^]*"message":"The request body was not received in time"/, 'a half body: 408, then the connection ends')
  const afterEarly = await rawConnect(url, 'POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"name":"x')
  const text = await afterEarly.closed()
  t.same(text.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401'], 'after an early 401 the rest never came: the connection ends, without a second answer')
  t.equal((await fetch(`${url}/health`)).status, 200, 'the server goes on')
  // Found by a mutation pass: Content-Length: 0 is no body, so a request that waits longer than the timeout (here on a
  // Prefer delay) is not cut off. fetch would drop the header on a GET: a raw socket sends it.
  const empty = await rawConnect(url, `GET /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Length: 0\r\nPrefer: delay=800\r\nConnection: close\r\n\r\n`)
  t.match(await empty.closed(), /^HTTP\/1\.1 200 /, 'Content-Length: 0 and a delay past the timeout: 200')
})

t.test('a fragment with a bad percent-encoding (the router never reads it) is not a 500: found by an attack pass', async (t) => {
  const logs = captureLogs()
  const server = await serve(t, { logLevel: 'info', logStream: logs.stream })
  await server.addFault({ path: '/repo', delayMs: 1 })
  for (const target of ['/health#%ZZ', '/repo#%E0', '/__mock/state#%ZZ']) {
    const answer = await rawRequest(server.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nPrefer: delay=1\r\nConnection: close\r\n\r\n`)
    t.match(answer, /^HTTP\/1\.1 200 OK\r\n/, target)
  }
  t.same(logs.lines.filter((l) => Number(l.level) >= 50), [], 'nothing logged as an error')
  t.match(await server.requests({ path: '/repo' }), [{ fault: 'fault-1', status: 200 }], 'journaled, and the fault rule ran')
})
