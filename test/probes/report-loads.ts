// Preload for CLI tests (node --import): writes `required <request>` on stderr for every module the process
// requires (Node's own, and the packages left outside the bundle), so a test can tell what a start loads and what a
// first request loads later. The bundle's own modules are inside its file, not required.
import { Module } from 'node:module'

type Load = (request: string, ...rest: unknown[]) => unknown
const internals = Module as unknown as { _load: Load }
const load = internals._load
internals._load = function (this: unknown, request, ...rest) {
  process.stderr.write(`required ${request}\n`)
  return load.call(this, request, ...rest)
}
