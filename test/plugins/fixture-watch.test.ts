// --watch, in-process: edits reload the state, bad edits keep it, bursts reload once.
import t, { type Test } from 'tap'
import fs, { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { once } from 'node:events'
import { build, call, captureLogs, testFixtures, waitUntil, within, type LogCapture } from '../helper.js'
import type { Fixtures } from '../../src/schemas/fixtures.js'
import { buildApp, type AppOptions } from '../../src/app.js'
import { FixtureWatchError } from '../../src/fixtures.js'

/** A watched fixture file in a fresh folder, the app watching it, and its log. */
async function watched (t: Test, options: Partial<AppOptions> = {}): Promise<{ app: FastifyInstance, logs: LogCapture, path: string, write: (doc: unknown) => void }> {
  const path = join(t.testdir(), 'fixtures.json')
  const write = (doc: unknown): void => writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2))
  write(testFixtures())
  const logs = captureLogs()
  const app = await build(t, { logLevel: 'debug', logStream: logs.stream, watchFixtures: path, ...options })
  await app.ready()
  return { app, logs, path, write }
}

/** Waits for the `n`th log line with this message (1-based), for 20 s at most. */
const nth = async (logs: LogCapture, msg: string, n = 1): Promise<Record<string, unknown>> =>
  waitUntil(logs.stream, 'line', () => logs.lines.filter((l) => l.msg === msg)[n - 1], { ms: 20_000, what: `${msg} #${n}`, seen: () => JSON.stringify(logs.lines) })

const renamed = (name: string): Fixtures => {
  const doc = testFixtures()
  ;(doc.repos[0] as { name: string }).name = name
  return doc
}

const repoNames = async (app: FastifyInstance): Promise<string[]> =>
  ((await call(app, { url: '/repo' })).json() as { repos: Array<{ name: string }> }).repos.map((r) => r.name)

t.test('a valid edit replaces the state and what a reset restores; one info line', async (t) => {
  const { app, logs, write } = await watched(t)
  await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'made before', accessType: 'READ' } })
  write(renamed('Edited'))
  t.match(await nth(logs, 'fixtures reloaded'), { level: 30, repos: 2, tokens: 2 })
  t.same(await repoNames(app), ['Edited', 'Repo B'])
  t.equal((await call(app, { url: '/repo/repo-a/apikey' })).json().keys.length, 1, 'the state is the file\'s: the key made before is gone')
  await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.same(await repoNames(app), ['Edited', 'Repo B'], 'a reset restores the file as it is now')
})

t.test('an invalid edit keeps the old state and logs the error with its JSON path; a fix reloads', async (t) => {
  const { app, logs, path, write } = await watched(t)
  const bad = renamed('Bad') as unknown as { repos: Array<Record<string, unknown>> }
  ;(bad.repos[1] as Record<string, unknown>).storageType = 'FTP'
  write(bad)
  t.match(await nth(logs, 'fixtures not reloaded: the old state stays'), { level: 40, fixtures: path, error: `${path}: $.repos[1].storageType must be one of S3, GCS, BLOB` })
  t.same(await repoNames(app), ['Repo A', 'Repo B'])
  write('{ "tokens": [')
  t.match(await nth(logs, 'fixtures not reloaded: the old state stays', 2), { error: /not valid JSON/ })
  write(renamed('Fixed'))
  await nth(logs, 'fixtures reloaded')
  t.same(await repoNames(app), ['Fixed', 'Repo B'])
})

t.test('a burst of saves reloads once; an unchanged save reloads nothing', async (t) => {
  const { app, logs, write } = await watched(t)
  // Each save in a turn of the event loop of its own, so the watcher sees each one before the next, as an
  // editor's write-then-rename arrives: only the quiet time after the last makes them one reload.
  for (let i = 0; i < 20; i++) {
    write(renamed(`Burst ${i}`))
    await new Promise((resolve) => setImmediate(resolve))
  }
  await nth(logs, 'fixtures reloaded')
  await call(app, { method: 'POST', url: '/repo/repo-a/apikey', payload: { name: 'kept', accessType: 'READ' } })
  write(renamed('Burst 19'))
  await nth(logs, 'fixture file saved unchanged')
  t.equal((await call(app, { url: '/repo/repo-a/apikey' })).json().keys.length, 2, 'the key made since stays')
  write(renamed('After'))
  await nth(logs, 'fixtures reloaded', 2)
  t.equal(logs.lines.filter((l) => l.msg === 'fixtures reloaded').length, 2, 'the burst reloaded once, the last edit once')
  t.same(await repoNames(app), ['After', 'Repo B'])
})

