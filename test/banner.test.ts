// The ready line's facts and the terminal banner.
import t from 'tap'
import { bannerText, readyFacts } from '../src/banner.js'
import { configFromOptions } from '../src/config.js'
import { testFixtures } from './helper.js'
import type { Fixtures } from '../src/schemas/fixtures.js'

const url = 'http://localhost:3000'

t.test('the facts: URLs, fixture file, repo ids, tokens with their repos, the control API, the seed; never the admin token', async (t) => {
  const config = configFromOptions({ fixtures: '/f.json', seed: 's' })
  t.same(readyFacts(url, config, testFixtures()), {
    url,
    docs: `${url}/docs`,
    openapi: `${url}/openapi.json`,
    fixtures: '/f.json',
    repos: ['repo-a', 'repo-b'],
    tokens: [{ token: 'test-dev-token', repos: '*' }, { token: 'test-limited-token', repos: ['repo-a'] }],
    control: 'open',
    cors: 'any',
    watch: false,
    seed: 's'
  })
  const locked = readyFacts(url, configFromOptions({ adminToken: 'admin-s3cret' }), testFixtures())
  t.equal(locked.control, 'admin token')
  t.notOk(JSON.stringify(locked).includes('admin-s3cret'))
  t.notOk('seed' in locked)
  t.equal(readyFacts(url, configFromOptions({ admin: false }), testFixtures()).control, 'off')
  t.match(readyFacts(url, configFromOptions({ cors: false, watch: true, fixtures: '/f.json' }), testFixtures()), { cors: 'off', watch: true })
  t.same(readyFacts(url, configFromOptions({ corsOrigin: ['http://localhost:5173'] }), testFixtures()).cors, ['http://localhost:5173'])
})

t.test('the banner: one labelled line per fact, tokens aligned, a curl to try; bold only where asked', async (t) => {
  const facts = readyFacts(url, configFromOptions({ fixtures: '/f.json' }), testFixtures())
  t.equal(bannerText(facts), [
    '',
    `  API       ${url}`,
    `  Docs      ${url}/docs`,
    `  OpenAPI   ${url}/openapi.json (also /openapi.yaml)`,
    `  Control   ${url}/__mock (open)`,
    '  Fixtures  /f.json',
    '  CORS      any origin',
    '  Repos     repo-a, repo-b',
    '  Tokens    test-dev-token      every repo',
    '            test-limited-token  repo-a',
    '',
    `  Try it:   curl -H 'Authorization: Bearer test-dev-token' ${url}/repo`,
    ''
  ].join('\n') + '\n')
  t.match(bannerText(facts, (text) => `*${text}*`), `  API       *${url}*`)
  t.match(bannerText({ ...facts, control: 'admin token', seed: 'abc' }), /Control {3}http:\/\/localhost:3000\/__mock \(needs the admin token\)\n[^]* {2}Seed {6}abc\n/)
  t.match(bannerText({ ...facts, control: 'off' }), '  Control   off (--no-admin)')
  t.match(bannerText({ ...facts, watch: true, cors: 'off' }), '  Fixtures  /f.json (reloaded when it changes)\n  CORS      off (--no-cors)\n')
  t.match(bannerText({ ...facts, cors: ['http://localhost:5173', 'http://127.0.0.1:5173'] }), '  CORS      http://localhost:5173, http://127.0.0.1:5173\n')
  for (const host of ['0.0.0.0', '[::]']) {
    const everywhere = bannerText(readyFacts(`http://${host}:3000`, configFromOptions({ fixtures: '/f.json' }), testFixtures()))
    t.match(everywhere, '  API       http://localhost:3000\n  Docs      http://localhost:3000/docs\n', `bound to ${host}: links a browser here can open`)
    t.notMatch(everywhere, host)
  }
})

t.test('many repos and tokens are cut at 8 and counted; none is said so, and then there is no curl to try', async (t) => {
  const many: Fixtures = {
    tokens: Array.from({ length: 10 }, (_, i) => ({ token: `token-${i}`, repos: i === 0 ? [] : ['r0'] })),
    repos: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, name: `R${i}`, storageType: 'S3', mode: 'NORMAL', workspaceId: 'w', createdAt: '2026-01-01T00:00:00.000Z' }))
  }
  const text = bannerText(readyFacts(url, configFromOptions({}), many))
  t.match(text, '  Repos     r0, r1, r2, r3, r4, r5, r6, r7, … and 3 more\n')
  t.match(text, '  Tokens    token-0  no repo\n')
  t.match(text, '            token-7  r0\n            … and 2 more\n')
  const none = bannerText(readyFacts(url, configFromOptions({}), { tokens: [], repos: [] }))
  t.match(none, '  Repos     (none)\n  Tokens    (none)\n')
  t.notMatch(none, /Try it/)
})
