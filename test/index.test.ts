// The package entry for test code: startMockServer, MockControl, deterministic replay and concurrency.
import t from 'tap'
import { createServer } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import { once } from 'node:events'
import { captureLogs, DEV_TOKEN, serve, testFixtures } from './helper.js'
import { ConfigError, FixtureError, MockControl, MockControlError, startMockServer, type MockServer } from '../src/index.js'

const auth = { authorization: `Bearer ${DEV_TOKEN}`, 'content-type': 'application/json' }

/** The test fixtures as GET /__mock/state returns them: every repo lists its keys, none or some. */
const fixtureState = (): ReturnType<typeof testFixtures> => {
  const fixtures = testFixtures()
  return { ...fixtures, repos: fixtures.repos.map((repo) => ({ ...repo, apiKeys: repo.apiKeys ?? [] })) }
}

t.test('startMockServer with no options: a free loopback port, the bundled fixtures, and close()', async (t) => {
  const server = await startMockServer()
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(server.url, `http://127.0.0.1:${server.port}`)
  t.not(server.port, 0)
  const res = await fetch(`${server.url}/repo`, { headers: { authorization: 'Bearer dev-token' } })
  t.equal(res.status, 200, 'the bundled dev token works')
  await server.close()
  await t.rejects(fetch(`${server.url}/health`), { message: 'fetch failed' }, 'closed')
})

t.test('a fixture document given in code is copied: changing it after the start changes no state, a reset included', async (t) => {
  const withBucket = <T extends { repos: Array<{ buckets?: unknown }> }>(fixtures: T): T => {
    fixtures.repos[1]!.buckets = [{ folder: 'photos', master: true }]
    return fixtures
  }
  const fixtures = withBucket(testFixtures())
  const server = await startMockServer({ fixtures, logLevel: 'silent' })
  t.teardown(() => server.close())
  const key = fixtures.repos[0]?.apiKeys?.[0] as { name: string }
  key.name = 'changed in the document afterwards'
  ;(fixtures.tokens[1]!.repos as string[]).push('repo-b')
  fixtures.tokens.pop()
  fixtures.repos[1]!.name = 'changed too'
  fixtures.repos[1]!.buckets![0]!.folder = 'changed too'
  t.same(await server.state(), withBucket(fixtureState()))
  await server.reset()
  t.same(await server.state(), withBucket(fixtureState()), 'after a reset too')
})

t.test('MockControl drives every control route, and its errors carry the status, code and message', async (t) => {
  const server = await serve(t)
  const control = new MockControl(`${server.url}/`)
  const created = await (await fetch(`${server.url}/repo/repo-a/apikey`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'k', accessType: 'READ' }) })).json() as { id: string }
  await fetch(`${server.url}/repo/nope/apikey`, { headers: auth })
  t.same((await control.requests()).map((e) => [e.method, e.status]), [['POST', 200], ['GET', 404]])
  t.same((await control.requests({ status: 404, method: 'get', path: '/repo/{repoId}/apikey', limit: 1 })).map((e) => e.url), ['/repo/nope/apikey'], 'filters go into the query')
  t.same((await control.requests({ method: 'GET', status: undefined })).map((e) => e.url), ['/repo/nope/apikey'], 'an undefined filter is left out')
  await control.clearRequests()
  t.same(await control.requests(), [])

  const state = await control.state()
  t.equal(state.repos[0]?.apiKeys?.at(-1)?.id, created.id)
  await control.setState(testFixtures())
  t.same(await control.state(), fixtureState(), 'setState replaced it')
  const bad = await control.setState({ tokens: [], repos: [{ id: 'x' }] } as never).catch((err: unknown) => err)
  t.match(bad, { name: 'MockControlError', status: 400, code: 'FBM_VALIDATION', message: /^PUT \/__mock\/state: 400 body: \$\.repos\[0\]/ })
  t.ok(bad instanceof MockControlError)

  const fault = await control.addFault({ method: 'GET', path: '/repo', status: 503 })
  t.match(fault, { id: String, status: 503, hits: 0 })
  t.equal((await fetch(`${server.url}/repo`, { headers: auth })).status, 503)
  t.match(await control.faults(), [{ id: fault.id, hits: 1 }])
  await control.removeFault(fault.id)
  t.match(await control.removeFault(fault.id).catch((err: unknown) => err), { status: 404, code: 'FBM_FAULT_NOT_FOUND' })
  await control.addFault({ delayMs: 1 })
  await control.clearFaults()
  t.same(await control.faults(), [])
  await control.addFault({ status: 500 })
  await server.reset()
  t.same([await server.faults(), await server.state()], [[], fixtureState()], 'the server has the same methods; reset clears faults and state')
})

