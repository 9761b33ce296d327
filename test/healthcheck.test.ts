// The HEALTHCHECK script (healthcheck.js) as the image runs it: exit 0, or 1 with one line on stderr.
import t from 'tap'
import { HEALTHCHECK, spawnNode } from './cli-helper.js'
import { build, within } from './helper.js'

const runHealthcheck = async (env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> => {
  const { code, stdout, stderr } = await within(spawnNode(HEALTHCHECK, [], env).done, 30_000, 'the healthcheck to exit')
  return { code, stdout, stderr }
}

t.test('exit 0 and no output when /health answers 200 at $HOST:$PORT', async (t) => {
  const app = await build(t)
  const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  t.same(await runHealthcheck({ PORT: port, HOST: '0.0.0.0' }), { code: 0, stdout: '', stderr: '' })
})

// Each reason the probe can give is tested in-process (health-probe.test.ts); this is how the script reports one.
t.test('exit 1 with the reason on one line on stderr, e.g. a bad PORT', async (t) => {
  t.same(await runHealthcheck({ PORT: 'abc' }), { code: 1, stdout: '', stderr: 'flashback-mock healthcheck: PORT "abc" is not a port number\n' })
})
