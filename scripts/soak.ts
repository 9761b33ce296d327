// Soak: memory of the CLI under a long run of mixed requests over one keep-alive socket, pipelined.
// Phase 1: creates only, so the store grows: bytes per stored key = the heap slope. Phase 2: lists, updates,
// 401s and 400s (the store stays the same size): heap and RSS after a full GC must stay flat; the slope is
// reported in bytes per request. Samples every SAMPLE requests.
// Usage: tsx scripts/soak.ts [total] [--cli dist/cli.cjs] [--creates N] (default 1,000,000 mixed requests after a tenth
// as many creates, at most 100,000, on the built CLI, dist/cli.cjs, which `npm run soak` builds first; CI runs 20,000).
// Exit 1 if the phase-2 slope is over MAX_SLOPE bytes per request.
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { countAnswers } from '../test/raw-socket.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { cli: { type: 'string' }, creates: { type: 'string' } } })
const TOTAL = Number(positionals[0] ?? 1_000_000)
const CREATES = values.creates === undefined ? Math.min(100_000, Math.max(5_000, Math.floor(TOTAL / 10))) : Number(values.creates)
const SAMPLE = Math.max(1_000, Math.floor(TOTAL / 10))
const BATCH = 500
/**
 * The phase-2 slope that fails the run, in bytes per request: 100 B (100 MB per million) is a leak, not noise.
 * Short runs see the JIT and caches settle (about 14 B per request over 20,000), so the bar is not set at 0.
 */
const MAX_SLOPE = 100

const cli = values.cli ?? fileURLToPath(new URL('../dist/cli.cjs', import.meta.url))
const probe = fileURLToPath(new URL('../test/probes/report-heap.ts', import.meta.url))
const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', probe, cli, '--port', '0', '--log-level', 'warn', '--journal-size', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] })
let out = ''
let err = ''
child.stdout.on('data', (c) => { out += c })
child.stderr.on('data', (c) => { err += c })
const waitFor = async <T>(check: () => T | undefined, stream: NodeJS.ReadableStream): Promise<T> => new Promise((resolve) => {
  const look = (): void => {
    const found = check()
    if (found !== undefined) {
      stream.off('data', look)
      resolve(found)
    }
  }
  stream.on('data', look)
  look()
})
const url = await waitFor(() => /listening on (http:[^"\s]+)/.exec(out)?.[1], child.stdout)
const { hostname, port } = new URL(url)
const socket = connect(Number(port), hostname)
await new Promise((resolve) => socket.once('connect', resolve))
const answered = countAnswers(socket, 'HTTP/1.1 ')
let sent = 0

const body = (s: string): string => `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`
const auth = 'Authorization: Bearer dev-token\r\n'
const MIXED = [
  `GET /repo/repo-photos/apikey HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
  `PUT /repo/repo-photos/apikey/key-photos-reader HTTP/1.1\r\nHost: x\r\n${auth}${body('{"name":"soak","accessType":"READ"}')}`,
  'GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n',
  `POST /repo/repo-photos/apikey HTTP/1.1\r\nHost: x\r\n${auth}${body('{"name":"","accessType":"OWNER"}')}`
]
const CREATE = `POST /repo/repo-backups/apikey HTTP/1.1\r\nHost: x\r\n${auth}${body('{"name":"soak key","accessType":"WRITE"}')}`

async function send (count: number, pick: (i: number) => string): Promise<void> {
  const until = sent + count
  while (sent < until) {
    const n = Math.min(BATCH, until - sent)
    socket.write(Array.from({ length: n }, (_, i) => pick(sent + i)).join(''))
    sent += n
    await waitFor(() => answered() >= sent ? true : undefined, socket)
  }
}
async function heap (): Promise<{ heap: number, rss: number }> {
  const before = err.length
  child.kill('SIGWINCH')
  const [, used, rss] = await waitFor(() => /heap (\d+) rss (\d+)\n/.exec(err.slice(before)) ?? undefined, child.stderr)
  return { heap: Number(used), rss: Number(rss) }
}
/** Least-squares slope of y over x. */
function slope (points: Array<[number, number]>): number {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  return points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
}

const started = performance.now()
const createPoints: Array<[number, number]> = [[0, (await heap()).heap]]
for (let done = 0; done < CREATES; done += CREATES / 5) {
  await send(CREATES / 5, () => CREATE)
  createPoints.push([done + CREATES / 5, (await heap()).heap])
}
const mixedPoints: Array<[number, number]> = []
const rssPoints: Array<[number, number]> = []
for (let done = 0; done < TOTAL; done += SAMPLE) {
  await send(Math.min(SAMPLE, TOTAL - done), (i) => MIXED[i % MIXED.length] as string)
  const sample = await heap()
  mixedPoints.push([done + SAMPLE, sample.heap])
  rssPoints.push([done + SAMPLE, sample.rss])
}
const seconds = (performance.now() - started) / 1000
const perKey = slope(createPoints)
const perRequest = slope(mixedPoints.slice(1))
console.log(`soak: ${CREATES} creates, then ${TOTAL} mixed requests (list, update, 401, 400), ${Math.round((CREATES + TOTAL) / seconds)} req/s`)
console.log(`  bytes per stored key (heap slope over the creates): ${perKey.toFixed(0)}`)
console.log(`  heap after GC, every ${SAMPLE}: ${mixedPoints.map(([, y]) => (y / 2 ** 20).toFixed(1)).join(', ')} MiB`)
console.log(`  heap slope over the mixed requests: ${perRequest.toFixed(3)} bytes per request (limit ${MAX_SLOPE})`)
console.log(`  RSS after GC, every ${SAMPLE}: ${rssPoints.map(([, y]) => (y / 2 ** 20).toFixed(1)).join(', ')} MiB; slope ${slope(rssPoints.slice(1)).toFixed(3)} bytes per request`)
socket.destroy()
child.kill('SIGTERM')
process.exitCode = Math.abs(perRequest) <= MAX_SLOPE ? 0 : 1
