// GET /repo: the repos a token may use, with the SDK's filters.
import t from 'tap'
import { build, bearer, call, LIMITED_TOKEN, testFixtures } from '../helper.js'

const ids = (body: { repos: Array<{ id: string }> }): string[] => body.repos.map((r) => r.id)

t.test('the list has every field of StorageRepo, keys without secrets and buckets (none here)', async (t) => {
  const app = await build(t)
  const res = await call(app, { method: 'GET', url: '/repo' })
  t.equal(res.statusCode, 200)
  const { apiKeys, ...repoA } = testFixtures().repos[0]!
  t.same(res.json(), {
    success: true,
    repos: [
      { ...repoA, apiKeys, buckets: [] },
      { ...testFixtures().repos[1], apiKeys: [], buckets: [] }
    ]
  })
})

t.test('filters match exactly and combine with AND; unknown parameters are ignored', async (t) => {
  const fixtures = testFixtures()
  fixtures.repos[1]!.walletAddress = '0xabc'
  const app = await build(t, { fixtures })
  const cases: Array<[string, string[]]> = [
    ['workspaceId=ws-1', ['repo-a']],
    ['repoId=repo-b', ['repo-b']],
    ['walletAddress=0xabc', ['repo-b']],
    ['workspaceId=ws-2&repoId=repo-b', ['repo-b']],
    ['workspaceId=ws-1&repoId=repo-b', []],
    ['page=2&sort=name', ['repo-a', 'repo-b']]
  ]
  for (const [query, expected] of cases) {
    const res = await call(app, { method: 'GET', url: `/repo?${query}` })
    t.equal(res.statusCode, 200, query)
    t.same(ids(res.json()), expected, query)
  }
})

t.test('a limited token sees only its repos; a repoId filter is checked like a path repoId', async (t) => {
  const app = await build(t)
  const all = await app.inject({ url: '/repo', headers: bearer(LIMITED_TOKEN) })
  t.same(ids(all.json()), ['repo-a'])
  const other = await app.inject({ url: '/repo?repoId=repo-b', headers: bearer(LIMITED_TOKEN) })
  t.equal(other.statusCode, 403)
  t.same(other.json(), { success: false, message: 'This bearer token may not use repo "repo-b"', code: 'FBM_FORBIDDEN' })
  const ghost = await app.inject({ url: '/repo?repoId=ghost', headers: bearer(LIMITED_TOKEN) })
  t.equal(ghost.statusCode, 403, 'a limited token cannot probe which repos exist')
  for (const query of ['repoId=ghost', 'repoId=']) {
    const missing = await call(app, { method: 'GET', url: `/repo?${query}` })
    t.equal(missing.statusCode, 404, query)
    t.equal(missing.json().code, 'FBM_REPO_NOT_FOUND')
  }
})

t.test('keys created later show up in the repo list', async (t) => {
  const app = await build(t)
  await call(app, { method: 'POST', url: '/repo/repo-b/apikey', payload: { name: 'fresh', accessType: 'WRITE' } })
  const repoB = (await call(app, { method: 'GET', url: '/repo?repoId=repo-b' })).json().repos[0]
  t.match(repoB.apiKeys, [{ name: 'fresh', accessType: 'WRITE' }])
  t.same(Object.keys(repoB.apiKeys[0]).sort(), ['accessType', 'createdAt', 'id', 'key', 'name'], 'the answer has no secret field')
  t.same(app.store.listKeys('repo-b'), repoB.apiKeys, 'nor does the store: it holds exactly what is listed')
})

