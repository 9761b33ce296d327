// The CLI's JSON log destination: lines of one turn of the event loop written together, a reader that falls behind
// or goes away never blocks or stops the server, and no line is lost or cut.
import t from 'tap'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { logDestination } from '../src/log-destination.js'
import { spawnNode } from './cli-helper.js'
import { waitUntil, within } from './helper.js'

const nextTurn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

/** A named pipe (FIFO) in a temporary folder, opened at both ends without blocking, as the CLI's stdout would be. */
function fifo (t: Test): { readFd: number, writeFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'flashback-log-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'pipe')
  execFileSync('mkfifo', [path])
  // The read end first: opening the write end of a FIFO without blocking needs a reader.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
  t.teardown(() => closeSync(writeFd))
  return { readFd, writeFd }
}

t.test('the lines of one turn are written together, once that turn has run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flashback-log-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'log')
  const fd = openSync(file, 'w')
  t.teardown(() => closeSync(fd))
  const destination = logDestination(fd)
  destination.write('{"n":1}\n')
  destination.write('{"n":2}\n')
  destination.write('{"n":3,"text":"é😀"}\n')
  t.equal(readFileSync(file, 'utf8'), '', 'nothing is written while the turn runs')
  await nextTurn()
  t.equal(readFileSync(file, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3,"text":"é😀"}\n')
  destination.write('{"n":4}\n')
  await nextTurn()
  t.equal(readFileSync(file, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3,"text":"é😀"}\n{"n":4}\n', 'a later turn writes its own line')
})

t.test('a reader that falls behind blocks nothing, and gets every byte in order', async (t) => {
  const { readFd, writeFd } = fifo(t)
  const destination = logDestination(writeFd)
  // 100 lines of 10,000 bytes, each in a turn of its own, about 15 times what the pipe holds (64 KiB): the pipe fills
  // part-way through a line (a short write), then refuses (EAGAIN). Nothing reads until all are logged, so a write
  // that waited for the reader would never return.
  const lines = Array.from({ length: 100 }, (_, i) => `{"n":${String(i).padStart(3, '0')},"pad":"${'é'.repeat(4000)}${'x'.repeat(1981)}"}\n`)
  t.equal(Buffer.byteLength(lines[0] as string), 10_000)
  for (const line of lines) {
    destination.write(line)
    await nextTurn()
  }
  const reader = new Socket({ fd: readFd, readable: true, writable: false })
  t.teardown(() => { reader.destroy() })
  let received = ''
  reader.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  const expected = lines.join('')
  await waitUntil(reader, 'data', () => received.length >= expected.length ? true : undefined,
    { ms: 30_000, what: 'the reader to get every line', seen: () => `${received.length} of ${expected.length} characters` })
  t.equal(received.length, expected.length)
  t.ok(received === expected, 'every line arrived whole, in the order logged, with no byte lost or doubled')
})

const PROBE = fileURLToPath(new URL('./probes/log-destination.js', import.meta.url))

t.test('a reader that is gone (EPIPE) ends the logging, not the process', async (t) => {
  const run = spawnNode(PROBE, ['reader-gone'])
  // The probe logs once its stdin ends, after the read end of its stdout is closed here.
  run.child.stdout?.destroy()
  run.child.stdin?.end()
  const { code, signal, stderr } = await within(run.done, 30_000, 'the probe to exit')
  t.same({ code, signal, stderr }, { code: 0, signal: null, stderr: '' }, 'it ends by itself once its lines are dropped, with no error')
})

t.test('lines logged in the turn the process exits in are written before it ends', async (t) => {
  const { code, stdout } = await within(spawnNode(PROBE, ['exit']).done, 30_000, 'the probe to exit')
  t.equal(code, 0)
  t.equal(stdout, '{"msg":"logged in the last turn"}\n')
})

/** Runs the probe with a reader that reads nothing until the probe says "exiting" on stderr; its exit code and stdout. */
async function exitWithReaderBehind (t: Test, mode: string): Promise<{ code: number | null, stdout: Buffer }> {
  const child = spawn(process.execPath, [PROBE, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  child.stdout.pause()
  let stderr = ''
  await waitUntil(child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk }), 'data', () => stderr.includes('exiting') ? true : undefined,
    { ms: 30_000, what: 'the probe to log its last line', seen: () => stderr })
  // Only now is its output read: the write of the last turn could not have completed before.
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => { chunks.push(chunk) }).resume()
  const [code] = await within(once(child, 'close'), 30_000, 'the probe to exit') as [number | null]
  return { code, stdout: Buffer.concat(chunks) }
}

t.test('lines logged in the last turn wait for a reader that is behind, and all arrive', async (t) => {
  const { code, stdout } = await exitWithReaderBehind(t, 'exit-full')
  t.equal(code, 0)
  t.equal(stdout.length, 2 * 1024 * 1024, 'every byte of the line arrived')
  t.ok(stdout.toString().endsWith('x"}\n'), 'ending with the end of the line')
})

t.test('after a write that could not complete, the last turn\'s line comes after those still queued', async (t) => {
  const { code, stdout } = await exitWithReaderBehind(t, 'exit-after-fallback')
  t.equal(code, 0)
  // The write pino's destination had under way as the process exited, part of the first line, may be cut off or land
  // anywhere (it does not wait for that write, which another thread makes): 16 KiB at most, as it is given no more at
  // once. The lines after it are written whole, in order.
  const sent = 2 * 1024 * 1024 + '{"msg":"queued"}\n{"msg":"last"}\n'.length
  t.ok(stdout.length >= sent - 16 * 1024 && stdout.length <= sent, `all but 16 KiB at most arrived: ${stdout.length} of ${sent} bytes`)
  const text = stdout.toString()
  const queued = text.indexOf('{"msg":"queued"}\n')
  t.not(queued, -1, 'the queued line arrived')
  t.ok(text.indexOf('{"msg":"last"}\n') > queued, `the last line came after it: ${JSON.stringify(text.slice(queued, queued + 40))}`)
})
