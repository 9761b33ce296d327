// Shared test setup: small fixtures, a build(t) that tears the app down, and request shorthands.
import type { Test } from 'tap'
import { Writable } from 'node:stream'
import type { EventEmitter } from 'node:events'
import { networkInterfaces } from 'node:os'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppOptions } from '../src/app.js'
import type { Fixtures } from '../src/schemas/fixtures.js'
import { startMockServer, type MockServer, type MockServerOptions } from '../src/index.js'

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

/** Starts a mock with `startMockServer` (test fixtures unless given) on a free loopback port, and closes it when the test ends. */
export async function serve (t: Test, options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer({ fixtures: testFixtures(), ...options })
  t.teardown(() => server.close())
  return server
}

/** `Authorization` header for a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

/** Injects a JSON request with the dev token; `payload` objects are sent as JSON. */
export async function call (app: FastifyInstance, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { ...bearer(DEV_TOKEN), ...options.headers } })
}

/** Log lines captured from an app, as `buildApp`'s `logStream`. */
export interface LogCapture {
  /** Pass as `logStream`. Emits `line` after each line is added to `lines`. */
  stream: Writable
  /** Every line so far, parsed. */
  lines: Array<Record<string, unknown>>
  /**
   * Whether a secret appears anywhere in the log: in the text, or in any byte array pino wrote (a Buffer
   * is logged as `{ type: "Buffer", data: [..] }`, so a raw packet would hide its text from a text search).
   */
  leaks (secret: string): boolean
}

/** Captures an app's log lines; use with `logLevel: 'trace'` to see everything the app could log. */
export function captureLogs (): LogCapture {
  const lines: Array<Record<string, unknown>> = []
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk, _encoding, done) {
      chunks.push(String(chunk))
      lines.push(JSON.parse(String(chunk)))
      this.emit('line')
      done()
    }
  })
  return { stream, lines, leaks: (secret) => logText(chunks.join('')).includes(secret) }
}

/** The log text plus every array of byte values in it decoded as UTF-8 and latin1. */
export function logText (text: string): string {
  const decoded = [...text.matchAll(/\[(\d{1,3}(?:,\d{1,3})+)\]/g)].map((m) => Buffer.from((m[1] as string).split(',').map(Number)))
  return [text, ...decoded.map((b) => b.toString('utf8')), ...decoded.map((b) => b.toString('latin1'))].join('\n')
}

/**
 * Resolves with what `promise` gives, or rejects after `ms` with an error that says what was awaited and
 * what had been seen so far (`seen()`), so a time-out on a busy machine explains itself.
 */
export async function within<T> (promise: Promise<T>, ms: number, what: string, seen: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}${seen() === '' ? '' : `; seen so far:\n${seen()}`}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Resolves with the first defined result of `check`, called now and after each `event` of `source` (whose
 * earlier listeners have updated what it reads). Fails after `ms` with what was awaited and what was seen,
 * or as soon as `ended` resolves, with the reason it gives (a process that exited first, say).
 */
export async function waitUntil<T> (source: EventEmitter, event: string, check: () => T | undefined,
  { ms, what, seen, ended }: { ms: number, what: string, seen: () => string, ended?: Promise<string> }): Promise<T> {
  let listener = (): void => {}
  const found = new Promise<T>((resolve, reject) => {
    listener = () => {
      const result = check()
      if (result !== undefined) resolve(result)
    }
    source.on(event, listener)
    ended?.then((reason) => reject(new Error(`${reason} before ${what}:\n${seen()}`)))
    listener()
  })
  return within(found, ms, what, seen).finally(() => source.off(event, listener))
}

/** Whether this machine has the IPv6 loopback, where `localhost` also listens; tests of ::1 skip without it. */
export const hasIpv6Loopback = Object.values(networkInterfaces()).flat().some((i) => i?.address === '::1')
