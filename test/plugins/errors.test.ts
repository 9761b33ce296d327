// The one error shape, for Fastify's own errors and for routes that throw: always JSON, never a stack.
import t from 'tap'
import Fastify from 'fastify'
import { Writable } from 'node:stream'
import errorsPlugin from '../../src/plugins/errors.js'
import jsonBodyPlugin from '../../src/plugins/json-body.js'
import { build, call } from '../helper.js'

const url = '/repo/repo-a/apikey'

t.test('invalid JSON is a 400 that says so', async (t) => {
  const app = await build(t)
  for (const payload of ['{"name":', '{name: "n"}', '   ', '{"__proto__": {"x": 1}}']) {
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

t.test('JSON with a charset parameter is JSON', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '{"name":"n","accessType":"READ"}' })
  t.equal(res.statusCode, 200)
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
