// Preload for CLI tests (node --import): writes `stdout-write sync <lines>` or `stdout-write async <lines>` on stderr
// for each write to stdout (fd 1) through node:fs, with the number of lines it holds, so a test can tell how the log
// lines are written: by the main thread, several to a write, or handed to libuv's worker threads.
import fs from 'node:fs'

const lines = (data: unknown): number => String(data).split('\n').length - 1
const { writeSync, write } = fs
fs.writeSync = function (fd: number, data: unknown, ...rest: unknown[]) {
  if (fd === 1) process.stderr.write(`stdout-write sync ${lines(data)}\n`)
  return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest)
} as typeof fs.writeSync
fs.write = function (fd: number, data: unknown, ...rest: unknown[]) {
  if (fd === 1) process.stderr.write(`stdout-write async ${lines(data)}\n`)
  return (write as (...args: unknown[]) => void)(fd, data, ...rest)
} as typeof fs.write
