// A typed client for the control API (/__mock), for tests that run the mock as a container or another process.
import type { Fixtures } from './schemas/fixtures.js'
import type { FaultRule, FaultRuleInput, JournalEntry } from './schemas/control.js'
import { CONTROL_PREFIX } from './schemas/control.js'
import { BEARER_TOKEN_PATTERN } from './schemas/fixtures.js'

/** Filters of `requests()`, combined with AND: as `GET /__mock/requests` takes them. */
export interface RequestFilter {
  /** Only this method, e.g. "POST" (case-insensitive). */
  method?: string
  /** Only this exact path, or this route pattern, e.g. "/repo/{repoId}/apikey". */
  path?: string
  /** Only answers with this status; 0 for connections a fault rule dropped. */
  status?: number
  /** Only the last N matches. */
  limit?: number
}

/** A control API call that did not answer 2xx (status 0: no answer at all, the mock is not there): the status and the mock's `{ message, code }`. */
export class MockControlError extends Error {
  override name = 'MockControlError'
  /**
   * @param status the HTTP status, e.g. 400, 401, 404; 0 when the mock could not be reached
   * @param code the error body's code, e.g. FBM_VALIDATION; undefined when the body was not the error shape
   * @param message the error body's message, prefixed with the call
   */
  constructor (readonly status: number, readonly code: string | undefined, message: string) {
    super(message)
  }
}

/**
 * A client for the control API of a running flashback-mock (a container, another process, or `startMockServer`),
 * over the global `fetch`. Every method resolves once the mock has applied the change; a non-2xx answer rejects
 * with a `MockControlError`.
 *
 * @example tap, with Testcontainers
 * ```ts
 * import t from 'tap'
 * import { GenericContainer, Wait } from 'testcontainers'
 * import { MockControl } from 'flashback-mock'
 * const container = await new GenericContainer('flashback-mock').withExposedPorts(3000)
 *   .withWaitStrategy(Wait.forLogMessage('flashback-mock listening on')).start()
 * const baseUrl = `http://${container.getHost()}:${container.getMappedPort(3000)}`
 * const mock = new MockControl(baseUrl)
 * t.beforeEach(() => mock.reset())
 * t.teardown(() => container.stop())
 * ```
 * @example vitest (jest: the same, with the hooks from `@jest/globals`)
 * ```ts
 * import { beforeAll, beforeEach, afterAll } from 'vitest'
 * let container: StartedTestContainer
 * let mock: MockControl
 * beforeAll(async () => {
 *   container = await new GenericContainer('flashback-mock').withExposedPorts(3000)
 *     .withWaitStrategy(Wait.forLogMessage('flashback-mock listening on')).start()
 *   mock = new MockControl(`http://${container.getHost()}:${container.getMappedPort(3000)}`)
 * })
 * beforeEach(() => mock.reset())
 * afterAll(() => container.stop())
 * ```
 * @example jest, against a mock started by docker compose
 * ```ts
 * import { beforeEach } from '@jest/globals'
 * const mock = new MockControl(process.env.FLASHBACK_MOCK_URL ?? 'http://127.0.0.1:3000', process.env.FLASHBACK_MOCK_ADMIN_TOKEN)
 * beforeEach(() => mock.reset())
 * ```
 */
export class MockControl {
  readonly #base: string
  readonly #headers: Record<string, string>

  /**
   * @param baseUrl the mock's URL, e.g. `http://127.0.0.1:3000`; a path prefix (behind a proxy) is kept, a
   *   trailing slash, a query and a fragment are dropped
   * @param adminToken the admin token, when the mock was started with `--admin-token`
   * @throws TypeError when baseUrl is not an absolute URL, or adminToken is not a bearer token (RFC 6750 characters)
   */
  constructor (baseUrl: string | URL, adminToken?: string) {
    const url = new URL(baseUrl)
    // Checked here, and never echoed: fetch's own error would quote the header, token and all.
    if (adminToken !== undefined && !new RegExp(BEARER_TOKEN_PATTERN).test(adminToken)) throw new TypeError('adminToken is not a bearer token: RFC 6750 characters only')
    this.#base = `${url.origin}${url.pathname.replace(/\/+$/, '')}${CONTROL_PREFIX}`
    this.#headers = adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` }
  }

  async #call<T> (method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
    } catch (err) {
      // fetch's own TypeError names the network error in its cause (ECONNREFUSED, "bad port"), or itself.
      const { message, cause } = err as Error & { cause?: Error & { code?: string } }
      const reason = [cause?.code, cause?.message, message].find((text) => text !== undefined && text !== '')
      throw new MockControlError(0, undefined, `${method} ${CONTROL_PREFIX}${path}: cannot reach the mock at ${this.#base}: ${reason}`)
    }
    const text = await response.text()
    let data: { message?: unknown, code?: unknown } | undefined
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
    if (!response.ok) {
      const message = typeof data?.message === 'string' ? data.message : text.slice(0, 200)
      throw new MockControlError(response.status, typeof data?.code === 'string' ? data.code : undefined, `${method} ${CONTROL_PREFIX}${path}: ${response.status} ${message}`)
    }
    return data as T
  }

  /** Restores the fixture state, clears the request journal and the fault rules, restarts the seeded generator. */
  async reset (): Promise<void> {
    await this.#call('POST', '/reset')
  }

  /** The current state in the fixture file format: tokens, repos and their API keys. */
  state (): Promise<Fixtures> {
    return this.#call('GET', '/state')
  }

  /** Replaces the state with a fixture document; rejects with a 400 naming the JSON path when it is not a valid one. */
  async setState (fixtures: Fixtures): Promise<void> {
    await this.#call('PUT', '/state', fixtures)
  }

  /** The journaled requests matching the filter, oldest first. */
  async requests (filter: RequestFilter = {}): Promise<JournalEntry[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]))
    const path = query.size === 0 ? '/requests' : `/requests?${query}`
    return (await this.#call<{ requests: JournalEntry[] }>('GET', path)).requests
  }

  /** Empties the request journal. */
  async clearRequests (): Promise<void> {
    await this.#call('DELETE', '/requests')
  }

  /** Adds a fault rule; resolves with it, id included. */
  async addFault (rule: FaultRuleInput): Promise<FaultRule> {
    return (await this.#call<{ fault: FaultRule }>('POST', '/faults', rule)).fault
  }

  /** The fault rules in force, in the order they are tried, with their hit counts. */
  async faults (): Promise<FaultRule[]> {
    return (await this.#call<{ faults: FaultRule[] }>('GET', '/faults')).faults
  }

  /** Removes one fault rule; rejects with a 404 when no rule has this id. */
  async removeFault (id: string): Promise<void> {
    await this.#call('DELETE', `/faults/${encodeURIComponent(id)}`)
  }

  /** Removes every fault rule. */
  async clearFaults (): Promise<void> {
    await this.#call('DELETE', '/faults')
  }
}
