// The OpenAPI document: valid OpenAPI 3, generated from the same schemas the routes validate with.
import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import { parse } from 'yaml'
import jsYaml from 'js-yaml'
import { build, call } from '../helper.js'
import { ERROR_CODES } from '../../src/schemas/common.js'

interface Operation {
  operationId?: string
  security?: unknown[]
  parameters?: Array<{ name: string, in: string, schema: { maxLength?: number } }>
  requestBody?: unknown
  responses: Record<string, { content?: Record<string, { example?: unknown, schema?: { $ref?: string } }> }>
}
type Doc = {
  openapi: string
  info: Record<string, unknown>
  security: unknown
  components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>, securitySchemes: Record<string, unknown> }
  paths: Record<string, Record<string, Operation>>
}

/** Every operation of the document, with its method and path. */
const operationsOf = (doc: Doc): Array<{ method: string, path: string, operation: Operation }> =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ method, path, operation })))

t.test('GET /openapi.json is a valid OpenAPI 3 document, served without auth', async (t) => {
  const app = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const doc = res.json() as Doc
  t.match(doc.openapi, /^3\./)
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as never), 'swagger-parser accepts it')
})

t.test('the document names components, requires bearerAuth and matches SDK operationIds', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  t.same(doc.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from the fixture file, e.g. the default fixtures\' development token.'
  })
  t.same(doc.security, [{ bearerAuth: [] }])
  t.same(Object.keys(doc.components.schemas).sort(), [
    'ActionResponse', 'ApiKey', 'CreateRepoKeyRequest', 'CreateRepoKeyResponse', 'Error400', 'Error401', 'Error403', 'Error404', 'Error409',
    'Error413', 'Error414', 'Error415', 'Error500', 'RepoKeysResponse', 'RepoWriteRequest', 'RepoWriteResponse', 'StorageRepo', 'StorageReposResponse',
    'UpdateRepoKeyRequest'
  ])
  const operationIds = operationsOf(doc).map(({ operation }) => operation.operationId).sort()
  t.same(operationIds, [
    'createRepoKey', 'createStorageRepo', 'deleteRepoKey', 'deleteStorageRepo', 'getHealth', 'getHealth-head', 'getOpenapiJson', 'getOpenapiJson-head', 'getOpenapiYaml',
    'getOpenapiYaml-head', 'getRepoKeys', 'getRepoKeys-head', 'getStorageRepos', 'getStorageRepos-head', 'updateRepoKey', 'updateStorageRepo'
  ], 'the SDK method names, HEAD for every GET, and the document routes')
  const create = doc.paths['/repo/{repoId}/apikey']?.post
  t.equal(create?.operationId, 'createRepoKey')
  t.same(Object.keys(create?.responses ?? {}).sort(), ['200', '400', '401', '403', '404', '413', '414', '415', '500'])
  for (const path of ['/health', '/openapi.json', '/openapi.yaml']) t.same(doc.paths[path]?.get?.security, [], `${path} is public`)
  t.match(doc.info, { license: { name: 'MIT' }, contact: { name: String, url: String } })
  t.match((doc.paths['/health']?.get as { description?: string }).description, /HEALTHCHECK/)
})

t.test('a 600-character repoId or keyId is a 414, which every route with path parameters documents, with the limit', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  const long = 'a'.repeat(600)
  for (const [method, url] of [['GET', `/repo/${long}/apikey`], ['POST', `/repo/${long}/apikey`], ['PUT', `/repo/repo-a/apikey/${long}`], ['DELETE', `/repo/repo-a/apikey/${long}`]] as const) {
    const res = await call(app, { method, url })
    t.same([res.statusCode, res.json().code], [414, 'FBM_URI_TOO_LONG'], `${method} ${url.slice(0, 30)}…`)
  }
  for (const { method, path, operation } of operationsOf(doc).filter(({ operation }) => operation.parameters?.some((p) => p.in === 'path'))) {
    t.ok(operation.responses['414'], `${method.toUpperCase()} ${path} documents 414`)
    t.ok(operation.parameters?.filter((p) => p.in === 'path').every((p) => p.schema.maxLength === 500), `${method.toUpperCase()} ${path} gives the limit`)
  }
})

