// Fault injection on the emulated API: fault rules (status, body, delay, drop) and the Prefer header.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, bearer, call, DEV_TOKEN, within } from '../helper.js'
import { parsePrefer } from '../../src/plugins/faults.js'
import type { FaultRuleInput } from '../../src/schemas/control.js'

const LIST = { method: 'GET' as const, url: '/repo/repo-a/apikey' }
const CREATE = { method: 'POST' as const, url: '/repo/repo-a/apikey', payload: { name: 'k', accessType: 'READ' } }

async function addFault (app: FastifyInstance, rule: FaultRuleInput): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/__mock/faults', payload: rule })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().fault.id
}

const keyCount = async (app: FastifyInstance): Promise<number> => (await call(app, LIST)).json().keys.length

t.test('a status rule answers that status with the error shape instead of running the route', async (t) => {
  const app = await build(t)
  const id = await addFault(app, { method: 'POST', path: '/repo/{repoId}/apikey', status: 503, times: 1 })
  const res = await call(app, CREATE)
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/json; charset=utf-8/)
  t.same(res.json(), { success: false, message: `Injected fault ${id}: 503 Service Unavailable`, code: 'FBM_INJECTED_FAULT' })
  t.equal(await keyCount(app), 1, 'no key was created')
  t.equal((await call(app, CREATE)).statusCode, 200, 'times: 1 has expired')
  t.same((await app.inject('/__mock/requests?path=/repo/{repoId}/apikey&method=POST')).json().requests.map((e: { status: number, fault?: string }) => [e.status, e.fault]),
    [[503, id], [200, undefined]], 'the journal names the rule that fired')
})

t.test('a rule\'s body is sent as given, whatever the route\'s schema; an injected 401 carries WWW-Authenticate', async (t) => {
  const app = await build(t)
  await addFault(app, { path: '/repo/repo-a/apikey', method: 'GET', status: 404, body: { anything: ['goes'], success: 'maybe' } })
  const res = await call(app, LIST)
  t.same([res.statusCode, res.json()], [404, { anything: ['goes'], success: 'maybe' }])
  await addFault(app, { method: 'POST', status: 401 })
  const unauthorized = await call(app, CREATE)
  t.same([unauthorized.statusCode, unauthorized.headers['www-authenticate'], unauthorized.json().code], [401, 'Bearer realm="flashback"', 'FBM_INJECTED_FAULT'])
  await app.inject({ method: 'DELETE', url: '/__mock/faults' })
  await addFault(app, { status: 500, body: null, times: 1 })
  t.same([(await call(app, LIST)).body], ['null'], 'a null body is sent as null')
  const id = await addFault(app, { status: 599 })
  t.same((await call(app, LIST)).json(), { success: false, message: `Injected fault ${id}: 599 Error`, code: 'FBM_INJECTED_FAULT' }, 'a status without a reason phrase')
})

t.test('faults apply after auth: a rule never hides a 401, a 403 or a 404 the client should see', async (t) => {
  const app = await build(t)
  await addFault(app, { status: 500 })
  t.equal((await app.inject(LIST)).statusCode, 401, 'no token')
  t.equal((await call(app, { ...LIST, headers: bearer('test-limited-token'), url: '/repo/repo-b/apikey' })).statusCode, 403)
  t.equal((await call(app, { ...LIST, url: '/repo/no-such/apikey' })).statusCode, 404)
  t.equal((await call(app, LIST)).statusCode, 500, 'the authorized request gets the fault')
  t.same((await app.inject('/__mock/faults')).json().faults[0].hits, 1, 'and only it counts as a hit')
})

t.test('the mock\'s own routes, unknown routes and invalid requests are never faulted', async (t) => {
  const app = await build(t)
  await addFault(app, { status: 500 })
  for (const url of ['/health', '/openapi.json', '/__mock/state', '/__mock/faults', '/%5F%5Fmock/state', '/%68ealth']) {
    t.equal((await app.inject({ url, headers: { prefer: 'code=404' } })).statusCode, 200, url)
  }
  t.equal((await call(app, { url: '/nope', headers: { prefer: 'delay=10' } })).json().code, 'FBM_ROUTE_NOT_FOUND', 'an unknown route keeps its 404')
  t.equal((await call(app, { ...CREATE, payload: { name: 'k' } })).json().code, 'FBM_VALIDATION', 'an invalid body keeps its 400')
  const docs = await app.inject({ url: '/docs/', headers: { prefer: 'code=404' } })
  t.same([docs.statusCode, docs.headers['content-type']], [200, 'text/html; charset=utf-8'], 'the docs UI')
  const preflight = await app.inject({ method: 'OPTIONS', url: LIST.url, headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } })
  t.same([preflight.statusCode, preflight.headers['access-control-allow-origin']], [204, 'http://localhost:5173'], 'a CORS preflight, whose request is next')
  t.equal((await app.inject('/__mock/faults')).json().faults[0].hits, 0)
})

