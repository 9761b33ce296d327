#!/usr/bin/env node
// The bin, dist/cli.js: runs the command line (src/cli-main.ts), built next to it as one CommonJS bundle,
// dist/cli-main.cjs, with V8's code cache (src/compile-cache.ts). A start after the first reads the code V8 compiled
// then instead of compiling the 1.6 MB bundle again: the cache is made once the first server listens, in
// dist/.compile-cache. The bin runs the build only: `npm start` builds first.
import { fileURLToPath } from 'node:url'
import { requireCached } from './compile-cache.js'

const cli = requireCached<typeof import('./cli-main.js')>(fileURLToPath(new URL('./cli-main.cjs', import.meta.url)), fileURLToPath(new URL('./.compile-cache', import.meta.url)))
if (await cli.exports.main()) cli.save()
