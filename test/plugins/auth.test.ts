// Bearer auth and repo access: every way to get a 401, 403 or 404, and that auth runs before the body.
import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import type {} from '@fastify/swagger' // its `security` schema keyword
import crypto from 'node:crypto'
import authPlugin from '../../src/plugins/auth.js'
import storePlugin from '../../src/plugins/store.js'
import errorsPlugin from '../../src/plugins/errors.js'
import { build, bearer, captureLogs, DEV_TOKEN, LIMITED_TOKEN, testFixtures } from '../helper.js'
import type { Fixtures } from '../../src/schemas/fixtures.js'

const create = { method: 'POST' as const, url: '/repo/repo-a/apikey', payload: { name: 'n', accessType: 'READ' } }

/** A bare app with only the error shape, the store (these fixtures) and the auth plugin: each test adds its routes. */
async function bareApp (t: Test, fixtures: Fixtures = testFixtures()): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorsPlugin)
  await app.register(storePlugin, { fixtures })
  await app.register(authPlugin)
  return app
}

t.test('401s say why, and carry WWW-Authenticate with error="invalid_token" only when a Bearer token was sent', async (t) => {
  const app = await build(t)
  const cases: Array<[Record<string, string>, string, string, boolean]> = [
    [{}, 'FBM_UNAUTHORIZED', 'Missing bearer token: send "Authorization: Bearer <token>"', false],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, 'FBM_UNAUTHORIZED', 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"', false],
    [{ authorization: '' }, 'FBM_UNAUTHORIZED', 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"', false],
    [{ authorization: DEV_TOKEN }, 'FBM_UNAUTHORIZED', 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"', false],
    [{ authorization: 'Bearer' }, 'FBM_INVALID_TOKEN', 'Malformed bearer token: expected "Authorization: Bearer <token>"', true],
    [{ authorization: 'Bearer two words' }, 'FBM_INVALID_TOKEN', 'Malformed bearer token: expected "Authorization: Bearer <token>"', true],
    [{ authorization: `Bearer ${DEV_TOKEN} ${LIMITED_TOKEN}` }, 'FBM_INVALID_TOKEN', 'Malformed bearer token: expected "Authorization: Bearer <token>"', true],
    [{ authorization: 'Bearer {access-token}' }, 'FBM_INVALID_TOKEN', 'Malformed bearer token: expected "Authorization: Bearer <token>"', true],
    [{ authorization: 'Bearer not-a-known-token' }, 'FBM_INVALID_TOKEN', 'Unknown bearer token', true],
    [{ authorization: `Bearer ${DEV_TOKEN}x` }, 'FBM_INVALID_TOKEN', 'Unknown bearer token', true],
    [{ authorization: `Bearer ${DEV_TOKEN.slice(0, -1)}` }, 'FBM_INVALID_TOKEN', 'Unknown bearer token', true]
  ]
  for (const [headers, code, message, invalid] of cases) {
    const res = await app.inject({ ...create, headers })
    t.equal(res.statusCode, 401, JSON.stringify(headers))
    t.equal(res.headers['www-authenticate'], invalid ? 'Bearer realm="flashback", error="invalid_token"' : 'Bearer realm="flashback"')
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), { success: false, message, code })
  }
  t.equal(app.store.listKeys('repo-a').length, 1, 'no unauthenticated request created a key')
})

t.test('the scheme is case-insensitive and extra spaces are tolerated (RFC 7235)', async (t) => {
  const app = await build(t)
  for (const authorization of [`bearer ${DEV_TOKEN}`, `BEARER ${DEV_TOKEN}`, `Bearer   ${DEV_TOKEN}`, ` Bearer ${DEV_TOKEN} `]) {
    const res = await app.inject({ ...create, headers: { authorization } })
    t.equal(res.statusCode, 200, JSON.stringify(authorization))
  }
})

t.test('auth is checked before the body: a bad token with a bad body is 401, not 400, 413 or 415', async (t) => {
  const app = await build(t)
  const bodies = [
    { headers: { 'content-type': 'application/json' }, payload: '{not json' },
    { headers: { 'content-type': 'text/plain' }, payload: 'hello' },
    { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) }
  ]
  for (const body of bodies) {
    const res = await app.inject({ method: 'POST', url: '/repo/repo-a/apikey', ...body })
    t.equal(res.statusCode, 401, body.headers['content-type'])
  }
})

t.test('repo access is checked before the body: 403 and 404 beat a bad body', async (t) => {
  const app = await build(t)
  const forbidden = await app.inject({ method: 'POST', url: '/repo/repo-b/apikey', headers: { ...bearer(LIMITED_TOKEN), 'content-type': 'application/json' }, payload: '[' })
  t.equal(forbidden.statusCode, 403)
  const missing = await app.inject({ method: 'POST', url: '/repo/nope/apikey', headers: { ...bearer(DEV_TOKEN), 'content-type': 'application/json' }, payload: '[' })
  t.equal(missing.statusCode, 404)
})

t.test('a limited token gets 403 for an unknown repo too, so it cannot probe which repos exist', async (t) => {
  const app = await build(t)
  const res = await app.inject({ ...create, url: '/repo/nope/apikey', headers: bearer(LIMITED_TOKEN) })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'FBM_FORBIDDEN')
})

t.test('auth comes first: a missing or bad token is a 401 on an unknown or a forbidden repo too, not a 404 or 403', async (t) => {
  const app = await build(t)
  for (const url of ['/repo/ghost/apikey', '/repo/repo-b/apikey', '/repo?repoId=ghost', '/repo?repoId=repo-b']) {
    for (const headers of [{}, bearer('wrong-token'), { authorization: 'Basic eDp5' }]) {
      const res = await app.inject({ url, headers })
      t.equal(res.statusCode, 401, `${url} ${JSON.stringify(headers)}`)
      t.match(res.json(), { success: false, code: /^FBM_(UNAUTHORIZED|INVALID_TOKEN)$/ })
    }
  }
})

