// Property-based HTTP fuzzing (fast-check): every request gets an answer the served OpenAPI document allows,
// never a 5xx, and a refused request changes nothing. `npm run fuzz` (tsx); CI runs it. A failure prints the
// seed and the shrunk request: add it to test/fuzz/regressions.ts as a plain test.
import t from 'tap'
import fc from 'fast-check'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import { startMockServer } from '../../src/index.js'
import { DEV_TOKEN, LIMITED_TOKEN, testFixtures } from '../helper.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
/** Statuses the framework or Node may give on any route (issue 10). */
const FRAMEWORK_STATUSES = new Set([404, 405, 408, 413, 414, 415, 431])

interface Doc {
  components: Record<string, unknown>
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>
}

/** One generated request, with the route template it aims at (undefined: a path no route has). */
export interface FuzzRequest {
  template: string | undefined
  method: string
  url: string
  headers: Record<string, string>
  payload: string | undefined
}

const ROUTES: Array<{ template: string, path: (a: string, b: string) => string }> = [
  { template: '/repo/{repoId}/apikey', path: (a) => `/repo/${a}/apikey` },
  { template: '/repo/{repoId}/apikey', path: () => '/repo/repo-a/apikey' },
  { template: '/repo/{repoId}/apikey/{keyId}', path: (a, b) => `/repo/${a}/apikey/${b}` },
  { template: '/repo/{repoId}/apikey/{keyId}', path: () => '/repo/repo-a/apikey/key-a1' },
  { template: '/repo', path: (a) => `/repo?repoId=${a}` },
  { template: '/repo', path: () => '/repo' },
  { template: '/repo/{repoId}', path: (a) => `/repo/${a}` },
  { template: '/repo/{repoId}', path: () => '/repo/repo-b' },
  { template: '/health', path: () => '/health' },
  { template: '/openapi.json', path: () => '/openapi.json' }
]

/** Path parameters: real ids, and what breaks naive routers: encoded slashes, dots, unicode, NUL, very long. */
const param = fc.oneof(
  fc.constantFrom('repo-a', 'repo-b', 'key-a1', 'no-such-repo'),
  fc.constantFrom('%2F', '..', '.', '%2e%2e', '%00', '%ZZ', 'a%2Fb', '%F0%9F%94%91', 'caf%C3%A9', '%C0%80', ' '),
  fc.string({ minLength: 1, maxLength: 8 }).map(encodeURIComponent),
  fc.integer({ min: 490, max: 620 }).map((n) => 'a'.repeat(n))
)

/** Bodies: JSON values, near-miss objects, huge and unicode strings, wrong types, broken JSON, empty. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.record({ name: fc.oneof(fc.string(), fc.integer(), fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 300 })), accessType: fc.oneof(fc.constantFrom('READ', 'WRITE', 'ADMIN', 'read', 'OWNER'), fc.integer()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 3,
    arbitrary: fc.record({
      name: fc.oneof(fc.constantFrom('Repo A', 'Repo B', 'fresh', ''), fc.string({ maxLength: 20 }), fc.integer()),
      storageType: fc.oneof(fc.constantFrom('S3', 'GCS', 'BLOB', 's3'), fc.integer()),
      mode: fc.constantFrom('NORMAL', 'MIRROR', 'BACKUP'),
      workspaceId: fc.constantFrom('ws-1', 'ws-2', ''),
      walletAddress: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
      repoUnits: fc.array(fc.record({ folder: fc.string({ maxLength: 5 }), master: fc.oneof(fc.boolean(), fc.constant('yes')), unitId: fc.string({ maxLength: 5 }) }, { requiredKeys: ['folder'] }), { maxLength: 3 }),
      repoBuckets: fc.array(fc.record({ folder: fc.string({ maxLength: 5 }), master: fc.boolean(), bucketId: fc.string({ maxLength: 5 }) }, { requiredKeys: ['folder', 'master'] }), { maxLength: 3 })
    }, { requiredKeys: [] }).map((o) => JSON.stringify(o))
  },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"name":"x",', 'null', '[]', '"str"', '\u0000', '{"__proto__":{"x":1},"name":"p","accessType":"READ"}') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => JSON.stringify({ name: 'x'.repeat(n), accessType: 'READ' })) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ name: 'x'.repeat(1_100_000), accessType: 'READ' })) },
  { weight: 2, arbitrary: fc.constant(undefined) }
)

/** Mostly what a client sends, sometimes anything: a header is left out when its arbitrary gives undefined. */
const sometimes = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, none = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 6, arbitrary: usual }, { weight: 2, arbitrary: odd }, { weight: none, arbitrary: fc.constant(undefined) })