t.test('no token is a 401; a repeated filter is a 400 naming it', async (t) => {
  const app = await build(t)
  t.equal((await app.inject('/repo')).statusCode, 401)
  const res = await call(app, { method: 'GET', url: '/repo?repoId=a&repoId=b' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { success: false, message: 'querystring/repoId must be a string', code: 'FBM_VALIDATION' })
})

/** A valid create body for workspace ws-1, with whatever is given on top. */
const newRepo = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'New', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-1', ...fields })
const repoOf = async (app: Awaited<ReturnType<typeof build>>, repoId: string): Promise<Record<string, unknown> | undefined> =>
  (await call(app, { url: '/repo' })).json().repos.find((r: { id: string }) => r.id === repoId)

t.test('issue 12: POST /repo creates a repo with a generated id, createdAt from the clock, its buckets and no keys; its key routes work at once', async (t) => {
  const app = await build(t, { seed: 'repos' })
  const res = await call(app, {
    method: 'POST',
    url: '/repo',
    payload: newRepo({ walletAddress: '0xabc', repoUnits: [{ folder: 'photos', master: true, unitId: 'unit-1' }, { folder: 'copy', master: false }], repoAiLlms: [{ aiLlmId: 'llm' }], extra: 'ignored' })
  })
  t.equal(res.statusCode, 200)
  const { repoId } = res.json()
  t.same(res.json(), { success: true, repoId })
  t.match(repoId, /^[A-Za-z0-9_-]{21}$/)
  t.same(await repoOf(app, repoId), {
    id: repoId,
    name: 'New',
    storageType: 'S3',
    mode: 'NORMAL',
    workspaceId: 'ws-1',
    createdAt: '2026-06-01T00:00:00.000Z',
    walletAddress: '0xabc',
    apiKeys: [],
    buckets: [{ folder: 'photos', master: true, bucketId: 'unit-1' }, { folder: 'copy', master: false }]
  }, 'units become buckets; unknown fields and repoAiLlms are not kept')
  const key = await call(app, { method: 'POST', url: `/repo/${repoId}/apikey`, payload: { name: 'first', accessType: 'WRITE' } })
  t.equal(key.statusCode, 200)
  t.same((await call(app, { url: `/repo/${repoId}/apikey` })).json().keys.map((k: { name: string }) => k.name), ['first'])
  const buckets = await call(app, { method: 'POST', url: '/repo', payload: newRepo({ name: 'With buckets', repoBuckets: [{ folder: 'f', master: true, bucketId: 'b-1', extra: 'dropped' }] }) })
  t.same((await repoOf(app, buckets.json().repoId))?.buckets, [{ folder: 'f', master: true, bucketId: 'b-1' }])
  t.same(app.store.snapshot().repos.at(-1)?.buckets, [{ folder: 'f', master: true, bucketId: 'b-1' }], 'an unknown bucket field is not kept either')
  t.same((await repoOf(app, repoId))?.createdAt, '2026-06-01T00:00:00.000Z', 'and the seeded clock steps one second per item')
  t.equal((await repoOf(app, buckets.json().repoId))?.createdAt, '2026-06-01T00:00:02.000Z')
})

t.test('names are unique within a workspace: 409 NAME_ALREADY_USED, in the error shape and the SDK\'s fields', async (t) => {
  const app = await build(t)
  const taken = await call(app, { method: 'POST', url: '/repo', payload: newRepo({ name: 'Repo A' }) })
  const message = 'A repo named "Repo A" already exists in workspace "ws-1"'
  t.equal(taken.statusCode, 409)
  t.same(taken.json(), { success: false, message, code: 'FBM_NAME_ALREADY_USED', error_code: 'NAME_ALREADY_USED', error_message: message })
  t.equal((await call(app, { method: 'POST', url: '/repo', payload: newRepo({ name: 'Repo A', workspaceId: 'ws-9' }) })).statusCode, 200, 'another workspace may use it')
  const renamed = await call(app, { method: 'PUT', url: '/repo/repo-b', payload: newRepo({ name: 'Repo A', mode: 'NORMAL' }) })
  t.equal(renamed.statusCode, 409, 'an update may not take it either')
  const same = await call(app, { method: 'PUT', url: '/repo/repo-a', payload: newRepo({ name: 'Repo A', storageType: 'BLOB' }) })
  t.equal(same.statusCode, 200, 'a repo keeps its own name')
  t.same(app.store.snapshot().repos.map((r) => r.name), ['Repo A', 'Repo B', 'Repo A'], 'nothing else changed')
})

t.test('MIRROR mode needs exactly one master unit or bucket', async (t) => {
  const app = await build(t)
  const post = (fields: Record<string, unknown>): Promise<{ statusCode: number, json: () => Record<string, unknown> }> =>
    call(app, { method: 'POST', url: '/repo', payload: newRepo({ mode: 'MIRROR', ...fields }) })
  const none = await post({ repoUnits: [{ folder: 'a', master: false }] })
  t.equal(none.statusCode, 400)
  t.same(none.json(), {
    success: false,
    message: 'body/repoUnits: a MIRROR repo needs exactly one master, and none has master: true',
    code: 'FBM_MIRROR_MASTER_UNIT_MISSING',
    error_code: 'MIRROR_MASTER_UNIT_MISSING',
    error_message: 'body/repoUnits: a MIRROR repo needs exactly one master, and none has master: true'
  })
  t.match((await post({})).json(), { code: 'FBM_MIRROR_MASTER_UNIT_MISSING', message: /^body\/repoBuckets: / }, 'no buckets at all')
  const two = await post({ repoBuckets: [{ folder: 'a', master: true }, { folder: 'b', master: true }, { folder: 'c', master: false }] })
  t.equal(two.statusCode, 400)
  t.match(two.json(), { code: 'FBM_MIRROR_MASTER_UNIT_COUNT_INVALID', error_code: 'MIRROR_MASTER_UNIT_COUNT_INVALID', message: 'body/repoBuckets: a MIRROR repo needs exactly one master, and 2 have master: true' })
  const one = await post({ repoBuckets: [{ folder: 'a', master: true }, { folder: 'b', master: false }] })
  t.equal(one.statusCode, 200)
  const { repoId } = one.json()
  const rename = await call(app, { method: 'PUT', url: `/repo/${repoId}`, payload: newRepo({ mode: 'MIRROR', name: 'Renamed' }) })
  t.equal(rename.statusCode, 200, 'an update without buckets keeps them, and they have their master')
  t.same((await repoOf(app, repoId as string))?.buckets, [{ folder: 'a', master: true }, { folder: 'b', master: false }])
  const toMirror = await call(app, { method: 'PUT', url: '/repo/repo-a', payload: newRepo({ name: 'Repo A', mode: 'MIRROR' }) })
  t.equal(toMirror.json().code, 'FBM_MIRROR_MASTER_UNIT_MISSING', 'a NORMAL repo without buckets cannot become MIRROR')
})

t.test('write bodies are checked like the key routes\': strict types, enums named, units or buckets but not both', async (t) => {
  const app = await build(t)
  const before = app.store.snapshot()
  const cases: Array<[Record<string, unknown> | undefined, string]> = [
    [undefined, 'Request body is required: send a JSON object with Content-Type: application/json'],
    [{ storageType: 'S3', mode: 'NORMAL', workspaceId: 'w' }, 'body/name is required'],
    [newRepo({ name: '' }), 'body/name must be 1 or more characters long'],
    [newRepo({ name: 123 }), 'body/name must be a string'],
    [newRepo({ storageType: 's3' }), 'body/storageType must be one of S3, GCS, BLOB'],
    [newRepo({ mode: 'BACKUP' }), 'body/mode must be one of NORMAL, MIRROR'],
    [newRepo({ repoUnits: [{ folder: 'a' }] }), 'body/repoUnits/0/master is required'],
    [newRepo({ repoBuckets: [{ folder: 'a', master: 'yes' }] }), 'body/repoBuckets/0/master must be a boolean'],
    [newRepo({ repoUnits: [], repoBuckets: [] }), 'body/repoUnits and body/repoBuckets exclude each other: send the units in one of them']
  ]
  for (const [payload, message] of cases) {
    const res = await call(app, { method: 'POST', url: '/repo', ...(payload === undefined ? {} : { payload }) })
    t.same([res.statusCode, res.json()], [400, { success: false, message, code: 'FBM_VALIDATION' }], message)
  }
  t.same(app.store.snapshot(), before, 'no refused write changed anything')
  const noBody = await app.inject({ method: 'DELETE', url: '/repo/repo-a', headers: { ...bearer(LIMITED_TOKEN), 'content-type': 'application/json' }, payload: '{}' })
  t.same(noBody.json(), { success: false, message: 'DELETE /repo/{repoId} takes no request body: send none', code: 'FBM_VALIDATION' })
  const nullBody = await app.inject({ method: 'DELETE', url: '/repo/repo-a', headers: { ...bearer(LIMITED_TOKEN), 'content-type': 'application/json' }, payload: 'null' })
  t.same([nullBody.statusCode, nullBody.json().code], [400, 'FBM_VALIDATION'], 'a JSON null is a body too (found by a mutation pass)')
  t.same(app.store.snapshot(), before, 'and the repo is still there')
})

t.test('a limited token may create a repo, which joins its list; it gets 403 on repos outside it', async (t) => {
  const app = await build(t)
  const created = await app.inject({ method: 'POST', url: '/repo', headers: bearer(LIMITED_TOKEN), payload: newRepo({ name: 'Mine' }) })
  t.equal(created.statusCode, 200)
  const { repoId } = created.json()
  t.same(ids((await app.inject({ url: '/repo', headers: bearer(LIMITED_TOKEN) })).json()), ['repo-a', repoId])
  t.equal((await app.inject({ method: 'POST', url: `/repo/${repoId}/apikey`, headers: bearer(LIMITED_TOKEN), payload: { name: 'k', accessType: 'READ' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: `/repo/${repoId}`, headers: bearer(LIMITED_TOKEN), payload: newRepo({ name: 'Mine, renamed' }) })).statusCode, 200)
  for (const [method, payload] of [['PUT', newRepo({ name: 'Theirs' })], ['DELETE', undefined]] as const) {
    const other = await app.inject({ method, url: '/repo/repo-b', headers: bearer(LIMITED_TOKEN), ...(payload === undefined ? {} : { payload }) })
    t.same([other.statusCode, other.json().code], [403, 'FBM_FORBIDDEN'], method)
  }
  t.same(app.store.snapshot().tokens[1], { token: LIMITED_TOKEN, repos: ['repo-a', repoId] }, 'the state snapshot says so too')
  // Found by the fuzzer: a query no route declares is not a repo the request names (it was a 403).
  const query = await app.inject({ method: 'POST', url: '/repo?repoId=repo-b', headers: bearer(LIMITED_TOKEN), payload: newRepo({ name: 'Query' }) })
  t.equal(query.statusCode, 200, 'POST /repo?repoId=repo-b is a create, not a request about repo-b')
  const queried = query.json().repoId as string
  t.equal((await app.inject({ method: 'DELETE', url: `/repo/${repoId}`, headers: bearer(LIMITED_TOKEN) })).statusCode, 200)
  t.same(app.store.snapshot().tokens[1], { token: LIMITED_TOKEN, repos: ['repo-a', queried] }, 'a deleted repo leaves the list')
})

t.test('PUT /repo/{repoId} replaces the fields it is given, keeps id, createdAt, disabled and keys; unknown repos are 404 NOT_FOUND', async (t) => {
  const fixtures = testFixtures()
  Object.assign(fixtures.repos[0]!, { walletAddress: '0x1', disabled: true, buckets: [{ folder: 'x', master: true }] })
  const app = await build(t, { fixtures })
  const res = await call(app, { method: 'PUT', url: '/repo/repo-a', payload: { name: 'Renamed', storageType: 'GCS', mode: 'NORMAL', workspaceId: 'ws-7', repoId: 'ignored' } })
  t.same(res.json(), { success: true, repoId: 'repo-a' })
  t.same(await repoOf(app, 'repo-a'), {
    id: 'repo-a',
    name: 'Renamed',
    storageType: 'GCS',
    mode: 'NORMAL',
    workspaceId: 'ws-7',
    createdAt: '2026-01-01T00:00:00.000Z',
    disabled: true,
    apiKeys: fixtures.repos[0]!.apiKeys,
    buckets: [{ folder: 'x', master: true }]
  }, 'walletAddress left out is removed; buckets left out are kept')
  for (const method of ['PUT', 'DELETE'] as const) {
    const missing = await call(app, { method, url: '/repo/ghost', ...(method === 'PUT' ? { payload: newRepo() } : {}) })
    t.same([missing.statusCode, missing.json()], [404, { success: false, message: 'Repo "ghost" not found', code: 'FBM_REPO_NOT_FOUND', error_code: 'NOT_FOUND', error_message: 'Repo "ghost" not found' }], method)
  }
})

t.test('DELETE /repo/{repoId} deletes the repo and its keys: every key route under it is a 404; state and reset agree', async (t) => {
  const app = await build(t)
  const created = (await call(app, { method: 'POST', url: '/repo', payload: newRepo() })).json().repoId as string
  const res = await call(app, { method: 'DELETE', url: '/repo/repo-a' })
  t.same(res.json(), { success: true, message: 'Repo deleted' })
  t.same(ids((await call(app, { url: '/repo' })).json()), ['repo-b', created])
  for (const [method, url] of [['GET', '/repo/repo-a/apikey'], ['POST', '/repo/repo-a/apikey'], ['PUT', '/repo/repo-a/apikey/key-a1'], ['DELETE', '/repo/repo-a/apikey/key-a1'], ['DELETE', '/repo/repo-a'], ['PUT', '/repo/repo-a']] as const) {
    const payload = method === 'POST' || (method === 'PUT' && url.includes('apikey')) ? { name: 'n', accessType: 'READ' } : method === 'PUT' ? newRepo() : undefined
    const after = await call(app, { method, url, ...(payload === undefined ? {} : { payload }) })
    t.same([after.statusCode, after.json().error_code], [404, 'NOT_FOUND'], `${method} ${url}`)
  }
  t.same((await app.inject({ url: '/repo', headers: bearer(LIMITED_TOKEN) })).json().repos, [], 'the limited token no longer sees it')
  // The state, with the created repo and without the deleted one, goes back in as it is.
  const state = (await app.inject('/__mock/state')).json()
  t.same(state.repos.map((r: { id: string }) => r.id), ['repo-b', created])
  t.equal((await app.inject({ method: 'PUT', url: '/__mock/state', payload: state })).statusCode, 200)
  await app.inject({ method: 'POST', url: '/__mock/reset' })
  t.same(ids((await call(app, { url: '/repo' })).json()), ['repo-a', 'repo-b'], 'a reset removes created repos and brings back deleted ones')
})
