// The one error shape, for Fastify's own errors and for routes that throw: always JSON, never a stack.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { Writable } from 'node:stream'
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import errorsPlugin, { clientErrorHandler } from '../../src/plugins/errors.js'
import jsonBodyPlugin from '../../src/plugins/json-body.js'
import { build, call, DEV_TOKEN } from '../helper.js'

const url = '/repo/repo-a/apikey'

t.test('invalid JSON is a 400 that says so', async (t) => {
  const app = await build(t)
  for (const payload of ['{"name":', '{name: "n"}', '   ', '{"name":"n","accessType":"READ"} trailing']) {
    const res = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
    t.equal(res.statusCode, 400, payload)
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), { success: false, message: 'Request body is not valid JSON', code: 'FBM_INVALID_JSON' })
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

t.test('JSON must be UTF-8: a charset parameter may say so, another charset is a 415, bad bytes a 400', async (t) => {
  const app = await build(t)
  for (const type of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json; charset=utf8']) {
    const res = await call(app, { method: 'POST', url, headers: { 'content-type': type }, payload: '{"name":"café ☕","accessType":"READ"}' })
    t.equal(res.statusCode, 200, type)
  }
  t.same(app.store.listKeys('repo-a').slice(1).map((k) => k.name), ['café ☕', 'café ☕', 'café ☕'])
  const latin1 = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json; charset=iso-8859-1' }, payload: Buffer.from('{"name":"caf\xe9","accessType":"READ"}', 'latin1') })
  t.equal(latin1.statusCode, 415)
  t.same(latin1.json(), { success: false, message: 'Unsupported charset "iso-8859-1": send JSON as UTF-8', code: 'FBM_UNSUPPORTED_MEDIA_TYPE' })
  const badBytes = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: Buffer.from('{"name":"caf\xe9","accessType":"READ"}', 'latin1') })
  t.equal(badBytes.statusCode, 400)
  t.same(badBytes.json(), { success: false, message: 'Request body is not valid UTF-8', code: 'FBM_INVALID_JSON' })
  t.equal(app.store.listKeys('repo-a').length, 4, 'neither created a key')
})

t.test('a compressed body is a 415 naming the encoding; identity is fine', async (t) => {
  const app = await build(t)
  const payload = '{"name":"n","accessType":"READ"}'
  const gzip = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload })
  t.equal(gzip.statusCode, 415)
  t.same(gzip.json(), { success: false, message: 'Unsupported Content-Encoding "gzip": send the JSON body uncompressed', code: 'FBM_UNSUPPORTED_MEDIA_TYPE' })
  const identity = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': 'Identity' }, payload })
  t.equal(identity.statusCode, 200)
})

t.test('__proto__ and constructor keys are dropped like any unknown field', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"name":"n","accessType":"READ"}' })
  t.equal(res.statusCode, 200)
  const only = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"name":"n","accessType":"READ"}}' })
  t.same(only.json(), { success: false, message: 'body/name is required', code: 'FBM_VALIDATION' })
  t.equal(({} as Record<string, unknown>).admin, undefined, 'Object.prototype is untouched')
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
  const lines: string[] = []
  const app = Fastify({ logger: { stream: new Writable({ write (c, _e, done) { lines.push(String(c)); done() } }) } })
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
  t.match(lines.join(''), /database password is hunter2/, 'the details are in the log')
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

/** Listens on a free port and sends raw bytes; resolves with everything the server wrote before closing. */
async function rawServer (t: Test, options: Parameters<typeof build>[1] = {}): Promise<(request: string, more?: string) => Promise<string>> {
  const app = await build(t, options)
  const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  return async (request, more) => {
    const socket = connect(Number(port), '127.0.0.1')
    let answer = ''
    socket.on('data', (c) => { answer += c })
    socket.write(request)
    if (more !== undefined) setTimeout(() => socket.write(more), 200)
    await once(socket, 'close')
    return answer
  }
}

const bodyOf = (answer: string): unknown => JSON.parse(answer.split('\r\n\r\n')[1] as string)

t.test('requests Node cannot parse get the error shape over a real socket, and their bytes are not logged', async (t) => {
  const lines: string[] = []
  const raw = await rawServer(t, { logLevel: 'trace', logStream: new Writable({ write (c, _e, done) { lines.push(String(c)); done() } }) })
  const badHeader = await raw(`GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nX-Bad: a\u0001b\r\n\r\n`)
  t.match(badHeader, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(badHeader, /content-type: application\/json/i)
  t.same(bodyOf(badHeader), { success: false, message: 'Malformed HTTP request', code: 'FBM_BAD_REQUEST' })
  const bigHeader = await raw(`GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(bigHeader, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.match(bigHeader, /"message":"The request headers are larger than 16 KiB"/)
  t.match(lines.join(''), /"statusCode":431[^\n]*"msg":"client error"/, 'the failure is logged at info with its status')
  t.notOk(lines.join('').includes(DEV_TOKEN), 'the token is not')
})

t.test('a request answered before its body turned out malformed gets one answer, not two', async (t) => {
  const raw = await rawServer(t)
  const answer = await raw('POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n', 'zz\r\n')
  t.same(answer.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401'])
})

t.test('what Node would answer with an empty body gets the error shape: Expect, CONNECT', async (t) => {
  const raw = await rawServer(t)
  const expect = await raw('GET /health HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nConnection: close\r\n\r\n')
  t.match(expect, /^HTTP\/1\.1 417 Expectation Failed\r\n/)
  t.same(bodyOf(expect), { success: false, message: 'Expect: tea is not supported; only 100-continue is', code: 'FBM_BAD_REQUEST' })
  const tunnel = await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
  t.match(tunnel, /^HTTP\/1\.1 405 Method Not Allowed\r\n/)
  t.same(bodyOf(tunnel), { success: false, message: 'CONNECT is not supported: this is an HTTP API, not a proxy', code: 'FBM_BAD_REQUEST' })
})

t.test('an HTTP/1.1 request without a Host header is served', async (t) => {
  const raw = await rawServer(t)
  const answer = await raw('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
  t.same(bodyOf(answer), { status: 'ok' })
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
