// Storage repos: GET /repo, as the SDK's getStorageRepos and getStorageRepo call it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, jsonResponse } from '../schemas/common.js'
import { RepoQuerySchema, StorageReposResponseSchema } from '../schemas/repo.js'

/**
 * `GET /repo?workspaceId=&repoId=&walletAddress=` (SDK `getStorageRepos`; `getStorageRepo(id)` takes
 * `repos[0]` of `?repoId=id`): 200 `{ success, repos }` with the repos the bearer token may use that match
 * every filter given. Each repo carries its API keys without secrets and `buckets: []`. A repo the token
 * may not use is left out of the list rather than answered with 403, as a list would on the real API.
 */
const repoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/repo', {
    schema: {
      operationId: 'getStorageRepos',
      tags: ['Repos'],
      summary: 'List Storage Repositories',
      description: 'Repos visible to the bearer token, filtered by the query parameters given (exact match, combined with AND).',
      querystring: RepoQuerySchema,
      response: {
        200: jsonResponse(StorageReposResponseSchema, 'Matching repos', {
          success: true,
          repos: [{
            id: 'repo-photos',
            name: 'Photos',
            storageType: 'S3',
            mode: 'NORMAL',
            workspaceId: 'ws-demo',
            createdAt: '2026-01-15T09:30:00.000Z',
            disabled: false,
            apiKeys: [],
            buckets: []
          }]
        }),
        ...errorResponses(400, 401, 500)
      }
    }
  }, async (request) => ({
    success: true as const,
    repos: app.store.listRepos(request.principal?.repos ?? [], request.query).map((repo) => ({ ...repo, buckets: [] }))
  }))
}

export default repoRoutes
