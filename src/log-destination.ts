// Where the CLI's JSON log lines go when stdout is not a terminal (a file, a pipe, a container's log): written once per
// turn of the event loop, synchronously, instead of by pino's default destination (issue 13).
import { writeSync } from 'node:fs'
import pino, { type DestinationStream } from 'pino'

/**
 * pino's own destination, as the CLI used before, in its buffer mode: it takes the bytes a short write left, which may
 * end inside a character. sonic-boom's types describe its text mode only.
 */
type Fallback = Omit<ReturnType<typeof pino.destination>, 'write'> & { write (bytes: Buffer): boolean }

/** The most a write to pino's destination holds, in bytes: sonic-boom's own most (`maxWrite`), 16 KiB. */
const MAX_WRITE = 16 * 1024

/**
 * Gives bytes to pino's destination in writes of at most MAX_WRITE, as it would cut the lines it is given one by one.
 * One write larger than a pipe holds (64 KiB) is taken only in part, and sonic-boom waits 100 ms to retry the rest:
 * a backlog of a few MB then drained about 6 times slower. And a write under way as the process exits is not
 * waited for, so at most MAX_WRITE bytes may be cut off then, as before.
 */
function toFallback (fallback: Fallback, bytes: Buffer): void {
  for (let start = 0; start < bytes.length; start += MAX_WRITE) fallback.write(bytes.subarray(start, start + MAX_WRITE))
}

/**
 * A pino destination for a file descriptor (the CLI's stdout) that writes the lines logged in one turn of the event
 * loop together, with one synchronous write once that turn's callbacks have run (`setImmediate`), or as the process
 * exits.
 * - **Why:** pino's default destination (sonic-boom, asynchronous) hands each write to a libuv worker thread, and
 *   on this 2-core VM those hand-offs cost more than the writes: logging took 16-21 us of a create-key request's
 *   94-130 us of CPU. With this destination the CLI used 11-11.5 us less CPU per create key (93 against 103 us:
 *   medians of the paired differences over 30 alternated rounds of 10,000 requests, both servers running, 2 runs).
 * - **When the write cannot complete at once** (a pipe whose reader is behind: EAGAIN, or a short write), or fails
 *   (EPIPE, a reader gone), the rest of that batch and every later line go to pino's own destination for good, in
 *   order: it retries every 100 ms without blocking requests, and stops logging on EPIPE, as the CLI did before.
 * @param fd the file descriptor to write to, open for writing; 1 is stdout
 * @returns a stream for pino's `stream` option (Fastify's `logger.stream`); lines are strings, as pino writes them
 */
export function logDestination (fd: number): DestinationStream {
  let batch = ''
  let scheduled = false
  let fallback: Fallback | undefined
  const destination = (sync: boolean): Fallback => pino.destination({ fd, sync, contentMode: 'buffer' }) as unknown as Fallback
  const flush = (): void => {
    scheduled = false
    const text = batch
    batch = ''
    if (fallback !== undefined) {
      toFallback(fallback, Buffer.from(text))
      return
    }
    let rest: Buffer
    try {
      const written = writeSync(fd, text)
      if (written === Buffer.byteLength(text)) return
      rest = Buffer.from(text).subarray(written)
    } catch {
      rest = Buffer.from(text)
    }
    fallback = destination(false)
    toFallback(fallback, rest)
  }
  // The turn in which the process exits runs no more callbacks: its lines are written here, by a synchronous
  // destination that waits for a reader that is behind, after what pino's destination still holds. pino's destination
  // writes that on exit too, but later; the write it has under way (MAX_WRITE bytes at most) is not waited for.
  process.once('exit', () => {
    if (batch === '') return
    fallback?.flushSync()
    destination(true).write(Buffer.from(batch))
  })
  return {
    write (line: string): void {
      batch += line
      if (scheduled) return
      scheduled = true
      setImmediate(flush)
    }
  }
}
