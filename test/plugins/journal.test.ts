// What the journal records of each request, and what it must never keep.
import t from 'tap'
import { build, bearer, call, DEV_TOKEN } from '../helper.js'

t.test('each request to the emulated API is recorded: route, params, query, body, status, answer, time', async (t) => {
  const app = await build(t)
  const created = (await call(app, { method: 'POST', url: '/repo/repo-a/apikey?trace=1', payload: { name: 'n', accessType: 'READ' } })).json()
  await call(app, { method: 'GET', url: '/repo/ghost/apikey' })
  await app.inject('/nope')
  const { requests } = (await app.inject('/__mock/requests')).json()
  t.match(requests, [
    {
      id: Number,
      timestamp: String,
      method: 'POST',
      url: '/repo/repo-a/apikey?trace=1',
      path: '/repo/repo-a/apikey',
      route: '/repo/{repoId}/apikey',
      params: { repoId: 'repo-a' },
      query: { trace: '1' },
      headers: { 'content-type': 'application/json' },
      body: { name: 'n', accessType: 'READ' },
      status: 200,
      response: { success: true, id: created.id, key: created.key, secret: '[redacted]' },
      durationMs: Number
    },
    { method: 'GET', route: '/repo/{repoId}/apikey', params: { repoId: 'ghost' }, status: 404 },
    { method: 'GET', url: '/nope', route: null, params: {}, status: 404 }
  ])
  t.notOk('response' in requests[1], 'no answer body for an error')
  t.notOk('body' in requests[1], 'no body for a request without one')
  t.ok(Date.parse(requests[0].timestamp) <= Date.parse(requests[1].timestamp))
})

t.test('the token never: authorization is its scheme and a fingerprint; secrets in bodies are redacted', async (t) => {
  const app = await build(t)
  const created = (await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'n', accessType: 'READ', secret: 'sent-by-the-client' } })).json()
  await app.inject({ url: '/repo', headers: bearer('some-other-token') })
  const text = (await app.inject('/__mock/requests')).body
  for (const secret of [DEV_TOKEN, 'some-other-token', created.secret, 'sent-by-the-client']) t.notOk(text.includes(secret), secret)
  const [first, second] = JSON.parse(text).requests
  t.match(first.headers.authorization, /^Bearer sha256:[0-9a-f]{8}$/)
  t.match(second.headers.authorization, /^Bearer sha256:[0-9a-f]{8}$/)
  t.not(first.headers.authorization, second.headers.authorization, 'the fingerprint tells tokens apart')
  t.equal(first.body.secret, '[redacted]')
})

t.test('the mock\'s own routes and CORS preflights are not recorded', async (t) => {
  const app = await build(t)
  for (const url of ['/health', '/openapi.json', '/openapi.yaml', '/__mock/state', '/__mock/requests?limit=1']) await app.inject(url)
  await app.inject({ method: 'OPTIONS', url: '/repo', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } })
  t.same((await app.inject('/__mock/requests')).json(), { success: true, total: 0, requests: [] })
})

t.test('journalSize 0 turns it off', async (t) => {
  const app = await build(t, { journalSize: 0 })
  await call(app, { method: 'GET', url: '/repo' })
  t.same((await app.inject('/__mock/requests')).json(), { success: true, total: 0, requests: [] })
})
