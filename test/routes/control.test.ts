// The control API under /__mock: reset, state, its own OpenAPI document, and the admin token.
import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'
import { build, bearer, call, captureLogs, DEV_TOKEN, LIMITED_TOKEN, testFixtures, within } from '../helper.js'
import { loadFixtureFile } from '../../src/fixtures.js'
import { rawConnect } from '../raw-socket.js'

const create = { method: 'POST' as const, url: '/repo/repo-b/apikey', payload: { name: 'made in a test', accessType: 'WRITE' } }

t.test('POST /__mock/reset restores the fixture state after creates, updates and deletes', async (t) => {
  const app = await build(t)
  const before = (await app.inject('/__mock/state')).json()
  await call(app, create)
  await call(app, { method: 'PUT', url: '/repo/repo-a/apikey/key-a1', payload: { name: 'renamed', accessType: 'ADMIN' } })
  await call(app, { method: 'PUT', url: '/__mock/state', payload: { tokens: [{ token: 'other', repos: '*' }], repos: [] } })
  const res = await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true, message: 'State reset to the fixtures' })
  t.same((await app.inject('/__mock/state')).json(), before)
  t.equal((await call(app, { method: 'GET', url: '/repo' })).statusCode, 200, 'the fixture tokens work again')
})

t.test('GET /__mock/state is the state in the fixture format; saved as a file or PUT back, it gives the same state', async (t) => {
  const app = await build(t)
  const created = (await call(app, create)).json()
  const state = (await app.inject('/__mock/state')).json()
  const { apiKeys, ...repoA } = testFixtures().repos[0]!
  t.same(state, {
    tokens: testFixtures().tokens,
    repos: [{ ...repoA, apiKeys }, { ...testFixtures().repos[1], apiKeys: [{ id: created.id, name: 'made in a test', accessType: 'WRITE', key: created.key, createdAt: String(state.repos[1].apiKeys[0].createdAt) }] }]
  })
  t.notOk(JSON.stringify(state).includes(created.secret), 'no secret: the store never kept it')
  const file = join(t.testdir(), 'state.json')
  writeFileSync(file, JSON.stringify(state))
  t.same(await loadFixtureFile(file), state, 'a valid fixture file')
  const other = await build(t)
  t.equal((await other.inject({ method: 'PUT', url: '/__mock/state', payload: state })).statusCode, 200)
  t.same((await other.inject('/__mock/state')).json(), state)
})

t.test('PUT /__mock/state replaces everything, tokens included', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'PUT', url: '/__mock/state', payload: { tokens: [{ token: 'fresh-token', repos: ['r1'] }], repos: [{ id: 'r1', name: 'R1', storageType: 'BLOB', mode: 'NORMAL', workspaceId: 'w', createdAt: '2026-02-01T00:00:00.000Z' }] } })
  t.same([res.statusCode, res.json()], [200, { success: true, message: 'State replaced' }])
  t.equal((await app.inject({ url: '/repo', headers: bearer(DEV_TOKEN) })).statusCode, 401, 'the old token is gone')
  t.match((await app.inject({ url: '/repo', headers: bearer('fresh-token') })).json(), { repos: [{ id: 'r1', apiKeys: [] }] })
})

t.test('a bad state document is a 400 naming the JSON path, and the old state stays', async (t) => {
  const app = await build(t)
  const before = (await app.inject('/__mock/state')).json()
  const cases: Array<[unknown, string]> = [
    [{ tokens: [], repos: [{ ...testFixtures().repos[1], storageType: 'FTP' }] }, 'body: $.repos[0].storageType must be one of S3, GCS, BLOB'],
    [{ tokens: [{ token: 't', repos: ['ghost'] }], repos: [] }, 'body: $.tokens[0].repos[0] names the unknown repo "ghost"'],
    [{ repos: [] }, 'body: $.tokens is required'],
    [[], 'body: $ must be an object']
  ]
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'PUT', url: '/__mock/state', payload: payload as object })
    t.equal(res.statusCode, 400, message)
    t.same(res.json(), { success: false, message, code: 'FBM_VALIDATION' })
  }
  const empty = await app.inject({ method: 'PUT', url: '/__mock/state', headers: { 'content-type': 'application/json' } })
  t.same(empty.json(), { success: false, message: 'Request body is required: send a fixture document with Content-Type: application/json', code: 'FBM_VALIDATION' })
  const emptyItem = await app.inject({ method: 'PUT', url: '/__mock/state', payload: { tokens: [{ token: 'a', repos: [''] }], repos: [] } })
  t.equal(emptyItem.json().message, 'body: $.tokens[0].repos[0] must be 1 or more characters long', 'the exact item, not "must be "*" or an array"')
  t.same((await app.inject('/__mock/state')).json(), before)
})

