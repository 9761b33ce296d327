// GET /repo: the repos a token may use, with the SDK's filters.
import t from 'tap'
import { build, bearer, call, LIMITED_TOKEN, testFixtures } from '../helper.js'

const ids = (body: { repos: Array<{ id: string }> }): string[] => body.repos.map((r) => r.id)

t.test('the list has every field of StorageRepo, keys without secrets and buckets: []', async (t) => {
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
