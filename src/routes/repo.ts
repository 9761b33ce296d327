// Storage repos: GET /repo, as the SDK's getStorageRepos and getStorageRepo call it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, jsonResponse } from '../schemas/common.js'
import { RepoQuerySchema, StorageReposResponseSchema } from '../schemas/repo.js'
import { EXAMPLE_REPO, type FixtureToken } from '../schemas/fixtures.js'

/**
 * `GET /repo?workspaceId=&repoId=&walletAddress=` (SDK `getStorageRepos`; `getStorageRepo(id)` takes
 * `repos[0]` of `?repoId=id`): 200 `{ success, repos }` with the repos the bearer token may use that match
 * every filter given. Each repo carries its API keys without secrets and `buckets: []`. Repos the token may
 * not use are left out; a `repoId` filter is checked by the auth plugin like a path repoId (403, 404), so
 * `getStorageRepo` of a forbidden or unknown repo fails the way every other route does.
 */
const repoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/repo', {
    schema: {
      operationId: 'getStorageRepos',
      tags: ['Repos'],
      summary: 'List Storage Repositories',
      description: 'Repos visible to the bearer token, filtered by the query parameters given (exact match, combined with AND). A repoId the token may not use is a 403, an unknown one a 404.',
      querystring: RepoQuerySchema,
      response: {
        200: jsonResponse(StorageReposResponseSchema, 'Matching repos', {
          success: true,
          repos: [{
            ...EXAMPLE_REPO,
            disabled: false,
            apiKeys: [],
            buckets: []
          }]
        }),
        ...errorResponses([400, 401, 403, 404, 500], { 400: { success: false, message: 'querystring/repoId must be a string', code: 'FBM_VALIDATION' } })
      }
    }
  }, async (request) => ({
    success: true as const,
    // The route is not public, so the auth plugin has set the principal.
    repos: app.store.listRepos((request.principal as FixtureToken).repos, request.query).map((repo) => ({ ...repo, buckets: [] }))
  }))
}

export default repoRoutes
