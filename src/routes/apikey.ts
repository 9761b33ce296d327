// Repository API keys: /repo/{repoId}/apikey, as the Flashback API reference and the SDK's ApiClient define them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, jsonResponse, ref, type ErrorResponse } from '../schemas/common.js'
import {
  ActionResponseSchema, CreateRepoKeyRequestSchema, CreateRepoKeyResponseSchema, RepoKeyParamsSchema,
  RepoKeysResponseSchema, RepoParamsSchema, UpdateRepoKeyRequestSchema
} from '../schemas/apikey.js'

const TAGS = ['API keys']

/** Examples of errors these routes give that the defaults do not show. */
const BAD_URL: ErrorResponse = { success: false, message: 'The URL has a malformed percent-encoding', code: 'FBM_BAD_URL' }
const NO_BODY: ErrorResponse = { success: false, message: 'DELETE /repo/{repoId}/apikey/{keyId} takes no request body: send none', code: 'FBM_VALIDATION' }
const KEY_NOT_FOUND: ErrorResponse = { success: false, message: 'API key "no-such-key" not found in repo "repo-photos"', code: 'FBM_KEY_NOT_FOUND' }

const EXAMPLE_KEY = {
  id: 'V1StGXR8_Z5jdHi6B-myT',
  name: 'ci-uploader',
  accessType: 'WRITE' as const,
  key: 'Xk3vT0b9Qm2Lw8Rr5Yp1Zs7Nc4Hd6Jf0',
  createdAt: '2026-03-01T12:00:00.000Z'
}

/**
 * Routes of the API-key resource (SDK: createRepoKey, getRepoKeys, updateRepoKey, deleteRepoKey).
 * Auth, repo access (403) and repo existence (404) are checked by the auth plugin before the body is read.
 *
 * - `POST /repo/{repoId}/apikey`: body `{ name, accessType, repoId? }`, 200 `{ success, id, key, secret }`.
 *   The secret is in this answer only (API reference post-repo-apikey.md).
 * - `GET /repo/{repoId}/apikey`: 200 `{ success, keys: ApiKey[] }`, creation order, no secrets.
 * - `PUT /repo/{repoId}/apikey/{keyId}`: body `{ name, accessType }`, 200 `{ success, message }`.
 * - `DELETE /repo/{repoId}/apikey/{keyId}`: no body, 200 `{ success, message }`.
 * An unknown key, or a key of another repo, is 404 FBM_KEY_NOT_FOUND.
 */
const apikeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/repo/:repoId/apikey', {
    schema: {
      operationId: 'createRepoKey',
      tags: TAGS,
      summary: 'Create Repository API Key',
      description: 'Creates an API key for the repo. The plaintext secret is in this answer only: later reads never return it.',
      params: RepoParamsSchema,
      body: ref(CreateRepoKeyRequestSchema),
      response: {
        200: jsonResponse(CreateRepoKeyResponseSchema, 'API key created successfully', {
          success: true, id: EXAMPLE_KEY.id, key: EXAMPLE_KEY.key, secret: 'm9W2tq8ZrK4vN0xY3cB7pL5sD1fG6hJ8kQ2wE4rT9uI'
        }),
        ...errorResponses([400, 401, 403, 404, 413, 414, 415, 500])
      }
    }
  }, async (request) => {
    const { name, accessType } = request.body
    return { success: true as const, ...app.store.createKey(request.params.repoId, { name, accessType }) }
  })

  app.get('/repo/:repoId/apikey', {
    schema: {
      operationId: 'getRepoKeys',
      tags: TAGS,
      summary: 'List Repository API Keys',
      description: 'The repo\'s API keys in creation order, fixture keys first. Secrets are never listed.',
      params: RepoParamsSchema,
      response: {
        200: jsonResponse(RepoKeysResponseSchema, 'The repo\'s API keys', { success: true, keys: [EXAMPLE_KEY] }),
        ...errorResponses([400, 401, 403, 404, 414, 500], { 400: BAD_URL })
      }
    }
  }, async (request) => ({ success: true as const, keys: app.store.listKeys(request.params.repoId) }))

  app.put('/repo/:repoId/apikey/:keyId', {
    schema: {
      operationId: 'updateRepoKey',
      tags: TAGS,
      summary: 'Update Repository API Key',
      description: 'Sets the key\'s name and access type; both are required, as the SDK always sends both. id, key, createdAt and the secret do not change.',
      params: RepoKeyParamsSchema,
      body: ref(UpdateRepoKeyRequestSchema),
      response: {
        200: jsonResponse(ActionResponseSchema, 'API key updated', { success: true, message: 'API key updated' }),
        ...errorResponses([400, 401, 403, 404, 413, 414, 415, 500], { 404: KEY_NOT_FOUND })
      }
    }
  }, async (request) => {
    const { name, accessType } = request.body
    app.store.updateKey(request.params.repoId, request.params.keyId, { name, accessType })
    return { success: true as const, message: 'API key updated' }
  })

  app.delete('/repo/:repoId/apikey/:keyId', {
    schema: {
      operationId: 'deleteRepoKey',
      tags: TAGS,
      summary: 'Delete Repository API Key',
      description: 'Deletes the key. Takes no body, as the SDK sends none: an empty body is fine whatever its Content-Type, a non-empty one is a 400 (a non-JSON one a 415).',
      params: RepoKeyParamsSchema,
      response: {
        200: jsonResponse(ActionResponseSchema, 'API key deleted', { success: true, message: 'API key deleted' }),
        ...errorResponses([400, 401, 403, 404, 413, 414, 415, 500], { 400: NO_BODY, 404: KEY_NOT_FOUND })
      }
    }
  }, async (request) => {
    app.store.deleteKey(request.params.repoId, request.params.keyId)
    return { success: true as const, message: 'API key deleted' }
  })
}

export default apikeyRoutes
