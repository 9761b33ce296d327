// Issue 10, fault 2: an answer the mock gives before it has read the body (401, 403, 404, 413, 415, and 400 for a
// body on an operation that takes none) must reach a client that is still sending, on every route that reads a body.
import t from 'tap'
import { DEV_TOKEN, LIMITED_TOKEN, serve } from './helper.js'
import { rawConnect } from './raw-socket.js'

// About 1.3 GB of uploads in all: minutes on a busy machine under coverage, where tap's default is 30 s.
t.setTimeout(300_000)

const ADMIN_TOKEN = 'test-admin-token-for-early-answers'
const MiB = 1024 * 1024
const SIZES_MB = [2, 5, 16]
/** PUT /__mock/state takes fixture documents up to 16 MiB: only the 16 MB body is over it. */
const STATE_LIMIT = 16 * MiB

/** A route a client can send a body to: every operation but GET and HEAD (Fastify never reads their bodies). */
interface BodyRoute { method: string, path: string, control: boolean }

const ROUTES: BodyRoute[] = [
  { method: 'POST', path: '/repo', control: false },
  { method: 'PUT', path: '/repo/repo-a', control: false },
  { method: 'DELETE', path: '/repo/repo-a', control: false },
  { method: 'POST', path: '/repo/repo-a/apikey', control: false },
  { method: 'PUT', path: '/repo/repo-a/apikey/key-a1', control: false },
  { method: 'DELETE', path: '/repo/repo-a/apikey/key-a1', control: false },
  { method: 'POST', path: '/__mock/reset', control: true },
  { method: 'PUT', path: '/__mock/state', control: true },
  { method: 'DELETE', path: '/__mock/requests', control: true },
  { method: 'POST', path: '/__mock/faults', control: true },
  { method: 'DELETE', path: '/__mock/faults', control: true },
  { method: 'DELETE', path: '/__mock/faults/fault-1', control: true }
]

/** One request that gets an early answer: which status, and what makes it so. */
interface EarlyCase { status: number, method: string, path: string, token: string, type: string, sizes: number[] }

/** Every early status each route can give, with the token, path and Content-Type that cause it. */
function earlyCases ({ method, path, control }: BodyRoute): EarlyCase[] {
  const valid = control ? ADMIN_TOKEN : DEV_TOKEN
  const json = 'application/json'
  const cases: EarlyCase[] = [
    { status: 401, method, path, token: 'not-a-known-token', type: json, sizes: SIZES_MB },
    { status: 413, method, path, token: valid, type: json, sizes: SIZES_MB.filter((mb) => path !== '/__mock/state' || mb * MiB >= STATE_LIMIT) },
    { status: 415, method, path, token: valid, type: 'text/plain', sizes: SIZES_MB }
  ]
  // A token the API knows but may not use here: a fixture token on the control API, a limited token on another repo.
  if (control) cases.push({ status: 403, method, path, token: DEV_TOKEN, type: json, sizes: SIZES_MB })
  // Routes under a repo: another repo's is a 403 for the limited token, an unknown one a 404.
  if (path.includes('repo-a')) {
    cases.push({ status: 403, method, path: path.replace('repo-a', 'repo-b'), token: LIMITED_TOKEN, type: json, sizes: SIZES_MB })
    cases.push({ status: 404, method, path: path.replace('repo-a', 'no-such-repo'), token: valid, type: json, sizes: SIZES_MB })
  }
  return cases
}

const CASES: EarlyCase[] = [
  ...ROUTES.flatMap(earlyCases),
  // An unknown route is a 404 whatever it is sent.
  { status: 404, method: 'POST', path: '/no-such-route', token: DEV_TOKEN, type: 'application/json', sizes: SIZES_MB }
]

/** A JSON body of `mb` MiB and a little more (so a limit of exactly that many MiB is passed). */
const bodyOf = (mb: number): Buffer => Buffer.from(JSON.stringify({ name: 'x'.repeat(mb * MiB), accessType: 'READ' }))

t.test('the table holds every operation that can take a body, in both OpenAPI documents', async (t) => {
  const server = await serve(t, { adminToken: ADMIN_TOKEN })
  const operations: string[] = []
  for (const document of ['/openapi.json', '/__mock/openapi.json']) {
    const { paths } = await (await fetch(server.url + document)).json() as { paths: Record<string, Record<string, unknown>> }
    for (const [path, item] of Object.entries(paths)) {
      for (const method of Object.keys(item)) if (method !== 'get' && method !== 'head') operations.push(`${method.toUpperCase()} ${path}`)
    }
  }
  const covered = ROUTES.map(({ method, path }) => `${method} ${path.replace(/repo-a/, '{repoId}').replace(/key-a1/, '{keyId}').replace(/fault-1/, '{id}')}`)
  t.same(covered.sort(), operations.sort())
})