t.test('delayMs delays the answer, then the route runs; with a status, the status comes after the delay; Prefer still applies', async (t) => {
  const app = await build(t)
  await addFault(app, { method: 'GET', delayMs: 60, times: 2 })
  await addFault(app, { method: 'POST', delayMs: 60, status: 500, times: 1 })
  const before = Date.now()
  const slow = await call(app, { ...LIST, headers: { prefer: 'delay=60' } })
  t.equal(slow.statusCode, 200)
  const failed = await call(app, CREATE)
  t.equal(failed.statusCode, 500)
  const missing = await call(app, { ...LIST, headers: { prefer: 'code=404' } })
  t.equal(missing.json().code, 'FBM_REPO_NOT_FOUND', 'a rule that only delays leaves Prefer: code= to act')
  const journal = (await app.inject('/__mock/requests')).json().requests
  t.ok(journal[0].durationMs >= 115, `a rule's delay and Prefer's add up (${journal[0].durationMs.toFixed(1)} ms)`)
  t.ok(Date.parse(journal[0].timestamp) - before < 100, 'the timestamp is the arrival, not the answer')
  t.ok(journal[1].durationMs >= 55, `a status after the delay (${journal[1].durationMs.toFixed(1)} ms)`)
})

t.test('drop destroys the connection without an answer, and the journal records it with status 0', async (t) => {
  const app = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const id = await addFault(app, { method: 'GET', path: '/repo/{repoId}/apikey', drop: true, delayMs: 60, times: 1 })
  const error = await fetch(`${url}/repo/repo-a/apikey`, { headers: bearer(DEV_TOKEN) }).then(() => undefined, (err: Error) => err)
  t.match(error, { message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } }, 'what the SDK sees on a network failure')
  const ok = await fetch(`${url}/repo/repo-a/apikey`, { headers: bearer(DEV_TOKEN) })
  t.equal(ok.status, 200, 'the server goes on; the rule expired')
  t.same((await app.inject('/__mock/requests')).json().requests.map((e: { status: number, fault?: string }) => [e.status, e.fault]), [[0, id], [200, undefined]])
  t.same((await app.inject('/__mock/requests?status=0')).json().total, 1, 'the journal filters on status 0')
  t.ok((await app.inject('/__mock/requests?status=0')).json().requests[0].durationMs >= 55, 'the drop came after the delay')
})

t.test('a client that hangs up during a delay: the request still runs (a create creates) and the journal records it once, with status 0', async (t) => {
  for (const [how, headers, rule, creates] of [
    ['a fault rule', {}, { method: 'POST', path: '/repo/{repoId}/apikey', delayMs: 300, times: 1 }, true],
    ['a fault rule with a status', {}, { method: 'POST', path: '/repo/{repoId}/apikey', delayMs: 300, status: 503, times: 1 }, false],
    ['Prefer: delay=300', { prefer: 'delay=300' }, undefined, true]
  ] as const) {
    const app = await build(t)
    let resolveArrived = (): void => {}
    const arrived = new Promise<void>((resolve) => { resolveArrived = resolve })
    app.addHook('onRequest', async (request) => { if (request.method === 'POST' && request.url.startsWith('/repo')) resolveArrived() })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const id = rule === undefined ? undefined : await addFault(app, rule)
    const before = await keyCount(app)
    const client = new AbortController()
    const answer = fetch(`${url}/repo/repo-a/apikey`, { method: 'POST', headers: { ...bearer(DEV_TOKEN), 'content-type': 'application/json', ...headers }, body: '{"name":"gone","accessType":"READ"}', signal: client.signal })
      .then(() => 'answered', (err: Error) => err.name)
    await arrived
    client.abort()
    t.equal(await answer, 'AbortError', `${how}: the client gave up`)
    const journaled = async (): Promise<void> => { while ((await app.inject('/__mock/requests?status=0')).json().total === 0) await new Promise((resolve) => setImmediate(resolve)) }
    await within(journaled(), 20_000, `${how}: the journal entry`)
    const created = async (): Promise<void> => { while (await keyCount(app) === before) await new Promise((resolve) => setImmediate(resolve)) }
    if (creates) await within(created(), 20_000, `${how}: the key to be created`)
    else t.equal(await keyCount(app), before, `${how}: the rule's status replaced the handler`)
    const journal = (await app.inject('/__mock/requests')).json().requests.filter((e: { method: string }) => e.method === 'POST')
    t.same(journal.map((e: { status: number, fault?: string, body: unknown, response?: unknown }) => [e.status, e.fault, e.body, e.response]), [[0, id, { name: 'gone', accessType: 'READ' }, undefined]], `${how}: journaled once, with status 0 and no answer`)
    t.ok(journal[0].durationMs >= 250, `${how}: after the delay (${journal[0].durationMs.toFixed(1)} ms)`)
    t.equal((await call(app, LIST)).statusCode, 200, `${how}: the server goes on`)
  }
})

