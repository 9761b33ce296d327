// Registers @fastify/swagger, which builds the OpenAPI document from the route schemas.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { FastifyPluginAsync } from 'fastify'
import { ERROR_SCHEMAS, ErrorResponseSchema } from '../schemas/common.js'
import {
  ActionResponseSchema, ApiKeySchema, CreateRepoKeyRequestSchema, CreateRepoKeyResponseSchema, RepoKeysResponseSchema,
  UpdateRepoKeyRequestSchema
} from '../schemas/apikey.js'
import { RepoWriteRequestSchema, RepoWriteResponseSchema, StorageRepoSchema, StorageReposResponseSchema } from '../schemas/repo.js'
import { CONTROL_TAG } from '../schemas/control.js'

/** Schemas every route may `$ref`, registered once so the OpenAPI document names them as components. */
const COMPONENTS = [
  ErrorResponseSchema, ...Object.values(ERROR_SCHEMAS), ApiKeySchema, CreateRepoKeyRequestSchema, CreateRepoKeyResponseSchema, RepoKeysResponseSchema,
  UpdateRepoKeyRequestSchema, ActionResponseSchema, StorageRepoSchema, StorageReposResponseSchema, RepoWriteRequestSchema, RepoWriteResponseSchema
]

/** The document's `info.contact` and `info.license`, the same in the main and the control document. */
export const INFO_CONTACT_LICENSE = {
  contact: { name: 'flashback-mock maintainers', url: 'https://docs.flashback.tech' },
  license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' }
}

/** The parts of an OpenAPI object `pruneComponents` reads. */
export interface OpenapiObject {
  components: { schemas: Record<string, unknown>, securitySchemes: Record<string, unknown> }
  security?: Array<Record<string, unknown>>
  paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>
}

/**
 * Removes the components a document does not use: schemas no `$ref` reaches from the paths (transitively), and
 * security schemes no `security` requirement names. Each document gets only its own: @fastify/swagger lists
 * every schema the app shares, the control API's in the main document and the API's in the control one.
 * @param document an OpenAPI object, changed in place
 * @returns the same object
 */
export function pruneComponents<T extends OpenapiObject> (document: T): T {
  const { schemas, securitySchemes } = document.components
  const used = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const name = key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', '') : undefined
        if (name !== undefined && !used.has(name)) {
          used.add(name)
          visit(schemas[name])
        } else visit(value)
      }
    }
  }
  visit(document.paths)
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name]
  const requirements = [...(document.security ?? []), ...Object.values(document.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.security ?? []))]
  for (const name of Object.keys(securitySchemes)) if (!requirements.some((r) => name in r)) delete securitySchemes[name]
  return document
}

/** Options of the openapi plugin. */
export interface OpenapiPluginOptions {
  /** The package version, shown as the document's info.version. */
  version: string
}

const DESCRIPTION = `flashback-mock stands in for the Flashback platform REST API (https://docs.flashback.tech).
Routes, bodies, status codes and field names follow the API reference and the official TypeScript SDK (ApiClient).

Conventions the mock adopts where those sources are silent:
- Every error is application/json \`{ "success": false, "message": "...", "code": "FBM_..." }\`; the message names the field or cause.
- 401: bearer token missing, malformed or unknown, with \`WWW-Authenticate: Bearer realm="flashback"\` (plus \`error="invalid_token"\` when a Bearer token was sent).
- 403: the token is valid but may not use the repo. A token limited to some repos gets 403 for every other repoId, existing or not.
- 404: unknown repo (for a token that may use every repo), key or route. A key id of another repo is a 404 too: it does not leak that the key exists.
- GET /repo lists only the repos the token may use. Its repoId filter is checked like a repoId in a path: 403 for a repo the token may not use, 404 for an unknown repo.
- 400: malformed JSON or a body or parameter that breaks the schema. Types are strict: 123 is not "123". Unknown body fields are ignored and never echoed.
- Auth is checked before the body is read: a bad token is a 401 even when the body is also bad.
- 415 for a Content-Type other than application/json; 413 for a body over 1 MiB.`

/**
 * Plugin `openapi`: registers the shared schemas (ErrorResponse, ApiKey, StorageRepo and the request and
 * response bodies) with `addSchema`, so the document names them as components, and @fastify/swagger with the
 * `bearerAuth` scheme required by default. Routes opt out with `security: []`.
 */
const openapiPlugin: FastifyPluginAsync<OpenapiPluginOptions> = async (app, { version }) => {
  for (const schema of COMPONENTS) app.addSchema(schema)
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Flashback API (flashback-mock)',
        version,
        description: DESCRIPTION,
        ...INFO_CONTACT_LICENSE
      },
      servers: [{ url: '/', description: 'The flashback-mock server that serves this document, on whatever host and port it listens' }],
      tags: [
        { name: 'API keys', description: 'Repository API keys (SDK: createRepoKey, getRepoKeys, updateRepoKey, deleteRepoKey)' },
        { name: 'Repos', description: 'Storage repositories (SDK: getStorageRepos, getStorageRepo)' },
        { name: 'Mock', description: 'Routes of the mock itself, not of the Flashback API' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from the fixture file, e.g. the default fixtures\' development token.' }
        }
      },
      security: [{ bearerAuth: [] }]
    },
    // The control API has a document of its own: clients generated from this one match the Flashback API.
    hiddenTag: CONTROL_TAG,
    // HEAD answers every GET route (Fastify's exposeHeadRoutes), so the document lists it (operationId <get>-head).
    exposeHeadRoutes: true,
    // The control routes' schemas are theirs alone; hidden routes still bring their $refs.
    transformObject: (document) => pruneComponents((document as { openapiObject: OpenapiObject }).openapiObject) as never,
    // Components are named by their $id: every shared schema has one (ref() in schemas/common.ts needs it).
    refResolver: { buildLocalReference: (json) => String(json.$id) }
  })
}

export default fp(openapiPlugin, { name: 'openapi', fastify: '5.x' })
