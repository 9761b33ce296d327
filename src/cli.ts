#!/usr/bin/env node
// The bin, dist/cli.cjs: runs the command line (src/cli-main.ts), built next to it as one CommonJS bundle,
// dist/cli-main.cjs, with V8's code cache (src/compile-cache.ts). A start after the first reads the code V8 compiled
// then instead of compiling the 1.6 MB bundle again: the cache is made once the first server listens, in
// dist/.compile-cache. The bin runs the build only: `npm start` builds first.
// The bin is CommonJS too: Node runs an ES module entry through its ES module loader, which made each built-in module
// the bin imports into an ES module; as CommonJS the CLI listens about 5 ms sooner (issue 13).
import { join } from 'node:path'
import { requireCached } from './compile-cache.js'
import { leanStart } from './lean-start.js'

// V8 runs the start without its optimising compiler until the server listens (src/lean-start.ts). Set before the
// bundle is compiled and put back after its code cache is written, so the cache is made and taken with one set of flags.
const restoreV8 = leanStart()
const cli = requireCached<typeof import('./cli-main.js')>(join(__dirname, 'cli-main.cjs'), join(__dirname, '.compile-cache'))
cli.exports.main().then((listening) => {
  if (!listening) return
  cli.save()
  restoreV8()
}, (err: unknown) => {
  // What an unexpected error before the server runs does (one the CLI has no message for): printed, exit code
  // 1, as the ES module bin's top-level await did, whatever --unhandled-rejections says.
  console.error(err)
  process.exit(1)
})