t.test('DELETE takes no body, in the document and in behaviour: none or an empty one of any type is fine, a body is a 400', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  t.equal(doc.paths['/repo/{repoId}/apikey/{keyId}']?.delete?.requestBody, undefined)
  const url = '/repo/repo-a/apikey/key-a1'
  for (const payload of ['{}', '{"a":1}', '[1]']) {
    const res = await call(app, { method: 'DELETE', url, headers: { 'content-type': 'application/json' }, payload })
    t.same([res.statusCode, res.json()], [400, { success: false, message: 'DELETE /repo/{repoId}/apikey/{keyId} takes no request body: send none', code: 'FBM_VALIDATION' }], payload)
  }
  t.equal((await call(app, { method: 'DELETE', url, headers: { 'content-type': 'text/plain' }, payload: 'x' })).statusCode, 415, 'a non-JSON body: 415')
  t.same(app.store.listKeys('repo-a').map((k) => k.id), ['key-a1'], 'nothing was deleted')
  const empty = await call(app, { method: 'DELETE', url, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '0' } })
  t.equal(empty.statusCode, 200, 'an empty body with a stray Content-Type, as fetch sends body: "", is no body')
})

t.test('every error status has its own component whose code enum lists the codes that status carries, and every example fits its operation', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  for (const [status, codes] of Object.entries(ERROR_CODES)) {
    t.same(doc.components.schemas[`Error${status}`]?.properties?.code?.enum, codes, `Error${status}`)
  }
  for (const { method, path, operation } of operationsOf(doc)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const content = response.content?.['application/json']
      if (Number(status) < 400) continue
      t.equal(content?.schema?.$ref, `#/components/schemas/Error${status}`, `${method.toUpperCase()} ${path} ${status} names its status's error body`)
      const { code, message } = content?.example as { code: string, message: string }
      t.ok((ERROR_CODES as Record<string, readonly string[]>)[status]?.includes(code), `${method.toUpperCase()} ${path} ${status}: ${code} is one of the status's codes`)
      if (operation.requestBody === undefined) t.notMatch(message, /^body\//, `${method.toUpperCase()} ${path} ${status}: no body field named where there is no body`)
    }
  }
})

t.test('every response of every operation has an example', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const [content] = Object.values(response.content ?? {})
        t.not(content?.example, undefined, `${method.toUpperCase()} ${path} ${status}`)
      }
    }
  }
})

t.test('the create example passes the route\'s own response validation patterns', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  const example = doc.paths['/repo/{repoId}/apikey']?.post?.responses['200']?.content?.['application/json']?.example as Record<string, string>
  const schema = doc.components.schemas.CreateRepoKeyResponse as { properties: Record<string, { pattern?: string }> }
  for (const field of ['id', 'key', 'secret']) {
    t.match(example[field], new RegExp(String(schema.properties[field]?.pattern)), field)
  }
})

t.test('GET /openapi.yaml serves the same document as YAML', async (t) => {
  const app = await build(t)
  const res = await app.inject('/openapi.yaml')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/yaml/)
  const json = (await app.inject('/openapi.json')).json()
  t.strictSame(parse(res.body), json, 'a YAML 1.2 reader (yaml)')
  t.strictSame(jsYaml.load(res.body), json, 'a YAML 1.1 reader (js-yaml\'s default schema): dates stay strings')
  t.match(res.body, /createdAt: '2026-03-01T12:00:00\.000Z'/, 'date-like strings are quoted')
  t.equal((await app.inject('/openapi.yaml')).body, res.body, 'built once, the same every time')
})
