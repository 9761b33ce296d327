// Storage repos: list them (getStorageRepos, getStorageRepo), create, update and delete them (createStorageRepo,
// updateStorageRepo, deleteStorageRepo), as the SDK's ApiClient calls them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, jsonResponse, ref, type ErrorResponse } from '../schemas/common.js'
import { RepoQuerySchema, RepoWriteRequestSchema, RepoWriteResponseSchema, StorageReposResponseSchema, type RepoWriteRequest } from '../schemas/repo.js'
import { ActionResponseSchema, RepoParamsSchema } from '../schemas/apikey.js'
import { EXAMPLE_REPO, type FixtureToken, type RepoBucket } from '../schemas/fixtures.js'
import type { RepoInput } from '../store.js'
import { ControlValidationError, MirrorMasterCountError, MirrorMasterMissingError } from '../errors.js'

const TAGS = ['Repos']

/** Examples of the errors only these routes give. */
const MIRROR_MISSING: ErrorResponse = {
  success: false,
  message: 'body/repoBuckets: a MIRROR repo needs exactly one master, and none has master: true',
  code: 'FBM_MIRROR_MASTER_UNIT_MISSING',
  error_code: 'MIRROR_MASTER_UNIT_MISSING',
  error_message: 'body/repoBuckets: a MIRROR repo needs exactly one master, and none has master: true'
}
const NO_BODY: ErrorResponse = { success: false, message: 'DELETE /repo/{repoId} takes no request body: send none', code: 'FBM_VALIDATION' }
const EXAMPLE_WRITE: RepoWriteRequest = { name: 'Photos', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-demo', repoBuckets: [{ folder: 'photos', master: true, bucketId: 'bucket-eu-1' }] }

/** What the routes' descriptions say the mock checks, and what it does not. */
const WRITE_RULES = 'Names are unique within a workspace: another repo with the name is a 409 with error_code NAME_ALREADY_USED. ' +
  'repoUnits (older naming) or repoBuckets, not both, are kept as the repo\'s buckets ({ folder, master, bucketId }; unitId becomes bucketId). ' +
  'In MIRROR mode exactly one of them must have master: true: none is a 400 MIRROR_MASTER_UNIT_MISSING, more a 400 MIRROR_MASTER_UNIT_COUNT_INVALID. ' +
  'Nothing else about units is checked (that they exist, folders, quotas): the mock emulates no storage. repoAiLlms is checked and not kept. ' +
  'Errors carry the SDK\'s error_code and error_message beside message and code.'

/**
 * The repo fields a write body gives: units and buckets as buckets, the MIRROR master rule checked.
 * @throws ControlValidationError (400) for both repoUnits and repoBuckets; MirrorMasterMissingError or
 *   MirrorMasterCountError (400) for a MIRROR repo without exactly one master
 */
function repoInput ({ name, storageType, mode, workspaceId, walletAddress, repoUnits, repoBuckets }: RepoWriteRequest, keptBuckets?: RepoBucket[]): RepoInput {
  if (repoUnits !== undefined && repoBuckets !== undefined) throw new ControlValidationError('body/repoUnits and body/repoBuckets exclude each other: send the units in one of them')
  const field = repoUnits !== undefined ? 'repoUnits' : 'repoBuckets'
  // Buckets come as the store keeps them (validation drops their unknown fields); units are renamed to them.
  const buckets = repoUnits?.map(({ folder, master, unitId }) => ({ folder, master, ...(unitId === undefined ? {} : { bucketId: unitId }) })) ?? repoBuckets
  if (mode === 'MIRROR') {
    const masters = (buckets ?? keptBuckets ?? []).filter((bucket) => bucket.master).length
    if (masters === 0) throw new MirrorMasterMissingError(field)
    if (masters > 1) throw new MirrorMasterCountError(field, masters)
  }
  return { name, storageType, mode, workspaceId, walletAddress, buckets }
}

/**
 * Routes of the repo resource. Auth, repo access (403) and repo existence (404) on `{repoId}` are checked by the
 * auth plugin before the body is read.
 * - `GET /repo?workspaceId=&repoId=&walletAddress=` (SDK `getStorageRepos`; `getStorageRepo(id)` takes
 *   `repos[0]` of `?repoId=id`): 200 `{ success, repos }` with the repos the bearer token may use that match
 *   every filter given. Each repo carries its API keys without secrets and its buckets. Repos the token may
 *   not use are left out; a `repoId` filter is checked by the auth plugin like a path repoId (403, 404), so
 *   `getStorageRepo` of a forbidden or unknown repo fails the way every other route does.
 * - `POST /repo` (SDK `createStorageRepo`): 200 `{ success, repoId }`; any valid token, and a limited token's
 *   list gains the new repo.
 * - `PUT /repo/{repoId}` (SDK `updateStorageRepo`): 200 `{ success, repoId }`.
 * - `DELETE /repo/{repoId}` (SDK `deleteStorageRepo`): 200 `{ success, message }`; its keys go with it.
 * A name taken in the workspace is a 409, a MIRROR repo without exactly one master a 400, an unknown repo a 404;
 * these errors also carry the SDK's `error_code` and `error_message`.
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
    repos: app.store.listRepos((request.principal as FixtureToken).repos, request.query).map((repo) => ({ ...repo, buckets: repo.buckets ?? [] }))
  }))

  app.post('/repo', {
    schema: {
      operationId: 'createStorageRepo',
      tags: TAGS,
      summary: 'Create Storage Repository',
      description: `Creates a repo with a generated id, createdAt now, and no keys; it is listed by GET /repo and its key routes work at once. Any valid bearer token may create one; a token limited to a list of repos may then use it too. ${WRITE_RULES}`,
      body: ref(RepoWriteRequestSchema, { examples: [EXAMPLE_WRITE] }),
      response: {
        200: jsonResponse(RepoWriteResponseSchema, 'Repo created', { success: true, repoId: 'Vb4Yx0Qm2Lw8Rr5Yp1Zs7' }),
        ...errorResponses([400, 401, 409, 413, 415, 500], { 400: MIRROR_MISSING })
      }
    }
  }, async (request) => ({
    success: true as const,
    repoId: app.store.createRepo(repoInput(request.body), (request.principal as FixtureToken).token)
  }))

  app.put('/repo/:repoId', {
    schema: {
      operationId: 'updateStorageRepo',
      tags: TAGS,
      summary: 'Update Storage Repository',
      description: `Replaces the repo's name, storageType, mode, workspaceId and walletAddress (left out: removed), and its buckets if repoUnits or repoBuckets is sent (left out: kept). Its id, createdAt and keys stay. ${WRITE_RULES}`,
      params: RepoParamsSchema,
      body: ref(RepoWriteRequestSchema),
      response: {
        200: jsonResponse(RepoWriteResponseSchema, 'Repo updated', { success: true, repoId: 'repo-photos' }),
        ...errorResponses([400, 401, 403, 404, 409, 413, 414, 415, 500], { 400: MIRROR_MISSING })
      }
    }
  }, async (request) => {
    const { repoId } = request.params
    app.store.updateRepo(repoId, repoInput(request.body, app.store.getRepo(repoId)?.buckets))
    return { success: true as const, repoId }
  })

  app.delete('/repo/:repoId', {
    schema: {
      operationId: 'deleteStorageRepo',
      tags: TAGS,
      summary: 'Delete Storage Repository',
      description: 'Deletes the repo and its API keys; every key route under it then answers 404, and tokens limited to it no longer list it. Takes no body, as the SDK sends none.',
      params: RepoParamsSchema,
      response: {
        200: jsonResponse(ActionResponseSchema, 'Repo deleted', { success: true, message: 'Repo deleted' }),
        ...errorResponses([400, 401, 403, 404, 413, 414, 415, 500], { 400: NO_BODY })
      }
    }
  }, async (request) => {
    app.store.deleteRepo(request.params.repoId)
    return { success: true as const, message: 'Repo deleted' }
  })
}

export default repoRoutes
