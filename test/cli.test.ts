// The real CLI (dist/cli.cjs) as a child process: settings, fixture errors, the ready line, a real socket, signals.
// Every wait is on an event (a log line, a socket's close, the process's close), each with its own time-out.
import t from 'tap'
import { connect, createServer } from 'node:net'
import { once } from 'node:events'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRandomSource } from '../src/random-source.js'
import { CLI, CLI_TIMEOUT_MS, runCli, spawnChild, spawnNode, startCli } from './cli-helper.js'
import { hasIpv6Loopback, within } from './helper.js'
import { MockControl } from '../src/index.js'
import { rawConnect } from './raw-socket.js'
import { DEFAULT_FIXTURES_PATH } from '../src/fixtures.js'
import { VERSION } from '../src/version.js'

t.setTimeout(180_000)
// Each test runs its own CLI processes and mostly waits on them, so they run side by side.
t.jobs = 3

/** A preload that writes `required <request>` on stderr for each module required. */
const REPORT_LOADS = fileURLToPath(new URL('./probes/report-loads.js', import.meta.url))
/** A preload that writes `stdout-write sync|async <lines>` on stderr for each write to stdout through node:fs. */
const REPORT_STDOUT_WRITES = fileURLToPath(new URL('./probes/report-stdout-writes.js', import.meta.url))
/** A preload that writes `test-listening <port>` on stderr once the server listens. */
const ANNOUNCE_LISTENING = fileURLToPath(new URL('./probes/announce-listening.js', import.meta.url))

t.test('issue 13: JSON log lines are written by the main thread, those answered together in one write, none by a worker thread', async (t) => {
  const server = await startCli(t, [], {}, ['--import', REPORT_STDOUT_WRITES])
  const creates = Array.from({ length: 50 }, async () => await fetch(`${server.url}/repo/repo-photos/apikey`, {
    method: 'POST', headers: { authorization: 'Bearer dev-token', 'content-type': 'application/json' }, body: '{"name":"batched","accessType":"READ"}'
  }).then((answer) => answer.status))
  t.same(new Set(await Promise.all(creates)), new Set([200]))
  const completed = (l: Record<string, unknown>): boolean => l.msg === 'request completed'
  await server.waitForLog(() => server.logs.filter(completed).length === 50, 'the 50 request lines')
  // Once it has exited, its stdout and stderr are complete.
  t.equal(await server.stop(), 0)
  const writes = [...server.stderr().matchAll(/stdout-write (sync|async) (\d+)\n/g)]
  t.same(writes.filter(([, kind]) => kind === 'async'), [], 'none handed to libuv\'s worker threads (pino\'s default destination)')
  t.equal(writes.reduce((sum, [, , n]) => sum + Number(n), 0), server.logs.length, 'every line written by the main thread')
  t.ok(writes.some(([, , n]) => Number(n) > 1), `requests answered together share a write: ${writes.map(([, , n]) => n).join(', ')}`)
})

t.test('issue 13: the CLI loads the docs UI on its first request, not at start, and serves it and the YAML document', async (t) => {
  const server = await startCli(t, [], {}, ['--import', REPORT_LOADS, '--import', ANNOUNCE_LISTENING])
  // Both probes write on stderr from the main thread: what the start required is written before the listening line.
  const started = await server.waitForStderr(/test-listening \d+/)
  t.match(started, /required node:http\n/, 'the probe sees what the start requires')
  t.notMatch(started, /swagger-ui/, 'the docs UI is not required by a start')
  t.notMatch(started, /required (node:)?fs\/promises\n/, 'nor node:fs/promises: the fixture file is read with node:fs\'s callback calls')
  t.notMatch(started, /required ajv\/dist\/runtime\/ucs2length\n/, 'nor does the precompiled code require Ajv\'s length count: it calls src/code-point-length.ts')
  const docs = await fetch(`${server.url}/docs/`)
  t.same([docs.status, (await docs.text()).includes('swagger-ui')], [200, true], 'the docs UI')
  const css = await fetch(`${server.url}/docs/static/swagger-ui.css`)
  t.same([css.status, css.headers.get('content-type')], [200, 'text/css; charset=utf-8'], 'and its assets')
  await css.arrayBuffer()
  t.match(server.stderr(), /required @fastify\/swagger-ui\n/, 'required by its first request, from node_modules')
  const yaml = await fetch(`${server.url}/openapi.yaml`)
  t.same([yaml.status, (await yaml.text()).startsWith('openapi: 3.0.3')], [200, true])
})

