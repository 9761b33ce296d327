// Repository API keys: /repo/{repoId}/apikey, as the Flashback API reference and the SDK's ApiClient define them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, jsonResponse, ref } from '../schemas/common.js'
import { CreateRepoKeyRequestSchema, CreateRepoKeyResponseSchema, RepoParamsSchema } from '../schemas/apikey.js'

/**
 * Routes of the API-key resource. Auth, repo access (403) and repo existence (404) are checked by the
 * auth plugin before the body is read.
 *
 * - `POST /repo/{repoId}/apikey` (SDK `createRepoKey`; API reference post-repo-apikey.md): body
 *   `{ name, accessType, repoId? }`, 200 `{ success: true, id, key, secret }`. The secret is not stored.
 */
const CREATE_EXAMPLE = {
  success: true as const,
  id: 'V1StGXR8_Z5jdHi6B-myT',
  key: 'Xk3vT0b9Qm2Lw8Rr5Yp1Zs7Nc4Hd6Jf0',
  secret: 'm9W2tq8ZrK4vN0xY3cB7pL5sD1fG6hJ8kQ2wE4rT9uI'
}

const apikeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/repo/:repoId/apikey', {
    schema: {
      operationId: 'createRepoKey',
      tags: ['API keys'],
      summary: 'Create Repository API Key',
      description: 'Creates an API key for the repo. The plaintext secret is in this answer only: later reads never return it.',
      params: RepoParamsSchema,
      body: ref(CreateRepoKeyRequestSchema),
      response: {
        200: jsonResponse(CreateRepoKeyResponseSchema, 'API key created successfully', CREATE_EXAMPLE),
        ...errorResponses(400, 401, 403, 404, 413, 415, 500)
      }
    }
  }, async (request) => {
    const { name, accessType } = request.body
    return { success: true as const, ...app.store.createKey(request.params.repoId, { name, accessType }) }
  })
}

export default apikeyRoutes