const headers = fc.record({
  authorization: sometimes(
    fc.constantFrom(`Bearer ${DEV_TOKEN}`, `Bearer ${LIMITED_TOKEN}`),
    fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', 'Basic eDp5', `bearer ${DEV_TOKEN}`, `Bearer  ${DEV_TOKEN}`, `Bearer ${DEV_TOKEN}x`),
      fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
      fc.string({ maxLength: 40 })
    )
  ),
  'content-type': sometimes(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'),
    fc.oneof(
      fc.constantFrom('application/json; charset=latin1', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'multipart/form-data; boundary=x'),
      fc.string({ maxLength: 20 })
    )
  ),
  'content-encoding': sometimes(fc.constant(undefined), fc.constantFrom('gzip', 'identity', 'br'), 0),
  prefer: sometimes(fc.constant(undefined), fc.constantFrom('code=404', 'delay=1', 'code=500', 'return=minimal'), 0),
  accept: sometimes(fc.constant('application/json'), fc.constantFrom('text/html', '*/*'))
})

/** A whole request: a route (or a path no route has), a method (some no route has), headers and a body. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  route: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ROUTES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  a: param,
  b: param,
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'PROPFIND'),
  headers,
  payload: body,
  junkPath: fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`)
}).map(({ route, a, b, method, headers, payload, junkPath }) => ({
  template: route?.template,
  method,
  url: route === undefined ? junkPath : route.path(a, b),
  // Header values are what a client could send: no control characters.
  headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined && /^[\t\x20-\x7e]*$/.test(v))) as Record<string, string>,
  payload
}))

/** Whether a URL's path has a malformed percent-encoding, which the router answers 400 FBM_BAD_URL on any route. */
function badUrl (url: string): boolean {
  try {
    decodeURIComponent(url.split('?')[0] as string)
    return false
  } catch {
    return true
  }
}

/** Checks one answer against the document, the no-5xx rule and the store's invariants; returns the problems. */
export function checker (doc: Doc): (request: FuzzRequest, status: number, contentType: string | undefined, text: string) => string[] {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }))
  const validators = new Map<string, ValidateFunction | undefined>()
  const validatorFor = (template: string, method: string, status: number): ValidateFunction | undefined => {
    const key = `${template} ${method} ${status}`
    if (!validators.has(key)) {
      const schema = doc.paths[template]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema
      validators.set(key, schema === undefined ? undefined : ajv.compile({ ...schema, components: doc.components }))
    }
    return validators.get(key)
  }
  const templates = Object.keys(doc.paths).map((template) => template.split('/'))
  const templateOf = (url: string): string | undefined => {
    const segments = new URL(url, 'http://mock').pathname.split('/')
    return templates.find((t) => t.length === segments.length && t.every((s, i) => s.startsWith('{') ? segments[i] !== '' : s === segments[i]))?.join('/')
  }
  return (request, status, contentType, text) => {
    const problems: string[] = []
    if (status >= 500 && !/code=5/.test(request.headers.prefer ?? '')) problems.push(`a ${status} nobody asked for (no fault rule, no Prefer: code=5xx)`)
    const method = request.method.toLowerCase()
    // The router matched no route (a method the path lacks, `/./` resolved away): only framework answers apply.
    // Otherwise the route is the one the path matches once the client resolved its dot segments (fetch and inject
    // both do): /repo/./apikey is /repo/apikey, which is PUT or DELETE /repo/{repoId}.
    const template = text.includes('"code":"FBM_ROUTE_NOT_FOUND"') ? undefined : templateOf(request.url) ?? request.template
    const documented = template === undefined ? undefined : doc.paths[template]?.[method]?.responses[String(status)]
    if (documented === undefined && !FRAMEWORK_STATUSES.has(status) && !(status === 400 && badUrl(request.url)) && !(method === 'options' && status === 204)) {
      problems.push(`status ${status} is not documented for ${request.method} ${template ?? '(no route)'}`)
    }
    if (request.method !== 'HEAD' && status !== 204) {
      if (!String(contentType).startsWith('application/json') && !String(contentType).startsWith('application/yaml')) problems.push(`content-type ${contentType}`)
      const validate = template === undefined ? undefined : validatorFor(template, method, status)
      if (validate !== undefined && !validate(JSON.parse(text))) problems.push(`body does not fit the ${status} schema: ${ajv.errorsText(validate.errors)}`)
      if (status >= 400 && !/^\{"success":false,"message":"[^"]/.test(text)) problems.push(`not the error shape: ${text.slice(0, 200)}`)
    }
    return problems
  }
}

