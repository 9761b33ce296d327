// Shared test setup: small fixtures, a build(t) that tears the app down, and request shorthands.
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppOptions } from '../src/app.js'
import type { Fixtures } from '../src/schemas/fixtures.js'

/** A token that may use every repo. */
export const DEV_TOKEN = 'test-dev-token'
/** A token limited to repo-a. */
export const LIMITED_TOKEN = 'test-limited-token'

/** Fixtures with two repos (repo-a has one key), a "*" token and a token limited to repo-a. */
export function testFixtures (): Fixtures {
  return {
    tokens: [
      { token: DEV_TOKEN, repos: '*' },
      { token: LIMITED_TOKEN, repos: ['repo-a'] }
    ],
    repos: [
      {
        id: 'repo-a',
        name: 'Repo A',
        storageType: 'S3',
        mode: 'NORMAL',
        workspaceId: 'ws-1',
        createdAt: '2026-01-01T00:00:00.000Z',
        apiKeys: [{ id: 'key-a1', name: 'existing', accessType: 'READ', key: 'existing-key-a1', createdAt: '2026-01-02T00:00:00.000Z' }]
      },
      {
        id: 'repo-b',
        name: 'Repo B',
        storageType: 'GCS',
        mode: 'MIRROR',
        workspaceId: 'ws-2',
        createdAt: '2026-01-03T00:00:00.000Z'
      }
    ]
  }
}

/** Builds an app (silent logs, test fixtures unless given) and closes it when the test ends. */
export async function build (t: Test, options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const app = await buildApp({ fixtures: testFixtures(), logLevel: 'silent', ...options })
  t.teardown(() => app.close())
  return app
}

/** `Authorization` header for a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

/** Injects a JSON request with the dev token; `payload` objects are sent as JSON. */
export async function call (app: FastifyInstance, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { ...bearer(DEV_TOKEN), ...options.headers } })
}
