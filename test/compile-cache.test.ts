// V8's code cache for the CLI's bundle: what is cached, when it is used, and what happens when it cannot be.
// Whether V8 takes a cache is asked in a child process: in this one V8 remembers every script it compiled itself.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { requireCached } from '../src/compile-cache.js'

const COMPILE_CACHE = fileURLToPath(new URL('../src/compile-cache.js', import.meta.url))

/** A CommonJS file in a new directory, exporting what it was given and a function of its own; its cache directory. */
function commonJsFile (label: string): { file: string, cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'))
  const file = join(dir, 'module.cjs')
  writeFileSync(file, `// ${label}\nconst { basename } = require('node:path')\nmodule.exports = { label: ${JSON.stringify(label)}, name: basename(__filename), dir: __dirname, double: (n) => n * 2 }\nexports.ignored = true\n`)
  return { file, cacheDir: join(dir, '.compile-cache') }
}

/** Loads the file in a new process, saves its cache, and tells whether V8 took the cache and what the file exported. */
async function loadInChild (file: string, cacheDir: string, env: Record<string, string> = {}): Promise<{ cached: boolean, label: string }> {
  const script = `import { requireCached } from ${JSON.stringify(COMPILE_CACHE)}
const loaded = requireCached(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)})
loaded.save()
process.stdout.write(JSON.stringify({ cached: loaded.cached, label: loaded.exports.label }))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env } })
  return JSON.parse(stdout)
}

const cacheFiles = (cacheDir: string): string[] => { try { return readdirSync(cacheDir) } catch { return [] } }

t.test('the file runs as require runs it: module.exports, require, __filename and __dirname', async (t) => {
  const { file, cacheDir } = commonJsFile('runs')
  const loaded = requireCached<{ label: string, name: string, dir: string, double: (n: number) => number }>(file, cacheDir, {})
  t.same([loaded.exports.label, loaded.exports.name, loaded.exports.dir, loaded.exports.double(21)], ['runs', 'module.cjs', join(file, '..'), 42])
  t.equal(loaded.cached, false, 'no cache yet')
  t.same(cacheFiles(cacheDir), [], 'nothing is written before save')
})

t.test('a file over the 64 KiB read size, with characters of several bytes across the boundaries, runs as written', async (t) => {
  const { file, cacheDir } = commonJsFile('unused')
  // 18 bytes before the string, then 3-byte euro signs: 65,536 is not at a character's start.
  const text = `${'€'.repeat(30_000)} é ${'😀'.repeat(5_000)}`
  writeFileSync(file, `module.exports = ${JSON.stringify(text)}\n`)
  t.equal(requireCached<string>(file, cacheDir, {}).exports, text)
})

t.test('save writes the cache once; the next process takes it and writes nothing', async (t) => {
  const { file, cacheDir } = commonJsFile('saved')
  const loaded = requireCached(file, cacheDir, {})
  loaded.save()
  const [name] = cacheFiles(cacheDir)
  t.match(name, /^module\.cjs-[0-9a-f]{16}\.cache$/)
  const made = statSync(join(cacheDir, name as string))
  t.ok(made.size > 0)
  loaded.save()
  t.equal(statSync(join(cacheDir, name as string)).mtimeMs, made.mtimeMs, 'a second save writes nothing')
  t.same(await loadInChild(file, cacheDir), { cached: true, label: 'saved' })
  t.equal(statSync(join(cacheDir, name as string)).mtimeMs, made.mtimeMs, 'a taken cache is not written again')
  t.same(cacheFiles(cacheDir), [name], 'and no file is left half-written')
})

t.test('a cache V8 refuses (damaged, or made by another Node) is compiled past and written again', async (t) => {
  const { file, cacheDir } = commonJsFile('refused')
  await loadInChild(file, cacheDir)
  const [name] = cacheFiles(cacheDir)
  writeFileSync(join(cacheDir, name as string), 'not a code cache')
  t.same(await loadInChild(file, cacheDir), { cached: false, label: 'refused' })
  t.not(readFileSync(join(cacheDir, name as string), 'utf8'), 'not a code cache', 'written again')
  t.same(await loadInChild(file, cacheDir), { cached: true, label: 'refused' })
})

t.test('a changed file gets a cache of its own', async (t) => {
  const { file, cacheDir } = commonJsFile('before')
  await loadInChild(file, cacheDir)
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('before', 'after!'))
  t.same(await loadInChild(file, cacheDir), { cached: false, label: 'after!' }, 'the same length, another content: not the old cache')
  t.equal(cacheFiles(cacheDir).length, 2)
})

t.test('NODE_DISABLE_COMPILE_CACHE=1 neither reads nor writes the cache', async (t) => {
  const { file, cacheDir } = commonJsFile('off')
  t.same(await loadInChild(file, cacheDir, { NODE_DISABLE_COMPILE_CACHE: '1' }), { cached: false, label: 'off' })
  t.same(cacheFiles(cacheDir), [], 'nothing written')
  await loadInChild(file, cacheDir)
  t.same(await loadInChild(file, cacheDir, { NODE_DISABLE_COMPILE_CACHE: '1' }), { cached: false, label: 'off' }, 'an existing cache is not read')
})

t.test('a cache that cannot be written is skipped; a file that cannot be read, or throws, throws', async (t) => {
  const { file } = commonJsFile('unwritable')
  const loaded = requireCached(file, join(file, 'cache'), {})
  t.doesNotThrow(() => loaded.save(), 'the cache directory would be inside a file')
  t.throws(() => requireCached(join(file, '..', 'missing.cjs'), join(file, '..'), {}), { code: 'ENOENT' })
  writeFileSync(file, 'throw new Error(\'from the module\')\n')
  t.throws(() => requireCached(file, join(file, '..'), {}), { message: 'from the module' })
})
