// Fixture files: the bundled one is valid, the published schema is current, and every bad file fails with a path.
import t from 'tap'
import { readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_FIXTURES_PATH, FixtureError, loadFixtureFile, validateFixtures } from '../src/fixtures.js'
import { fixturesJsonSchema } from '../src/schemas/fixtures.js'
import { testFixtures } from './helper.js'

// Removed by tap when the file's tests end.
const dir = t.testdir()
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

t.test('the bundled fixtures load: two repos or more, a "*" dev token and a limited token', async (t) => {
  const fixtures = await loadFixtureFile(DEFAULT_FIXTURES_PATH)
  t.ok(fixtures.repos.length >= 2)
  t.same(fixtures.tokens.find((x) => x.token === 'dev-token')?.repos, '*')
  t.ok(fixtures.tokens.some((x) => Array.isArray(x.repos) && x.repos.length === 1), 'a token limited to one repo')
})

t.test('the compose example\'s fixture file loads', async (t) => {
  const fixtures = await loadFixtureFile(fileURLToPath(new URL('examples/compose/my-fixtures.json', import.meta.resolve('#package.json'))))
  t.ok(fixtures.repos.length > 0)
})

t.test('fixtures/fixtures.schema.json is the published FixturesSchema (run npm run fixtures:schema after a change)', async (t) => {
  t.equal(readFileSync(new URL(import.meta.resolve('#fixtures/fixtures.schema.json')), 'utf8'), fixturesJsonSchema())
})

t.test('a file saved with a UTF-8 byte-order mark loads', async (t) => {
  const path = file('bom.json', '\uFEFF' + JSON.stringify(testFixtures()))
  t.same(await loadFixtureFile(path), testFixtures())
})

t.test('a missing file and a non-JSON file fail with the file name', async (t) => {
  await t.rejects(loadFixtureFile(join(dir, 'absent.json')), { name: 'FixtureError', message: `${join(dir, 'absent.json')}: cannot read the fixture file (ENOENT: no such file; check the path, or the volume mount in a container)` })
  await t.rejects(loadFixtureFile(dir), { name: 'FixtureError', message: `${dir}: cannot read the fixture file (EISDIR: this is a directory; a volume mount of a missing host file creates one)` })
  const tooLong = join(dir, 'x'.repeat(300))
  await t.rejects(loadFixtureFile(tooLong), { name: 'FixtureError', message: `${tooLong}: cannot read the fixture file (ENAMETOOLONG)` }, 'a code without a hint')
  const bad = file('bad.json', '{ "tokens": [ }')
  await t.rejects(loadFixtureFile(bad), new RegExp(`^${bad}: not valid JSON \\(Unexpected token`), 'V8 quotes the text here, with no position: no line either')
  // Where it broke, as an editor counts: line 3, column 10 (JSON.parse says only "position 21").
  const broken = file('broken.json', '{\n  "a": 1,\n  "b": 2,,\n}')
  await t.rejects(loadFixtureFile(broken), new RegExp(`^${broken}:3:10: not valid JSON \\(Expected double-quoted property name in JSON at position 21\\)$`))
  // Saved with two byte-order marks: the second is a character of line 1 in an editor, and JSON.parse never sees it.
  const marked = file('marked.json', '\uFEFF\uFEFF{\n  "a": 1,\n}')
  await t.rejects(loadFixtureFile(marked), new RegExp(`^${marked}:3:1: not valid JSON`))
})

t.test('fixture-file attacks fail with one line naming the file, never half-loaded: a FIFO, a 200 MB file, a JSON bomb, bytes that are not UTF-8', async (t) => {
  const fifo = join(dir, 'fifo.json')
  execFileSync('mkfifo', [fifo])
  await t.rejects(loadFixtureFile(fifo), new FixtureError(`${fifo}: not a regular file (a FIFO, a socket or a device); give the path of a JSON file`), 'a FIFO is refused, not read forever')
  const huge = join(dir, 'huge.json')
  writeFileSync(huge, '')
  truncateSync(huge, 200 * 1024 * 1024)
  await t.rejects(loadFixtureFile(huge), new FixtureError(`${huge}: the file is 209715200 bytes; a fixture file may be at most 67108864 bytes (64 MiB)`), '200 MB is refused before it is read')
  const bomb = file('bomb.json', `{"tokens":${'['.repeat(200_000)}${']'.repeat(200_000)},"repos":[]}`)
  await t.rejects(loadFixtureFile(bomb), { name: 'FixtureError', message: new RegExp(`^${bomb}: `) }, 'deep nesting is one error, not a crash')
  const latin1 = join(dir, 'latin1.json')
  writeFileSync(latin1, Buffer.from('{"tokens":[{"token":"t","repos":"*","description":"caf\xe9"}],"repos":[]}', 'latin1'))
  await t.rejects(loadFixtureFile(latin1), new FixtureError(`${latin1}: not UTF-8 text; save the file as UTF-8 (JSON must be UTF-8, RFC 8259)`))
})

