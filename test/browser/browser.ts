// The mock as a frontend developer meets it: a page on another origin, in headless Chromium (Debian's package,
// driven by playwright-core), calling the API through CORS, and the docs UI. `npm run browser` (tsx); CI runs it
// after installing chromium with apt-get. The screenshot of /docs is left in .tap/screenshots/.
import t from 'tap'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startMockServer, type MockServer } from '../../src/index.js'
import { hasIpv6Loopback } from '../helper.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCREENSHOTS = join(ROOT, '.tap', 'screenshots')
// Every name the browser looks up as localhost goes to ::1 first, as on machines whose resolver says so: the mock
// must answer there. Without ::1 here, localhost keeps its usual meaning.
const LOCALHOST = hasIpv6Loopback ? '::1' : '127.0.0.1'
t.setTimeout(300_000)

/**
 * The page's own script, as a frontend would have it: `runCalls(api)` creates a key with Authorization, a JSON
 * body and tracing headers (preflighted), reads a 401 and a 400, updates and deletes the key, and lists the keys.
 */
const PAGE_SCRIPT = `
async function read (res) {
  return { status: res.status, body: await res.json(), wwwAuthenticate: res.headers.get('www-authenticate') }
}
async function runCalls (api) {
  const auth = { Authorization: 'Bearer dev-token' }
  const created = await read(await fetch(api + '/repo/repo-photos/apikey', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json', 'sentry-trace': '771a43a4192642f0b136d5159a501700-b7fa8a1c6e3c4c1a-1', baggage: 'sentry-environment=dev' },
    body: JSON.stringify({ name: 'from the browser', accessType: 'WRITE' })
  }))
  const unauthorized = await read(await fetch(api + '/repo/repo-photos/apikey'))
  const invalid = await read(await fetch(api + '/repo/repo-photos/apikey', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"name":"x","accessType":"OWNER"}' }))
  const id = created.body.id
  const updated = await read(await fetch(api + '/repo/repo-photos/apikey/' + id, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    body: JSON.stringify({ name: 'renamed', accessType: 'READ' })
  }))
  const deleted = await read(await fetch(api + '/repo/repo-photos/apikey/' + id, { method: 'DELETE', headers: { ...auth, 'X-Request-Id': 'req-1' } }))
  const listed = await read(await fetch(api + '/repo/repo-photos/apikey', { headers: auth }))
  return { created, unauthorized, invalid, updated, deleted, listed }
}
async function tryList (api) {
  return fetch(api + '/repo', { headers: { Authorization: 'Bearer dev-token' } }).then((r) => 'status ' + r.status, (err) => err.name)
}
`

/** A tiny static server for the page: another origin (another port) than the mock. */
async function pageServer (): Promise<{ server: Server, origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>frontend</title><h1>frontend on another origin</h1><script>${PAGE_SCRIPT}</script>`)
  })
  server.listen(0, LOCALHOST)
  await once(server, 'listening')
  return { server, origin: `http://localhost:${(server.address() as { port: number }).port}` }
}

const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage',
    `--host-resolver-rules=MAP localhost ${hasIpv6Loopback ? '[::1]' : '127.0.0.1'}`]
})
t.teardown(() => browser.close())
const mock: MockServer = await startMockServer({ host: 'localhost' })
t.teardown(() => mock.close())
const page = await pageServer()
t.teardown(() => { page.server.close() })

/** A fresh tab on the page's origin; what it asks for and what fails on it are recorded. */
async function openPage (url: string): Promise<{ tab: Page, requests: string[], errors: string[] }> {
  const tab = await browser.newPage()
  const requests: string[] = []
  const errors: string[] = []
  tab.on('request', (request) => requests.push(`${request.method()} ${request.url()}`))
  tab.on('pageerror', (err) => errors.push(String(err)))
  tab.setDefaultTimeout(30_000)
  await tab.goto(url)
  return { tab, requests, errors }
}