t.test('a delay ends early when the app closes, so close() is never held by it', async (t) => {
  const app = await build(t)
  let resolveArrived = (): void => {}
  const arrived = new Promise<void>((resolve) => { resolveArrived = resolve })
  app.addHook('onRequest', async (request) => { if (request.url.startsWith('/repo')) resolveArrived() })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  await addFault(app, { delayMs: 30_000 })
  const answer = fetch(`${url}/repo/repo-a/apikey`, { headers: bearer(DEV_TOKEN) })
  await arrived
  await app.close()
  t.equal((await answer).status, 200, 'the delayed request is answered when the app closes')
})

t.test('Prefer: code= answers a documented error status with the route\'s example; anything else is ignored', async (t) => {
  const app = await build(t)
  const prefer = async (value: string, request: typeof LIST | typeof CREATE = LIST): Promise<[number, string]> => {
    const res = await call(app, { ...request, headers: { prefer: value } })
    return [res.statusCode, res.json().code]
  }
  t.same(await prefer('code=404'), [404, 'FBM_REPO_NOT_FOUND'])
  t.same(await prefer('code=401'), [401, 'FBM_UNAUTHORIZED'])
  t.same(await prefer('return=minimal, CODE="400"', CREATE), [400, 'FBM_VALIDATION'], 'case-insensitive, quoted, among others')
  t.same(await prefer('code=418'), [200, undefined], 'a status the route does not document')
  t.same(await prefer('code=415'), [200, undefined], 'GET routes do not document 415')
  t.same(await prefer('code=200'), [200, undefined], 'a success status is not an error to inject')
  t.same((await call(app, { ...LIST, headers: { prefer: 'code=200' } })).json().keys.map((k: { id: string }) => k.id), ['key-a1'], 'the route ran: its real answer, not the example')
  t.equal(await keyCount(app), 1, 'no Prefer-injected create ran')
  t.equal((await app.inject({ ...LIST, headers: { prefer: 'code=404' } })).statusCode, 401, 'after auth, like fault rules')
  t.equal((await app.inject({ url: '/health', headers: { prefer: 'code=404' } })).statusCode, 200, 'not on the mock\'s own routes')
})

t.test('Prefer: delay= delays that one answer', async (t) => {
  const app = await build(t)
  const res = await call(app, { ...LIST, headers: { prefer: 'delay=60' } })
  t.equal(res.statusCode, 200)
  t.ok((await app.inject('/__mock/requests')).json().requests[0].durationMs >= 55, 'took at least 60 ms')
})

t.test('many requests waiting at once raise no warning: a load test with delays is not a leak', async (t) => {
  const app = await build(t)
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.name) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const answers = await Promise.all(Array.from({ length: 20 }, () => call(app, { ...LIST, headers: { prefer: 'delay=20' } })))
  t.same(answers.map((res) => res.statusCode), Array(20).fill(200))
  // Node emits the warning on the next tick after the listener that crosses the limit.
  await new Promise((resolve) => setImmediate(resolve))
  t.same(warnings, [])
})

t.test('parsePrefer reads code and delay as RFC 7240 writes them, and caps the delay at 30 s', async (t) => {
  t.same(parsePrefer(undefined), {})
  t.same(parsePrefer('code=404'), { code: 404 })
  t.same(parsePrefer('delay=250'), { delayMs: 250 })
  t.same(parsePrefer(' Code = "503" ; foo=bar , DELAY=10'), { code: 503, delayMs: 10 })
  t.same(parsePrefer('code=404, code=500'), { code: 404 }, 'the first instance counts')
  t.same(parsePrefer('delay=99999999'), { delayMs: 30_000 })
  t.same(parsePrefer('delay=99999999999999999999'), { delayMs: 30_000 }, 'however many digits')
  t.same(parsePrefer('code=abc, delay=-1, delay=1.5, codex=1, respond-async, wait=5'), {}, 'other preferences and values are ignored')
})
