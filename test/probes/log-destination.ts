// For test/log-destination.test.ts: `node log-destination.js exit` logs a line to stdout and exits in the same turn;
// `exit-full` does so with 2 MiB, more than the pipe to a reader that has not read yet holds, and says "exiting" on
// stderr first; `exit-after-fallback` logs 2 MiB, then a line in the next turn, then a last one as it exits in the
// turn after; `reader-gone` waits for its stdin to end, then logs three lines, one turn each, and ends.
import { logDestination } from '../../src/log-destination.js'

// As in the CLI, which reads process.stdout.isTTY: a pipe on stdout is then non-blocking.
if (process.stdout.isTTY) throw new Error('stdout must not be a terminal')
const destination = logDestination(1)
if (process.argv[2] === 'exit') {
  destination.write('{"msg":"logged in the last turn"}\n')
  process.exit(0)
}
if (process.argv[2] === 'exit-after-fallback') {
  destination.write(`{"msg":"${'x'.repeat(2 * 1024 * 1024 - 11)}"}\n`)
  setImmediate(() => {
    destination.write('{"msg":"queued"}\n')
    setImmediate(() => {
      destination.write('{"msg":"last"}\n')
      process.stderr.write('exiting\n')
      process.exit(0)
    })
  })
}
if (process.argv[2] === 'exit-full') {
  destination.write(`{"msg":"${'x'.repeat(2 * 1024 * 1024 - 11)}"}\n`)
  process.stderr.write('exiting\n')
  process.exit(0)
}
if (process.argv[2] === 'reader-gone') {
  process.stdin.resume().on('end', () => {
    let n = 0
    const next = (): void => {
      destination.write(`{"n":${n}}\n`)
      if (++n < 3) setImmediate(next)
    }
    next()
  })
}
