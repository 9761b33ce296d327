// Schema of a fixture file: the repos, their existing API keys and the bearer tokens the mock accepts.
import { Type, type Static } from '@sinclair/typebox'
import { AccessTypeSchema, KeyNameSchema, MAX_PARAM_LENGTH, StringEnum } from './common.js'

/** RFC 6750 `b64token` syntax, the characters a bearer token may contain. */
export const BEARER_TOKEN_PATTERN = '^[A-Za-z0-9._~+/-]+=*$'

/** An API key that already exists when the mock starts. It has no secret: the real API never shows one again. */
export const FixtureApiKeySchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Key id, unique across all repos; it appears in URL paths.' }),
  name: KeyNameSchema,
  accessType: AccessTypeSchema,
  key: Type.String({ minLength: 1, description: 'The access key value.' }),
  createdAt: Type.String({ format: 'date-time', description: 'ISO-8601 creation time, e.g. 2026-01-15T09:30:00.000Z.' })
}, { additionalProperties: false })

/**
 * A storage bucket (unit) attached to a repo, as the SDK's `RepoBucketInfo` names it: its folder, whether it is the
 * master, and the bucket's id. The mock keeps these as given and emulates no storage.
 */
export const RepoBucketSchema = Type.Object({
  folder: Type.String({ description: 'Folder of the repo inside the bucket.' }),
  master: Type.Boolean({ description: 'Whether this bucket is the master (in MIRROR mode exactly one is).' }),
  bucketId: Type.Optional(Type.String({ description: 'Id of the bucket (the SDK\'s unitId in the older naming).' }))
}, { additionalProperties: false, description: 'A bucket of a repo (SDK RepoBucketInfo), kept as given: the mock emulates no storage.' })

/** One bucket of a repo. */
export type RepoBucket = Static<typeof RepoBucketSchema>

/** A storage repository, shaped like the SDK's `StorageRepo`. */
export const FixtureRepoSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Repo id, used in /repo/{repoId} paths. Unique.' }),
  name: Type.String({ minLength: 1, description: 'Display name.' }),
  storageType: StringEnum(['S3', 'GCS', 'BLOB'] as const, { description: 'Storage backend: S3, GCS or BLOB.' }),
  mode: StringEnum(['NORMAL', 'MIRROR'] as const, { description: 'Repo mode: NORMAL or MIRROR.' }),
  workspaceId: Type.String({ minLength: 1, description: 'Workspace the repo belongs to.' }),
  createdAt: Type.String({ format: 'date-time', description: 'ISO-8601 creation time.' }),
  disabled: Type.Optional(Type.Boolean({ description: 'Whether the repo is disabled.' })),
  walletAddress: Type.Optional(Type.String({ description: 'Wallet address of the owner, if any.' })),
  buckets: Type.Optional(Type.Array(RepoBucketSchema, { description: 'Buckets (units) of the repo, as the SDK lists them; default none.' })),
  apiKeys: Type.Optional(Type.Array(FixtureApiKeySchema, { description: 'API keys that exist at start, in creation order.' }))
}, { additionalProperties: false })

/** A bearer token the mock accepts, and the repos it may use. */
export const FixtureTokenSchema = Type.Object({
  token: Type.String({ pattern: BEARER_TOKEN_PATTERN, maxLength: 4096, description: 'The bearer token, as sent in "Authorization: Bearer <token>". Unique.' }),
  description: Type.Optional(Type.String({ description: 'What the token is for; shown to nobody, for the fixture\'s reader.' })),
  repos: Type.Union([
    Type.Literal('*', { description: 'Every repo.' }),
    Type.Array(Type.String({ minLength: 1 }), { description: 'Ids of the repos this token may use; others answer 403.' })
  ], { description: '"*" for every repo, or a list of repo ids.' })
}, { additionalProperties: false })

/** A whole fixture file. `$schema` may point editors at fixtures/fixtures.schema.json. */
export const FixturesSchema = Type.Object({
  $schema: Type.Optional(Type.String({ description: 'Path or URL of this schema, for editors.' })),
  tokens: Type.Array(FixtureTokenSchema, { description: 'Bearer tokens the mock accepts.' }),
  repos: Type.Array(FixtureRepoSchema, { description: 'Storage repositories, in list order.' })
}, {
  $id: 'fixtures.schema.json',
  title: 'flashback-mock fixtures',
  description: 'Initial state of flashback-mock: repos, their API keys and the bearer tokens. The mock never writes this file.',
  additionalProperties: false
})

/** Parsed, valid fixtures. */
export type Fixtures = Static<typeof FixturesSchema>
/** One fixture repo. */
export type FixtureRepo = Static<typeof FixtureRepoSchema>
/** One fixture API key. */
export type FixtureApiKey = Static<typeof FixtureApiKeySchema>
/** One fixture token. */
export type FixtureToken = Static<typeof FixtureTokenSchema>

/** The repo the OpenAPI examples show (the bundled fixtures' repo-photos), without its keys. */
export const EXAMPLE_REPO: Omit<FixtureRepo, 'apiKeys'> = {
  id: 'repo-photos',
  name: 'Photos',
  storageType: 'S3',
  mode: 'NORMAL',
  workspaceId: 'ws-demo',
  createdAt: '2026-01-15T09:30:00.000Z'
}

/**
 * The published JSON Schema of fixture files (draft-07), as written to fixtures/fixtures.schema.json.
 * @returns pretty-printed JSON text with a trailing newline
 */
export function fixturesJsonSchema (): string {
  return JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...FixturesSchema }, null, 2) + '\n'
}
