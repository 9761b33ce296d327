// The package as a user gets it: `npm pack`, installed into an empty folder, run as `npx flashback-mock`.
// `npm run npx-check` (tsx); CI runs it. It needs the npm registry for the package's dependencies.
import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Readable } from 'node:stream'
import { waitUntil, within } from '../helper.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
const npm = async (args: string[], cwd: string): Promise<{ stdout: string, stderr: string }> => run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 })
t.setTimeout(600_000)

const dir = t.testdir({ packed: {}, app: {} })
const packed = join(dir, 'packed')
// prepack builds dist/ from a clean folder first.
const [info] = JSON.parse((await npm(['pack', '--json', '--pack-destination', packed], ROOT)).stdout) as Array<{ filename: string, files: Array<{ path: string }>, size: number, unpackedSize: number }>
const tarball = join(packed, (info as { filename: string }).filename)
const app = join(dir, 'app')
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-project', private: true }))
const install = await npm(['install', '--no-audit', '--no-fund', tarball], app)
const npx = (args: string[]): Promise<{ stdout: string }> => run('npx', ['--no-install', 'flashback-mock', ...args], { cwd: app })

t.test('the tarball holds only what running needs: the built JavaScript and its types, the fixtures, the docs', async (t) => {
  const files = (info as { files: Array<{ path: string }> }).files.map((f) => f.path)
  t.ok(files.includes('dist/cli.cjs') && files.includes('dist/cli-main.cjs') && files.includes('dist/index.js') && files.includes('dist/index.d.ts'), 'the CLI and the package entry')
  t.ok(files.includes('fixtures/default.json') && files.includes('fixtures/fixtures.schema.json'), 'the bundled fixtures')
  t.ok(['package.json', 'README.md', 'LICENSE'].every((f) => files.includes(f)))
  const extra = files.filter((f) => !/^dist\/.*\.(js|cjs|d\.ts)$/.test(f) && !f.startsWith('fixtures/') && !['package.json', 'README.md', 'LICENSE', 'dist/cli-main.cjs.LEGAL.txt'].includes(f))
  t.same(extra, [], 'no tests, no sources, no source maps, no config, no compile cache')
  t.comment(`${files.length} files, ${(info as { size: number }).size} bytes packed, ${(info as { unpackedSize: number }).unpackedSize} unpacked`)
})

t.test('installing it on Node 20 warns of no dependency that needs a newer Node', async (t) => {
  // fastify 5.12 takes light-my-request ^6, and 6.8 pulls cookie 2 (engines >=22); the package depends on 6.6.0
  // itself, which fastify's range then uses (package.json's overrides reach only this project's own install).
  t.notMatch(install.stderr, /EBADENGINE/)
})

t.test('npx flashback-mock --version and --help', async (t) => {
  t.equal((await npx(['--version'])).stdout, `${version}\n`)
  const help = (await npx(['--help'])).stdout
  t.match(help, /^Usage: flashback-mock \[options\]/)
  t.match(help, /Default fixtures: .*node_modules\/flashback-mock\/fixtures\/default\.json/)
})

t.test('npx flashback-mock serves the bundled fixtures and the docs UI, and stops on SIGTERM', async (t) => {
  // Which of Node's built-in modules the process loaded, written as it exits (process.moduleLoadList).
  const modules = join(dir, 'modules.json')
  const preload = join(dir, 'modules.cjs')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(modules)}, JSON.stringify(process.moduleLoadList)))`)
  const child = spawn(join(app, 'node_modules', '.bin', 'flashback-mock'), ['--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (chunk) => { out += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  const url = await waitUntil(child.stdout as Readable, 'data', () => /listening on (http:\/\/\S+?)"/.exec(out)?.[1], { ms: 30_000, what: 'the ready line', seen: () => out })
  const repos = await fetch(`${url}/repo`, { headers: { Authorization: 'Bearer dev-token' } })
  t.equal(repos.status, 200)
  t.same(((await repos.json()) as { repos: Array<{ id: string }> }).repos.map((r) => r.id), ['repo-photos', 'repo-backups'])
  const docs = await fetch(`${url}/docs/`)
  t.equal(docs.status, 200)
  t.match(await docs.text(), /swagger-ui/)
  const bundle = await fetch(`${url}/docs/static/swagger-ui-bundle.js`)
  t.equal(bundle.status, 200, 'the docs UI\'s assets come from the package')
  t.ok((await bundle.arrayBuffer()).byteLength > 100_000, 'all of it (read whole, or SIGTERM would wait for it)')
  child.kill('SIGTERM')
  t.equal(await within(exited, 30_000, 'the server to exit'), 0)
  const installed = join(app, 'node_modules', 'flashback-mock', 'dist')
  const cache = readdirSync(join(installed, '.compile-cache'))
  t.same(cache.map((f) => /^cli-main\.cjs-[0-9a-f]{16}\.cache$/.test(f)), [true], 'V8\'s code cache, written next to the bundle by the first start')
  t.ok(readFileSync(join(installed, 'cli-main.cjs')).every((byte) => byte < 0x80), 'the bundle is ASCII, so V8 keeps its source at one byte per character')
  const loaded = JSON.parse(readFileSync(modules, 'utf8')) as string[]
  t.ok(loaded.includes('NativeModule http'), 'the built-in modules loaded are listed')
  t.same(['https', 'http2', 'tls'].filter((name) => loaded.includes(`NativeModule ${name}`)), [], 'https, http2 and tls are never loaded: the build makes Fastify\'s require of them lazy')
})
