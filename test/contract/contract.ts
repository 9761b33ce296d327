// The OpenAPI document, proven by the tools its users point at it: Redocly CLI lints it, openapi-typescript
// generates the types of a strict openapi-fetch program that runs against the mock, and Prism, as a
// validating proxy, sees every route and every documented status. `npm run contract` (tsx); CI runs it.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { startMockServer } from '../../src/index.js'
import { runClientProgram } from './client-program.js'
import { waitUntil } from '../helper.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name)
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

interface Doc {
  components: Record<string, unknown>
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>
}

const server = await startMockServer({ seed: 'contract' })
t.teardown(() => server.close())
const doc = await (await fetch(`${server.url}/openapi.json`)).json() as Doc
const dir = t.testdir()
const docFile = join(dir, 'openapi.json')
writeFileSync(docFile, JSON.stringify(doc))
writeFileSync(join(dir, 'control.json'), await (await fetch(`${server.url}/__mock/openapi.json`)).text())

/** A validator of the JSON body the document gives for an operation's status; undefined when it gives none. */
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }))
const validators = new Map<string, ValidateFunction | undefined>()
function validatorFor (method: string, path: string, status: number): ValidateFunction | undefined {
  const id = `${method} ${path} ${status}`
  if (!validators.has(id)) {
    const schema = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema
    validators.set(id, schema === undefined ? undefined : ajv.compile({ ...schema, components: doc.components }))
  }
  return validators.get(id)
}

t.test('redocly lint: both served documents, no error and no warning (redocly.yaml extends recommended-strict)', async (t) => {
  for (const file of ['openapi.json', 'control.json']) {
    const run = spawnSync(bin('redocly'), ['lint', join(dir, file), '--config', join(ROOT, 'redocly.yaml')], { encoding: 'utf8' })
    t.equal(run.status, 0, `${file}\n${run.stdout}${run.stderr}`)
    t.match(run.stdout + run.stderr, /Your API description is valid/, file)
    t.notMatch(run.stdout + run.stderr, /You have \d+ warnings?/, `${file}: no warnings`)
  }
})

t.test('openapi-typescript types type-check a strict openapi-fetch program, which runs: every answer has a documented status and fits its schema', async (t) => {
  const generated = join(ROOT, 'test', 'contract', 'generated')
  mkdirSync(generated, { recursive: true })
  writeFileSync(join(generated, 'flashback.ts'), astToString(await openapiTS(new URL(`${server.url}/openapi.json`))))
  const tsc = spawnSync(bin('tsc'), ['-p', join(ROOT, 'test', 'contract', 'tsconfig.json')], { encoding: 'utf8' })
  t.equal(tsc.status, 0, `tsc --strict: ${tsc.stdout}${tsc.stderr}`)

  const seen: string[] = []
  const problems: string[] = []
  const codes = await runClientProgram(server.url, {
    async onResponse ({ request, response, schemaPath }) {
      const id = `${request.method} ${schemaPath} ${response.status}`
      seen.push(id)
      const documented = doc.paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)]
      if (documented === undefined) problems.push(`${id}: status not documented`)
      const validate = validatorFor(request.method, schemaPath, response.status)
      if (validate !== undefined && !validate(await response.clone().json())) problems.push(`${id}: ${ajv.errorsText(validate.errors)}`)
      return response
    }
  })
  t.same(problems, [], `every answer documented and valid (${seen.length} answers)`)
  t.same(codes, {
    400: 'FBM_VALIDATION (bad request)',
    401: 'FBM_UNAUTHORIZED (log in again)',
    403: 'FBM_FORBIDDEN (no access)',
    404: 'FBM_KEY_NOT_FOUND (gone)',
    409: 'FBM_NAME_ALREADY_USED (pick another name)',
    413: 'FBM_BODY_TOO_LARGE (client bug)',
    414: 'FBM_URI_TOO_LONG (client bug)',
    415: 'FBM_UNSUPPORTED_MEDIA_TYPE (client bug)',
    500: 'FBM_INTERNAL (retry)'
  }, 'each error status reached; a switch over the typed codes is exhaustive')
})

/**
 * Requests that reach every route and every documented status, with the status the mock answers. HEAD is left
 * out: Prism 5.14 parses the empty body of a HEAD answer as JSON and fails (its own 500, "invalid json response
 * body"); test/routes/openapi.test.ts covers HEAD. A request the document forbids (`refused`) never reaches the
 * mock: Prism answers it 422, naming the field, where the mock answers `status` (the client program shows that).
 */
