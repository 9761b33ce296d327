// Schemas of the storage-repo resource: GET /repo (SDK getStorageRepos and getStorageRepo).
import { Type, type Static } from '@sinclair/typebox'
import { FixtureRepoSchema } from './fixtures.js'
import { ApiKeySchema } from './apikey.js'
import { ref } from './common.js'

/** Query of `GET /repo`: optional filters, combined with AND. The SDK sends only the ones given. */
export const RepoQuerySchema = Type.Object({
  workspaceId: Type.Optional(Type.String({ description: 'Only repos of this workspace.' })),
  repoId: Type.Optional(Type.String({ description: 'Only the repo with this id (getStorageRepo takes repos[0]).' })),
  walletAddress: Type.Optional(Type.String({ description: 'Only repos with this wallet address.' }))
})

/** Query filters of `GET /repo`. */
export type RepoQuery = Static<typeof RepoQuerySchema>

const { apiKeys: _apiKeys, ...repoFields } = FixtureRepoSchema.properties

/** `StorageRepo` as the SDK's repo list returns it: the repo, its keys without secrets, and `buckets: []`. */
export const StorageRepoSchema = Type.Object({
  ...repoFields,
  apiKeys: Type.Array(ref(ApiKeySchema), { description: 'The repo\'s API keys, in creation order, without secrets.' }),
  buckets: Type.Array(Type.Unknown(), { description: 'Always empty: units and buckets are outside what the mock emulates.' })
}, { $id: 'StorageRepo', description: 'A storage repository (SDK StorageRepo).' })

/** 200 answer of `GET /repo`. */
export const StorageReposResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  repos: Type.Array(ref(StorageRepoSchema), {
    description: 'The repos the bearer token may use that match every filter given, in fixture order.'
  })
}, { $id: 'StorageReposResponse', description: 'Storage repositories visible to the bearer token.' })
