// `npm run build`: bundles the server with esbuild (issue 13). Loading hundreds of ESM and CommonJS files was about
// 300 ms of the CLI's start; one bundle loads in one read.
//   tsx scripts/build.ts [--outdir DIR] [--sourcemap] [--packages-outside]
// - dist/cli.cjs: the bin, and dist/cli-main.cjs: the command line it runs, one CommonJS bundle with the server, so the
//   bin can run it with V8's code cache (src/compile-cache.ts); both CommonJS, so Node skips its ES module loader. The
//   server's code, Fastify's included, runs only once the settings are good, so --help and --version never run it;
//   the terminal log (src/pretty-log.ts) and js-yaml run when needed.
// - dist/index.js: the package entry (`startMockServer`), one ES module; dist/healthcheck.js, the image's HEALTHCHECK.
// Both bundles hold the checkers of the settings and fixtures (src/precompiled.ts), and the routes' validators and
// serializers (src/precompiled-routes.ts), compiled here: a start and a route's first request compile none.
// The package's type declarations (dist/*.d.ts) come from tsc, which `npm run build` runs after this.
// Left outside the bundle, loaded from node_modules: pino-pretty (on a terminal only) and @fastify/swagger-ui (on the
// first request to /docs), whose files on disk (themes, the UI's assets) they find next to their own code.
// `npm test` builds the same bundle into dist-test/bundle with --sourcemap and --packages-outside: the CLI tests run
// it, and their coverage maps back to src/.
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { Ajv, _ } from 'ajv'
import standalone from 'ajv/dist/standalone/index.js'
import { readFileSync, rmSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CHECKER_OPTIONS } from '../src/validation.js'
import { FORMATS } from '../src/formats.js'
import { ConfigSchema } from '../src/config.js'
import { FixturesSchema } from '../src/schemas/fixtures.js'
import { buildApp, routeSchemaKey } from '../src/app.js'
import { StandaloneValidator } from '@fastify/ajv-compiler'
import { StandaloneSerializer } from '@fastify/fast-json-stringify-compiler'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The checkers of the settings and the fixtures as Ajv's standalone code, with the options compileChecker uses, so a
 * start compiles nothing (src/precompiled.ts, which this replaces in the bundle, says why).
 */
function precompiledCheckers (): string {
  const ajv = new Ajv({ ...CHECKER_OPTIONS, formats: FORMATS, schemas: [ConfigSchema, FixturesSchema], code: { ...CHECKER_OPTIONS.code, source: true, esm: true, formats: _`require("./src/formats.ts").FORMATS` } })
  const ids = { config: ConfigSchema.$id as string, fixtures: FixturesSchema.$id as string }
  return `${standalone.default(ajv, ids)}\nexport const PRECOMPILED = { ${JSON.stringify(ids.config)}: config, ${JSON.stringify(ids.fixtures)}: fixtures }\n`
}

/**
 * The routes' validators and serializers as the standalone modes of Ajv (@fastify/ajv-compiler) and fast-json-stringify
 * write them, for the default app (control API and CORS on), with Fastify's own options: made while the app is built
 * here, as Fastify compiles them all at start when its compilers are not lazy. The CLI's first request to a route then
 * compiles nothing (issue 13: the first create key took about 55 ms, in building Ajv and fast-json-stringify and in
 * their compiling). Error answers have no serializer (src/app.ts); a route the default app lacks is compiled on first use.
 * @throws when two schemas get the same `routeSchemaKey`: one would be served for the other's route
 */
async function precompiledRoutes (): Promise<string> {
  const entries = { validators: new Map<string, string>(), serializers: new Map<string, string>() }
  // Each module's text (CommonJS, with its requires) runs in a function of its own, which returns its exports.
  const store = (kind: keyof typeof entries) => (route: Parameters<typeof routeSchemaKey>[0], code: string): void => {
    const key = routeSchemaKey(route)
    if (entries[kind].has(key)) throw new Error(`precompiled routes: two ${kind} for ${key}`)
    entries[kind].set(key, `${JSON.stringify(key)}: (() => { const module = { exports: {} };\n${code}\n;return module.exports })()`)
  }
  const app = await buildApp({
    fixtures: { tokens: [], repos: [] },
    logLevel: 'silent',
    compilersFactory: {
      buildValidator: StandaloneValidator({ readMode: false, storeFunction: store('validators') }),
      buildSerializer: StandaloneSerializer({ readMode: false, storeFunction: (route, code) => { if (Number(route.httpStatus) < 400) store('serializers')(route, code) } })
    }
  })
  await app.ready()
  await app.close()
  const object = (map: Map<string, string>): string => `{\n${[...map.values()].join(',\n')}\n}`
  return `export const PRECOMPILED_ROUTES = { validators: ${object(entries.validators)}, serializers: ${object(entries.serializers)} }\n`
}

