// A program as an SDK author writes it: types generated from the served document (openapi-typescript), calls
// through openapi-fetch. It type-checks under --strict (npm run contract), then runs against a listening mock.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './generated/flashback.js'

/** Every error code the document lists, as the generated types give them: a union of string literals, not string. */
type ErrorCode = components['schemas'][`Error${400 | 401 | 403 | 404 | 409 | 413 | 414 | 415 | 500}`]['code']

/** A switch over every code compiles only because each status's code is an enum: `never` is reached. */
function kindOf (code: ErrorCode): string {
  switch (code) {
    case 'FBM_VALIDATION': case 'FBM_INVALID_JSON': case 'FBM_BAD_URL': return 'bad request'
    case 'FBM_MIRROR_MASTER_UNIT_MISSING': case 'FBM_MIRROR_MASTER_UNIT_COUNT_INVALID': return 'pick one master'
    case 'FBM_NAME_ALREADY_USED': return 'pick another name'
    case 'FBM_UNAUTHORIZED': case 'FBM_INVALID_TOKEN': return 'log in again'
    case 'FBM_FORBIDDEN': return 'no access'
    case 'FBM_REPO_NOT_FOUND': case 'FBM_KEY_NOT_FOUND': return 'gone'
    case 'FBM_BODY_TOO_LARGE': case 'FBM_URI_TOO_LONG': case 'FBM_UNSUPPORTED_MEDIA_TYPE': return 'client bug'
    case 'FBM_INTERNAL': return 'retry'
    default: {
      const unexpected: never = code
      return unexpected
    }
  }
}

/** What went wrong, with the call that did it. */
function fail (what: string, got: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(got)}`)
}

/**
 * The repo and key lifecycles, the repo reads and each documented error status, as a typed client makes them.
 * @param baseUrl the mock's URL
 * @param observe a middleware that sees every answer (the caller validates them against the document)
 * @returns the error code seen for each status, and what a client would do about it (`kindOf`)
 */
export async function runClientProgram (baseUrl: string, observe: Middleware): Promise<Record<number, string>> {
  const note = (status: number, error: { code: ErrorCode } | undefined): void => {
    if (error !== undefined) codes[status] = `${error.code} (${kindOf(error.code)})`
  }
  const client = createClient<paths>({ baseUrl, headers: { Authorization: 'Bearer dev-token' } })
  const anonymous = createClient<paths>({ baseUrl })
  const limited = createClient<paths>({ baseUrl, headers: { Authorization: 'Bearer photos-only-token' } })
  for (const c of [client, anonymous, limited]) c.use(observe)
  const repo = { params: { path: { repoId: 'repo-photos' } } }
  const codes: Record<number, string> = {}

  const created = await client.POST('/repo/{repoId}/apikey', { ...repo, body: { name: 'contract', accessType: 'WRITE' } })
  if (created.data === undefined) fail('create', created.error)
  const { id, key, secret } = created.data
  if (secret.length !== 43 || key.length !== 32) fail('create', created.data)

  const listed = await client.GET('/repo/{repoId}/apikey', repo)
  if (listed.data?.keys.some((k: { id: string, accessType: string }) => k.id === id && k.accessType === 'WRITE') !== true) fail('list', listed.data)

  const keyPath = { params: { path: { repoId: 'repo-photos', keyId: id } } }
  const updated = await client.PUT('/repo/{repoId}/apikey/{keyId}', { ...keyPath, body: { name: 'renamed', accessType: 'READ' } })
  if (updated.data?.success !== true) fail('update', updated.error)
  const deleted = await client.DELETE('/repo/{repoId}/apikey/{keyId}', keyPath)
  if (deleted.data?.success !== true) fail('delete', deleted.error)

  // A repo of its own: created with a master bucket, renamed, then deleted; its SDK error fields are typed.
  const made = await client.POST('/repo', { body: { name: 'contract', storageType: 'GCS', mode: 'MIRROR', workspaceId: 'ws-contract', repoBuckets: [{ folder: 'c', master: true }] } })
  if (made.data === undefined) fail('create repo', made.error)
  const own = { params: { path: { repoId: made.data.repoId } } }
  const renamed = await client.PUT('/repo/{repoId}', { ...own, body: { name: 'contract 2', storageType: 'GCS', mode: 'MIRROR', workspaceId: 'ws-contract' } })
  if (renamed.data?.repoId !== made.data.repoId) fail('update repo', renamed.error)
  const conflict = await client.POST('/repo', { body: { name: 'contract 2', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-contract' } })
  // Only repo errors carry error_code: `in` narrows the union of error bodies to them, and to the SDK's codes.
  const sdkCode = conflict.error !== undefined && 'error_code' in conflict.error ? conflict.error.error_code : undefined
  if (sdkCode !== 'NAME_ALREADY_USED') fail('name conflict', conflict.error)
  note(409, conflict.error)
  const removed = await client.DELETE('/repo/{repoId}', own)
  if (removed.data?.success !== true) fail('delete repo', removed.error)
  const missing = (await client.DELETE('/repo/{repoId}', own)).error
  if (missing === undefined || !('error_code' in missing) || missing.error_code !== 'NOT_FOUND') fail('deleted repo', missing)

  const repos = await client.GET('/repo', { params: { query: { workspaceId: 'ws-demo' } } })
  if (repos.data?.repos[0]?.id !== 'repo-photos') fail('repos', repos.data)
  const health = await anonymous.GET('/health')
  if (health.data?.status !== 'ok') fail('health', health.data)

  // Each error status; the codes are typed as the document's enums.
  note(400, (await client.POST('/repo/{repoId}/apikey', { ...repo, body: { name: 'x', accessType: 'OWNER' as 'READ' } })).error)
  note(401, (await anonymous.GET('/repo/{repoId}/apikey', repo)).error)
  note(403, (await limited.GET('/repo/{repoId}/apikey', { params: { path: { repoId: 'repo-backups' } } })).error)
  note(404, (await client.DELETE('/repo/{repoId}/apikey/{keyId}', keyPath)).error)
  note(413, (await client.POST('/repo/{repoId}/apikey', { ...repo, body: { name: 'x'.repeat(1_100_000), accessType: 'READ' } })).error)
  note(414, (await client.GET('/repo/{repoId}/apikey', { params: { path: { repoId: 'a'.repeat(600) } } })).error)
  const text = { name: 'x', accessType: 'READ' as const }
  const asJson = (body: unknown): string => JSON.stringify(body)
  note(415, (await client.POST('/repo/{repoId}/apikey', { ...repo, body: text, bodySerializer: asJson, headers: { 'Content-Type': 'text/plain' } })).error)
  // A 500 is a bug, so the mock gives one only when asked: Prefer: code=500 answers the documented example.
  note(500, (await client.GET('/repo', { headers: { Prefer: 'code=500' } })).error)
  return codes
}
