// The built image, started the way integration tests start it: Testcontainers, a wait strategy, fetch, stop.
// Needs a Docker engine and the image (FLASHBACK_MOCK_IMAGE, default flashback-mock:latest): npm run test:container.
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { MockControl } from '../../src/index.js'
import { START_FLAGS } from '../../src/lean-start.js'

const IMAGE = process.env.FLASHBACK_MOCK_IMAGE ?? 'flashback-mock:latest'
const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim()

const CUSTOM_FIXTURES = JSON.stringify({
  tokens: [{ token: 'ci-token', repos: '*' }],
  repos: [{ id: 'repo-custom', name: 'Custom', storageType: 'BLOB', mode: 'NORMAL', workspaceId: 'ws-ci', createdAt: '2026-05-01T00:00:00.000Z' }]
})

const baseUrl = (c: StartedTestContainer): string => `http://${c.getHost()}:${c.getMappedPort(3000)}`

t.test('the README recipe: start, wait for the ready line, create a key, see 401 without a token, ask MockControl what it received, reset, stop', async (t) => {
  const container = await new GenericContainer(IMAGE)
    .withExposedPorts(3000)
    .withWaitStrategy(Wait.forLogMessage(/flashback-mock listening on/))
    .start()
  t.teardown(() => container.stop().catch(() => {}))
  const url = baseUrl(container)

  const created = await fetch(`${url}/repo/repo-photos/apikey`, {
    method: 'POST',
    headers: { Authorization: 'Bearer dev-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'from a container', accessType: 'WRITE' })
  })
  t.equal(created.status, 200)
  t.match(await created.json(), { success: true, id: String, key: String, secret: String })

  const anonymous = await fetch(`${url}/repo/repo-photos/apikey`, { method: 'POST' })
  t.equal(anonymous.status, 401)
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="flashback"')

  const control = new MockControl(url)
  t.match(await control.requests({ method: 'POST', path: '/repo/{repoId}/apikey' }), [
    { status: 200, body: { name: 'from a container' }, response: { secret: '[redacted]' } },
    { status: 401 }
  ], 'the journal has both calls, the secret redacted')
  await control.addFault({ method: 'GET', path: '/repo', status: 503, times: 1 })
  t.equal((await fetch(`${url}/repo`, { headers: { Authorization: 'Bearer dev-token' } })).status, 503, 'an injected fault')
  await control.reset()
  t.same([await control.requests(), await control.faults()], [[], []], 'reset clears the journal and the faults')
  const keys = await fetch(`${url}/repo/repo-photos/apikey`, { headers: { Authorization: 'Bearer dev-token' } })
  t.same(((await keys.json()) as { keys: Array<{ id: string }> }).keys.map((k) => k.id), ['key-photos-reader'], 'and the state: the created key is gone, no restart')
})

t.test('a mounted fixture file replaces the bundled one; the ready line is JSON with fixed text', async (t) => {
  const container = await new GenericContainer(IMAGE)
    .withExposedPorts(3000)
    .withCopyContentToContainer([{ content: CUSTOM_FIXTURES, target: '/fixtures/custom.json', mode: 0o444 }])
    .withEnvironment({ FLASHBACK_MOCK_FIXTURES: '/fixtures/custom.json' })
    .withWaitStrategy(Wait.forLogMessage(/flashback-mock listening on http:\/\/0\.0\.0\.0:3000/))
    .start()
  t.teardown(() => container.stop().catch(() => {}))
  const repos = await fetch(`${baseUrl(container)}/repo`, { headers: { Authorization: 'Bearer ci-token' } })
  t.equal(repos.status, 200)
  t.same(((await repos.json()) as { repos: Array<{ id: string }> }).repos.map((r) => r.id), ['repo-custom'])
  const bundled = await fetch(`${baseUrl(container)}/repo`, { headers: { Authorization: 'Bearer dev-token' } })
  t.equal(bundled.status, 401, 'the bundled dev token is gone')

  const logs = docker('logs', container.getId()).split('\n')
  t.match(JSON.parse(logs[0] as string), { level: 30, msg: 'flashback-mock listening on http://0.0.0.0:3000', url: 'http://0.0.0.0:3000', fixtures: '/fixtures/custom.json' })
})

t.test('docker stop: SIGTERM exits 0 in under 2 s', async (t) => {
  const container = await new GenericContainer(IMAGE).withExposedPorts(3000).withWaitStrategy(Wait.forHttp('/health', 3000)).start()
  const id = container.getId()
  t.teardown(() => { try { docker('rm', '-f', id) } catch {} })
  const started = performance.now()
  await container.stop({ remove: false, timeout: 10_000 })
  const seconds = (performance.now() - started) / 1000
  t.ok(seconds < 2, `stopped in ${seconds.toFixed(2)} s`)
  t.equal(docker('inspect', '-f', '{{.State.ExitCode}}', id), '0')
})

t.test('a bad setting fails fast with one line on stderr and exit code 2, no stack trace', async (t) => {
  const run = spawnSync('docker', ['run', '--rm', '-e', 'PORT=http', IMAGE], { encoding: 'utf8' })
  t.equal(run.status, 2)
  t.equal(run.stderr, 'flashback-mock: Invalid PORT (environment) "http": must be an integer\n')
  t.equal(run.stdout, '')
})

t.test('the image runs as a non-root user, in production mode, with no sources or dev tools', async (t) => {
  const config = JSON.parse(docker('image', 'inspect', IMAGE, '-f', '{{json .Config}}')) as { User: string, Env: string[], ExposedPorts: Record<string, unknown> }
  t.equal(config.User, 'node')
  t.ok(config.Env.includes('NODE_ENV=production'))
  t.ok(config.Env.includes('HOST=0.0.0.0'))
  t.hasProps(config.ExposedPorts, ['3000/tcp'])
  const files = docker('run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', 'ls /app; ls /app/node_modules | grep -E "^(typescript|tap|tsx|testcontainers)$" || true')
  t.same(files.split('\n').sort(), ['dist', 'fixtures', 'node_modules', 'package.json'])
})

t.test('issue 13: the image comes with V8\'s code cache for the CLI, and the node user\'s start takes it', async (t) => {
  // What src/compile-cache.ts does with the cache file, asked of V8 directly, with the flags the bin sets before it
  // compiles (src/lean-start.ts): would it take the cached code?
  const script = `const { readdirSync, readFileSync } = require('node:fs'); const { Script } = require('node:vm'); const { Module } = require('node:module')
for (const flag of ${JSON.stringify(START_FLAGS.map((flag) => flag.start))}) require('node:v8').setFlagsFromString(flag)
const [cache] = readdirSync('dist/.compile-cache')
const script = new Script(Module.wrap(readFileSync('dist/cli-main.cjs', 'utf8')), { filename: '/app/dist/cli-main.cjs', cachedData: readFileSync('dist/.compile-cache/' + cache) })
console.log(cache, script.cachedDataRejected ? 'refused' : 'taken')`
  t.match(docker('run', '--rm', '--entrypoint', 'node', IMAGE, '-e', script), /^cli-main\.cjs-[0-9a-f]{16}\.cache taken$/)
})