t.test('an admin token: the server\'s own methods send it; other clients need it', async (t) => {
  const server = await serve(t, { adminToken: 'the-admin-token' })
  t.same(await server.state(), fixtureState())
  t.match(await new MockControl(server.url).reset().catch((err: unknown) => err), { status: 401, code: 'FBM_UNAUTHORIZED' })
  t.match(await new MockControl(server.url, 'wrong').reset().catch((err: unknown) => err), { status: 401, code: 'FBM_INVALID_TOKEN' })
  t.resolves(new MockControl(server.url, 'the-admin-token').reset())
  const removed = await serve(t, { admin: false })
  t.match(await removed.reset().catch((err: unknown) => err), { status: 404, code: 'FBM_ROUTE_NOT_FOUND' }, 'admin: false removes the control API')
  const gone = await startMockServer()
  await gone.close()
  const absent = await gone.reset().catch((err: unknown) => err)
  t.match(absent, { name: 'MockControlError', status: 0, message: `POST /__mock/reset: cannot reach the mock at ${gone.url}/__mock: ECONNREFUSED` }, 'a mock that is not there, or closed')
  t.throws(() => new MockControl('not a url'), TypeError, 'a bad base URL fails at once')
  t.match(await new MockControl('http://127.0.0.1:1').reset().catch((err: unknown) => err), { status: 0, message: /: bad port$/ }, 'fetch\'s reason when it has no code')
  t.throws(() => new MockControl(server.url, 'bad\nsecret'), new TypeError('adminToken is not a bearer token: RFC 6750 characters only'), 'a token that cannot be a header fails at once, unquoted')
  t.same(await new MockControl(`${server.url}/?x=1#frag`, 'the-admin-token').faults(), [], 'a query and a fragment are dropped')
  t.match(await new MockControl(`${server.url}/behind/a/proxy/`).reset().catch((err: unknown) => err), { status: 404, message: /^POST \/__mock\/reset: 404 Route POST \/behind\/a\/proxy\/__mock\/reset not found/ }, 'a path prefix is kept')
  const proxy = createHttpServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>')).listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  t.teardown(() => proxy.close())
  const notJson = await new MockControl(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`).state().catch((err: unknown) => err)
  t.match(notJson, { name: 'MockControlError', status: 502, code: undefined, message: 'GET /__mock/state: 502 <h1>Bad Gateway</h1>' }, 'something else answering: its status and text')
})

t.test('bad options are refused as the CLI refuses them, naming the option', async (t) => {
  await t.rejects(startMockServer({ port: 70000 }), new ConfigError('Invalid option port 70000: must be at most 65535'))
  await t.rejects(startMockServer({ journalSize: -1 }), { name: 'ConfigError', message: 'Invalid option journalSize -1: must be at least 0' })
  await t.rejects(startMockServer({ port: Number.NaN }), new ConfigError('Invalid option port NaN: must be an integer'))
  await t.rejects(startMockServer({ seed: 'x'.repeat(2000) }), new ConfigError(`Invalid option seed "${'x'.repeat(76)}…: must be 1024 or fewer characters long`), 'a long value is cut')
  await t.rejects(startMockServer({ prot: 3000 } as never), new ConfigError('Unknown option prot: expected port, host, fixtures, logLevel, adminToken, admin, journalSize, seed, cors, watch, corsOrigin, logStream'))
  await t.rejects(startMockServer({ fixtures: 42 as never }), new ConfigError('Invalid option fixtures 42: must be a file path or a fixture document'))
  const secret = await startMockServer({ adminToken: 'has space s3cret' }).catch((err: Error) => err)
  t.match(secret, { name: 'ConfigError', message: /^Invalid option adminToken: / })
  t.notMatch(String((secret as Error).message), /s3cret/, 'the admin token is never echoed')
  await t.rejects(startMockServer({ fixtures: { tokens: [], repos: 'none' } as never }), new FixtureError('fixtures: $.repos must be an array'))
  await t.rejects(startMockServer({ fixtures: '/no/such/fixtures.json' }), { name: 'FixtureError', message: /^\/no\/such\/fixtures\.json: .*no such file/ })
  await t.rejects(startMockServer({ fixtures: testFixtures(), adminToken: DEV_TOKEN }), { name: 'FixtureError', message: /^fixtures: \$\.tokens\[0\]\.token is the admin token/ })
  const taken = createServer().listen(0, '127.0.0.1')
  await once(taken, 'listening')
  t.teardown(() => taken.close())
  const { port } = taken.address() as { port: number }
  await t.rejects(startMockServer({ port }), { code: 'EADDRINUSE' }, 'the listen error, and nothing is left listening')
})

/** A scripted session of create, list, update and delete calls; every response body as text. */
async function script (server: MockServer): Promise<string[]> {
  const send = async (method: string, path: string, body?: unknown): Promise<string> =>
    (await fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) })).text()
  const bodies: string[] = []
  for (const repo of ['repo-a', 'repo-b', 'repo-a']) bodies.push(await send('POST', `/repo/${repo}/apikey`, { name: `key for ${repo}`, accessType: 'WRITE' }))
  bodies.push(await send('GET', '/repo/repo-a/apikey'))
  const second = JSON.parse(bodies[2] as string).id
  bodies.push(await send('PUT', `/repo/repo-a/apikey/${second}`, { name: 'renamed', accessType: 'ADMIN' }))
  bodies.push(await send('DELETE', `/repo/repo-b/apikey/${JSON.parse(bodies[1] as string).id}`))
  bodies.push(await send('GET', '/repo'))
  return bodies
}