t.test('an editor\'s atomic save (a new file renamed over the old) and a file deleted then written again', async (t) => {
  const { app, logs, path, write } = await watched(t)
  writeFileSync(`${path}.tmp`, JSON.stringify(renamed('Atomic')))
  renameSync(`${path}.tmp`, path)
  await nth(logs, 'fixtures reloaded')
  t.same(await repoNames(app), ['Atomic', 'Repo B'])
  rmSync(path)
  t.match(await nth(logs, 'fixtures not reloaded: the old state stays'), { error: /cannot read the fixture file \(ENOENT/ })
  t.same(await repoNames(app), ['Atomic', 'Repo B'])
  write(renamed('Back'))
  await nth(logs, 'fixtures reloaded', 2)
  t.same(await repoNames(app), ['Back', 'Repo B'])
})

t.test('a reloaded file may not use the admin token either', async (t) => {
  const { logs, write } = await watched(t, { adminToken: 'admin-token' })
  const doc = testFixtures()
  ;(doc.tokens[0] as { token: string }).token = 'admin-token'
  write(doc)
  t.match(await nth(logs, 'fixtures not reloaded: the old state stays'), { error: /\$\.tokens\[0\]\.token is the admin token/ })
})

t.test('a watch error is logged and the server goes on; the watcher stops with the app', async (t) => {
  const { app, logs } = await watched(t)
  app.fixtureWatcher.emit('error', Object.assign(new Error('EMFILE: too many open files, watch'), { code: 'EMFILE' }))
  t.match(logs.lines.at(-1), { level: 40, msg: 'fixture watch stopped: edits are no longer reloaded', error: /EMFILE/ })
  t.equal((await app.inject('/health')).statusCode, 200)
  const closed = once(app.fixtureWatcher, 'close')
  await app.close()
  await within(closed, 20_000, 'the watcher to close')
  t.pass('the watcher closed with the app')
})

t.test('a symlinked fixture file: an edit of the file it points to reloads (found by an attack pass)', async (t) => {
  const dir = t.testdir({ real: {}, link: {} })
  const real = join(dir, 'real', 'fixtures.json')
  writeFileSync(real, JSON.stringify(testFixtures()))
  const link = join(dir, 'link', 'fixtures.json')
  symlinkSync(real, link)
  const logs = captureLogs()
  const app = await build(t, { logLevel: 'info', logStream: logs.stream, watchFixtures: link })
  await app.ready()
  writeFileSync(real, JSON.stringify(renamed('Through the link')))
  await nth(logs, 'fixtures reloaded')
  t.same(await repoNames(app), ['Through the link', 'Repo B'])
})

t.test('the folder removed: one warn line that the watch has stopped, and the server goes on', async (t) => {
  const dir = join(t.testdir(), 'gone')
  mkdirSync(dir)
  const path = join(dir, 'fixtures.json')
  writeFileSync(path, JSON.stringify(testFixtures()))
  const logs = captureLogs()
  const app = await build(t, { logLevel: 'info', logStream: logs.stream, watchFixtures: path })
  await app.ready()
  rmSync(dir, { recursive: true })
  t.match(await nth(logs, 'fixture watch stopped: edits are no longer reloaded'), { level: 40, error: `the folder ${dir} is gone` })
  t.equal((await app.inject('/health')).statusCode, 200)
})

/** Replaces fs.watch for the rest of the test, as the plugin's own import of it sees it. */
function replaceWatch (t: Test, fake: typeof fs.watch): void {
  const real = fs.watch
  fs.watch = fake
  syncBuiltinESMExports()
  t.teardown(() => { fs.watch = real; syncBuiltinESMExports() })
}

t.test('a folder fs.watch cannot watch fails the build with a FixtureWatchError naming it and why', async (t) => {
  const path = join(t.testdir(), 'fixtures.json')
  writeFileSync(path, JSON.stringify(testFixtures()))
  replaceWatch(t, () => { throw Object.assign(new Error('EPERM: operation not permitted, watch'), { code: 'EPERM' }) })
  const building = buildApp({ fixtures: testFixtures(), logLevel: 'silent', watchFixtures: path })
  await t.rejects(building, new FixtureWatchError(`--watch cannot watch the folder ${t.testdirName} (EPERM: operation not permitted, watch); start without --watch`))
})

t.test('a symlink target\'s folder fs.watch cannot watch fails the build, and the watcher already started is closed', async (t) => {
  const dir = t.testdir({ real: { 'fixtures.json': JSON.stringify(testFixtures()) }, linked: {} })
  const path = join(dir, 'linked', 'fixtures.json')
  symlinkSync(join(dir, 'real', 'fixtures.json'), path)
  const realWatch = fs.watch
  const started: fs.FSWatcher[] = []
  let onClose: () => void = () => {}
  const closed = new Promise<void>((resolve) => { onClose = resolve })
  replaceWatch(t, ((...args: Parameters<typeof realWatch>) => {
    if (started.length > 0) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), { code: 'ENOSPC' })
    started.push(realWatch(...args).once('close', onClose))
    return started[0]
  }) as typeof realWatch)
  await t.rejects(buildApp({ fixtures: testFixtures(), logLevel: 'silent', watchFixtures: path }), { name: 'FixtureWatchError', message: new RegExp(`cannot watch the folder ${join(dir, 'real')} `) })
  t.equal(started.length, 1, 'the link\'s folder was watched first')
  await within(closed, 5_000, 'the first watcher to close')
})

t.test('a symlink whose target went after the file was read fails the build with a FixtureWatchError; the folder\'s watcher is closed', async (t) => {
  const dir = t.testdir({ linked: {} })
  const path = join(dir, 'linked', 'fixtures.json')
  symlinkSync(join(dir, 'gone.json'), path)
  const realWatch = fs.watch
  const closed: fs.FSWatcher[] = []
  replaceWatch(t, ((...args: Parameters<typeof realWatch>) => realWatch(...args).once('close', function (this: fs.FSWatcher) { closed.push(this) })) as typeof realWatch)
  await t.rejects(buildApp({ fixtures: testFixtures(), logLevel: 'silent', watchFixtures: path }), {
    name: 'FixtureWatchError',
    // Node's own words after ENOENT (the syscall it names) are its business.
    message: new RegExp(`^--watch cannot find the file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} stands for \\(ENOENT: .*\\); start without --watch$`)
  })
  t.equal(closed.length, 1, 'the link\'s folder watcher was closed')
})