t.test('issue 13: the CLI\'s first requests compile no validator or serializer: the build made them', async (t) => {
  const probe = fileURLToPath(new URL('./probes/report-compiles.js', import.meta.url))
  const server = await startCli(t, [], {}, ['--import', probe, '--import', ANNOUNCE_LISTENING])
  const started = await server.waitForStderr(/test-listening \d+/)
  const create = (body: unknown): Promise<Response> => fetch(`${server.url}/repo/repo-photos/apikey`, { method: 'POST', headers: { authorization: 'Bearer dev-token', 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const created = await create({ name: 'first', accessType: 'READ' })
  t.same([created.status, Object.keys(await created.json() as object)], [200, ['success', 'id', 'key', 'secret']])
  const rejected = await create({ name: 'first', accessType: 'NOPE' })
  t.same([rejected.status, (await rejected.json() as { message: string }).message], [400, 'body/accessType must be one of READ, WRITE, ADMIN'])
  const listed = await fetch(`${server.url}/repo/repo-photos/apikey`, { headers: { authorization: 'Bearer dev-token' } })
  t.equal(listed.status, 200)
  await listed.arrayBuffer()
  t.equal(server.stderr().slice(started.length).match(/compiled a function/g), null, 'nothing compiled after the start')
})

t.test('issue 13: the first server start writes V8\'s code cache next to the bundle, and later starts read it', async (t) => {
  // A copy of the bundle in a directory of its own, so no other test's start has made its cache; beside the bundle,
  // so node_modules and package.json's imports resolve as they do for it. The maps keep coverage on src/.
  const dir = mkdtempSync(join(dirname(CLI), '..', 'cache-check-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const file of ['cli.cjs', 'cli.cjs.map', 'cli-main.cjs', 'cli-main.cjs.map']) copyFileSync(join(dirname(CLI), file), join(dir, file))
  const cli = join(dir, 'cli.cjs')
  const cacheDir = join(dir, '.compile-cache')
  const files = (): string[] => { try { return readdirSync(cacheDir) } catch { return [] } }
  // The cache is written right after the ready line, so a stopped server has written it. These runs are left out of
  // coverage: Node knows no source map for code it did not load itself (src/compile-cache.test.ts covers the cache).
  const startAndStop = async (env: Record<string, string> = {}): Promise<void> => {
    const server = await startCli(t, [], { LOG_LEVEL: 'warn', NODE_DISABLE_COMPILE_CACHE: '', _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env }, [], cli)
    t.equal((await fetch(`${server.url}/health`)).status, 200)
    t.equal(await server.stop(), 0)
  }
  const help = await runCli(['--help'], { NODE_DISABLE_COMPILE_CACHE: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }, [], cli)
  t.equal(help.code, 0)
  await startAndStop({ NODE_DISABLE_COMPILE_CACHE: '1' })
  t.same(files(), [], 'neither --help nor a start with NODE_DISABLE_COMPILE_CACHE=1 writes it')
  await startAndStop()
  const [name] = files()
  t.match(name, /^cli-main\.cjs-[0-9a-f]{16}\.cache$/, 'the first start writes it')
  const cache = join(cacheDir, name as string)
  const written = statSync(cache).mtimeMs
  await startAndStop()
  t.equal(statSync(cache).mtimeMs, written, 'the next start reads it, and does not write it again')
  writeFileSync(cache, 'damaged')
  await startAndStop()
  t.ok(statSync(cache).size > 'damaged'.length, 'a damaged one is written again, after a start that works')
})

t.test('issue 13: the CLI sets V8\'s start flags before it listens and puts the defaults back before it answers; none when the user gives one', async (t) => {
  const probe = ['--import', fileURLToPath(new URL('./probes/record-v8-flags.js', import.meta.url))]
  const flagsSet = async (nodeArgs: string[]): Promise<{ listening: unknown, answering: unknown }> => {
    const server = await startCli(t, [], { LOG_LEVEL: 'warn' }, [...probe, ...nodeArgs])
    t.equal((await fetch(`${server.url}/health`)).status, 200)
    const stderr = await server.waitForStderr(/test-v8-flags-answering .*\n/)
    t.equal(await server.stop(), 0)
    const moment = (name: string): unknown => JSON.parse(new RegExp(`test-v8-flags-${name} (.*)\n`).exec(stderr)?.[1] as string)
    return { listening: moment('listening'), answering: moment('answering') }
  }
  t.same(await flagsSet([]), {
    listening: ['--no-turbofan', '--semi-space-growth-factor=1'],
    answering: ['--no-turbofan', '--semi-space-growth-factor=1', '--turbofan', '--semi-space-growth-factor=2']
  })
  t.same(await flagsSet(['--no-opt']), { listening: [], answering: [] }, 'node --no-opt: V8 is left alone')
})

/** A preload that makes running Fastify's code throw, to prove a command never runs the server's code. */
const FORBID_APP = fileURLToPath(new URL('./probes/forbid-app.js', import.meta.url))

t.test('--help prints the usage, --version the package version; both exit 0 without loading the app', async (t) => {
  const [help, version, started] = await Promise.all([
    runCli(['--help'], {}, ['--import', FORBID_APP]),
    runCli(['--version', '--port', 'nope'], {}, ['--import', FORBID_APP]),
    runCli(['--port', '0'], {}, ['--import', FORBID_APP])
  ])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: flashback-mock \[options\]/)
  t.match(help.stdout, /FLASHBACK_MOCK_FIXTURES/)
  t.equal(help.stderr, '')
  t.same([version.code, version.stdout, version.stderr], [0, `${VERSION}\n`, ''], 'and wins over a bad flag')
  t.not(started.code, 0, 'the same preload does stop a server start, so the checks above can fail')
  t.match(started.stderr, /forbid-app: Fastify's code ran/)
})

// Every message itself is tested in-process (config.test.ts, fixtures.test.ts); these two have several lines.
t.test('a bad setting or fixture file, or an admin token that opens the API too, exits 2 with one line on stderr, no stack trace, without loading the app', async (t) => {
  const defaults = JSON.parse(readFileSync(DEFAULT_FIXTURES_PATH, 'utf8'))
  defaults.repos[0].createdAt = 'yesterday'
  const dir = t.testdir({ 'pretty.json': '{\n  "tokens": [\n    oops\n  ]\n}\n', 'date.json': JSON.stringify(defaults) })
  const [pretty, date] = [join(dir, 'pretty.json'), join(dir, 'date.json')]
  const [flag, fixtures, dated, clash] = await Promise.all([
    runCli(['--port', '-1'], {}, ['--import', FORBID_APP]),
    runCli([], { FLASHBACK_MOCK_FIXTURES: pretty }, ['--import', FORBID_APP]),
    runCli([], { FLASHBACK_MOCK_FIXTURES: date }, ['--import', FORBID_APP]),
    runCli([], { FLASHBACK_MOCK_ADMIN_TOKEN: 'dev-token' }, ['--import', FORBID_APP])
  ])
  t.same([flag.code, flag.stdout], [2, ''])
  t.equal(flag.stderr, 'flashback-mock: Option \'--port\' argument is ambiguous. Did you forget to specify the option argument for \'--port\'? To specify an option argument starting with a dash use \'--port=-XYZ\'. (see --help)\n')
  t.same([fixtures.code, fixtures.stdout], [2, ''])
  t.match(fixtures.stderr, new RegExp(`^flashback-mock: ${pretty}(:\\d+:\\d+)?: not valid JSON \\([^\\n]+\\)\\n$`), 'one line, though the parser quotes several')
  // The bundle's precompiled fixture checker knows the date-time format (the build gives Ajv src/formats.ts).
  t.same([dated.code, dated.stdout, dated.stderr], [2, '', `flashback-mock: ${date}: $.repos[0].createdAt must match format "date-time"\n`])
  t.same([clash.code, clash.stderr], [2, `flashback-mock: ${DEFAULT_FIXTURES_PATH}: $.tokens[0].token is the admin token; give the admin token (--admin-token, FLASHBACK_MOCK_ADMIN_TOKEN) another value\n`], 'an admin token that is also a fixture token')
})

// The bundle's checkers and validators count lengths with src/code-point-length.ts (the build puts it in Ajv's
// generated code): an emoji counts once, as Ajv counts it.
t.test('issue 13: in the bundle, a length limit counts an emoji once, in the fixture file and in a request', async (t) => {
  const emoji = (n: number): string => '\u{1F600}'.repeat(n)
  const withKeyId = (id: string): string => {
    const fixtures = JSON.parse(readFileSync(DEFAULT_FIXTURES_PATH, 'utf8'))
    fixtures.repos[0].apiKeys[0].id = id
    return JSON.stringify(fixtures)
  }
  const dir = t.testdir({ 'longest.json': withKeyId(emoji(500)), 'too-long.json': withKeyId(emoji(501)) })
  const [server, tooLong] = await Promise.all([
    startCli(t, ['--fixtures', join(dir, 'longest.json')]),
    runCli(['--fixtures', join(dir, 'too-long.json')])
  ])
  t.same([tooLong.code, tooLong.stderr], [2, `flashback-mock: ${join(dir, 'too-long.json')}: $.repos[0].apiKeys[0].id must be 500 or fewer characters long\n`], 'a key id of 501 emoji is refused')
  const create = async (name: string): Promise<[number, unknown]> => {
    const res = await fetch(`${server.url}/repo/repo-photos/apikey`, { method: 'POST', headers: { Authorization: 'Bearer dev-token', 'Content-Type': 'application/json' }, body: JSON.stringify({ name, accessType: 'READ' }) })
    return [res.status, ((await res.json()) as { message?: string }).message]
  }
  t.same(await create(emoji(255)), [200, undefined], 'a key id of 500 emoji loads, and a key name of 255 emoji is taken')
  t.same(await create(emoji(256)), [400, 'body/name must be 255 or fewer characters long'], 'one of 256 is not')
})

t.test('a taken port, or an address this machine does not have, exits 1 with one line', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address, and no DNS lookup is needed to refuse it.
  const [taken, foreign] = await Promise.all([runCli(['--port', String(port)]), runCli(['--port', '0', '--host', '192.0.2.1'])])
  t.same([taken.code, taken.stderr], [1, `flashback-mock: port ${port} on localhost (127.0.0.1) is already in use; pick another with --port (or PORT)\n`])
  t.equal(foreign.code, 1)
  t.match(foreign.stderr, /^flashback-mock: cannot listen on 192\.0\.2\.1:0: listen EADDRNOTAVAIL.*\n$/)
  t.equal(foreign.stderr.split('\n').length, 2)
})

t.test('localhost is 127.0.0.1 and ::1: the port taken on ::1 alone (a dev server there) is a taken port too', { skip: !hasIpv6Loopback && 'no ::1 here' }, async (t) => {
  const blocker = createServer().listen(0, '::1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const taken = await runCli(['--port', String(port)])
  t.same([taken.code, taken.stderr], [1, `flashback-mock: port ${port} on localhost (::1) is already in use; pick another with --port (or PORT)\n`])
})

t.test('end to end over a socket with the bundled fixtures: the seed document\'s samples get their answers', async (t) => {
  const server = await startCli(t, ['--log-level', 'trace'])
  t.match(server.url, /^http:\/\/localhost:\d+$/)
  const post = (repoId: string, init: RequestInit): Promise<Response> => fetch(`${server.url}/repo/${repoId}/apikey`, { method: 'POST', ...init })
  const auth = { Authorization: 'Bearer dev-token', Accept: 'application/json' }
  const jsonAuth = { ...auth, 'Content-Type': 'application/json' }

  const js = await post('repo-photos', { headers: jsonAuth, body: '{"name":"string","accessType":"READ"}' })
  t.equal(js.status, 200, 'JavaScript sample')
  const created = await js.json() as { secret: string }
  t.match(created, { success: true, id: String, key: String, secret: String })

  const sdk = await post('repo-photos', { headers: jsonAuth, body: JSON.stringify({ repoId: 'repo-photos', name: 'sdk', accessType: 'WRITE' }) })
  t.equal(sdk.status, 200, 'SDK body shape')

  const shell = await post('repo-photos', { headers: jsonAuth })
  t.equal(shell.status, 400, 'shell/Python sample: JSON content type, no body')
  t.match(await shell.json(), { success: false, message: String })

  const php = await post('repo-photos', { headers: jsonAuth, body: '[]' })
  t.equal(php.status, 400, 'PHP sample: []')
  t.match(php.headers.get('content-type'), /^application\/json/)

  const java = await post('repo-photos', {})
  t.equal(java.status, 401, 'Java sample: no Authorization')
  t.equal(java.headers.get('www-authenticate'), 'Bearer realm="flashback"')

  const unknown = await post('no-such-repo', { headers: jsonAuth, body: '{"name":"n","accessType":"READ"}' })
  t.equal(unknown.status, 404, 'unknown repo')

  const forbidden = await post('repo-backups', { headers: { ...jsonAuth, Authorization: 'Bearer photos-only-token' }, body: '{"name":"n","accessType":"READ"}' })
  t.equal(forbidden.status, 403, 'token without access')

  t.equal(await server.stop('SIGTERM'), 0, 'SIGTERM exits 0')
  const completed = server.logs.filter((l) => l.msg === 'request completed')
  t.equal(completed.length, 7, 'one JSON line per request')
  const received = server.logs.filter((l) => l.msg === 'request received')
  t.equal(received.length, 7, 'at trace, a line with the headers as each request arrives')
  t.match(received[0], { headers: { authorization: '[redacted]', 'content-type': 'application/json' } })
  // The ready line lists the fixture tokens, to copy (issue 11); no other line names any token, or the secret.
  const [ready, ...rest] = server.logs
  t.same(ready?.tokens, [{ token: 'dev-token', repos: '*' }, { token: 'photos-only-token', repos: ['repo-photos'] }])
  const text = JSON.stringify(rest)
  for (const secret of ['dev-token', 'photos-only-token', created.secret]) t.notOk(text.includes(secret), `${secret} is not logged`)
  t.notOk(JSON.stringify(ready).includes(created.secret))
})

t.test('settings come from the environment, the ready line names the bound address, and the fixture file is never written', async (t) => {
  const fixtures = join(t.testdir(), 'copy.json')
  copyFileSync(DEFAULT_FIXTURES_PATH, fixtures)
  const before = { text: readFileSync(fixtures, 'utf8'), mtime: statSync(fixtures).mtimeMs }
  const host = hasIpv6Loopback ? '::1' : '127.0.0.1'
  const server = await startCli(t, [], { FLASHBACK_MOCK_FIXTURES: fixtures, LOG_LEVEL: 'warn', HOST: host, FLASHBACK_MOCK_SEED: 'cli-seed' })
  t.match(server.url, hasIpv6Loopback ? /^http:\/\/\[::1\]:\d+$/ : /^http:\/\/127\.0\.0\.1:\d+$/, 'IPv6 in brackets')
  t.equal(server.logs[0]?.fixtures, fixtures, 'the ready line names the fixture file')
  t.equal(server.logs[0]?.seed, 'cli-seed', 'and the seed')
  const res = await fetch(`${server.url}/repo/repo-backups/apikey`, {
    method: 'POST',
    headers: { Authorization: 'Bearer dev-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'n', accessType: 'ADMIN' })
  })
  t.equal(res.status, 200)
  t.equal((await res.json() as { id: string }).id, createRandomSource('cli-seed').id(21), 'the seeded id, as in-process')
  t.equal(await server.stop(), 0)
  t.same({ text: readFileSync(fixtures, 'utf8'), mtime: statSync(fixtures).mtimeMs }, before)
  t.same(server.logs.map((l) => l.msg), [`flashback-mock listening on ${server.url}`], 'LOG_LEVEL=warn hides request lines but not the ready line')
})

const BODY = JSON.stringify({ name: 'in flight', accessType: 'READ' })
/** A create request whose body is held back after 5 bytes. */
const HELD = `POST /repo/repo-photos/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-token\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 5)}`
const received = (l: Record<string, unknown>): boolean => l.msg === 'request received' && l.method === 'POST'
const shuttingDown = (l: Record<string, unknown>): boolean => l.msg === 'shutting down'

t.test('SIGTERM lets an in-flight request finish, then exits 0', async (t) => {
  const server = await startCli(t, ['--log-level', 'trace'])
  const held = await rawConnect(server.url, HELD)
  await server.waitForLog(received, 'the server to receive the held request')
  server.child.kill('SIGTERM')
  await server.waitForLog(shuttingDown, 'the shutdown to start')
  t.equal(server.child.exitCode, null, 'still running while the request is in flight')
  held.socket.write(BODY.slice(5))
  const answer = await held.closed()
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
  t.match(answer, /\r\nconnection: close\r\n/i, 'the answer says the connection ends')
  t.match(answer, /"success":true/)
  t.equal((await server.done).code, 0, 'then it exits 0 by itself')
})

t.test('a second signal forces the exit while a request is still in flight', async (t) => {
  const server = await startCli(t, ['--log-level', 'trace'])
  const held = await rawConnect(server.url, HELD)
  t.teardown(() => held.socket.destroy())
  await server.waitForLog(received, 'the server to receive the held request')
  server.child.kill('SIGTERM')
  await server.waitForLog(shuttingDown, 'the shutdown to start')
  t.equal(await server.stop('SIGTERM'), 1)
})

t.test('an uncaught error is logged, in-flight work is closed, and the exit code is 1', async (t) => {
  const server = await startCli(t, [], {}, ['--import', fileURLToPath(new URL('./probes/throw-on-sigusr2.js', import.meta.url))])
  t.equal(await server.stop('SIGUSR2'), 1)
  t.match(server.logs.at(-1), { level: 50, msg: 'shutting down after an unexpected error', err: { message: 'injected failure' } })
})

t.test('--watch that cannot watch the fixture folder (the inotify limit) says so in one line and exits 1', async (t) => {
  const probe = fileURLToPath(new URL('./probes/watch-fails.js', import.meta.url))
  const { code, stderr, stdout } = await runCli(['--port', '0', '--watch'], {}, ['--import', probe])
  t.equal(code, 1)
  t.match(stderr, /^flashback-mock: --watch cannot watch the folder \S*fixtures \(ENOSPC: System limit for number of file watchers reached, watch\); raise the limit \(sysctl fs.inotify.max_user_watches\) or start without --watch\n$/)
  t.notMatch(stdout, /listening on/)
})

t.test('an unexpected error before the server listens is printed and exits 1, even when unhandled rejections only warn', async (t) => {
  const probe = fileURLToPath(new URL('./probes/hostname-fails.js', import.meta.url))
  const { code, stderr, stdout } = await runCli(['--port', '0'], {}, ['--import', probe, '--unhandled-rejections=warn'])
  t.equal(code, 1)
  t.match(stderr, /Error: injected failure before listening\n\s+at /)
  t.notMatch(stdout, /listening on/)
})

t.test('--watch: a valid edit is served, an invalid one logs its JSON path while the old state is served, a fix is served', async (t) => {
  const fixtures = join(t.testdir(), 'watched.json')
  const doc = JSON.parse(readFileSync(DEFAULT_FIXTURES_PATH, 'utf8')) as { repos: Array<{ name: string, storageType: string }> }
  const save = (name: string, storageType = 'S3'): void => {
    ;(doc.repos[0] as { name: string, storageType: string }).name = name
    ;(doc.repos[0] as { name: string, storageType: string }).storageType = storageType
    writeFileSync(fixtures, JSON.stringify(doc, null, 2))
  }
  save('Photos')
  const server = await startCli(t, ['--watch', '--fixtures', fixtures])
  const firstName = async (): Promise<string> =>
    ((await (await fetch(`${server.url}/repo`, { headers: { Authorization: 'Bearer dev-token' } })).json()) as { repos: Array<{ name: string }> }).repos[0]?.name as string
  const reloads = (): number => server.logs.filter((l) => l.msg === 'fixtures reloaded').length
  save('Edited')
  t.match(await server.waitForLog((l) => l.msg === 'fixtures reloaded', 'the reload'), { level: 30, fixtures, repos: 2, tokens: 2 })
  t.equal(await firstName(), 'Edited')
  save('Broken', 'FTP')
  t.match(await server.waitForLog((l) => l.msg === 'fixtures not reloaded: the old state stays', 'the refusal'),
    { level: 40, error: `${fixtures}: $.repos[0].storageType must be one of S3, GCS, BLOB` })
  t.equal(await firstName(), 'Edited', 'the old state is still served')
  save('Fixed')
  await server.waitForLog(() => reloads() === 2, 'the second reload')
  t.equal(await firstName(), 'Fixed')
  t.equal(await server.stop(), 0)
})

t.test('LOG_LEVEL=silent prints nothing at all, not even the ready line', async (t) => {
  const run = spawnNode(CLI, ['--port', '0'], { LOG_LEVEL: 'silent' }, ['--import', fileURLToPath(new URL('./probes/announce-listening.js', import.meta.url))])
  t.teardown(() => { run.child.kill('SIGKILL') })
  const port = /test-listening (\d+)/.exec(await run.waitFor('stderr', /test-listening \d+\n/))?.[1]
  t.equal((await fetch(`http://127.0.0.1:${port}/repo`, { headers: { Authorization: 'Bearer dev-token' } })).status, 200)
  run.child.kill('SIGTERM')
  t.same(await within(run.done, CLI_TIMEOUT_MS, 'the CLI to exit'), { code: 0, signal: null, stdout: '', stderr: `test-listening ${port}\n` })
})

t.test('on a terminal: pretty lines, one per request with its status in colour, the banner, and Ctrl-C (SIGINT) exits 0', async (t) => {
  // script(1) from util-linux (Debian's essential bsdutils) gives the CLI a pseudo-terminal; -e passes on its exit code.
  // tap sets NO_COLOR=1 for its children; empty, it is unset (no-color.org).
  const run = spawnChild('/usr/bin/script', ['-qefc', `exec ${process.execPath} ${CLI} --port 0`, '/dev/null'], { NO_COLOR: '' })
  t.teardown(() => { run.child.kill('SIGKILL') })
  const screen = await run.waitFor('stdout', /Try it: .*\r?\n/)
  const url = /flashback-mock listening on (http:\/\/localhost:\d+)/.exec(screen)?.[1] as string
  t.match(screen, /INFO.*flashback-mock listening on/)
  t.notMatch(screen, /"level":/, 'no JSON lines')
  // The banner: what a person copies, after the ready line.
  const banner = screen.slice(screen.indexOf('listening on'))
  for (const fact of [`Docs      ${url}/docs`, `OpenAPI   ${url}/openapi.json`, `Control   ${url}/__mock (open)`, `Fixtures  ${DEFAULT_FIXTURES_PATH}`,
    'Repos     repo-photos, repo-backups', /dev-token.*every repo/, /photos-only-token.*repo-photos/, `curl -H 'Authorization: Bearer dev-token' ${url}/repo`]) {
    t.match(banner, fact)
  }
  await fetch(`${url}/repo`)
  await fetch(`${url}/repo`, { headers: { Authorization: 'Bearer dev-token' } })
  const lines = await run.waitFor('stdout', /GET \/repo .*200.* ms/)
  // Yellow (33) for the 401, green (32) for the 200, and the time in ms, on one line each.
  const ansi = (code: number): string => `${String.fromCharCode(27)}[${code}m`
  t.ok(lines.includes(`GET /repo ${ansi(33)}401${ansi(36)} `), 'a 401 in yellow')
  t.ok(lines.includes(`GET /repo ${ansi(32)}200${ansi(36)} `), 'a 200 in green')
  t.match(lines, /INFO.*GET \/repo .*200.* \d+\.\d ms/, 'with the time in ms')
  t.notMatch(lines, /dev-token\S*\s*$/, 'the token sent is not in the request line')
  run.child.stdin?.write('\x03')
  t.equal((await within(run.done, CLI_TIMEOUT_MS, 'the CLI to exit after Ctrl-C')).code, 0)
})

t.test('when its terminal goes away (SIGHUP, the terminal closed), the CLI exits instead of spinning', async (t) => {
  const run = spawnChild('/usr/bin/script', ['-qefc', `exec ${process.execPath} ${CLI} --port 0`, '/dev/null'])
  t.teardown(() => { run.child.kill('SIGKILL') })
  await run.waitFor('stdout', /Try it: .*\r?\n/)
  const scriptPid = run.child.pid as number
  const cliPid = Number(readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim())
  t.ok(cliPid > 0, 'the CLI runs under script(1)')
  run.child.kill('SIGKILL')
  // Its parent is gone, so no event tells of its end: its state in /proc is read until it has exited (a zombie, or gone).
  const state = (): string => { try { return readFileSync(`/proc/${cliPid}/stat`, 'utf8').split(') ')[1]?.[0] ?? 'gone' } catch { return 'gone' } }
  const deadline = Date.now() + CLI_TIMEOUT_MS
  while (!['Z', 'gone'].includes(state()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  const last = state()
  if (!['Z', 'gone'].includes(last)) process.kill(cliPid, 'SIGKILL')
  t.ok(['Z', 'gone'].includes(last), `the CLI exited (state ${last})`)
})

t.test('NO_COLOR on a terminal: the same lines, without colours; --no-admin and --admin-token show in the banner', async (t) => {
  const run = spawnChild('/usr/bin/script', ['-qefc', `exec ${process.execPath} ${CLI} --port 0 --admin-token admin-s3cret`, '/dev/null'], { NO_COLOR: '1' })
  t.teardown(() => { run.child.kill('SIGKILL') })
  const screen = await run.waitFor('stdout', /Try it: .*\r?\n/)
  t.notOk(screen.includes(String.fromCharCode(27)), 'no escape sequence')
  t.match(screen, /Control +http:\/\/localhost:\d+\/__mock \(needs the admin token\)/)
  t.notMatch(screen, /admin-s3cret/, 'the admin token is never shown')
  run.child.stdin?.write('\x03')
  t.equal((await within(run.done, CLI_TIMEOUT_MS, 'the CLI to exit after Ctrl-C')).code, 0)
})

t.test('by default the CLI listens on localhost: 127.0.0.1 and ::1, one port; the JSON ready line carries the banner\'s facts', async (t) => {
  const server = await startCli(t, ['--seed', 's'])
  const port = new URL(server.url).port
  t.equal(server.url, `http://localhost:${port}`)
  t.same(server.logs[0], {
    ...server.logs[0],
    url: server.url,
    docs: `${server.url}/docs`,
    openapi: `${server.url}/openapi.json`,
    fixtures: DEFAULT_FIXTURES_PATH,
    repos: ['repo-photos', 'repo-backups'],
    tokens: [{ token: 'dev-token', repos: '*' }, { token: 'photos-only-token', repos: ['repo-photos'] }],
    control: 'open',
    seed: 's'
  })
  const addresses = hasIpv6Loopback ? ['127.0.0.1', '[::1]'] : ['127.0.0.1']
  for (const address of addresses) t.equal((await fetch(`http://${address}:${port}/health`)).status, 200, address)
  const states = await Promise.all(addresses.map(async (address) => (await fetch(`http://${address}:${port}/__mock/state`)).json()))
  t.same(states[0], states.at(-1), 'one app behind both')
  // Kept open across the shutdown: its answer still comes, with Connection: close, on either address.
  const kept = await rawConnect(`http://${addresses.at(-1) as string}:${port}`)
  kept.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  await kept.waitFor(/^HTTP\/1\.1 200/)
  t.equal(await server.stop(), 0)
  t.match(await kept.closed(), /^HTTP\/1\.1 200/)
  for (const address of addresses) {
    const refused = await fetch(`http://${address}:${port}/health`).then(() => 'answered', (err: Error & { cause?: { code?: string } }) => err.cause?.code)
    t.equal(refused, 'ECONNREFUSED', `${address} closed too`)
  }
})

t.test('SIGTERM with 200 requests in flight on keep-alive connections: each gets a complete answer, new connections are refused, exit 0', async (t) => {
  const server = await startCli(t, ['--log-level', 'trace'])
  // A fault rule holds every request in flight; shutdown ends the wait, so each is then answered.
  await new MockControl(server.url).addFault({ path: '/repo', delayMs: 30_000 })
  const answers = Array.from({ length: 200 }, async () => {
    const res = await fetch(`${server.url}/repo`, { headers: { Authorization: 'Bearer dev-token' } })
    return { status: res.status, repos: ((await res.json()) as { repos: unknown[] }).repos.length, at: Date.now() }
  })
  const received = (): number => server.logs.filter((l) => l.msg === 'request received' && l.url === '/repo').length
  await server.waitForLog(() => received() >= 200, 'all 200 requests to arrive')
  server.child.kill('SIGTERM')
  await server.waitForLog((l) => l.msg === 'shutting down', 'the shutdown to start')
  // A connection made now is refused, or, if the kernel accepted it before the listener closed, ended unserved.
  const { hostname, port } = new URL(server.url)
  const attempt = connect(Number(port), hostname)
  let heard = ''
  attempt.on('data', (chunk) => { heard += chunk })
  attempt.on('error', () => {})
  attempt.once('connect', () => attempt.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'))
  // Not events.once: it rejects on the 'error' a refused or reset connection emits before 'close'.
  await within(new Promise((resolve) => attempt.once('close', resolve)), CLI_TIMEOUT_MS, 'the late connection to end')
  const late = heard === '' ? 'not served' : heard.slice(0, 40)
  const results = await Promise.all(answers)
  const { code } = await within(server.done, CLI_TIMEOUT_MS, 'the CLI to exit')
  const exitedAt = Date.now()
  t.same(results.filter((r) => r.status !== 200 || r.repos !== 2), [], 'every request got a complete 200')
  t.equal(late, 'not served', 'a new connection is refused or ended without an answer')
  t.equal(code, 0, `exit 0 by itself, ${exitedAt - Math.max(...results.map((r) => r.at))} ms after the last answer (the 3 s grace would exit 1)`)
})
