// `npm run build`: bundles the server with esbuild (issue 13). Loading hundreds of ESM and CommonJS files was about
// 300 ms of the CLI's start; one bundle per entry point loads in a few reads.
//   tsx scripts/build.ts [--outdir DIR] [--sourcemap]
// - dist/cli.js: the bin. What a command needs (settings, fixtures) is in its own file and chunks; the server
//   (Fastify and the app) is a chunk of its own, dist/chunks/server-*.js, imported only once the settings are
//   good, so --help and --version never load it; the terminal log (src/pretty-log.ts) and close-with-grace are
//   chunks imported when needed.
// - dist/index.js: the package entry (`startMockServer`), one file; dist/healthcheck.js, the image's HEALTHCHECK.
// The package's type declarations (dist/*.d.ts) come from tsc, which `npm run build` runs after this.
// Left outside the bundle, loaded from node_modules: pino-pretty (on a terminal only) and @fastify/swagger-ui (on the
// first request to /docs), whose files on disk (themes, the UI's assets) they find next to their own code.
// `npm test` builds the same bundle into dist-test/bundle with --sourcemap: the CLI tests run it, and their
// coverage maps back to src/.
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { Ajv, _ } from 'ajv'
import addFormatsModule from 'ajv-formats'
import standalone from 'ajv/dist/standalone/index.js'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CHECKER_OPTIONS } from '../src/validation.js'
import { ConfigSchema } from '../src/config.js'
import { FixturesSchema } from '../src/schemas/fixtures.js'

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The checkers of the settings and the fixtures as Ajv's standalone code, with the options compileChecker uses, so a
 * start compiles nothing (src/precompiled.ts, which this replaces in the bundle, says why).
 */
function precompiledCheckers (): string {
  const ajv = new Ajv({ ...CHECKER_OPTIONS, schemas: [ConfigSchema, FixturesSchema], code: { ...CHECKER_OPTIONS.code, source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } })
  addFormats(ajv)
  const ids = { config: ConfigSchema.$id as string, fixtures: FixturesSchema.$id as string }
  return `${standalone.default(ajv, ids)}\nexport const PRECOMPILED = { ${JSON.stringify(ids.config)}: config, ${JSON.stringify(ids.fixtures)}: fixtures }\n`
}

/** Replaces src/precompiled.ts with the precompiled checkers, generated once for both builds. */
let checkersCode: string | undefined
const precompiled: Plugin = {
  name: 'precompiled-checkers',
  setup (b) {
    b.onLoad({ filter: /[\\/]src[\\/]precompiled\.ts$/ }, () => ({ contents: (checkersCode ??= precompiledCheckers()), loader: 'js', resolveDir: ROOT }))
  }
}

const { values } = parseArgs({
  options: { outdir: { type: 'string', default: 'dist' }, sourcemap: { type: 'boolean', default: false } }
})
const outdir = values.outdir
rmSync(outdir, { recursive: true, force: true })

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  external: ['pino-pretty', '@fastify/swagger-ui'],
  // The bundled CommonJS packages (Fastify, pino, Ajv…) call require() for Node's built-in modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [precompiled],
  sourcemap: values.sourcemap,
  sourcesContent: false,
  logLevel: 'warning'
}
await Promise.all([
  build({ ...common, entryPoints: ['src/cli.ts'], splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
  build({ ...common, entryPoints: ['src/index.ts', 'src/healthcheck.ts'] })
])
