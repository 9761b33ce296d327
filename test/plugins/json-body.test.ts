// The JSON body parser: UTF-8 only, no compression, an empty body is no body, prototype keys dropped.
import t from 'tap'
import { build, call } from '../helper.js'

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
})

t.test('an empty body is no body: fine where none is needed, "required" where one is', async (t) => {
  const app = await build(t)
  const del = await call(app, { method: 'DELETE', url: '/repo/repo-a/apikey/key-a1', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(del.statusCode, 200)
  const post = await call(app, { method: 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '' })
  t.same(post.json(), { success: false, message: 'Request body is required: send a JSON object with Content-Type: application/json', code: 'FBM_VALIDATION' })
})