/** How Ajv's standalone code names the function that counts a string's length for minLength and maxLength. */
const AJV_LENGTH = 'require("ajv/dist/runtime/ucs2length").default'

/**
 * Ajv's standalone code with src/code-point-length.ts counting string lengths in place of Ajv's `ucs2length`: the same
 * length for every string, and the fixture check of 10,000 keys took 9 ms instead of 25 (issue 13).
 * @throws when the code does not name Ajv's function as `AJV_LENGTH`: an Ajv that names it otherwise is seen, not
 *   silently left slow
 */
function withCodePointLength (code: string): string {
  if (!code.includes(AJV_LENGTH)) throw new Error(`precompiled: Ajv's code no longer requires ${AJV_LENGTH}`)
  return code.replaceAll(AJV_LENGTH, 'require("./src/code-point-length.ts").codePointLength')
}

/** src/precompiled.ts and src/precompiled-routes.ts as the bundles have them, generated once for both builds. */
const PRECOMPILED_MODULES: Record<string, string> = {
  precompiled: withCodePointLength(precompiledCheckers()),
  'precompiled-routes': withCodePointLength(await precompiledRoutes())
}
const precompiled: Plugin = {
  name: 'precompiled',
  setup (b) {
    b.onLoad({ filter: /[\\/]src[\\/]precompiled(-routes)?\.ts$/ }, ({ path }) => ({ contents: PRECOMPILED_MODULES[basename(path, '.ts')], loader: 'js', resolveDir: ROOT }))
  }
}

/**
 * `--packages-outside` (the test bundle): packages are required from node_modules, not bundled, so the bundle's
 * source map holds src/ alone. tap counts a CLI run's coverage against src/ only for such a file: a map that also
 * holds node_modules code left src/ uncounted, or counted node_modules. (nanoid, an ES module, is then required as
 * one, which Node does from 20.19.)
 */
const packagesOutside: Plugin = {
  name: 'packages-outside',
  setup (b) {
    b.onResolve({ filter: /^[@\w]/ }, ({ path, kind }) => kind === 'entry-point' ? undefined : { path, external: true })
  }
}

/**
 * Modules that a bundled package requires when it loads but uses only for some servers or requests, each loaded on
 * its first use instead (issue 13):
 * - Fastify's lib/server.js requires https and http2 (with tls) for a server with TLS or HTTP/2, which the CLI never
 *   makes. Requiring them took 9 ms in a fresh process, but 2.3 to 3.5 ms once the CLI has loaded the rest (timed
 *   after it listens): what this saves.
 * - @fastify/swagger requires the yaml package for its YAML document only (`swagger({ yaml: true })`, which the docs
 *   UI's GET /docs/yaml asks for; our GET /openapi.yaml is written by js-yaml): about 2 ms of the start, measured with
 *   --cpu-prof.
 * Each stands in as a proxy that requires the module the first time one of its properties is read. The build fails
 * if a pair is no longer found, so a package that requires them differently is seen, not silently loaded eagerly.
 */