t.test('a page on http://localhost:<port> calls the mock on http://localhost:<other port> through CORS', async (t) => {
  t.match(mock.url, /^http:\/\/localhost:\d+$/)
  const { tab } = await openPage(`${page.origin}/`)
  t.teardown(() => tab.close())
  // A page script's own code (tsx would rename functions written here, and the browser has no helper for that).
  const results = await tab.evaluate(async (api) => (globalThis as unknown as { runCalls: (api: string) => Promise<Record<string, { status: number, body: unknown, wwwAuthenticate: string | null }>> }).runCalls(api), mock.url) as
    Record<'created' | 'unauthorized' | 'invalid' | 'updated' | 'deleted' | 'listed', { status: number, body: unknown, wwwAuthenticate: string | null }>
  t.match(results.created, { status: 200, body: { success: true, id: String, key: String, secret: String } }, 'the 200 body is readable')
  t.match(results.unauthorized, { status: 401, body: { success: false, code: 'FBM_UNAUTHORIZED' }, wwwAuthenticate: 'Bearer realm="flashback"' }, 'so are the 401 body and WWW-Authenticate')
  t.match(results.invalid, { status: 400, body: { success: false, message: 'body/accessType must be one of READ, WRITE, ADMIN', code: 'FBM_VALIDATION' } })
  t.match(results.updated, { status: 200, body: { success: true } }, 'PUT, preflighted')
  t.match(results.deleted, { status: 200, body: { success: true } }, 'DELETE, preflighted')
  t.same((results.listed.body as { keys: Array<{ name: string }> }).keys.map((k) => k.name), ['gallery reader'], 'the key is gone')
  const [create] = await mock.requests({ method: 'POST', path: '/repo/{repoId}/apikey' })
  t.match(create?.headers, { 'sentry-trace': String, baggage: 'sentry-environment=dev', origin: page.origin }, 'the mock saw the page\'s headers')
})

t.test('the browser really enforces CORS here: a mock that allows only another origin is refused', async (t) => {
  const narrow = await startMockServer({ host: 'localhost', corsOrigin: ['http://localhost:1'] })
  t.teardown(() => narrow.close())
  const { tab } = await openPage(`${page.origin}/`)
  t.teardown(() => tab.close())
  const outcome = await tab.evaluate(async (api) => (globalThis as unknown as { tryList: (api: string) => Promise<string> }).tryList(api), narrow.url)
  t.equal(outcome, 'TypeError', 'fetch fails: the preflight did not allow this origin')
})

t.test('/docs: Swagger UI, offline, lists the operations; Authorize takes the bearer token and Try it out calls the mock', async (t) => {
  const { tab, requests, errors } = await openPage(`${mock.url}/docs`)
  t.teardown(() => tab.close())
  await tab.locator('.opblock').first().waitFor()
  mkdirSync(SCREENSHOTS, { recursive: true })
  await tab.screenshot({ path: join(SCREENSHOTS, 'docs.png'), fullPage: true })
  const create = tab.locator('[id$="-createRepoKey"]')
  t.match((await create.locator('.opblock-summary').innerText()).replace(/\u200b/g, ''), /POST\s*\/repo\/\{repoId\}\/apikey/, 'createRepoKey is listed')

  await tab.locator('.scheme-container button.authorize').click()
  const dialog = tab.locator('.dialog-ux .modal-ux')
  await dialog.locator('input[aria-label="auth-bearer-value"]').fill('dev-token')
  await dialog.locator('.auth-btn-wrapper button[type="submit"]').click()
  await dialog.locator('button.btn-done').click()

  const list = tab.locator('[id$="-getStorageRepos"]')
  await list.locator('.opblock-summary-control').click()
  await list.locator('button.try-out__btn').click()
  await list.locator('button.execute').click()
  const answer = list.locator('.live-responses-table tbody .response')
  await answer.waitFor()
  t.equal((await answer.locator('.response-col_status').innerText()).trim(), '200')
  const body = JSON.parse((await answer.locator('.response-col_description pre.microlight').first().innerText()).trim()) as { repos: Array<{ id: string }> }
  t.same(body.repos.map((r) => r.id), ['repo-photos', 'repo-backups'], 'the fixture repos, with the token')
  t.match((await list.locator('.curl-command').innerText()), /Authorization: Bearer dev-token/)

  const elsewhere = requests.filter((r) => !r.split(' ')[1]?.startsWith(`${mock.url}/`))
  t.same(elsewhere, [], 'every request went to the mock: no CDN')
  t.ok(requests.some((r) => r === `GET ${mock.url}/repo`), 'Try it out called the mock')
  t.same(errors, [], 'no error on the page')
})
