// The OpenAPI document: valid OpenAPI 3, generated from the same schemas the routes validate with.
import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import { parse } from 'yaml'
import { build } from '../helper.js'

type Doc = {
  openapi: string
  security: unknown
  components: { schemas: Record<string, unknown>, securitySchemes: Record<string, unknown> }
  paths: Record<string, Record<string, { operationId?: string, security?: unknown[], responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>>
}

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
  t.hasProps(doc.components.schemas, [
    'ErrorResponse', 'ApiKey', 'CreateRepoKeyRequest', 'CreateRepoKeyResponse', 'RepoKeysResponse',
    'UpdateRepoKeyRequest', 'ActionResponse', 'StorageRepo', 'StorageReposResponse'
  ])
  const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId)).sort()
  t.same(operationIds, ['createRepoKey', 'deleteRepoKey', 'getHealth', 'getRepoKeys', 'getStorageRepos', 'updateRepoKey'], 'the SDK method names')
  const create = doc.paths['/repo/{repoId}/apikey']?.post
  t.equal(create?.operationId, 'createRepoKey')
  t.same(Object.keys(create?.responses ?? {}).sort(), ['200', '400', '401', '403', '404', '413', '415', '500'])
  t.same(doc.paths['/health']?.get?.security, [], 'health is public')
  t.notOk(doc.paths['/openapi.json'], 'the document does not list itself')
})

t.test('every response of every operation has an example', async (t) => {
  const app = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as Doc
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        t.not(response.content?.['application/json']?.example, undefined, `${method.toUpperCase()} ${path} ${status}`)
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
  t.strictSame(parse(res.body), (await app.inject('/openapi.json')).json())
})