const LAZY_MODULES = [
  { importer: /[\\/]fastify[\\/]lib[\\/]server\.js$/, module: 'node:https' },
  { importer: /[\\/]fastify[\\/]lib[\\/]server\.js$/, module: 'node:http2' },
  { importer: /[\\/]@fastify[\\/]swagger[\\/]lib[\\/]spec[\\/]openapi[\\/]index\.js$/, module: 'yaml' },
  { importer: /[\\/]@fastify[\\/]swagger[\\/]lib[\\/]spec[\\/]swagger[\\/]index\.js$/, module: 'yaml' }
]
const lazyModules: Plugin = {
  name: 'lazy-modules',
  setup (b) {
    const found = new Set<typeof LAZY_MODULES[number]>()
    const names = new Set(LAZY_MODULES.map((entry) => entry.module))
    b.onResolve({ filter: /^[\w:@]/ }, ({ path, importer, namespace }) => {
      if (namespace === 'lazy-module' || !names.has(path)) return undefined
      const lazy = LAZY_MODULES.find((entry) => entry.module === path && entry.importer.test(importer))
      if (lazy === undefined) return undefined
      found.add(lazy)
      // The proxy's require() of a bundled package resolves from where the package was required.
      return { path, namespace: 'lazy-module', pluginData: dirname(importer) }
    })
    b.onLoad({ filter: /^/, namespace: 'lazy-module' }, ({ path, pluginData }) => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(path)}))[key] })`,
      loader: 'js',
      resolveDir: pluginData as string
    }))
    b.onEnd(() => {
      const missing = LAZY_MODULES.filter((entry) => !found.has(entry))
      if (missing.length > 0) throw new Error(`lazy-modules: not required as expected: ${missing.map(({ importer, module }) => `${module} by ${importer.source}`).join(', ')}`)
    })
  }
}

/**
 * The CommonJS bundle's `import.meta.resolve`, for the specifiers src/ gives it: package.json's `imports`
 * (`#package.json`, `#fixtures/*`), an entry being a file path or a path with one `*`, as there; an exact entry wins
 * over a pattern, a longer pattern over a shorter, as in Node. Node's resolver did this at run time, and its first
 * package import took about 6 ms of the CLI's start, loading the ES module resolver (issue 13). Any other specifier
 * throws, as does a `*` part that is empty or has a `..` segment (Node's ERR_INVALID_MODULE_SPECIFIER), so nothing
 * outside the package is named; one src/ starts to use fails the tests that run the bundle.
 * Runs in the bundle (its source is the banner's): `root` is the package's folder, `imports` package.json's.
 * @returns the file URL the specifier names
 */
function resolveImport (specifier: string, root: string, imports: Record<string, string>): string {
  const byPrecedence = Object.entries(imports).sort(([a], [b]) => Number(a.includes('*')) - Number(b.includes('*')) || b.length - a.length)
  for (const [name, target] of byPrecedence) {
    const [before, after] = name.split('*') as [string, string | undefined]
    if (after === undefined ? specifier !== name : !(specifier.startsWith(before) && specifier.endsWith(after) && specifier.length > name.length - 1)) continue
    const part = after === undefined ? '' : specifier.slice(before.length, specifier.length - after.length)
    if (part.split(/[\\/]/).includes('..')) break
    return require('node:url').pathToFileURL(require('node:path').join(root, target.replace('*', () => part))).href
  }
  throw new Error(`import.meta.resolve(${specifier}): not in package.json's imports`)
}

/**
 * The banner's `__import_meta_resolve`: `resolveImport` with the package's folder seen from `outdir` and its imports.
 * @throws when an `imports` target is not a path in the package (`./…`, no `..`): conditions are not supported
 */
function importsResolver (outdir: string): string {
  const imports = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, unknown> }).imports
  for (const [name, target] of Object.entries(imports)) {
    if (typeof target !== 'string' || !target.startsWith('./') || target.split('/').includes('..')) throw new Error(`package.json imports ${name}: the build resolves only a path in the package, not ${JSON.stringify(target)}`)
  }
  const root = `require('node:path').join(__dirname, ${JSON.stringify(relative(resolve(ROOT, outdir), ROOT))})`
  return `const __import_meta_resolve = (specifier) => (${resolveImport.toString()})(specifier, ${root}, ${JSON.stringify(imports)});`
}

const { values } = parseArgs({
  options: {
    outdir: { type: 'string', default: 'dist' },
    sourcemap: { type: 'boolean', default: false },
    'packages-outside': { type: 'boolean', default: false }
  }
})
const outdir = values.outdir
rmSync(outdir, { recursive: true, force: true })

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  outdir,
  external: ['pino-pretty', '@fastify/swagger-ui'],
  // The test bundle requires Fastify from node_modules: nothing there to make lazy.
  plugins: values['packages-outside'] ? [precompiled, packagesOutside] : [precompiled, lazyModules],
  sourcemap: values.sourcemap,
  sourcesContent: false,
  logLevel: 'warning'
}
await Promise.all([
  build({
    ...common,
    format: 'esm',
    entryPoints: ['src/index.ts', 'src/healthcheck.ts'],
    // The bundled CommonJS packages (Fastify, pino, Ajv…) call require() for Node's built-in modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
  }),
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['src/cli.ts', 'src/cli-main.ts'],
    outExtension: { '.js': '.cjs' },
    // import() of a package outside the bundle (the docs UI) as require(): the bundle runs as a vm.Script, whose
    // import() needs a loader Node 20 only has as an experimental feature, with a warning.
    supported: { 'dynamic-import': false },
    // ASCII only, so V8 keeps the source at one byte per character, not two. A comment is where a bundled
    // package puts other characters (js-yaml's quotes, a licence's names): comments are dropped, licences kept in
    // dist/cli-main.cjs.LEGAL.txt. Not with --sourcemap (the test bundle): coverage of a minified line maps back to
    // the wrong functions and branches.
    minifyWhitespace: !values.sourcemap,
    legalComments: 'external',
    // What import.meta gives an ES module (the file's URL, resolving `#package.json` through package.json's imports),
    // from CommonJS's own.
    define: { 'import.meta.url': '__import_meta_url', 'import.meta.resolve': '__import_meta_resolve' },
    banner: { js: `const __import_meta_url = require('node:url').pathToFileURL(__filename).href; ${importsResolver(outdir)}` }
  })
])
