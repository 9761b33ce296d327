// POST /repo/{repoId}/apikey: the API reference's own code samples, the SDK's body shape, and bad input.
import t from 'tap'
import { build, bearer, call, LIMITED_TOKEN } from '../helper.js'

const json = { 'content-type': 'application/json', accept: 'application/json' }
const ID = /^[A-Za-z0-9_-]{21}$/
const KEY = /^[A-Za-z0-9_-]{32}$/
const SECRET = /^[A-Za-z0-9_-]{43}$/

t.test('the JavaScript sample body with the dev token gets 200 and a new key, stored with createdAt', async (t) => {
  const app = await build(t)
  const before = Date.now()
  const res = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: json, payload: '{"name":"string","accessType":"READ"}' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['id', 'key', 'secret', 'success'])
  t.equal(body.success, true)
  t.match(body.id, ID)
  t.match(body.key, KEY)
  t.match(body.secret, SECRET)

  const stored = app.store.listKeys('repo-a').find((k) => k.id === body.id)
  t.same(stored, { id: body.id, name: 'string', accessType: 'READ', key: body.key, createdAt: stored?.createdAt })
  t.ok(Date.parse(String(stored?.createdAt)) >= before - 1000, 'createdAt is the creation time')
  t.equal(new Date(String(stored?.createdAt)).toISOString(), stored?.createdAt, 'createdAt is ISO-8601')
  t.notOk(JSON.stringify(app.store.listKeys('repo-a')).includes(body.secret), 'the plaintext secret is not kept')
})

t.test('the SDK body shape { repoId, name, accessType } gets 200; the body repoId is ignored', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { repoId: 'repo-a', name: 'sdk key', accessType: 'ADMIN' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().success, true)
  t.equal(app.store.listKeys('repo-b').length, 1, 'the key went to the path repo')
  t.equal(app.store.listKeys('repo-a').length, 1, 'not to the body repoId')
})

t.test('every access type is accepted', async (t) => {
  const app = await build(t)
  for (const accessType of ['READ', 'WRITE', 'ADMIN']) {
    const res = await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: accessType, accessType } })
    t.equal(res.statusCode, 200, accessType)
  }
  t.same(app.store.listKeys('repo-b').map((k) => k.accessType), ['READ', 'WRITE', 'ADMIN'])
})

t.test('unknown body fields are ignored and never echoed', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: 'n', accessType: 'READ', evil: '<script>', id: 'mine' } })
  t.equal(res.statusCode, 200)
  t.notOk(res.body.includes('<script>'))
  t.not(res.json().id, 'mine', 'a body id cannot choose the key id')
  t.notOk('evil' in (app.store.listKeys('repo-b')[0] ?? {}))
})

t.test('the shell and Python samples (JSON content type, no body) get 400 naming the missing body', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: json })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { success: false, message: 'Request body is required: send a JSON object with Content-Type: application/json', code: 'FBM_VALIDATION' })
  t.equal(app.store.listKeys('repo-a').length, 1, 'nothing was created')
})

t.test('the PHP sample ([]) gets 400: body must be an object', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: json, payload: '[]' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { success: false, message: 'body must be an object', code: 'FBM_VALIDATION' })
})

t.test('the Java sample (no Authorization) gets 401 before the body is looked at', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/repo/repo-a/apikey' })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="flashback"')
  t.equal(res.json().success, false)
  t.equal(res.json().code, 'FBM_UNAUTHORIZED')
})

t.test('an unknown repo gets 404', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/no-such-repo/apikey', payload: { name: 'n', accessType: 'READ' } })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { success: false, message: 'Repo "no-such-repo" not found', code: 'FBM_REPO_NOT_FOUND', error_code: 'NOT_FOUND', error_message: 'Repo "no-such-repo" not found' })
})

