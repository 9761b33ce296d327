// The store: seeded from fixtures without changing them.
import t from 'tap'
import { createStore } from '../src/store.js'
import { createRandomSource } from '../src/random-source.js'
import { LIMITED_TOKEN, testFixtures } from './helper.js'

t.test('keys of an unknown repo cannot be created or listed', async (t) => {
  const store = createStore(testFixtures())
  t.throws(() => store.createKey('nope', { name: 'n', accessType: 'READ' }), { code: 'FBM_REPO_NOT_FOUND', statusCode: 404 })
  t.throws(() => store.listKeys('nope'), { code: 'FBM_REPO_NOT_FOUND' })
  t.equal(store.getRepo('nope'), undefined)
})

t.test('the fixtures object is never changed, and lists are copies', async (t) => {
  const fixtures = testFixtures()
  const before = JSON.stringify(fixtures)
  const store = createStore(fixtures)
  store.createKey('repo-a', { name: 'n', accessType: 'READ' })
  const listed = store.listKeys('repo-a')
  listed[0]!.name = 'changed by a caller'
  t.equal(JSON.stringify(fixtures), before)
  t.equal(store.listKeys('repo-a')[0]?.name, 'existing')
  t.equal(store.listKeys('repo-a').length, 2)
  store.snapshot().repos[0]!.apiKeys![0]!.name = 'changed in a snapshot'
  store.listRepos('*', {})[0]!.apiKeys[0]!.name = 'changed in a listed repo'
  store.updateKey('repo-a', 'key-a1', { name: 'renamed', accessType: 'ADMIN' })
  store.deleteRepo('repo-b')
  t.equal(JSON.stringify(fixtures), before, 'an update replaces the key, and a delete changes no fixture list')
  store.reset()
  t.same(store.snapshot(), { tokens: fixtures.tokens, repos: fixtures.repos.map((repo) => ({ ...repo, apiKeys: repo.apiKeys ?? [] })) }, 'a reset gives the fixtures back')
  t.same(store.getRepo('repo-b'), { ...testFixtures().repos[1] })
})

t.test('nested values are copies too: a token\'s repo list and a repo\'s buckets', async (t) => {
  const fixtures = testFixtures()
  fixtures.repos[1]!.buckets = [{ folder: 'photos', master: true }]
  const before = JSON.stringify(fixtures)
  const store = createStore(fixtures)
  const created = store.createRepo({ name: 'New', storageType: 'S3', mode: 'NORMAL', workspaceId: 'ws-1' }, LIMITED_TOKEN)
  store.listRepos('*', { repoId: 'repo-b' })[0]!.buckets![0]!.folder = 'changed by a caller'
  const snapshot = store.snapshot()
  snapshot.repos[1]!.buckets![0]!.master = false
  ;(snapshot.tokens[1]!.repos as string[]).push('changed by a caller')
  t.equal(JSON.stringify(fixtures), before, 'the token the new repo was added to is the store\'s own')
  t.same(store.listRepos('*', { repoId: 'repo-b' })[0]?.buckets, [{ folder: 'photos', master: true }])
  t.same(store.tokens()[1]?.repos, ['repo-a', created])
  store.reset()
  t.same(store.tokens()[1]?.repos, ['repo-a'], 'a reset gives the fixtures\' list back, without the created repo')
})

t.test('snapshot, replace and reset: copies in and out, one state at a time', async (t) => {
  const store = createStore(testFixtures())
  const first = store.snapshot()
  store.createKey('repo-b', { name: 'n', accessType: 'READ' })
  const tokens = store.tokens()
  store.replace({ tokens: [{ token: 'x', repos: '*' }], repos: [] })
  t.not(store.tokens(), tokens, 'a new tokens array, so callers caching by it see the change')
  t.same(store.snapshot(), { tokens: [{ token: 'x', repos: '*' }], repos: [] })
  store.reset()
  t.same(store.snapshot(), first, 'back to the fixtures, without the key created before')
  const snapshot = store.snapshot()
  snapshot.repos[0]!.name = 'changed by a caller'
  t.equal(store.getRepo('repo-a')?.name, 'Repo A', 'a snapshot is a copy')
})

t.test('with a seeded random source, a reset or a replace starts the same ids and timestamps again', async (t) => {
  const store = createStore(testFixtures(), createRandomSource('store'))
  const first = store.createKey('repo-a', { name: 'n', accessType: 'READ' })
  const stamp = store.listKeys('repo-a').at(-1)?.createdAt
  store.reset()
  t.same(store.createKey('repo-a', { name: 'n', accessType: 'READ' }), first)
  t.equal(store.listKeys('repo-a').at(-1)?.createdAt, stamp)
  store.replace(testFixtures())
  t.same(store.createKey('repo-a', { name: 'n', accessType: 'READ' }), first)
})

t.test('an unknown repo cannot be updated or deleted, and the store is unchanged', async (t) => {
  const store = createStore(testFixtures())
  const before = store.snapshot()
  t.throws(() => store.updateRepo('ghost', { name: 'n', storageType: 'S3', mode: 'NORMAL', workspaceId: 'w' }), { code: 'FBM_REPO_NOT_FOUND' })
  t.throws(() => store.deleteRepo('ghost'), { code: 'FBM_REPO_NOT_FOUND' })
  t.same(store.snapshot(), before)
})
