// What the journal records of each request, and what it must never keep.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { connect } from 'node:net'
import { once } from 'node:events'
import { build, bearer, call, DEV_TOKEN, waitUntil } from '../helper.js'
import { CLI_TIMEOUT_MS, startCli, type CliServer } from '../cli-helper.js'
import { countAnswers } from '../raw-socket.js'

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
  t.match(String(requests[0].durationMs), /^\d+(\.\d{1,3})?$/, 'durationMs is in ms, to the µs')
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

t.test('each fingerprint is the token\'s own, past the 64 the journal remembers', async (t) => {
  const app = await build(t)
  const tokens = Array.from({ length: 70 }, (_, i) => `token-${i}`)
  for (const token of [...tokens, tokens[0] as string]) await app.inject({ url: '/repo', headers: bearer(token) })
  const shown = (await app.inject('/__mock/requests')).json().requests.map((e: { headers: { authorization: string } }) => e.headers.authorization)
  const expected = [...tokens, tokens[0] as string].map((token) => `Bearer sha256:${createHash('sha256').update(token).digest('hex').slice(0, 8)}`)
  t.same(shown, expected)
})

t.test('a body or an answer over 64 KiB, nested too deeply to walk or not valid JSON, is a note in the journal, never raw text', async (t) => {
  const app = await build(t)
  const big = JSON.stringify({ name: 'big', accessType: 'READ', padding: 'x'.repeat(70_000), secret: 'hidden-1' })
  t.equal((await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: { 'content-type': 'application/json' }, payload: big })).statusCode, 200)
  const deep = `{"name":"deep","accessType":"READ","x":${'['.repeat(20000)}${']'.repeat(20000)},"secret":"hidden-2"}`
  t.equal((await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: { 'content-type': 'application/json' }, payload: deep })).statusCode, 200)
  const invalid = '{"name": , "secret": "hidden-3"}'
  t.equal((await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: { 'content-type': 'application/json' }, payload: invalid })).json().code, 'FBM_INVALID_JSON')
  const res = await app.inject('/__mock/requests')
  t.equal(res.statusCode, 200)
  t.same(res.json().requests.map((e: { body: unknown }) => e.body), [
    `[not recorded: ${big.length} characters, over the journal's 65536]`,
    '[not recorded: nested too deeply to show]',
    '[not recorded: not valid JSON]'
  ])
  t.notMatch(res.body, /hidden-/)
})

t.test('a HEAD is recorded without an answer: its client got the headers only', async (t) => {
  const app = await build(t)
  const head = await call(app, { method: 'HEAD', url: '/repo/repo-a/apikey' })
  t.same([head.statusCode, head.body], [200, ''], 'no body went out')
  await call(app, { method: 'GET', url: '/repo/repo-a/apikey' })
  const { requests } = (await app.inject('/__mock/requests')).json()
  t.match(requests, [{ method: 'HEAD', status: 200 }, { method: 'GET', status: 200, response: { success: true, keys: Array } }])
  t.notOk('response' in requests[0], 'the HEAD entry has no response')
})

t.test('the mock\'s own routes and CORS preflights are not recorded', async (t) => {
  const app = await build(t)
  for (const url of ['/health', '/openapi.json', '/openapi.yaml', '/__mock/state', '/__mock/requests?limit=1', '/%5F%5Fmock/state', '/%68ealth', '/__mock/typo']) await app.inject(url)
  await app.inject({ method: 'OPTIONS', url: '/repo', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } })
  t.same((await app.inject('/__mock/requests')).json(), { success: true, total: 0, requests: [] })
})

t.test('journalSize 0 turns it off', async (t) => {
  const app = await build(t, { journalSize: 0 })
  await call(app, { method: 'GET', url: '/repo' })
  t.same((await app.inject('/__mock/requests')).json(), { success: true, total: 0, requests: [] })
})

/** The preload that makes a CLI report its heap after a full GC (run it with --expose-gc). */
const HEAP_PROBE = fileURLToPath(new URL('../probes/report-heap.js', import.meta.url))

/** For a CLI started with HEAP_PROBE: a function resolving with its heap used after a full GC, in bytes. */
function heapOf (server: CliServer): () => Promise<number> {
  const reports = server.child.stderr as Readable
  let text = ''
  reports.on('data', (chunk) => { text += chunk })
  return async () => {
    text = ''
    const heap = waitUntil(reports, 'data', () => /heap (\d+) rss \d+\n/.exec(text)?.[1], { ms: CLI_TIMEOUT_MS, what: 'a heap report', seen: () => text })
    // close-with-grace takes SIGUSR1 and SIGUSR2; the probe listens for SIGWINCH.
    server.child.kill('SIGWINCH')
    return Number(await heap)
  }
}