t.test('a token without access to the repo gets 403, and creates nothing', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/repo/repo-b/apikey', headers: bearer(LIMITED_TOKEN), payload: { name: 'n', accessType: 'READ' } })
  t.equal(res.statusCode, 403)
  t.same(res.json(), { success: false, message: 'This bearer token may not use repo "repo-b"', code: 'FBM_FORBIDDEN' })
  t.equal(app.store.listKeys('repo-b').length, 0)
  const own = await app.inject({ method: 'POST', url: '/repo/repo-a/apikey', headers: bearer(LIMITED_TOKEN), payload: { name: 'n', accessType: 'READ' } })
  t.equal(own.statusCode, 200, 'the same token may use its own repo')
})

t.test('invalid bodies get 400 with a message naming the field and what was expected', async (t) => {
  const app = await build(t)
  const cases: Array<[unknown, string]> = [
    [{ accessType: 'READ' }, 'body/name is required'],
    [{ name: 'n' }, 'body/accessType is required'],
    [{ name: 'n', accessType: 'read' }, 'body/accessType must be one of READ, WRITE, ADMIN'],
    [{ name: 'n', accessType: 'OWNER' }, 'body/accessType must be one of READ, WRITE, ADMIN'],
    [{ name: 123, accessType: 'READ' }, 'body/name must be a string'],
    [{ name: null, accessType: 'READ' }, 'body/name must be a string'],
    [{ name: true, accessType: 'READ' }, 'body/name must be a string'],
    [{ name: ['n'], accessType: 'READ' }, 'body/name must be a string'],
    [{ name: '', accessType: 'READ' }, 'body/name must be 1 or more characters long'],
    [{ name: 'x'.repeat(256), accessType: 'READ' }, 'body/name must be 255 or fewer characters long'],
    [{ name: 'n', accessType: 'READ', repoId: 7 }, 'body/repoId must be a string'],
    ['just a string', 'body must be an object'],
    [null, 'body must be an object'],
    [42, 'body must be an object']
  ]
  for (const [payload, message] of cases) {
    const res = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: json, payload: JSON.stringify(payload) })
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.same(res.json(), { success: false, message, code: 'FBM_VALIDATION' })
  }
  t.equal(app.store.listKeys('repo-a').length, 1, 'no bad request created a key')
})

t.test('a 255-character name is the longest accepted', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'x'.repeat(255), accessType: 'WRITE' } })
  t.equal(res.statusCode, 200)
})

t.test('ids, keys and secrets are unique across many creates', async (t) => {
  const app = await build(t)
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const body = (await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: `k${i}`, accessType: 'READ' } })).json()
    seen.add(body.id).add(body.key).add(body.secret)
  }
  t.equal(seen.size, 600)
})

t.test('apps built from the same fixtures do not share state', async (t) => {
  const one = await build(t)
  const two = await build(t)
  await call(one, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: 'n', accessType: 'READ' } })
  t.equal(one.store.listKeys('repo-b').length, 1)
  t.equal(two.store.listKeys('repo-b').length, 0)
})

t.test('GET lists keys in creation order without secrets; fixture keys come first', async (t) => {
  const app = await build(t)
  const created = (await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'new', accessType: 'ADMIN' } })).json()
  const res = await call(app, { method: 'GET', url: '/repo/repo-a/apikey' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.keys[0], { id: 'key-a1', name: 'existing', accessType: 'READ', key: 'existing-key-a1', createdAt: '2026-01-02T00:00:00.000Z' })
  t.match(body.keys[1], { id: created.id, name: 'new', accessType: 'ADMIN', key: created.key, createdAt: String })
  t.equal(body.keys.length, 2)
  t.same(Object.keys(body.keys[1]).sort(), ['accessType', 'createdAt', 'id', 'key', 'name'], 'the answer has no secret field')
  t.same(app.store.listKeys('repo-a'), body.keys, 'nor does the store: it holds exactly what is listed')
})

