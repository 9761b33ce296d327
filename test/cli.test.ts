// The real CLI as a child process: settings, fixture errors, the ready line, a real socket, signals.
import t from 'tap'
import { connect, createServer, type Socket } from 'node:net'
import { once } from 'node:events'
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, runHealthcheck, startCli } from './cli-helper.js'
import { DEFAULT_FIXTURES_PATH } from '../src/fixtures.js'
import { VERSION } from '../src/version.js'

// Each CLI start loads TypeScript through tsx under coverage, about 2 s on these machines.
t.setTimeout(120_000)

const dir = mkdtempSync(join(tmpdir(), 'fbm-cli-'))

t.test('--help prints the usage, --version the package version; both exit 0', async (t) => {
  const help = await runCli(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: flashback-mock \[options\]/)
  t.match(help.stdout, /FLASHBACK_MOCK_FIXTURES/)
  const version = await runCli(['--version'])
  t.equal(version.code, 0)
  t.equal(version.stdout, `${VERSION}\n`)
})

t.test('a bad setting exits 2 with one line on stderr naming it, and no stack trace', async (t) => {
  for (const [args, env, message] of [
    [['--port', 'abc'], {}, 'flashback-mock: Invalid --port "abc": must be an integer\n'],
    [[], { LOG_LEVEL: 'loud' }, 'flashback-mock: Invalid LOG_LEVEL (environment) "loud": must be one of fatal, error, warn, info, debug, trace, silent\n'],
    [['--nope'], {}, 'flashback-mock: Unknown option \'--nope\' (see --help)\n']
  ] as Array<[string[], Record<string, string>, string]>) {
    const res = await runCli(args, env)
    t.equal(res.code, 2, args.join(' '))
    t.equal(res.stderr, message)
    t.equal(res.stdout, '')
  }
})

t.test('a bad fixture file exits 2 with one line naming the file and the JSON path', async (t) => {
  const bad = join(dir, 'bad.json')
  writeFileSync(bad, JSON.stringify({ tokens: [{ token: 't', repos: ['ghost'] }], repos: [] }))
  const res = await runCli(['--fixtures', bad])
  t.equal(res.code, 2)
  t.equal(res.stderr, `flashback-mock: ${bad}: $.tokens[0].repos[0] names the unknown repo "ghost"\n`)
  const pretty = join(dir, 'pretty.json')
  writeFileSync(pretty, '{\n  "tokens": [\n    oops\n  ]\n}\n')
  const notJson = await runCli(['--fixtures', pretty])
  t.equal(notJson.code, 2)
  t.match(notJson.stderr, new RegExp(`^flashback-mock: ${pretty}: not valid JSON \\(.+\\)\\n$`))
  t.equal(notJson.stderr.split('\n').length, 2, 'one line, even when the parser quotes several')
  const missing = await runCli([], { FLASHBACK_MOCK_FIXTURES: join(dir, 'missing.json') })
  t.equal(missing.code, 2)
  t.equal(missing.stderr, `flashback-mock: ${join(dir, 'missing.json')}: cannot read the fixture file (ENOENT: no such file; check the path, or the volume mount in a container)\n`)
})

t.test('a taken port exits 1 with one line that suggests --port', async (t) => {
  const blocker = createServer()
  blocker.listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const res = await runCli(['--port', String(port)])
  t.equal(res.code, 1)
  t.equal(res.stderr, `flashback-mock: port ${port} on 127.0.0.1 is already in use; pick another with --port (or PORT)\n`)
})

t.test('an unusable host exits 1 with one line', async (t) => {
  const res = await runCli(['--host', 'host.invalid'])
  t.equal(res.code, 1)
  t.match(res.stderr, /^flashback-mock: cannot listen on host\.invalid:3000: .+\n$/)
  t.equal(res.stderr.split('\n').length, 2)
})

t.test('end to end over a socket with the bundled fixtures: the seed document\'s samples get their answers', async (t) => {
  const server = await startCli(t)
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const post = (repoId: string, init: RequestInit): Promise<Response> => fetch(`${server.url}/repo/${repoId}/apikey`, { method: 'POST', ...init })
  const auth = { Authorization: 'Bearer dev-token', Accept: 'application/json' }
  const jsonAuth = { ...auth, 'Content-Type': 'application/json' }

  const js = await post('repo-photos', { headers: jsonAuth, body: '{"name":"string","accessType":"READ"}' })
  t.equal(js.status, 200, 'JavaScript sample')
  t.match(await js.json(), { success: true, id: String, key: String, secret: String })

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
  t.ok(server.logs.some((l) => l.msg === 'request completed'), 'requests are logged as JSON lines')
  t.notOk(JSON.stringify(server.logs).includes('dev-token'), 'the bearer token is not logged')
})

t.test('SIGINT exits 0 too; the ready line shows the bound address, IPv6 in brackets', async (t) => {
  const server = await startCli(t, ['--host', '::1'])
  t.match(server.url, /^http:\/\/\[::1\]:\d+$/)
  t.equal((await runHealthcheck({ HOST: '::1', PORT: new URL(server.url).port })).code, 0, 'the HEALTHCHECK dials the HOST it listens on')
  t.equal((await runHealthcheck({ HOST: '::', PORT: new URL(server.url).port })).code, 1, 'a wildcard HOST means 127.0.0.1, where this one does not listen')
  t.equal((await fetch(`${server.url}/health`)).status, 200)
  t.equal(await server.stop('SIGINT'), 0)
})

