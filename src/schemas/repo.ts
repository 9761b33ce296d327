// Schemas of the storage-repo resource: GET /repo (SDK getStorageRepos and getStorageRepo).
import { Type, type Static } from '@sinclair/typebox'
import { FixtureRepoSchema, RepoBucketSchema } from './fixtures.js'
import { ApiKeySchema } from './apikey.js'
import { MAX_PARAM_LENGTH, ref } from './common.js'

/** Query of `GET /repo`: optional filters, combined with AND. The SDK sends only the ones given. */
export const RepoQuerySchema = Type.Object({
  workspaceId: Type.Optional(Type.String({ description: 'Only repos of this workspace.' })),
  repoId: Type.Optional(Type.String({ description: 'Only the repo with this id (getStorageRepo takes repos[0]).' })),
  walletAddress: Type.Optional(Type.String({ description: 'Only repos with this wallet address.' }))
})

/** Query filters of `GET /repo`. */
export type RepoQuery = Static<typeof RepoQuerySchema>

const { apiKeys: _apiKeys, ...repoFields } = FixtureRepoSchema.properties

const { buckets: _buckets, ...listedFields } = repoFields

/** `StorageRepo` as the SDK's repo list returns it (`StorageRepoWithBuckets`): the repo, its buckets and its keys without secrets. */
export const StorageRepoSchema = Type.Object({
  ...listedFields,
  apiKeys: Type.Array(ref(ApiKeySchema), { description: 'The repo\'s API keys, in creation order, without secrets.' }),
  buckets: Type.Array(RepoBucketSchema, { description: 'The buckets (units) the repo was given, as given; the mock emulates no storage.' })
}, { $id: 'StorageRepo', description: 'A storage repository (SDK StorageRepo).' })

/** 200 answer of `GET /repo`. */
export const StorageReposResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  repos: Type.Array(ref(StorageRepoSchema), {
    description: 'The repos the bearer token may use that match every filter given: fixture repos in fixture order, then created ones in creation order.'
  })
}, { $id: 'StorageReposResponse', description: 'Storage repositories visible to the bearer token.' })

/** A unit of a repo in the SDK's older naming (`RepoUnitInfo`): kept as a bucket, `unitId` as `bucketId`. */
const RepoUnitSchema = Type.Object({
  folder: Type.String({ description: 'Folder of the repo inside the unit.' }),
  master: Type.Boolean({ description: 'Whether this unit is the master (in MIRROR mode exactly one is).' }),
  unitId: Type.Optional(Type.String({ description: 'Id of the unit.' }))
}, { description: 'A unit of the repo (SDK RepoUnitInfo).' })

/**
 * Body of `POST /repo` and `PUT /repo/{repoId}`: the SDK's `CreateRepoRequest` (with `repoUnits`) or
 * `CreateRepoWithBucketsRequest` (with `repoBuckets`), in one schema; sending both is a 400. Unknown fields are
 * ignored. `repoAiLlms` is checked and not kept: AI models are outside what the mock emulates.
 */
export const RepoWriteRequestSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Display name, 1 to 255 characters; unique within the workspace.' }),
  // The same enums as a fixture repo's: one list of storage types and modes.
  storageType: repoFields.storageType,
  mode: repoFields.mode,
  workspaceId: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Workspace the repo belongs to.' }),
  walletAddress: Type.Optional(Type.String({ description: 'Wallet address of the owner.' })),
  repoUnits: Type.Optional(Type.Array(RepoUnitSchema, { maxItems: 1000, description: 'Units (older naming); kept as the repo\'s buckets.' })),
  repoBuckets: Type.Optional(Type.Array(RepoBucketSchema, { maxItems: 1000, description: 'Buckets; kept as the repo\'s buckets.' })),
  repoAiLlms: Type.Optional(Type.Array(Type.Object({ aiLlmId: Type.Optional(Type.String()) }), { maxItems: 1000, description: 'AI models: checked, not kept.' }))
}, { $id: 'RepoWriteRequest', description: 'A repo to create, or the new state of one to update (SDK CreateRepoRequest or CreateRepoWithBucketsRequest).' })

/** A checked repo write body. */
export type RepoWriteRequest = Static<typeof RepoWriteRequestSchema>

/** 200 answer of `POST /repo` and `PUT /repo/{repoId}` (SDK `CreateRepoResponse`, `UpdateRepoResponse`). */
export const RepoWriteResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  repoId: Type.String({ description: 'Id of the repo created or updated.' })
}, { $id: 'RepoWriteResponse', description: 'The repo written (SDK CreateRepoResponse); errors come as the error body, with error_code.' })