t.test('deterministic mode: two servers with one seed give byte-identical bodies, and again after a reset', async (t) => {
  const [one, two, other] = await Promise.all([serve(t, { seed: 'replay' }), serve(t, { seed: 'replay' }), serve(t, { seed: 'another' })])
  const first = await script(one)
  t.same(await script(two), first, 'the same seed, the same bodies')
  t.match(JSON.parse(first[0] as string), { id: /^[\w-]{21}$/, key: /^[\w-]{32}$/, secret: /^[\w-]{43}$/ }, 'nanoid\'s alphabet and lengths')
  t.match(first[3], /"createdAt":"2026-06-01T00:00:00.000Z"[^]*"createdAt":"2026-06-01T00:00:02.000Z"/, 'the documented clock')
  t.not((await script(other))[0], first[0], 'another seed, other ids')
  await one.reset()
  t.same(await script(one), first, 'a reset starts the sequence again')
  await two.setState(testFixtures())
  t.same(await script(two), first, 'so does replacing the state')
})

t.test('200 concurrent requests while fault rules come and go and a reset runs: only injected failures, no error logged, the fixtures after the reset', async (t) => {
  const logs = captureLogs()
  const server = await serve(t, { journalSize: 10, seed: 'busy', logLevel: 'warn', logStream: logs.stream })
  const send = async (i: number): Promise<{ status: number, code: string | undefined }> => {
    const [method, path, body] = [
      ['POST', '/repo/repo-a/apikey', { name: `k${i}`, accessType: 'READ' }],
      ['GET', '/repo/repo-a/apikey'],
      ['PUT', '/repo/repo-a/apikey/key-a1', { name: `n${i}`, accessType: 'WRITE' }],
      ['GET', '/repo']
    ][i % 4] as [string, string, unknown]
    try {
      const res = await fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) })
      return { status: res.status, code: (await res.json() as { code?: string }).code }
    } catch (err) {
      return { status: 0, code: String((err as { cause?: { code?: string } }).cause?.code) }
    }
  }
  const ids: Record<string, string> = {}
  const controlSteps = [
    async () => { ids.slow = (await server.addFault({ delayMs: 5, probability: 0.5 })).id },
    async () => { ids.failing = (await server.addFault({ method: 'POST', status: 503, probability: 0.2 })).id },
    () => server.addFault({ method: 'GET', path: '/repo', drop: true, times: 2 }),
    () => server.removeFault(String(ids.slow)),
    () => server.reset(),
    () => server.addFault({ method: 'PUT', status: 500, times: 3 }),
    () => server.addFault({ delayMs: 2 }),
    () => server.clearFaults()
  ]
  // 25 requests go out before each control step, which runs while they are in flight: 200 in all.
  const pending: Array<ReturnType<typeof send>> = []
  for (const step of controlSteps) {
    for (let i = 0; i < 25; i++) pending.push(send(pending.length))
    await step()
  }
  const results = await Promise.all(pending)
  const unexpected = results.filter((r) => r.status >= 500 ? r.code !== 'FBM_INJECTED_FAULT' : r.status === 0 && r.code !== 'UND_ERR_SOCKET')
  t.same(unexpected, [], 'every 5xx was injected, every failed connection was a drop')
  t.ok(results.filter((r) => r.status === 0).length <= 2, 'at most the two drops')
  const count = (status: number): number => results.filter((r) => r.status === status).length
  t.ok(count(200) > 0 && count(503) + count(500) > 0, `requests got through (${count(200)}) and faults fired (${count(503)} × 503, ${count(500)} × 500, ${count(0)} dropped)`)
  t.same(logs.lines.filter((l) => Number(l.level) >= 50), [], 'nothing logged at error level')
  const journal = await server.requests()
  t.equal(journal.length, 10, 'the journal kept the last 10')
  t.ok(journal.every((e, i) => i === 0 || e.id > (journal[i - 1] as { id: number }).id), 'oldest first')
  await server.reset()
  t.same(await server.state(), fixtureState(), 'after the reset, the state is the fixtures')
})
