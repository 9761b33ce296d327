// The whole API-key lifecycle over a real socket, driven the way the official SDK drives it, plus concurrency.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { DEV_TOKEN, LIMITED_TOKEN, serve } from './helper.js'
import { HttpError, SdkClient } from './sdk-client.js'

/** A mock started as test code starts it (startMockServer), and the SDK stand-in pointed at it. */
async function serveSdk (t: Test): Promise<{ app: FastifyInstance, sdk: SdkClient }> {
  const { app, url } = await serve(t)
  const sdk = new SdkClient(url)
  sdk.setAuthToken(DEV_TOKEN)
  return { app, sdk }
}

t.test('create, list, update, list, delete, list, then delete and update again are 404', async (t) => {
  const { sdk } = await serveSdk(t)
  const created = await sdk.createRepoKey({ repoId: 'repo-a', name: 'uploader', accessType: 'WRITE' })
  t.match(created, { success: true, id: String, key: String, secret: String })

  const listed = await sdk.getRepoKeys('repo-a')
  t.equal(listed.success, true)
  t.same(listed.keys.map((k: { id: string }) => k.id), ['key-a1', created.id], 'creation order, fixture key first')
  const mine = listed.keys[1]
  t.same(Object.keys(mine).sort(), ['accessType', 'createdAt', 'id', 'key', 'name'])
  t.same({ name: mine.name, accessType: mine.accessType, key: mine.key }, { name: 'uploader', accessType: 'WRITE', key: created.key })

  t.same(await sdk.updateRepoKey('repo-a', created.id, { name: 'reader', accessType: 'READ' }), { success: true, message: 'API key updated' })
  const afterUpdate = (await sdk.getRepoKeys('repo-a')).keys[1]
  t.same(afterUpdate, { ...mine, name: 'reader', accessType: 'READ' }, 'id, key and createdAt unchanged')

  t.same(await sdk.deleteRepoKey('repo-a', created.id), { success: true, message: 'API key deleted' })
  t.same((await sdk.getRepoKeys('repo-a')).keys.map((k: { id: string }) => k.id), ['key-a1'])

  for (const again of [() => sdk.deleteRepoKey('repo-a', created.id), () => sdk.updateRepoKey('repo-a', created.id, { name: 'x', accessType: 'READ' })]) {
    await t.rejects(again(), new HttpError(404, 'Not Found', { success: false, message: `API key "${created.id}" not found in repo "repo-a"`, code: 'FBM_KEY_NOT_FOUND' }))
  }
})