t.test('issue 10 fault 2: every early answer reaches a fetch client still sending 2, 5 or 16 MB, on every route', async (t) => {
  const server = await serve(t, { adminToken: ADMIN_TOKEN })
  const before = await server.state()
  for (const mb of SIZES_MB) {
    const body = bodyOf(mb)
    for (const { status, method, path, token, type, sizes } of CASES) {
      if (!sizes.includes(mb)) continue
      const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body })
        .then(async (r) => [r.status, (await r.json() as { code: string }).code], (err: Error & { cause?: { code?: string } }) => [err.cause?.code ?? err.message])
      t.equal(res[0], status, `${mb} MB, ${method} ${path}: ${res.join(' ')}`)
    }
  }
  t.same(await server.state(), before, 'no early answer changed the state')
})

t.test('issue 10 fault 2 over a raw socket: the early answer arrives, the rest of the body is discarded, and the connection serves the next request', async (t) => {
  const server = await serve(t, { adminToken: ADMIN_TOKEN })
  for (const mb of SIZES_MB) {
    const body = bodyOf(mb)
    for (const { status, method, path, token, type, sizes } of CASES) {
      if (!sizes.includes(mb)) continue
      const connection = await rawConnect(server.url, `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`)
      connection.socket.write(body)
      connection.socket.end('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      const answers = (await connection.closed()).match(/HTTP\/1\.1 \d+/g)
      t.same(answers, [`HTTP/1.1 ${status}`, 'HTTP/1.1 200'], `${mb} MB, ${method} ${path}`)
    }
  }
})

t.test('an early answer to a request without a body (401, 403, 404 from auth; an unknown route) keeps the connection: the requests pipelined behind it are answered', async (t) => {
  const server = await serve(t)
  const get = (path: string, token?: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${token === undefined ? '' : `Authorization: Bearer ${token}\r\n`}\r\n`
  const requests = [
    get('/repo/repo-a/apikey'), get('/repo', 'wrong-token'), get('/repo/repo-b/apikey', LIMITED_TOKEN),
    get('/repo/no-such-repo/apikey', DEV_TOKEN), get('/nope', DEV_TOKEN), get('/repo/repo-a/apikey', DEV_TOKEN)
  ]
  const connection = await rawConnect(server.url, requests.join(''))
  const text = await connection.waitFor(/(HTTP\/1\.1 [^]*){6}/)
  t.same(text.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401', 'HTTP/1.1 401', 'HTTP/1.1 403', 'HTTP/1.1 404', 'HTTP/1.1 404', 'HTTP/1.1 200'])
  t.notMatch(text, /connection: close/i, 'no answer ends the connection')
  connection.socket.destroy()
})

t.test('a body that turns out malformed after an early answer gets no second answer: the connection just ends', async (t) => {
  const server = await serve(t)
  for (const request of [
    'POST /repo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'GET /repo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'
  ]) {
    const text = await (await rawConnect(server.url, request)).closed()
    t.same(text.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 401'], request.slice(0, request.indexOf('\r')))
  }
})

t.test('an error answer says what happens to the connection, as Node says it on any answer', async (t) => {
  const server = await serve(t)
  const json = (body: string): string => `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  const cases: Array<[string, string, RegExp]> = [
    ['a 401, the client asks to close', 'GET /repo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', /^HTTP\/1\.1 401[^]*\r\nconnection: close\r\n/i],
    ['a 400 for invalid JSON, the client asks to close', `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nConnection: close\r\n${json('{bad')}`, /^HTTP\/1\.1 400[^]*\r\nconnection: close\r\n/i]
  ]
  for (const [what, request, expected] of cases) t.match(await (await rawConnect(server.url, request)).closed(), expected, what)
  const old = await rawConnect(server.url, 'GET /repo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
  t.match(await old.waitFor(/\}$/), /^HTTP\/1\.1 401[^]*\r\nconnection: keep-alive\r\n/i, 'a 401 to HTTP/1.0 keep-alive')
  old.socket.destroy()
  const connection = await rawConnect(server.url, `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\n${json('{bad')}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`)
  const text = await connection.waitFor(/HTTP\/1\.1 200/)
  t.match(text.slice(0, text.indexOf('HTTP/1.1 200')), /^HTTP\/1\.1 400[^]*\r\nconnection: keep-alive\r\n/i, 'a 400 for invalid JSON on a kept connection says keep-alive, and the next request is answered')
  connection.socket.destroy()
})