t.test('PUT changes name and accessType only; both are required and checked like create', async (t) => {
  const app = await build(t)
  const url = '/repo/repo-a/apikey/key-a1'
  const ok = await call(app, { method: 'PUT', url, payload: { name: 'renamed', accessType: 'WRITE', id: 'hijack', key: 'hijack', createdAt: 'now' } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { success: true, message: 'API key updated' })
  t.same(app.store.listKeys('repo-a'), [{ id: 'key-a1', name: 'renamed', accessType: 'WRITE', key: 'existing-key-a1', createdAt: '2026-01-02T00:00:00.000Z' }])
  for (const [payload, message] of [
    [{ name: 'only name' }, 'body/accessType is required'],
    [{ accessType: 'READ' }, 'body/name is required'],
    [{ name: 'n', accessType: 'NONE' }, 'body/accessType must be one of READ, WRITE, ADMIN'],
    [{ name: 5, accessType: 'READ' }, 'body/name must be a string']
  ] as const) {
    const res = await call(app, { method: 'PUT', url, payload })
    t.equal(res.statusCode, 400)
    t.same(res.json(), { success: false, message, code: 'FBM_VALIDATION' })
  }
  const empty = await call(app, { method: 'PUT', url, headers: { 'content-type': 'application/json' } })
  t.equal(empty.json().message, 'Request body is required: send a JSON object with Content-Type: application/json')
  t.equal(app.store.listKeys('repo-a')[0]?.name, 'renamed', 'failed updates changed nothing')
})

t.test('DELETE works without a body, and with an empty body and a JSON content type', async (t) => {
  const app = await build(t)
  const first = (await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: 'a', accessType: 'READ' } })).json()
  const plain = await call(app, { method: 'DELETE', url: `/repo/repo-b/apikey/${first.id}` })
  t.equal(plain.statusCode, 200)
  t.same(plain.json(), { success: true, message: 'API key deleted' })
  const withType = await call(app, { method: 'DELETE', url: '/repo/repo-a/apikey/key-a1', headers: { 'content-type': 'application/json' } })
  t.equal(withType.statusCode, 200)
  t.same(app.store.listKeys('repo-a'), [])
  t.same(app.store.listKeys('repo-b'), [])
})

t.test('a key id of another repo is a 404 that does not say the key exists elsewhere', async (t) => {
  const app = await build(t)
  for (const method of ['PUT', 'DELETE'] as const) {
    const res = await call(app, { method, url: '/repo/repo-b/apikey/key-a1', payload: method === 'PUT' ? { name: 'n', accessType: 'READ' } : undefined })
    t.equal(res.statusCode, 404, method)
    t.same(res.json(), { success: false, message: 'API key "key-a1" not found in repo "repo-b"', code: 'FBM_KEY_NOT_FOUND' })
  }
  t.equal(app.store.listKeys('repo-a').length, 1, 'the key in repo-a is untouched')
})

t.test('every key route: unknown repo 404, forbidden repo 403, no token 401', async (t) => {
  const app = await build(t)
  const routes = [
    { method: 'GET' as const, path: 'apikey' },
    { method: 'POST' as const, path: 'apikey', payload: { name: 'n', accessType: 'READ' } },
    { method: 'PUT' as const, path: 'apikey/key-a1', payload: { name: 'n', accessType: 'READ' } },
    { method: 'DELETE' as const, path: 'apikey/key-a1' }
  ]
  for (const { method, path, payload } of routes) {
    const missing = await call(app, { method, url: `/repo/ghost/${path}`, payload })
    t.equal(missing.statusCode, 404, `${method} unknown repo`)
    t.equal(missing.json().code, 'FBM_REPO_NOT_FOUND')
    const forbidden = await app.inject({ method, url: `/repo/repo-b/${path}`, payload, headers: bearer(LIMITED_TOKEN) })
    t.equal(forbidden.statusCode, 403, `${method} forbidden repo`)
    t.equal(forbidden.json().code, 'FBM_FORBIDDEN')
    const anonymous = await app.inject({ method, url: `/repo/repo-a/${path}`, payload })
    t.equal(anonymous.statusCode, 401, `${method} no token`)
  }
  t.equal(app.store.listKeys('repo-a').length, 1)
})
