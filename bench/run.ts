// `npm run bench [-- --smoke]`: flashback-mock against two bare node:http references doing the same create-key work,
// and a minimal Fastify route (create key only), in one run, with autocannon in its own process. Prints a markdown
// table (and writes it to BENCHMARKS.md unless --smoke): req/s, p50/p99/p99.9 latency (exact, bench/load.mjs), the server's CPU time per
// request and ratios to each reference, each server warmed up first; start-up to the first 200 on /health (median of
// 10; the CLI also without its compile cache), then the time of a first create-key request; RSS at the first 200,
// once idle at least 30 s, and after the load; then
// memory over 100,000 creates and 300,000 mixed requests (scripts/soak.ts on the bundle). Runs alternate: in each of
// 2 rounds every server is started, then each scenario runs on each server in turn (reference, mock, …, then the
// other way round); figures are medians. --smoke (CI): one short round and a short soak,
// nothing asserted, nothing written.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const smoke = process.argv.includes('--smoke')
const DURATION = smoke ? 0.5 : 2
// Each server, once started and its RSS read, gets a warm-up that is not measured: WARMUP s of create-key
// requests at 10 connections, every server alike. V8 optimises a server's hot code in its first thousands of
// requests, and the mock has far more code to optimise than a bare reference: without it, the first run measured
// that, not the steady state a load test sees. (autocannon's own warm-up, per run, added a second to each of the 54.)
// 3 s, not 1: after 1 s the mock was still settling, and its first run (create key at 10 connections) used 105 us of
// CPU per request against 96 after 3 s; the reference 75 against 72 (5 alternated runs each, issue 13).
const WARMUP = smoke ? 0.2 : 3
const ROUNDS = smoke ? 1 : 2
const STARTS = smoke ? 2 : 10
const run = promisify(execFile)
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** The bench's state, the same for every server: a repo to create keys in, one with 100 keys, one with 10,000. */
function writeFixtures (dir: string): string {
  const keys = (repo: string, n: number): unknown[] => Array.from({ length: n }, (_, i) => ({
    id: `${repo}-key-${i}`, name: `key ${i}`, accessType: 'READ', key: `${repo}-value-${i}`, createdAt: '2026-01-01T00:00:00.000Z'
  }))
  const repo = (id: string, n: number): unknown => ({ id, name: id, storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-bench', createdAt: '2026-01-01T00:00:00.000Z', apiKeys: keys(id, n) })
  const file = join(dir, 'bench-fixtures.json')
  writeFileSync(file, JSON.stringify({ tokens: [{ token: 'dev-token', repos: '*' }], repos: [repo('repo-create', 0), repo('repo-100', 100), repo('repo-10k', 10_000)] }))
  return file
}

/** A server the bench runs: its name in the table, its command line, the scenarios it can serve (default all), its environment. */
interface Server { name: string, command: (port: number) => string[], only?: string[], env?: Record<string, string> }
interface Started { child: ChildProcess, url: string, startMs: number }

/** A port free now: listened on by the OS's choice, then closed. */
async function freePort (): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** The servers started and not yet ended: killed if the bench ends early (an error), so none is left running. */
const running = new Set<ChildProcess>()

/**
 * Spawns a server with its stdout (the mock's log) going to a file, as a developer's would not go to a terminal
 * in a load test, and resolves once GET /health answers (the references answer any path); times it.
 */
async function start (server: Server, logFile: string): Promise<Started> {
  const port = await freePort()
  const log = openSync(logFile, 'w')
  const began = performance.now()
  const child = spawn(process.execPath, server.command(port), { cwd: ROOT, stdio: ['ignore', log, 'inherit'], env: { ...process.env, NODE_ENV: 'production', ...server.env } })
  running.add(child)
  child.once('exit', () => running.delete(child))
  closeSync(log)
  const url = `http://127.0.0.1:${port}`
  let exited = false
  child.once('exit', () => { exited = true })
  for (;;) {
    if (exited) throw new Error(`${server.name} exited before it answered: ${readFileSync(logFile, 'utf8').slice(-500)}`)
    if (await fetch(`${url}/health`).then((r) => r.status < 500, () => false)) break
  }
  return { child, url, startMs: performance.now() - began }
}

async function stop ({ child }: Started): Promise<void> {
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

const rss = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024
/** The CPU time a process has used so far, all its threads (the event loop, GC helpers, libuv's), in µs: utime + stime of /proc/PID/stat, in 10 ms ticks. */
const cpuMicros = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // After the command name, which is in parentheses and may hold any character: the state, then fields 4 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

/**
 * Resolves once a server has used no CPU for 200 ms (at most 10 s): when a load ends, autocannon drops the requests it
 * had in flight, and the server still works on them. The next run, of any server, or an RSS reading, waits for that
 * to end instead of counting it (50 lists of 10,000 keys took about 1 s of CPU after their run ended).
 */
async function quiet (pid: number): Promise<void> {
  const until = performance.now() + 10_000
  for (let last = cpuMicros(pid); performance.now() < until;) {
    await sleep(200)
    const now = cpuMicros(pid)
    if (now === last) return
    last = now
  }
}

interface Scenario { name: string, method: string, path: string, body?: string, token?: string, connections: number }
const json = { 'content-type': 'application/json' }
const SCENARIOS: Scenario[] = [
  ...(smoke ? [10] : [10, 50, 100]).map((connections) => ({ name: 'create key', method: 'POST', path: '/repo/repo-create/apikey', body: '{"name":"bench","accessType":"WRITE"}', connections })),
  ...(smoke
    ? []
    : [
        { name: 'list 100 keys', method: 'GET', path: '/repo/repo-100/apikey', connections: 50 },
        { name: '401 (bad token)', method: 'GET', path: '/repo/repo-100/apikey', token: 'wrong', connections: 50 },
        { name: '400 (bad body)', method: 'POST', path: '/repo/repo-create/apikey', body: '{"name":"x","accessType":"OWNER"}', connections: 50 },
        { name: 'GET /repo', method: 'GET', path: '/repo?repoId=repo-100', connections: 50 },
        // Last: its answers are about 1 MB each, and the lists still in flight when its run ends took about 1 s of CPU
        // after it (`quiet` waits for that now: before it, the 401s just after took 290-300 µs each, 110-185 µs
        // otherwise).
        { name: 'list 10,000 keys', method: 'GET', path: '/repo/repo-10k/apikey', connections: 50 }
      ])
]

interface Load { requests: number, total: number, p50: number, p99: number, p999: number, non2xx: number, errors: number, cpu: number }
/**
 * One autocannon run against a server, in a process of its own; `cpu` is the server's CPU time per request over the
 * run, in µs (all threads, `cpuMicros`). On a shared machine it swings far less than req/s: another tenant's load takes
 * CPU from the server, but the work each request needs stays the same.
 */
async function load ({ url, child }: Started, s: Scenario, duration = DURATION): Promise<Load> {
  const options = {
    url: `${url}${s.path}`,
    method: s.method,
    connections: s.connections,
    duration,
    headers: { authorization: `Bearer ${s.token ?? 'dev-token'}`, ...(s.body === undefined ? {} : json) },
    ...(s.body === undefined ? {} : { body: s.body })
  }
  const before = cpuMicros(child.pid as number)
  const { stdout } = await run(process.execPath, [join(ROOT, 'bench', 'load.mjs'), JSON.stringify(options)], { maxBuffer: 1 << 20 })
  const result = JSON.parse(stdout) as Omit<Load, 'cpu'>
  const cpu = (cpuMicros(child.pid as number) - before) / Math.max(result.total, 1)
  // After the run, not counted: the next run, of this server or another, starts on an idle machine.
  await quiet(child.pid as number)
  return { ...result, cpu }
}

const dir = mkdtempSync(join(tmpdir(), 'flashback-bench-'))
// However the bench ends, no server it started is left running, and its folder (fixtures, logs) goes.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})
const fixtures = writeFixtures(dir)
// As shipped: the CLI, default (info) logging into a file, the journal on.
const MOCK: Server = { name: 'flashback-mock', command: (port) => [join(ROOT, 'dist', 'cli.cjs'), '--port', String(port), '--host', '127.0.0.1', '--fixtures', fixtures] }
const SERVERS: Server[] = [
  { name: 'bare node:http, randomBytes ids (reference)', command: (port) => [join(ROOT, 'bench', 'reference-server.mjs'), 'random', fixtures, String(port)] },
  { name: 'bare node:http, pooled ids (the limit)', command: (port) => [join(ROOT, 'bench', 'reference-server.mjs'), 'pooled', fixtures, String(port)] },
  // The floor a Fastify app starts from: the create-key route with its schemas, and nothing else.
  { name: 'minimal Fastify route (schemas only)', command: (port) => [join(ROOT, 'bench', 'minimal-fastify.mjs'), String(port)], only: ['create key'] },
  MOCK
]
const logFile = join(dir, 'server.log')
// Start-up only: the CLI as a first start after an install or a build finds it, without V8's code cache (the rounds
// below made the cache the other starts read).
const FIRST_START: Server = { ...MOCK, name: 'flashback-mock, first start (no compile cache)', env: { NODE_DISABLE_COMPILE_CACHE: '1' } }

/**
 * The time one create-key request takes right after the first 200, in ms: what a test suite's first call waits on,
 * beyond the start (the mock compiles a route's validator and serializer on its first use).
 */
async function firstCreate ({ url }: Started): Promise<number> {
  const began = performance.now()
  const answer = await fetch(`${url}/repo/repo-create/apikey`, { method: 'POST', headers: { authorization: 'Bearer dev-token', 'content-type': 'application/json' }, body: '{"name":"first","accessType":"READ"}' })
  await answer.text()
  if (answer.status !== 200) throw new Error(`the first create key answered ${answer.status}`)
  return performance.now() - began
}

const results = new Map<string, Map<string, Load[]>>()
const starts = new Map<string, number[]>()
const firstCreates = new Map<string, number[]>()
const memory = new Map<string, { first: number[], loaded: number[] }>()
for (let round = 0; round < ROUNDS; round++) {
  // Every server is started, then each scenario runs on each server back to back: a ratio compares runs
  // seconds apart, not a minute apart. On this shared machine one server's CPU per create key moved between 82 and
  // 142 us from one run to the next (5 runs of 30,000 requests in one process, 3 processes): with each server's runs in
  // a block, as before, a slow minute fell on one server (create key at 10 connections 0.49-1.08x the reference
  // over 4 runs of the bench with the same code, issue 13).
  const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse()
  const started = new Map<Server, Started>()
  for (const server of order) {
    const one = await start(server, join(dir, `server-${started.size}.log`))
    started.set(server, one)
    memory.set(server.name, memory.get(server.name) ?? { first: [], loaded: [] })
    memory.get(server.name)?.first.push(rss(one.child.pid as number))
  }
  for (const [index, s] of SCENARIOS.entries()) {
    const key = `${s.name} @${s.connections}`
    if (!results.has(key)) results.set(key, new Map())
    const byServer = results.get(key) as Map<string, Load[]>
    // Which server goes first alternates from scenario to scenario, and from round to round.
    const servers = (index + round) % 2 === 0 ? SERVERS : [...SERVERS].reverse()
    for (const server of servers.filter((server) => server.only === undefined || server.only.includes(s.name))) {
      // The warm-up, not measured, just before a server's first run: SCENARIOS[0] is create key at 10 connections.
      // Done when each server started, the first started sat idle 9-12 s while the others started and warmed up,
      // long enough for V8 to shrink its heap: after 12 s idle, the mock's next 10,000 creates used a median 8 us more
      // CPU each than the 10,000 right after them (7 pairs).
      const one = started.get(server) as Started
      if (index === 0) await load(one, s, WARMUP)
      byServer.set(server.name, [...(byServer.get(server.name) ?? []), await load(one, s)])
    }
  }
  for (const [server, one] of started) {
    memory.get(server.name)?.loaded.push(rss(one.child.pid as number))
    await stop(one)
  }
}
// Interleaved, one start of each server in turn, as the loads are: a shared machine's speed drifts over a minute, and
// a block of ten starts of one server would measure the drift.
for (let i = 0; i < STARTS; i++) {
  for (const server of [...SERVERS.filter((s) => !s.name.includes('pooled')), FIRST_START]) {
    const started = await start(server, logFile)
    starts.set(server.name, [...(starts.get(server.name) ?? []), started.startMs])
    firstCreates.set(server.name, [...(firstCreates.get(server.name) ?? []), await firstCreate(started)])
    await stop(started)
  }
}

// Memory over a long run, measured by `npm run soak` against the bundle as shipped: bytes per stored key from the
// heap slope over 100,000 creates, then heap and RSS after a full GC every tenth of 300,000 mixed requests, and
// their slopes. 300,000, not the 1,000,000 of `npm run soak`, which alone takes over 3 minutes here: the bench
// must finish in 5.
const SOAK = smoke ? { requests: 5_000, creates: 1_000 } : { requests: 300_000, creates: 100_000 }
// Idle RSS once V8 has collected what the start left: RSS just after the first 200 counts the start's garbage too
// (the fixture file's text, the young generation grown by parsing and checking 10,000 keys), which V8's memory
// reducer collects only after some seconds without allocation (about 8 s for the references, 10 to 20 s for the mock,
// measured). Every server but the pooled one idles, started one after the other, while the soak runs beside them (an
// idle server needs no CPU), and is read once the soak has ended and at least SETTLE s after it answered (the soak
// takes 30 to 60 s here; the RSS stays flat from 20 s on, measured to 60 s).
const SETTLE = smoke ? 1 : 30
const idlers: Array<{ server: Server, started: Started, at: number }> = []
for (const server of SERVERS.filter((s) => !s.name.includes('pooled'))) {
  idlers.push({ server, started: await start(server, join(dir, `idle-${idlers.length}.log`)), at: performance.now() })
}
const soak = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'soak.ts'), String(SOAK.requests), '--creates', String(SOAK.creates), '--cli', join(ROOT, 'dist', 'cli.cjs')], { cwd: ROOT, maxBuffer: 1 << 20 })
  .then(({ stdout }) => stdout, (err: { stdout?: string, message: string }) => `${err.stdout ?? ''}soak failed: ${err.message}\n`)