const REPLAY: Array<{ method: string, path: string, status: number, token?: string, body?: string, prefer?: string, refused?: string }> = [
  { method: 'POST', path: '/repo/repo-photos/apikey', status: 200, body: '{"name":"via prism","accessType":"READ"}' },
  { method: 'GET', path: '/repo/repo-photos/apikey', status: 200 },
  { method: 'PUT', path: '/repo/repo-photos/apikey/key-photos-reader', status: 200, body: '{"name":"r","accessType":"READ"}' },
  { method: 'GET', path: '/repo?workspaceId=ws-demo', status: 200 },
  { method: 'POST', path: '/repo', status: 200, body: '{"name":"via prism","storageType":"S3","mode":"NORMAL","workspaceId":"ws-demo"}' },
  { method: 'POST', path: '/repo', status: 409, body: '{"name":"Photos","storageType":"S3","mode":"NORMAL","workspaceId":"ws-demo"}' },
  { method: 'POST', path: '/repo', status: 400, body: '{"name":"m","storageType":"S3","mode":"MIRROR","workspaceId":"ws-demo","repoUnits":[{"folder":"a","master":false}]}' },
  { method: 'PUT', path: '/repo/repo-photos', status: 200, body: '{"name":"Photos","storageType":"S3","mode":"NORMAL","workspaceId":"ws-demo"}' },
  { method: 'PUT', path: '/repo/no-such-repo', status: 404, body: '{"name":"x","storageType":"S3","mode":"NORMAL","workspaceId":"ws-demo"}' },
  { method: 'GET', path: '/health', status: 200, token: '' },
  { method: 'GET', path: '/openapi.json', status: 200, token: '' },
  { method: 'GET', path: '/openapi.yaml', status: 200, token: '' },
  { method: 'POST', path: '/repo/repo-photos/apikey', status: 400, body: '{"name":"x","accessType":"OWNER"}', refused: 'accessType' },
  { method: 'GET', path: '/repo/repo-photos/apikey', status: 401, token: '' },
  { method: 'GET', path: '/repo/repo-photos/apikey', status: 401, token: 'not-a-token' },
  { method: 'GET', path: '/repo/repo-backups/apikey', status: 403, token: 'photos-only-token' },
  { method: 'GET', path: '/repo/no-such-repo/apikey', status: 404 },
  { method: 'PUT', path: '/repo/repo-photos/apikey/no-such-key', status: 404, body: '{"name":"r","accessType":"READ"}' },
  { method: 'GET', path: `/repo/${'a'.repeat(600)}/apikey`, status: 414, refused: 'repoid' },
  { method: 'GET', path: '/repo', status: 500, prefer: 'code=500' },
  { method: 'DELETE', path: '/repo/repo-photos/apikey/key-photos-reader', status: 200 },
  { method: 'DELETE', path: '/repo/repo-backups', status: 200 }
]

t.test('Prism (proxy --errors) in front of the mock reports no violation, in either direction, on every route and status', async (t) => {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const port = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
  const prism = spawn(bin('prism'), ['proxy', '--errors', '-h', '127.0.0.1', '-p', String(port), docFile, server.url], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { prism.kill() })
  let output = ''
  prism.stdout.on('data', (chunk) => { output += chunk })
  prism.stderr.on('data', (chunk) => { output += chunk })
  await waitUntil(prism.stdout, 'data', () => /Prism is listening/.test(output) ? true : undefined, { ms: 60_000, what: 'Prism to listen', seen: () => output })
  for (const r of REPLAY) {
    const token = r.token ?? 'dev-token'
    const res = await fetch(`http://127.0.0.1:${port}${r.path}`, {
      method: r.method,
      headers: {
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(r.prefer === undefined ? {} : { prefer: r.prefer })
      },
      body: r.body
    })
    const text = await res.text()
    const what = `${r.method} ${r.path.slice(0, 40)} → ${r.status}: ${text.slice(0, 300)}`
    if (r.refused !== undefined) {
      t.equal(res.status, 422, `refused by Prism too: ${what}`)
      t.match(JSON.parse(text), { validation: [{ location: [String, r.refused] }] }, 'naming the same field')
    } else {
      t.same([res.status, res.headers.get('sl-violations')], [r.status, null], what)
    }
  }
})