t.test('issue 12, the repo flow: create a repo, two keys on it, list, rename the repo, delete it; then every key call on it is a 404', async (t) => {
  const { sdk } = await serveSdk(t)
  const created = await sdk.createStorageRepo({ name: 'Uploads', storageType: 'S3', mode: 'MIRROR', workspaceId: 'ws-1', repoUnits: [{ folder: 'up', master: true, unitId: 'u-1' }] })
  t.match(created, { success: true, repoId: String })
  const { repoId } = created
  const keys = [await sdk.createRepoKey({ repoId, name: 'one', accessType: 'READ' }), await sdk.createRepoKey({ repoId, name: 'two', accessType: 'WRITE' })]
  const repo = await sdk.getStorageRepo(repoId)
  t.match(repo, { id: repoId, name: 'Uploads', mode: 'MIRROR', buckets: [{ folder: 'up', master: true, bucketId: 'u-1' }] })
  t.same(repo.apiKeys.map((k: { id: string }) => k.id), keys.map((k) => k.id))
  t.same(await sdk.updateStorageRepo(repoId, { name: 'Uploads (old)', storageType: 'S3', mode: 'MIRROR', workspaceId: 'ws-1' }), { success: true, repoId })
  t.equal((await sdk.getStorageRepo(repoId)).name, 'Uploads (old)')
  t.same(await sdk.deleteStorageRepo(repoId), { success: true, message: 'Repo deleted' })
  const gone = { success: false, message: `Repo "${repoId}" not found`, code: 'FBM_REPO_NOT_FOUND', error_code: 'NOT_FOUND', error_message: `Repo "${repoId}" not found` }
  for (const call of [
    () => sdk.getRepoKeys(repoId),
    () => sdk.createRepoKey({ repoId, name: 'three', accessType: 'READ' }),
    () => sdk.updateRepoKey(repoId, keys[0].id, { name: 'x', accessType: 'READ' }),
    () => sdk.deleteRepoKey(repoId, keys[1].id),
    () => sdk.getStorageRepo(repoId),
    () => sdk.deleteStorageRepo(repoId)
  ]) {
    await t.rejects(call(), new HttpError(404, 'Not Found', gone))
  }
  const taken = await sdk.createStorageRepo({ name: 'Repo A', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-1' }).catch((e: unknown) => e)
  t.match(taken, { status: 409, data: { error_code: 'NAME_ALREADY_USED', message: String } }, 'a name conflict reaches the SDK with both kinds of field')
})

t.test('200 concurrent repo creates with distinct names give 200 repos; 50 with one name give exactly one and 49 NAME_ALREADY_USED', async (t) => {
  const { sdk } = await serveSdk(t)
  const body = (name: string): Record<string, unknown> => ({ name, storageType: 'GCS', mode: 'NORMAL', workspaceId: 'ws-load' })
  const distinct = await Promise.all(Array.from({ length: 200 }, async (_, i) => sdk.createStorageRepo(body(`repo ${i}`))))
  t.equal(new Set(distinct.map((r) => r.repoId)).size, 200, '200 distinct ids')
  t.equal((await sdk.getStorageRepos('ws-load')).repos.length, 200)
  const same = await Promise.all(Array.from({ length: 50 }, async () => sdk.createStorageRepo(body('contested')).then((r) => r.repoId as string, (e: HttpError) => String(e.data?.error_code))))
  t.equal(same.filter((r) => r === 'NAME_ALREADY_USED').length, 49)
  const winner = same.filter((r) => r !== 'NAME_ALREADY_USED')
  t.equal(winner.length, 1)
  t.same((await sdk.getStorageRepos('ws-load')).repos.filter((r: { name: string }) => r.name === 'contested').map((r: { id: string }) => r.id), winner)
})

t.test('getStorageRepos filters, and getStorageRepo takes repos[0]', async (t) => {
  const { sdk } = await serveSdk(t)
  const all = await sdk.getStorageRepos()
  t.same(all.repos.map((r: { id: string }) => r.id), ['repo-a', 'repo-b'])
  t.same(all.repos[0].buckets, [])
  t.same(all.repos[0].apiKeys.map((k: { id: string }) => k.id), ['key-a1'])
  t.same((await sdk.getStorageRepos('ws-2')).repos.map((r: { id: string }) => r.id), ['repo-b'])
  t.same((await sdk.getStorageRepo('repo-b')).name, 'Repo B')
  t.match(await sdk.getStorageRepo('nope').catch((e: unknown) => e), { status: 404, data: { code: 'FBM_REPO_NOT_FOUND', error_code: 'NOT_FOUND' } })
})

t.test('errors reach the SDK as HttpError with a JSON body it can read', async (t) => {
  const { sdk } = await serveSdk(t)
  sdk.setAuthToken(LIMITED_TOKEN)
  t.match(await sdk.getRepoKeys('repo-b').catch((e: unknown) => e), { status: 403, data: { success: false, code: 'FBM_FORBIDDEN', message: String } })
  sdk.setAuthToken('nope')
  t.match(await sdk.getStorageRepos().catch((e: unknown) => e), { status: 401, data: { code: 'FBM_INVALID_TOKEN' } })
})

t.test('500 concurrent creates on one repo give 500 distinct keys, and the list grows by exactly 500', async (t) => {
  const { sdk } = await serveSdk(t)
  const before = (await sdk.getRepoKeys('repo-b')).keys.length
  const created = await Promise.all(Array.from({ length: 500 }, (_, i) => sdk.createRepoKey({ repoId: 'repo-b', name: `k${i}`, accessType: 'READ' })))
  t.equal(new Set(created.map((c) => c.id)).size, 500)
  t.equal(new Set(created.map((c) => c.key)).size, 500)
  const after = (await sdk.getRepoKeys('repo-b')).keys
  t.equal(after.length, before + 500)
  t.same(new Set(after.map((k: { id: string }) => k.id)), new Set(created.map((c) => c.id)))
})

t.test('interleaved creates, updates and deletes: each answer is the right one, and no key is half-written', async (t) => {
  const { sdk } = await serveSdk(t)
  const seed = await Promise.all(Array.from({ length: 50 }, (_, i) => sdk.createRepoKey({ repoId: 'repo-b', name: `READ-${i}-seed`, accessType: 'READ' })))
  const ids = seed.map((c) => c.id as string)
  const deleted = new Set(ids.filter((_, i) => i % 5 === 0))
  const settle = async (kind: string, id: string, call: Promise<unknown>): Promise<{ kind: string, id: string, status: number, body: unknown }> =>
    call.then((body) => ({ kind, id, status: 200, body }), (e: unknown) => e instanceof HttpError ? { kind, id, status: e.status, body: e.data } : Promise.reject(e))
  const ops: Array<ReturnType<typeof settle>> = []
  for (let round = 0; round < 4; round++) {
    ids.forEach((id, i) => {
      const accessType = ['READ', 'WRITE', 'ADMIN'][(i + round) % 3] as string
      // name and accessType travel together, so a key whose name does not match its accessType was half-written
      ops.push(settle('update', id, sdk.updateRepoKey('repo-b', id, { name: `${accessType}-${i}-${round}`, accessType })))
    })
    ops.push(settle('create', '', sdk.createRepoKey({ repoId: 'repo-b', name: `ADMIN-new-${round}`, accessType: 'ADMIN' })))
    if (round === 1) for (const id of deleted) ops.push(settle('delete', id, sdk.deleteRepoKey('repo-b', id)))
  }
  const results = await Promise.all(ops)
  const notFound = (id: string): unknown => ({ success: false, message: `API key "${id}" not found in repo "repo-b"`, code: 'FBM_KEY_NOT_FOUND' })
  for (const r of results) {
    if (r.kind === 'create') t.match(r, { status: 200, body: { success: true, id: String, key: String, secret: String } }, 'create')
    else if (r.kind === 'delete') t.same(r, { kind: 'delete', id: r.id, status: 200, body: { success: true, message: 'API key deleted' } }, 'delete')
    else if (!deleted.has(r.id) || r.status === 200) t.same(r.body, { success: true, message: 'API key updated' }, `update ${r.id}`)
    else t.same([r.status, r.body], [404, notFound(r.id)], `update of deleted ${r.id}`)
  }
  const created = results.filter((r) => r.kind === 'create').map((r) => (r.body as { id: string }).id)
  const keys = (await sdk.getRepoKeys('repo-b')).keys as Array<{ id: string, name: string, accessType: string, key: string, createdAt: string }>
  t.same(keys.map((k) => k.id), [...ids.filter((id) => !deleted.has(id)), ...keys.slice(-4).map((k) => k.id)], 'survivors in creation order, then the new keys')
  t.same(new Set(keys.slice(-4).map((k) => k.id)), new Set(created))
  keys.slice(0, -4).forEach((k) => {
    const i = ids.indexOf(k.id)
    const round = Number(k.name.split('-')[2])
    t.same({ name: k.name, accessType: k.accessType }, { name: `${k.accessType}-${i}-${round}`, accessType: ['READ', 'WRITE', 'ADMIN'][(i + round) % 3] }, `${k.id} was written whole`)
    t.equal(k.key, seed[i]?.key, 'its key is unchanged')
  })
})