const settled = new Map<string, number>()
for (const { server, started, at } of idlers) {
  const wait = SETTLE * 1000 - (performance.now() - at)
  if (wait > 0) await sleep(wait)
  settled.set(server.name, rss(started.child.pid as number))
  await stop(started)
}

const [ref, limit] = SERVERS.map((s) => s.name) as [string, string]
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const lines: string[] = [
  '| scenario | connections | server | req/s | × reference | × limit | p50 ms | p99 ms | p99.9 ms | p99 × reference | CPU µs per request | CPU × reference | non-2xx |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|'
]
for (const [key, byServer] of results) {
  const [name, connections] = key.split(' @') as [string, string]
  const med = (server: string, field: keyof Load): number => median((byServer.get(server) ?? []).map((l) => l[field]))
  for (const server of SERVERS.map((s) => s.name).filter((server) => byServer.has(server))) {
    lines.push(`| ${name} | ${connections} | ${server} | ${fmt(med(server, 'requests'))} | ${fmt(med(server, 'requests') / med(ref, 'requests'), 2)} | ${fmt(med(server, 'requests') / med(limit, 'requests'), 2)} | ` +
      `${fmt(med(server, 'p50'), 2)} | ${fmt(med(server, 'p99'), 2)} | ${fmt(med(server, 'p999'), 2)} | ${fmt(med(server, 'p99') / Math.max(med(ref, 'p99'), 0.001), 2)} | ` +
      `${fmt(med(server, 'cpu'), 1)} | ${fmt(med(server, 'cpu') / med(ref, 'cpu'), 2)} | ${fmt(med(server, 'non2xx'))} |`)
  }
}
const startRef = median(starts.get(ref) ?? [])
// Start-up to the first created key: the start, then the first create-key request, summed per start.
const untilCreated = (name: string): number[] => (starts.get(name) ?? []).map((ms, i) => ms + ((firstCreates.get(name) ?? [])[i] ?? 0))
lines.push('', `| server | start-up to first 200 (median of ${STARTS}) | × reference | first create key after it | start-up to first created key | × reference | RSS at the first 200 MB | × reference | idle RSS after ≥ ${SETTLE} s MB | × reference | RSS after the load MB |`, '|---|---|---|---|---|---|---|---|---|---|---|')
for (const server of [...SERVERS, FIRST_START].map((s) => s.name)) {
  const m = memory.get(server)
  const st = starts.get(server)
  const idle = settled.get(server)
  const idleCells = idle === undefined ? '– | –' : `${fmt(idle, 1)} | ${fmt(idle / (settled.get(ref) as number), 2)}`
  const mem = m === undefined ? '– | – | – | – | –' : `${fmt(median(m.first), 1)} | ${fmt(median(m.first) / median((memory.get(ref) as { first: number[] }).first), 2)} | ${idleCells} | ${fmt(median(m.loaded), 1)}`
  const startCells = st === undefined
    ? '– | – | – | – | –'
    : `${fmt(median(st))} ms | ${fmt(median(st) / startRef, 2)} | ${fmt(median(firstCreates.get(server) ?? []), 1)} ms | ${fmt(median(untilCreated(server)))} ms | ${fmt(median(untilCreated(server)) / median(untilCreated(ref)), 2)}`
  lines.push(`| ${server} | ${startCells} | ${mem} |`)
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${DURATION} s per run, each server warmed up first (${WARMUP} s of create key), ${ROUNDS} rounds, medians`
const table = [`Machine: ${machine}`, '', ...lines, '', 'Memory (`scripts/soak.ts` on dist/cli.cjs, pipelined over one socket; `npm run soak` alone runs 1,000,000 requests):', '', '```', soak.trimEnd(), '```'].join('\n')
process.stdout.write(`${table}\n`)
if (!smoke) {
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), `# Benchmarks\n\nMade by \`npm run bench\` (bench/run.ts): flashback-mock as shipped (the bundled CLI, info logging into a file, the journal on) against two bare node:http servers doing the same create-key work, and a minimal Fastify route (the create-key route with its schemas, nothing else). Ratios are to the randomBytes reference (× reference) and to the pooled-id one (× limit), measured in the same run. Latency percentiles are of every answer's own time (bench/load.mjs), not autocannon's histogram, which keeps whole ms. A shared 2-core machine is noisy: compare ratios, not absolute figures.\n\n${table}\n`)
}