t.test('the main OpenAPI document leaves the control API out; /__mock/openapi.json describes it and is valid', async (t) => {
  const app = await build(t)
  const main = (await app.inject('/openapi.json')).json()
  t.notOk(Object.keys(main.paths).some((p) => p.startsWith('/__mock')))
  const without = await build(t, { admin: false })
  t.same(main, (await without.inject('/openapi.json')).json(), 'the same document as without the control API, components included')
  const res = await app.inject('/__mock/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.same(Object.keys(doc.paths).sort(), ['/__mock/faults', '/__mock/faults/{id}', '/__mock/requests', '/__mock/reset', '/__mock/state'])
  t.same(Object.keys(doc.components.schemas).sort(), ['ActionResponse', 'Error400', 'Error401', 'Error403', 'Error413', 'Error414', 'Error415', 'ErrorResponse', 'FaultAdded', 'FaultList', 'FaultRule', 'FaultRuleInput', 'JournalResponse', 'fixtures.schema.json'], 'only the components it uses')
  t.same(Object.keys(doc.components.securitySchemes ?? {}), [], 'no security scheme while it is open')
  t.same(Object.keys(doc.paths['/__mock/state']).sort(), ['get', 'put'])
  t.same(doc.paths['/__mock/reset'].post.security, [], 'open by default')
  await t.resolves(SwaggerParser.validate(structuredClone(doc)), 'swagger-parser accepts it')
})

t.test('with an admin token the control API needs it: 401 without, 403 for a fixture token; it is never logged', async (t) => {
  const logs = captureLogs()
  const adminToken = 'admin-secret-token'
  const app = await build(t, { adminToken, logLevel: 'trace', logStream: logs.stream })
  for (const [headers, status, code] of [
    [{}, 401, 'FBM_UNAUTHORIZED'],
    [{ authorization: 'Basic eDp5' }, 401, 'FBM_UNAUTHORIZED'],
    [bearer('not-the-admin-token'), 401, 'FBM_INVALID_TOKEN'],
    [bearer(DEV_TOKEN), 403, 'FBM_FORBIDDEN'],
    [bearer(LIMITED_TOKEN), 403, 'FBM_FORBIDDEN']
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/__mock/reset', headers })
    t.equal(res.statusCode, status, JSON.stringify(headers))
    t.match(res.json(), { success: false, code })
  }
  for (const [method, url] of [['POST', '/__mock/reset'], ['GET', '/__mock/state'], ['GET', '/__mock/requests'], ['GET', '/__mock/faults'], ['DELETE', '/__mock/faults']] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url} is locked`)
    t.equal((await app.inject({ method, url, headers: bearer(adminToken) })).statusCode, 200, `${method} ${url} opens with the admin token`)
  }
  t.equal((await app.inject({ url: '/repo', headers: bearer(adminToken) })).statusCode, 401, 'the admin token is not an API token')
  const doc = (await app.inject('/__mock/openapi.json')).json()
  t.same(doc.paths['/__mock/reset'].post.security, [{ adminBearer: [] }], 'the document is public and says so')
  const clash = await app.inject({ method: 'PUT', url: '/__mock/state', headers: bearer(adminToken), payload: { tokens: [{ token: 'x', repos: '*' }, { token: adminToken, repos: '*' }], repos: [] } })
  t.same([clash.statusCode, clash.json()], [400, { success: false, message: 'body: $.tokens[1].token is the admin token; an API token must be another', code: 'FBM_VALIDATION' }])
  t.equal((await app.inject({ url: '/repo', headers: bearer(DEV_TOKEN) })).statusCode, 200, 'the state was kept')
  t.notOk(logs.leaks(adminToken), 'the admin token is not logged')
})

t.test('a request whose body arrives after the state was replaced is checked against the new state', async (t) => {
  const app = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const body = JSON.stringify({ name: 'straddler', accessType: 'READ' })
  const received = once(app.server, 'request')
  const held = await rawConnect(url, `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`)
  await within(received, 20_000, 'the server to receive the held request')
  const { repos } = testFixtures()
  t.equal((await app.inject({ method: 'PUT', url: '/__mock/state', payload: { tokens: [{ token: 'other-token', repos: '*' }], repos } })).statusCode, 200)
  held.socket.write(body.slice(3))
  t.match(await held.waitFor(/\r\n\r\n\{.*\}$/), /^HTTP\/1\.1 401 [^]*"code":"FBM_INVALID_TOKEN"/, 'the token is gone: 401, not a key written into the new state')
  held.socket.destroy()
  t.same((await app.inject('/__mock/state')).json().repos[0].apiKeys.map((k: { name: string }) => k.name), ['existing'])
})

t.test('no CORS on the control API: a page on another origin can neither read nor replace the state', async (t) => {
  const app = await build(t)
  const origin = 'https://evil.example'
  for (const url of ['/__mock/state', '/%5F%5Fmock/state', '/%5f%5fmock/state']) {
    const read = await app.inject({ url, headers: { origin } })
    t.same([read.statusCode, read.headers['access-control-allow-origin']], [200, undefined], `GET ${url}: no CORS, even percent-encoded`)
    const preflight = await app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } })
    t.same([preflight.statusCode, preflight.json().code, preflight.headers['access-control-allow-origin']], [404, 'FBM_ROUTE_NOT_FOUND', undefined], `OPTIONS ${url}: a 404 in the error shape, no CORS headers`)
  }
  t.equal((await call(app, { method: 'GET', url: '/repo', headers: { origin } })).headers['access-control-allow-origin'], origin, 'the API still allows it')
})

t.test('--no-admin: a preflight for a control API path is still an unknown route with no CORS headers', async (t) => {
  const app = await build(t, { admin: false })
  for (const url of ['/__mock', '/__mock/state', '/%5F%5Fmock/reset']) {
    const preflight = await app.inject({ method: 'OPTIONS', url, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    t.same([preflight.statusCode, preflight.json().code, preflight.headers['access-control-allow-origin']], [404, 'FBM_ROUTE_NOT_FOUND', undefined], url)
  }
})

t.test('whatever GET /__mock/state returns fits back into PUT, past the API\'s 1 MiB body limit', async (t) => {
  const app = await build(t)
  const { tokens, repos } = testFixtures()
  const { apiKeys: _, ...repoA } = repos[0]!
  const many = Array.from({ length: 6000 }, (_, i) => ({ id: `k${i}`, name: 'n'.repeat(200), accessType: 'READ' as const, key: `key-${i}`, createdAt: '2026-01-02T00:00:00.000Z' }))
  const big = { tokens, repos: [{ ...repoA, apiKeys: [] }, { ...repos[1]!, apiKeys: many }] }
  t.ok(JSON.stringify(big).length > 1024 * 1024)
  t.equal((await app.inject({ method: 'PUT', url: '/__mock/state', payload: big })).statusCode, 200)
  t.same((await app.inject('/__mock/state')).json(), big)
})

t.test('admin: false removes the control API: 404', async (t) => {
  const app = await build(t, { admin: false })
  for (const url of ['/__mock/state', '/__mock/openapi.json']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'FBM_ROUTE_NOT_FOUND')
  }
})

t.test('a reset while 200 requests are in flight: no 5xx, and afterwards the state is the fixtures', async (t) => {
  const app = await build(t)
  const fixtures = (await app.inject('/__mock/state')).json()
  const requests = Array.from({ length: 200 }, (_, i) => i % 50 === 25
    ? app.inject({ method: 'POST', url: '/__mock/reset' })
    : call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: `k${i}`, accessType: 'READ' } }))
  const statuses = (await Promise.all(requests)).map((res) => res.statusCode)
  t.same([...new Set(statuses)], [200], 'every request answered 200')
  await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.same((await app.inject('/__mock/state')).json(), fixtures)
})

t.test('GET /__mock/requests filters, DELETE clears it, and a reset clears it too', async (t) => {
  const app = await build(t)
  await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: 'a', accessType: 'READ' } })
  await call(app, { method: 'GET', url: '/repo/repo-b/apikey' })
  await call(app, { method: 'GET', url: '/repo/ghost/apikey' })
  const list = async (query: string): Promise<{ total: number, requests: Array<{ method: string, status: number }> }> => (await app.inject(`/__mock/requests${query}`)).json()
  t.match(await list('?method=GET&path=/repo/{repoId}/apikey'), { total: 2, requests: [{ status: 200 }, { status: 404 }] })
  t.match(await list('?status=404'), { total: 1, requests: [{ method: 'GET' }] })
  t.match(await list('?limit=1'), { total: 3, requests: [{ status: 404 }] })
  const bad = await app.inject('/__mock/requests?limit=0')
  t.same([bad.statusCode, bad.json()], [400, { success: false, message: 'querystring/limit must match pattern "^[1-9][0-9]{0,5}$"', code: 'FBM_VALIDATION' }])
  t.same((await app.inject({ method: 'DELETE', url: '/__mock/requests' })).json(), { success: true, message: 'Request journal cleared' })
  t.equal((await list('')).total, 0)
  await call(app, { method: 'GET', url: '/repo' })
  await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.equal((await list('')).total, 0, 'reset clears the journal')
})

t.test('the journal shows an unknown route with no params, and an answer over 64 KiB as a note, not as its text', async (t) => {
  const fixtures = testFixtures()
  fixtures.repos[1]!.apiKeys = Array.from({ length: 600 }, (_, i) => ({ id: `big-${i}`, name: `key ${i}`, accessType: 'READ' as const, key: `big-value-${i}`, createdAt: '2026-01-01T00:00:00.000Z' }))
  const app = await build(t, { fixtures })
  await call(app, { method: 'GET', url: '/nowhere/at/all' })
  const listed = await call(app, { method: 'GET', url: '/repo/repo-b/apikey' })
  t.ok(listed.body.length > 64 * 1024, 'the answer is over 64 KiB')
  const { requests } = (await app.inject('/__mock/requests')).json()
  t.match(requests, [{ url: '/nowhere/at/all', route: null, params: {} }, { status: 200, response: /^\[not recorded: \d+ characters, over the journal's 65536\]$/ }])
  t.same(requests[0].params, {})
})

t.test('POST /__mock/faults adds a rule, GET lists it, DELETE removes one or all, and a reset clears them', async (t) => {
  const app = await build(t)
  const add = async (rule: object): Promise<{ id: string }> => (await app.inject({ method: 'POST', url: '/__mock/faults', payload: rule })).json().fault
  const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { method: 'POST', path: '/repo/{repoId}/apikey', status: 503, times: 2 } })
  t.same([res.statusCode, res.json()], [200, { success: true, fault: { id: 'fault-1', method: 'POST', path: '/repo/{repoId}/apikey', status: 503, times: 2, hits: 0 } }])
  await add({ delayMs: 10, probability: 0.5 })
  await add({ drop: true, method: 'GET' })
  const list = async (): Promise<string[]> => (await app.inject('/__mock/faults')).json().faults.map((f: { id: string }) => f.id)
  t.same(await list(), ['fault-1', 'fault-2', 'fault-3'], 'in the order they are tried')
  t.same((await app.inject({ method: 'DELETE', url: '/__mock/faults/fault-2' })).json(), { success: true, message: 'Fault rule fault-2 removed' })
  const gone = await app.inject({ method: 'DELETE', url: '/__mock/faults/fault-2' })
  t.same([gone.statusCode, gone.json()], [404, { success: false, message: 'Fault rule "fault-2" not found', code: 'FBM_FAULT_NOT_FOUND' }])
  t.same(await list(), ['fault-1', 'fault-3'])
  t.same((await app.inject({ method: 'DELETE', url: '/__mock/faults' })).json(), { success: true, message: 'Fault rules cleared' })
  t.same(await list(), [])
  await add({ status: 500 })
  await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.same(await list(), [], 'reset clears the rules')
  t.equal((await add({ status: 500, method: 'PUT' })).id, 'fault-1', 'and counts ids from fault-1 again, so a test that resets gets the same ids')
  t.equal((await call(app, { method: 'GET', url: '/repo' })).statusCode, 200)
})

t.test('a fault rule\'s path is a route pattern or a path a route matches, as sent (percent-encoded too); HEAD goes with GET', async (t) => {
  const app = await build(t)
  const rules = [
    { path: '/repo/{repoId}/apikey/{keyId}', method: 'DELETE' },
    { path: '/repo/repo-photos/apikey', method: 'POST' },
    { path: '/repo/a%2Fb/apikey/k%20 1', method: 'PUT' },
    { path: '/repo', method: 'HEAD' },
    { method: 'PUT' }
  ]
  for (const rule of rules) {
    const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { status: 503, ...rule } })
    t.equal(res.statusCode, 200, JSON.stringify(rule))
  }
  t.equal((await app.inject('/__mock/faults')).json().faults.length, rules.length)
})

t.test('a fault rule that cannot work is a 400 naming the field, and no rule is added', async (t) => {
  const app = await build(t)
  const cases: Array<[unknown, string]> = [
    [{ status: 503, delay: 100 }, 'body/delay is not a fault rule field; expected method, path, status, body, delayMs, drop, times, probability'],
    [{ status: 503, constructor: 1 }, 'body/constructor is not a fault rule field; expected method, path, status, body, delayMs, drop, times, probability'],
    [{ status: 503, toString: 'x' }, 'body/toString is not a fault rule field; expected method, path, status, body, delayMs, drop, times, probability'],
    [{ body: { a: 1 } }, 'body/body needs body/status: it is the body of that answer'],
    [{ status: 500, path: '/repo?workspaceId=ws-1' }, 'body/path must match pattern "^/[^?#]*$"'],
    [{ status: 500, path: '/health' }, 'body/path /health is the mock\'s own route, which fault rules never touch'],
    [{ status: 500, path: '/__mock/reset' }, 'body/path /__mock/reset is the mock\'s own route, which fault rules never touch'],
    [{ status: 500, path: '/rep/{repoId}/apikey' }, 'body/path "/rep/{repoId}/apikey" matches no route of the emulated API; expected a route pattern such as /repo/{repoId}/apikey, or a path one matches (the OpenAPI document lists them)'],
    [{ status: 500, path: '/repo/{repo}/apikey' }, 'body/path "/repo/{repo}/apikey" matches no route of the emulated API; expected a route pattern such as /repo/{repoId}/apikey, or a path one matches (the OpenAPI document lists them)'],
    [{ status: 500, path: '/repo/repo-photos/apikey/' }, 'body/path "/repo/repo-photos/apikey/" matches no route of the emulated API; expected a route pattern such as /repo/{repoId}/apikey, or a path one matches (the OpenAPI document lists them)'],
    [{ status: 500, path: '/' }, 'body/path "/" matches no route of the emulated API; expected a route pattern such as /repo/{repoId}/apikey, or a path one matches (the OpenAPI document lists them)'],
    [{ status: 500, method: 'DELETE', path: '/repo' }, 'body/method DELETE: no route at /repo takes it; expected one of GET, HEAD, POST'],
    [{ status: 500, method: 'PUT', path: '/repo/{repoId}/apikey' }, 'body/method PUT: no route at /repo/{repoId}/apikey takes it; expected one of GET, HEAD, POST'],
    [{ status: 500, times: 1e20 }, 'body/times must be at most 1000000000'],
    [{ method: 'POST' }, 'body must have status, delayMs or drop: true; a rule that does nothing is a mistake'],
    [{ drop: false }, 'body must have status, delayMs or drop: true; a rule that does nothing is a mistake'],
    [{ delayMs: 5, body: { a: 1 } }, 'body/body needs body/status: it is the body of that answer'],
    [{ drop: true, status: 500 }, 'body/drop and body/status exclude each other: a dropped connection has no answer'],
    [{ status: 200 }, 'body/status must be at least 400'],
    [{ status: 503.5 }, 'body/status must be an integer'],
    [{ delayMs: 30_001 }, 'body/delayMs must be at most 30000'],
    [{ status: 500, method: 'get' }, 'body/method must be one of GET, HEAD, POST, PUT, DELETE'],
    [{ status: 500, path: 'repo' }, 'body/path must match pattern "^/[^?#]*$"'],
    [{ status: 500, probability: 1.5 }, 'body/probability must be at most 1'],
    [{ status: 500, times: 0 }, 'body/times must be at least 1'],
    [{ status: '500' }, 'body/status must be an integer'],
    [[{ status: 500 }], 'body must be an object']
  ]
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: payload as object })
    t.same([res.statusCode, res.json()], [400, { success: false, message, code: 'FBM_VALIDATION' }], JSON.stringify(payload))
  }
  const deep = await app.inject({ method: 'POST', url: '/__mock/faults', headers: { 'content-type': 'application/json' }, payload: `{"status":500,"body":${'['.repeat(20000)}${']'.repeat(20000)}}` })
  t.same([deep.statusCode, deep.json().message], [400, 'body/body is nested too deeply to send'])
  t.same((await app.inject('/__mock/faults')).json().faults, [])
  for (let i = 0; i < 1000; i++) await app.inject({ method: 'POST', url: '/__mock/faults', payload: { delayMs: 1, method: 'PUT' } })
  const full = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { delayMs: 1 } })
  t.same([full.statusCode, full.json().message], [400, 'at most 1000 fault rules at once: remove some first'])
})
