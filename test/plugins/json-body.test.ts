// The JSON body parser: UTF-8 only, no compression, an empty body is no body, prototype keys dropped.
import t from 'tap'
import { build, call, DEV_TOKEN, serve } from '../helper.js'
import { rawRequest } from '../raw-socket.js'

const url = '/repo/repo-a/apikey'

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
  // Where an unknown field is refused (the control API), a dropped key is not there to refuse.
  const rule = await call(app, { method: 'POST', url: '/__mock/faults', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"constructor":{"prototype":{"x":1}},"status":503}' })
  t.equal(rule.statusCode, 200, rule.body)
  t.same(rule.json().fault, { id: 'fault-1', hits: 0, status: 503 })
})

t.test('an empty body is no body: fine where none is needed, "required" where one is', async (t) => {
  const app = await build(t)
  const del = await call(app, { method: 'DELETE', url: '/repo/repo-a/apikey/key-a1', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(del.statusCode, 200)
  const post = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '' })
  t.same(post.json(), { success: false, message: 'Request body is required: send a JSON object with Content-Type: application/json', code: 'FBM_VALIDATION' })
})

t.test('issue 10 fault 1: an empty body with a stray Content-Type is no body, on every route and method, with Content-Length: 0 and chunked', async (t) => {
  const server = await serve(t)
  // Every operation of the emulated API, and the control API's, as (method, path, needs a body).
  const routes: Array<[string, string, boolean]> = [
    ['POST', '/repo/repo-a/apikey', true], ['GET', '/repo/repo-a/apikey', false], ['HEAD', '/repo/repo-a/apikey', false],
    ['PUT', '/repo/repo-a/apikey/key-a1', true], ['GET', '/repo', false], ['HEAD', '/repo', false], ['GET', '/health', false],
    ['GET', '/openapi.json', false], ['POST', '/__mock/reset', false], ['GET', '/__mock/state', false], ['PUT', '/__mock/state', true],
    ['GET', '/__mock/requests', false], ['DELETE', '/__mock/requests', false], ['POST', '/__mock/faults', true], ['GET', '/__mock/faults', false],
    ['DELETE', '/__mock/faults', false], ['DELETE', '/repo/repo-a/apikey/key-a1', false]
  ]
  const types = ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded;charset=UTF-8', 'application/octet-stream', 'application/json']
  for (const [method, path, needsBody] of routes) {
    for (const type of types) {
      for (const framing of ['Content-Length: 0', 'Transfer-Encoding: chunked']) {
        const end = framing.startsWith('Transfer') ? '0\r\n\r\n' : ''
        if (method === 'DELETE') await server.reset()
        const answer = await rawRequest(server.url, `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: ${type}\r\n${framing}\r\nConnection: close\r\n\r\n${end}`)
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
        const expected = needsBody ? 400 : 200
        if (status !== expected) t.fail(`${method} ${path}, ${type}, ${framing}: ${status}, expected ${expected}\n${answer.slice(0, 300)}`)
        if (needsBody && !answer.includes('Request body is required')) t.fail(`${method} ${path}, ${type}: ${answer.slice(0, 300)}`)
      }
    }
    if (method === 'DELETE' && path.startsWith('/repo')) t.same(server.app.store.listKeys('repo-a').map((k) => k.id), [], 'the DELETE with an empty body deleted the key')
  }
  t.pass(`${routes.length} routes × ${types.length} types × 2 framings`)
  const nonEmpty = await call(server.app, { method: 'DELETE', url: '/repo/repo-b/apikey/x', headers: { 'content-type': 'text/plain' }, payload: 'x' })
  t.same([nonEmpty.statusCode, nonEmpty.json().code], [415, 'FBM_UNSUPPORTED_MEDIA_TYPE'], 'a non-empty one is still a 415')
  const chunked = await rawRequest(server.url, `PUT /repo/repo-a/apikey/key-a1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`)
  t.match(chunked, /^HTTP\/1\.1 415 [^]*Unsupported Content-Type \\"text\/plain\\"/, 'chunked too, from its first byte')
})

t.test('found by the fuzzer: a request to an unknown route gets its 404 whatever its body, never a 400 or 415 for the body', async (t) => {
  const app = await build(t)
  for (const [type, payload] of [['application/json', '\u0000'], ['application/json', '{'], ['text/plain', 'hello'], ['application/json', '']]) {
    const res = await call(app, { method: 'DELETE', url: '/repo/repo-a/apikey', headers: { 'content-type': type as string }, payload })
    t.same([res.statusCode, res.json().code], [404, 'FBM_ROUTE_NOT_FOUND'], `${type} ${JSON.stringify(payload)}`)
  }
})
