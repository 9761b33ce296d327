// Preload for CLI tests (node --import): running Fastify's code throws, so a command that answers without running
// the server's code can be told from one that runs it. The bundle holds Fastify's code in its own file, and the
// first thing that code does is load Node's http2 module (fastify/lib/server.js), which nothing before it loads:
// loading http2 throws.
import { Module } from 'node:module'

type Load = (request: string, ...rest: unknown[]) => unknown
const internals = Module as unknown as { _load: Load }
const load = internals._load
internals._load = function (this: unknown, request, ...rest) {
  if (request === 'node:http2') throw new Error('forbid-app: Fastify\'s code ran (it loads node:http2)')
  return load.call(this, request, ...rest)
}