/**
 * The store's invariants: key ids and repo ids unique, so every key is in exactly one repo; names unique within a
 * workspace; every token lists only repos that exist; and so the state is one a fixture file could hold.
 */
function invariants (app: FastifyInstance): string[] {
  const state = app.store.snapshot()
  const problems: string[] = []
  const unique = (what: string, values: string[]): void => { if (new Set(values).size !== values.length) problems.push(`duplicate ${what}: ${values.join(', ')}`) }
  unique('key ids', state.repos.flatMap((r) => (r.apiKeys ?? []).map((k) => k.id)))
  unique('repo ids', state.repos.map((r) => r.id))
  unique('names in a workspace', state.repos.map((r) => `${r.workspaceId}/${r.name}`))
  const ids = new Set(state.repos.map((r) => r.id))
  for (const token of state.tokens) if (token.repos !== '*' && token.repos.some((id) => !ids.has(id))) problems.push(`${token.token} lists a repo that is gone`)
  return problems
}

const app = await buildApp({ fixtures: testFixtures(), logLevel: 'silent' })
t.teardown(() => app.close())
const doc = (await app.inject('/openapi.json')).json() as Doc
const check = checker(doc)
const seen = new Map<string, Set<number>>()

/** The property: one request through inject, checked; the state changes only when the answer is a 2xx. */
const property = fc.asyncProperty(fuzzRequest, async (request) => {
  const before = JSON.stringify(app.store.snapshot())
  const res = await app.inject({ method: request.method as InjectOptions['method'], url: request.url, headers: request.headers, payload: request.payload })
  const problems = check(request, res.statusCode, res.headers['content-type'] as string | undefined, res.body)
  if (res.statusCode >= 400 && JSON.stringify(app.store.snapshot()) !== before) problems.push('a refused request changed the state')
  problems.push(...invariants(app))
  const key = `${request.method} ${request.template ?? '(no route)'}`
  if (!seen.has(key)) seen.set(key, new Set())
  seen.get(key)?.add(res.statusCode)
  if (problems.length > 0) throw new Error(`${request.method} ${request.url.slice(0, 120)} → ${res.statusCode}: ${problems.join('; ')}\n${res.body.slice(0, 300)}`)
  // Keep the store small: a reset every so often, as a test suite would.
  const { repos } = app.store.snapshot()
  if (repos.length !== 2 || repos.reduce((n, r) => n + (r.apiKeys?.length ?? 0), 0) > 50) app.store.reset()
})

t.test('10,000 requests through app.inject with a fixed seed: documented statuses, fitting bodies, no 5xx, refused requests change nothing', async (t) => {
  await fc.assert(property, { numRuns: 10_000, seed: 20261130 })
  t.pass(`distinct statuses per method and route:\n${[...seen].sort().map(([k, v]) => `  ${k}: ${[...v].sort().join(' ')}`).join('\n')}`)
})

t.test('2,000 more with a random seed (printed by fast-check on failure)', async (t) => {
  const seed = Date.now()
  t.comment(`seed ${seed}`)
  await fc.assert(property, { numRuns: 2_000, seed })
  t.pass()
})

t.test('1,000 over real sockets with fetch: the same properties where inject skips the socket layer', async (t) => {
  const server = await startMockServer({ fixtures: testFixtures() })
  t.teardown(() => server.close())
  let sent = 0
  await fc.assert(fc.asyncProperty(fuzzRequest, async (request) => {
    let res: Response
    try {
      res = await fetch(`${server.url}${request.url}`, { method: request.method, headers: request.headers, body: ['GET', 'HEAD'].includes(request.method) ? undefined : request.payload })
    } catch (err) {
      // What fetch itself refuses to send (a forbidden method, a malformed URL) never reaches the mock.
      if ((err as Error).cause === undefined) return
      throw new Error(`${request.method} ${request.url.slice(0, 120)}: ${(err as Error & { cause: Error }).cause.message}`)
    }
    sent++
    const text = await res.text()
    const problems = check(request, res.status, res.headers.get('content-type') ?? undefined, text)
    if (problems.length > 0) throw new Error(`${request.method} ${request.url.slice(0, 120)} → ${res.status}: ${problems.join('; ')}\n${text.slice(0, 300)}`)
    if (server.app.store.snapshot().repos.reduce((n, r) => n + (r.apiKeys?.length ?? 0), 0) > 50) await server.reset()
  }), { numRuns: 1_000, seed: 1130 })
  t.ok(sent > 900, `${sent} reached the mock`)
})