/** Heap size as a message shows it. */
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`

t.test('the CLI with --journal-size 100: after 20,000 requests it keeps exactly the last 100, and its heap stays flat', async (t) => {
  // The CLI runs without coverage (tap's processinfo reads _TAPJS_PROCESSINFO_COVERAGE_), which would triple its time.
  const server = await startCli(t, ['--journal-size', '100', '--log-level', 'warn'], { _TAPJS_PROCESSINFO_COVERAGE_: '0' }, ['--expose-gc', '--import', HEAP_PROBE])
  const { port } = new URL(server.url)
  const socket = connect(Number(port), '127.0.0.1')
  t.teardown(() => socket.destroy())
  await once(socket, 'connect')
  // 500 pipelined at a time on one keep-alive connection: the answers are counted, not kept.
  const answered = countAnswers(socket, 'HTTP/1.1 200 ')
  const heap = heapOf(server)
  let sent = 0
  const heapAfter = async (total: number): Promise<number> => {
    while (sent < total) {
      const batch = Array.from({ length: 500 }, () => `GET /repo/repo-photos/apikey?n=${++sent} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-token\r\n\r\n`)
      socket.write(batch.join(''))
      await waitUntil(socket, 'data', () => answered() === sent ? true : undefined, { ms: CLI_TIMEOUT_MS, what: `${sent} answers`, seen: () => `${answered()} answers` })
    }
    return heap()
  }
  const at2000 = await heapAfter(2000)
  const at20000 = await heapAfter(20000)
  const { total, requests } = await (await fetch(`${server.url}/__mock/requests`)).json() as { total: number, requests: Array<{ id: number, url: string }> }
  t.equal(total, 100)
  t.same([requests[0]?.id, requests[99]?.id, requests[0]?.url, requests[99]?.url], [19901, 20000, '/repo/repo-photos/apikey?n=19901', '/repo/repo-photos/apikey?n=20000'], 'the last 100 of 20,000')
  const growth = (at20000 - at2000) / at2000
  t.ok(growth < 0.1, `heap after GC grew ${(growth * 100).toFixed(1)}% from 2,000 to 20,000 requests (${mib(at2000)} → ${mib(at20000)})`)
  t.equal(await server.stop(), 0)
})

t.test('the journal does not hold an answer over 64 KiB: after 200 lists of a 1,000-key repo the heap is as it was', async (t) => {
  const apiKeys = Array.from({ length: 1000 }, (_, i) => ({ id: `key-${i}`, name: `key ${i}`, accessType: 'READ', key: `value-${i}`, createdAt: '2026-01-01T00:00:00.000Z' }))
  const fixtures = join(t.testdir(), 'big-repo.json')
  writeFileSync(fixtures, JSON.stringify({
    tokens: [{ token: 'dev-token', repos: '*' }],
    repos: [{ id: 'repo-big', name: 'big', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws', createdAt: '2026-01-01T00:00:00.000Z', apiKeys }]
  }))
  const server = await startCli(t, ['--fixtures', fixtures, '--log-level', 'warn'], { _TAPJS_PROCESSINFO_COVERAGE_: '0' }, ['--expose-gc', '--import', HEAP_PROBE])
  const heap = heapOf(server)
  const list = async (): Promise<number> => {
    const res = await fetch(`${server.url}/repo/repo-big/apikey`, { headers: { Authorization: 'Bearer dev-token' } })
    return res.status === 200 ? (await res.text()).length : -res.status
  }
  // The first list compiles the serializer.
  const length = await list()
  t.ok(length > 100 * 1024, `each answer is ${length} characters`)
  const before = await heap()
  const lengths = new Set<number>()
  for (let i = 0; i < 200; i++) lengths.add(await list())
  t.same([...lengths], [length], 'the same answer 200 times')
  const after = await heap()
  // Holding the answers as sent would be 200 × about 140 KiB: 28 MiB.
  t.ok(after - before < 4 * 2 ** 20, `heap after GC: ${mib(before)} before the 200 lists, ${mib(after)} after`)
  const { total, requests } = await (await fetch(`${server.url}/__mock/requests?limit=1`)).json() as { total: number, requests: Array<{ response: unknown }> }
  t.same([total, requests[0]?.response], [201, `[not recorded: ${length} characters, over the journal's 65536]`], 'each is recorded, with a note for its answer')
  t.equal(await server.stop(), 0)
})
