// Schemas of the repository API-key resource: /repo/{repoId}/apikey (SDK: createRepoKey and friends).
import { Type, type Static } from '@sinclair/typebox'
import { AccessTypeSchema, KeyNameSchema, MAX_PARAM_LENGTH, ref } from './common.js'

/** Alphabet and lengths of the generated values; see the OpenAPI descriptions below. */
export const KEY_FORMATS = {
  id: { length: 21, pattern: '^[A-Za-z0-9_-]{21}$' },
  key: { length: 32, pattern: '^[A-Za-z0-9_-]{32}$' },
  secret: { length: 43, pattern: '^[A-Za-z0-9_-]{43}$' }
} as const

/** Path parameters of `/repo/{repoId}/apikey`. */
export const RepoParamsSchema = Type.Object({
  repoId: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Id of the storage repository.' })
})

/** Path parameters of `/repo/{repoId}/apikey/{keyId}`. */
export const RepoKeyParamsSchema = Type.Object({
  repoId: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Id of the storage repository.' }),
  keyId: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'Id of the API key, as returned by create or list.' })
})

/** Body of `POST /repo/{repoId}/apikey`, as the API reference and the SDK's `CreateRepoKeyRequest` define it. */
export const CreateRepoKeyRequestSchema = Type.Object({
  name: KeyNameSchema,
  accessType: AccessTypeSchema,
  repoId: Type.Optional(Type.String({
    description: 'Tolerated and ignored: the official SDK sends the whole request object, repoId included. The path\'s repoId is the one used.'
  }))
}, {
  $id: 'CreateRepoKeyRequest',
  description: 'Unknown fields are ignored and never echoed. Types are strict: no coercion of 123 to "123".',
  examples: [{ name: 'ci-uploader', accessType: 'WRITE' }]
})

/** `{ name, accessType, repoId? }`. */
export type CreateRepoKeyRequest = Static<typeof CreateRepoKeyRequestSchema>

/** 200 answer of `POST /repo/{repoId}/apikey`. */
export const CreateRepoKeyResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  id: Type.String({ pattern: KEY_FORMATS.id.pattern, description: 'Id of the new key: a 21-character nanoid (URL-safe alphabet A-Z a-z 0-9 _ -, 126 random bits).' }),
  key: Type.String({ pattern: KEY_FORMATS.key.pattern, description: 'The access key: a 32-character nanoid (192 random bits). Listed again by later reads.' }),
  secret: Type.String({ pattern: KEY_FORMATS.secret.pattern, description: 'The secret: a 43-character nanoid (258 random bits). Returned only by this call; the mock does not keep it.' })
}, {
  $id: 'CreateRepoKeyResponse',
  description: 'The created key. The plaintext secret is shown once, here, as on the real API.'
})

/** `{ success: true, id, key, secret }`. */
export type CreateRepoKeyResponse = Static<typeof CreateRepoKeyResponseSchema>

/**
 * `ApiKey`, as the SDK types it and list reads return it: `{ id, name, accessType, key, createdAt }`.
 * The SDK's optional `secret` (an encrypted object) is left out: the plaintext secret is never returned
 * after create, and the mock keeps no encrypted copy either.
 */
export const ApiKeySchema = Type.Object({
  id: Type.String({ description: 'Key id.' }),
  name: Type.String({ description: 'Display name.' }),
  accessType: AccessTypeSchema,
  key: Type.String({ description: 'The access key value.' }),
  createdAt: Type.String({ format: 'date-time', description: 'ISO-8601 creation time.' })
}, { $id: 'ApiKey', description: 'A repository API key, without its secret.' })

/** `{ id, name, accessType, key, createdAt }`. */
export type ApiKey = Static<typeof ApiKeySchema>

/** 200 answer of `GET /repo/{repoId}/apikey` (SDK `getRepoKeys`). */
export const RepoKeysResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  keys: Type.Array(ref(ApiKeySchema), { description: 'The repo\'s keys in creation order, fixture keys first.' })
}, { $id: 'RepoKeysResponse', description: 'The repo\'s API keys. No secrets.' })

/** Body of `PUT /repo/{repoId}/apikey/{keyId}` (SDK `updateRepoKey`): both fields required, as the SDK always sends both. */
export const UpdateRepoKeyRequestSchema = Type.Object({
  name: KeyNameSchema,
  accessType: AccessTypeSchema
}, {
  $id: 'UpdateRepoKeyRequest',
  description: 'Unknown fields are ignored. id, key, createdAt and the secret cannot be changed.',
  examples: [{ name: 'ci-uploader (read only)', accessType: 'READ' }]
})

/** `{ name, accessType }`. */
export type UpdateRepoKeyRequest = Static<typeof UpdateRepoKeyRequestSchema>

/** 200 answer of update and delete: `{ success: true, message }`, the SDK's action response. */
export const ActionResponseSchema = Type.Object({
  success: Type.Literal(true, { description: 'Always true on success.' }),
  message: Type.String({ description: 'What was done, for humans.' })
}, { $id: 'ActionResponse', description: 'The outcome of an update or delete.' })