t.test('settings come from the environment, and the fixture file is never written', async (t) => {
  const fixtures = join(dir, 'copy.json')
  copyFileSync(DEFAULT_FIXTURES_PATH, fixtures)
  const before = { text: readFileSync(fixtures, 'utf8'), mtime: statSync(fixtures).mtimeMs }
  const server = await startCli(t, [], { FLASHBACK_MOCK_FIXTURES: fixtures, LOG_LEVEL: 'warn' })
  const res = await fetch(`${server.url}/repo/repo-backups/apikey`, {
    method: 'POST',
    headers: { Authorization: 'Bearer dev-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'n', accessType: 'ADMIN' })
  })
  t.equal(res.status, 200)
  t.equal(await server.stop(), 0)
  t.same({ text: readFileSync(fixtures, 'utf8'), mtime: statSync(fixtures).mtimeMs }, before)
  t.notOk(server.logs.some((l) => l.msg === 'request completed'), 'LOG_LEVEL=warn hides request lines')
  t.equal(server.logs.length, 1, 'but not the ready line')
})

/** Opens a raw connection and sends a create request whose body is held back after `sent` bytes. */
async function holdRequest (url: string): Promise<{ socket: Socket, finish: () => Promise<string> }> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  await once(socket, 'connect')
  const body = JSON.stringify({ name: 'in flight', accessType: 'READ' })
  socket.write(`POST /repo/repo-photos/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-token\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`)
  let answer = ''
  socket.on('data', (c) => { answer += c })
  // A forced exit resets the connection; that is the expected end here, not a test failure.
  socket.on('error', () => {})
  return {
    socket,
    async finish () {
      socket.write(body.slice(5))
      await once(socket, 'close')
      return answer
    }
  }
}

t.test('SIGTERM lets an in-flight request finish, then exits 0', async (t) => {
  const server = await startCli(t)
  const held = await holdRequest(server.url)
  await new Promise((resolve) => setTimeout(resolve, 200))
  server.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(server.child.exitCode, null, 'still running while the request is in flight')
  const answer = await held.finish()
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
  t.match(answer, /"success":true/)
  t.equal(await server.exit, 0, 'then it exits 0 by itself')
})

t.test('a second signal forces the exit while a request is still in flight', async (t) => {
  const server = await startCli(t)
  const held = await holdRequest(server.url)
  t.teardown(() => held.socket.destroy())
  // Let the server read the headers: until then the connection counts as idle and close() drops it.
  await new Promise((resolve) => setTimeout(resolve, 200))
  server.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(await server.stop('SIGTERM'), 1)
})

t.test('the HEALTHCHECK script: 0 when /health answers 200, else 1 with the reason on stderr', async (t) => {
  const server = await startCli(t)
  const port = new URL(server.url).port
  t.same(await runHealthcheck({ PORT: port }), { code: 0, stderr: '' })
  t.same(await runHealthcheck({ PORT: port, HOST: '127.0.0.1' }), { code: 0, stderr: '' })
  const listen = async (handler: (socket: Socket) => void): Promise<string> => {
    const other = createServer(handler)
    other.listen(0, '127.0.0.1')
    await once(other, 'listening')
    t.teardown(() => other.close())
    return String((other.address() as { port: number }).port)
  }
  const notHealthy = await listen((socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'))
  t.same(await runHealthcheck({ PORT: notHealthy }), { code: 1, stderr: `flashback-mock healthcheck: http://127.0.0.1:${notHealthy}/health answered 503\n` })
  const silent = await listen(() => {})
  t.same(await runHealthcheck({ PORT: silent }), { code: 1, stderr: `flashback-mock healthcheck: http://127.0.0.1:${silent}/health did not answer within 2 s\n` })
  for (const bad of ['99999', '-1', 'abc', '42.5']) {
    t.same(await runHealthcheck({ PORT: bad }), { code: 1, stderr: `flashback-mock healthcheck: PORT "${bad}" is not a port number\n` }, bad)
  }
  t.equal(await server.stop(), 0)
  const down = await runHealthcheck({ PORT: port })
  t.equal(down.code, 1, 'nothing listening')
  t.match(down.stderr, new RegExp(`^flashback-mock healthcheck: http://127\\.0\\.0\\.1:${port}/health failed: connect ECONNREFUSED`))
  t.match((await runHealthcheck({ HOST: '::1', PORT: '' })).stderr, /http:\/\/\[::1\]:3000\/health/, 'an empty PORT means 3000, as in the CLI')
})

t.test('SIGTERM does not wait for connections that never sent a whole request', async (t) => {
  const server = await startCli(t)
  const { port } = new URL(server.url)
  const unused = connect(Number(port), '127.0.0.1')
  const partial = connect(Number(port), '127.0.0.1')
  await Promise.all([once(unused, 'connect'), once(partial, 'connect')])
  partial.write('GET /hea')
  t.teardown(() => { unused.destroy(); partial.destroy() })
  const keepAlive = await fetch(`${server.url}/health`)
  t.equal(keepAlive.status, 200, 'and a kept-alive connection between requests')
  t.equal(await server.stop('SIGTERM'), 0, 'not 1, which the 3 s grace timeout would give')
})