t.test('bearer tokens and secrets never reach the log, even at trace with every header logged', async (t) => {
  const logs = captureLogs()
  const app = await build(t, { logLevel: 'trace', logStream: logs.stream })
  const created = (await app.inject({ ...create, headers: bearer(DEV_TOKEN) })).json()
  await app.inject({ ...create, headers: bearer('wrong-secret-token') })
  await app.inject({ ...create, url: '/repo/repo-b/apikey', headers: bearer(LIMITED_TOKEN) })
  t.equal(logs.lines.filter((l) => l.msg === 'request completed').length, 3, 'one line per request')
  t.match(logs.lines.filter((l) => l.msg === 'request received'), [
    { headers: { authorization: '[redacted]' } }, { headers: { authorization: '[redacted]' } }, { headers: { authorization: '[redacted]' } }
  ], 'the headers are logged, so the checks below can fail')
  for (const secret of [DEV_TOKEN, 'wrong-secret-token', LIMITED_TOKEN, created.secret]) t.notOk(logs.leaks(secret), `${secret} is not logged`)
})

t.test('every fixture token is compared, in constant time, whatever token is sent', async (t) => {
  // The plugin calls crypto.timingSafeEqual through the module object, so capturing it here sees each call.
  const compared = t.capture(crypto, 'timingSafeEqual', crypto.timingSafeEqual)
  const tokens = [...testFixtures().tokens, { token: 'third-token', repos: '*' as const }]
  const app = await bareApp(t, { ...testFixtures(), tokens })
  app.get('/whoami', async () => ({ ok: true }))
  const lastCharChanged = `${DEV_TOKEN.slice(0, -1)}${DEV_TOKEN.endsWith('x') ? 'y' : 'x'}`
  for (const [token, status] of [[DEV_TOKEN, 200], ['third-token', 200], ['unknown-token', 401], [lastCharChanged, 401]] as const) {
    compared()
    t.equal((await app.inject({ url: '/whoami', headers: bearer(token) })).statusCode, status, token)
    t.equal(compared().length, tokens.length, `${token}: compared with all ${tokens.length} tokens`)
  }
})

t.test('issue 13: a header sent again is not compared again, and its outcome is forgotten when the state is replaced', async (t) => {
  const compared = t.capture(crypto, 'timingSafeEqual', crypto.timingSafeEqual)
  const app = await bareApp(t)
  app.get('/whoami', async (request) => ({ token: request.principal?.token }))
  const whoami = (token: string): Promise<{ statusCode: number, json: () => { token?: string } }> => app.inject({ url: '/whoami', headers: bearer(token) })
  t.equal((await whoami(DEV_TOKEN)).statusCode, 200)
  t.equal((await whoami('unknown-token')).statusCode, 401)
  compared()
  t.same((await whoami(DEV_TOKEN)).json(), { token: DEV_TOKEN }, 'the same token as before')
  t.equal((await whoami('unknown-token')).statusCode, 401, 'still unknown')
  t.equal(compared().length, 0, 'neither header was compared again')

  // The state replaced: the token is gone, so the same header is now refused.
  app.store.replace({ ...testFixtures(), tokens: [{ token: 'new-token', repos: '*' }] })
  t.equal((await whoami(DEV_TOKEN)).statusCode, 401, 'a token the new state lacks is refused')
  t.equal((await whoami('new-token')).statusCode, 200)
  t.ok(compared().length > 0, 'compared against the new tokens')

  // Many different headers: the outcomes kept stay bounded and right.
  for (let i = 0; i < 70; i++) t.equal((await whoami(`other-token-${i}`)).statusCode, 401)
  compared()
  t.equal((await whoami('new-token')).statusCode, 200, 'right after the remembered outcomes were emptied')
  t.equal(compared().length, 1, 'compared again: it had been forgotten')
})

t.test('issue 13: the last 64 headers are remembered; the 65th empties the memory', async (t) => {
  const compared = t.capture(crypto, 'timingSafeEqual', crypto.timingSafeEqual)
  const app = await bareApp(t)
  app.get('/whoami', async () => ({ ok: true }))
  const send = async (token: string): Promise<number> => (await app.inject({ url: '/whoami', headers: bearer(token) })).statusCode
  const tokens = [DEV_TOKEN, ...Array.from({ length: 63 }, (_, i) => `other-token-${i}`)]
  for (const token of tokens) await send(token)
  compared()
  for (const token of tokens) await send(token)
  t.equal(compared().length, 0, 'all 64 sent again: none compared')
  t.equal(await send('one-more-token'), 401)
  compared()
  t.equal(await send(DEV_TOKEN), 200)
  t.ok(compared().length > 0, 'after a 65th header, the first is compared again')
})

t.test('on a bare app: a protected route without repoId needs only a token; security: [] opts out', async (t) => {
  const app = await bareApp(t)
  app.get('/whoami', async (request) => ({ repos: request.principal?.repos }))
  app.get('/open', { schema: { security: [] } }, async (request) => ({ principal: request.principal }))

  t.same((await app.inject({ url: '/whoami', headers: bearer(LIMITED_TOKEN) })).json(), { repos: ['repo-a'] })
  t.equal((await app.inject({ url: '/whoami' })).statusCode, 401)
  t.same((await app.inject({ url: '/open' })).json(), { principal: null })
  t.equal((await app.inject({ url: '/not-a-route' })).statusCode, 404, 'unknown routes are 404, not 401')
})