t.test('schema violations name the file and the JSON path', async (t) => {
  const base = testFixtures()
  const cases: Array<[(f: Record<string, any>) => void, string]> = [
    [(f) => { delete f.tokens }, '$.tokens is required'],
    [(f) => { f.repos[1].storageType = 'FTP' }, '$.repos[1].storageType must be one of S3, GCS, BLOB'],
    [(f) => { f.repos[0].apiKeys[0].accessType = 'read' }, '$.repos[0].apiKeys[0].accessType must be one of READ, WRITE, ADMIN'],
    [(f) => { f.repos[0].createdAt = 'yesterday' }, '$.repos[0].createdAt must match format "date-time"'],
    [(f) => { f.repos[0].extra = 1 }, '$.repos[0] must not have the unknown property "extra"'],
    [(f) => { f.tokens[0].repos = 'all' }, '$.tokens[0].repos must be "*" or an array'],
    [(f) => { f.tokens[0].token = 'has space' }, '$.tokens[0].token must match pattern "^[A-Za-z0-9._~+/-]+=*$"'],
    [(f) => { f.repos = {} }, '$.repos must be an array'],
    [(f) => { f.tokens[0].token = 'x'.repeat(4097) }, '$.tokens[0].token must be 4096 or fewer characters long'],
    [(f) => { f.repos[0].id = 'r'.repeat(501) }, '$.repos[0].id must be 500 or fewer characters long']
  ]
  for (const [mutate, message] of cases) {
    const data = structuredClone(base) as Record<string, any>
    mutate(data)
    const path = file('case.json', JSON.stringify(data))
    await t.rejects(loadFixtureFile(path), { name: 'FixtureError', message: `${path}: ${message}` })
  }
})

t.test('cross-reference rules: unique ids, keys and tokens; tokens name known repos', async (t) => {
  const cases: Array<[(f: any) => void, string]> = [
    [(f) => { f.repos[1].id = 'repo-a' }, '$.repos[1].id duplicates the repo id "repo-a" at $.repos[0].id'],
    [(f) => { f.repos[1].apiKeys = [{ ...f.repos[0].apiKeys[0], key: 'other' }] }, '$.repos[1].apiKeys[0].id duplicates the key id "key-a1" at $.repos[0].apiKeys[0].id'],
    [(f) => { f.repos[1].apiKeys = [{ ...f.repos[0].apiKeys[0], id: 'other' }] }, '$.repos[1].apiKeys[0].key duplicates the key "existing-key-a1" at $.repos[0].apiKeys[0].key'],
    [(f) => { f.tokens[1].token = f.tokens[0].token }, '$.tokens[1].token duplicates the token "test-dev-token" at $.tokens[0].token'],
    [(f) => { f.tokens[1].repos = ['repo-a', 'repo-z'] }, '$.tokens[1].repos[1] names the unknown repo "repo-z"'],
    // The first place named is where the value first is, not the first item of its list.
    [(f) => { f.repos.push({ ...f.repos[1], apiKeys: undefined }) }, '$.repos[2].id duplicates the repo id "repo-b" at $.repos[1].id'],
    [(f) => {
      f.repos[1].apiKeys = [{ ...f.repos[0].apiKeys[0], id: 'key-b1', key: 'k-b1' }, { ...f.repos[0].apiKeys[0], id: 'key-b2', key: 'k-b2' }]
      f.repos[0].apiKeys.push({ ...f.repos[0].apiKeys[0], id: 'key-a2', key: 'k-a2' }, { ...f.repos[0].apiKeys[0], id: 'key-b2', key: 'k-a3' })
    }, '$.repos[1].apiKeys[1].id duplicates the key id "key-b2" at $.repos[0].apiKeys[2].id'],
    [(f) => {
      f.repos[0].apiKeys.push({ ...f.repos[0].apiKeys[0], id: 'key-a2', key: 'k-a2' })
      f.repos[1].apiKeys = [{ ...f.repos[0].apiKeys[0], id: 'key-b1', key: 'k-b1' }, { ...f.repos[0].apiKeys[0], id: 'key-b2', key: 'k-a2' }]
    }, '$.repos[1].apiKeys[1].key duplicates the key "k-a2" at $.repos[0].apiKeys[1].key'],
    [(f) => { f.tokens.push({ token: 'third', repos: '*' }, { token: 'third', repos: '*' }) }, '$.tokens[3].token duplicates the token "third" at $.tokens[2].token'],
    [(f) => { f.repos[0].apiKeys.push({ ...f.repos[0].apiKeys[0], key: 'k-2' }, { ...f.repos[0].apiKeys[0], key: 'k-3' }) }, '$.repos[0].apiKeys[1].id duplicates the key id "key-a1" at $.repos[0].apiKeys[0].id']
  ]
  for (const [mutate, message] of cases) {
    const data = testFixtures()
    mutate(data)
    t.throws(() => validateFixtures(data, 'my.json'), new FixtureError(`my.json: ${message}`))
  }
})

t.test('validation does not change the data', async (t) => {
  const data = testFixtures()
  const before = JSON.stringify(data)
  t.equal(validateFixtures(data, 'x'), data)
  t.equal(JSON.stringify(data), before)
})
