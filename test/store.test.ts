// The store: seeded from fixtures without sharing or changing them.
import t from 'tap'
import { createStore } from '../src/store.js'
import { testFixtures } from './helper.js'

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
  t.same(store.getRepo('repo-b'), { ...testFixtures().repos[1] })
})
