// The package's entry for test code: start the mock in-process, or control one that runs elsewhere.
import type { FastifyInstance } from 'fastify'
import { configFromOptions, type MockServerOptions } from './config.js'
import { loadStartFixtures } from './fixtures.js'
import { buildServer, listen } from './server.js'
import { MockControl } from './mock-control.js'

export { MockControl, MockControlError, type RequestFilter } from './mock-control.js'
export { ConfigError, type LogStream, type MockServerOptions } from './config.js'
export { FixtureError } from './fixtures.js'
export type { Fixtures } from './schemas/fixtures.js'
export type { FaultRule, FaultRuleInput, JournalEntry } from './schemas/control.js'

/** A mock listening in this process: its URL, the control API's methods (`MockControl`), and `close()`. */
export interface MockServer extends MockControl {
  /** Where it listens, e.g. `http://127.0.0.1:54321`; point the SDK or fetch here. */
  readonly url: string
  /** The port, the one the system chose when `port` was 0. */
  readonly port: number
  /** The Fastify instance, for `inject` or its logger. */
  readonly app: FastifyInstance
  /** Stops listening and resolves once every answer in flight is sent. */
  close (): Promise<void>
}

/**
 * Starts flashback-mock in this process, with the same app factory and settings as the CLI: listening on a free
 * port of 127.0.0.1 by default, with no log lines.
 *
 * @param options the CLI's settings (`port`, `host`, `fixtures` as a path or a document, `logLevel`, `adminToken`,
 *   `admin`, `journalSize`, `seed`), all optional, and `logStream`
 * @returns the running server: `url`, `port`, `close()`, and `reset()`, `state()`, `setState(doc)`,
 *   `requests(filter?)`, `addFault(rule)` and the rest of `MockControl`
 * @throws ConfigError for a bad option, FixtureError for bad fixtures, the listen error (EADDRINUSE…) otherwise
 *
 * @example tap
 * ```ts
 * import t from 'tap'
 * import { startMockServer } from 'flashback-mock'
 * const mock = await startMockServer({ seed: 'my-suite' })
 * t.beforeEach(() => mock.reset())
 * t.teardown(() => mock.close())
 * t.test('creates a key', async (t) => {
 *   await createKeyFromTheUi(mock.url)
 *   t.equal((await mock.requests({ method: 'POST', path: '/repo/{repoId}/apikey' })).length, 1)
 * })
 * ```
 * @example vitest
 * ```ts
 * import { beforeAll, beforeEach, afterAll, test, expect } from 'vitest'
 * import { startMockServer, type MockServer } from 'flashback-mock'
 * let mock: MockServer
 * beforeAll(async () => { mock = await startMockServer() })
 * beforeEach(() => mock.reset())
 * afterAll(() => mock.close())
 * test('lists keys', async () => {
 *   const res = await fetch(`${mock.url}/repo/repo-photos/apikey`, { headers: { authorization: 'Bearer dev-token' } })
 *   expect(res.status).toBe(200)
 * })
 * ```
 * @example jest
 * ```ts
 * import { beforeAll, beforeEach, afterAll, test, expect } from '@jest/globals'
 * import { startMockServer, type MockServer } from 'flashback-mock'
 * let mock: MockServer
 * beforeAll(async () => { mock = await startMockServer({ seed: 'jest' }) })
 * beforeEach(() => mock.reset())
 * afterAll(() => mock.close())
 * test('a 503 is retried', async () => {
 *   await mock.addFault({ method: 'POST', status: 503, times: 1 })
 *   await createKeyFromTheApp(mock.url)
 *   expect(await mock.requests({ method: 'POST' })).toHaveLength(2)
 * })
 * ```
 */
export async function startMockServer (options: MockServerOptions = {}): Promise<MockServer> {
  const config = configFromOptions(options)
  const fixtures = await loadStartFixtures(typeof options.fixtures === 'object' ? options.fixtures : config.fixtures, config.adminToken)
  const app = await buildServer(config, fixtures, options.logStream)
  const { url, port } = await listen(app, config).catch(async (err: unknown) => {
    await app.close()
    throw err
  })
  return Object.assign(new MockControl(url, config.adminToken), { url, port, app, close: () => app.close() })
}
