// Container benchmark: start-to-first-200 on /health and `docker stop` time of the flashback-mock image,
// as medians of N runs and as ratios to a reference image measured in the same run: the same node:22-slim
// base running a bare node:http server that answers /health and exits on SIGTERM.
// Usage: tsx scripts/bench-container.ts [image] (default flashback-mock:latest); RUNS=5 by default.
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'

const IMAGE = process.argv[2] ?? 'flashback-mock:latest'
const REFERENCE = 'flashback-mock-bench-reference:latest'
const RUNS = Number(process.env.RUNS ?? 5)

const REFERENCE_DOCKERFILE = `FROM node:22-slim
USER node
CMD ["node", "-e", "process.on('SIGTERM', () => process.exit(0)); require('node:http').createServer((q, s) => s.end('{\\"status\\":\\"ok\\"}')).listen(process.env.PORT, '0.0.0.0')"]
`

const docker = (args: string[], input?: string): string => execFileSync('docker', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'inherit'] }).trim()

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function once (image: string): Promise<{ startMs: number, stopMs: number }> {
  const port = await freePort()
  const started = performance.now()
  // Host networking works whether or not the engine has a bridge, and adds no proxy to either image.
  const id = docker(['run', '-d', '--network', 'host', '-e', `PORT=${port}`, image])
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false)
    if (ok) break
    if (performance.now() - started > 30_000) throw new Error(`${image} did not answer /health within 30 s`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const startMs = performance.now() - started
  const stopping = performance.now()
  docker(['stop', id])
  const stopMs = performance.now() - stopping
  docker(['rm', id])
  return { startMs, stopMs }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

docker(['build', '-q', '-t', REFERENCE, '-'], REFERENCE_DOCKERFILE)
const results: Record<string, Array<{ startMs: number, stopMs: number }>> = { [IMAGE]: [], [REFERENCE]: [] }
// Interleaved, so load on the shared machine hits both images alike.
for (let i = 0; i < RUNS; i++) {
  for (const image of [IMAGE, REFERENCE]) results[image]?.push(await once(image))
}
const summary = (image: string): { start: number, stop: number } => ({
  start: median((results[image] ?? []).map((r) => r.startMs)),
  stop: median((results[image] ?? []).map((r) => r.stopMs))
})
const ours = summary(IMAGE)
const ref = summary(REFERENCE)
console.log(`container benchmark, median of ${RUNS} runs (reference: bare node:http server on the same base)`)
console.log(`  docker run -> first 200 on /health: ${IMAGE} ${ours.start.toFixed(0)} ms, reference ${ref.start.toFixed(0)} ms, ratio ${(ours.start / ref.start).toFixed(2)}`)
console.log(`  docker stop:                        ${IMAGE} ${ours.stop.toFixed(0)} ms, reference ${ref.stop.toFixed(0)} ms, ratio ${(ours.stop / ref.stop).toFixed(2)}`)
