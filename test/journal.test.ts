// The request journal's ring buffer: bounded, oldest first, filtered.
import t from 'tap'
import { createJournal } from '../src/journal.js'

const entry = (method: string, path: string, status: number, route: string | null = null): Parameters<ReturnType<typeof createJournal>['record']>[0] =>
  ({ startedAtMs: Date.UTC(2026, 0, 1), method, url: path, route, params: {}, query: {}, headers: {}, bodyJson: undefined, status, responseJson: undefined, fault: undefined, durationMs: 1 })

t.test('keeps the last N entries, oldest first, with ids that keep counting', async (t) => {
  const journal = createJournal(100)
  for (let i = 0; i < 2050; i++) journal.record(entry('GET', `/r/${i}`, 200))
  const { total, requests } = journal.list({})
  t.equal(total, 100)
  t.same(requests.map((r) => r.id), Array.from({ length: 100 }, (_, i) => 1951 + i), 'the last 100, oldest first, across the wrap')
  t.equal(requests[99]?.path, '/r/2049')
  journal.clear()
  t.same(journal.list({}), { total: 0, requests: [] })
  journal.record(entry('GET', '/after', 200))
  t.same(journal.list({}).requests.map((r) => r.id), [2051], 'ids keep counting after a clear, and it fills from the start')
})

t.test('filters combine with AND; path matches the exact path or the route pattern; limit keeps the last matches', async (t) => {
  const journal = createJournal(10)
  journal.record(entry('POST', '/repo/a/apikey?x=1', 200, '/repo/:repoId/apikey'))
  journal.record(entry('GET', '/repo/a/apikey', 200, '/repo/:repoId/apikey'))
  journal.record(entry('POST', '/repo/b/apikey', 404, '/repo/:repoId/apikey'))
  journal.record(entry('GET', '/repo', 200, '/repo'))
  const ids = (q: Parameters<typeof journal.list>[0]): number[] => journal.list(q).requests.map((r) => r.id)
  t.same(ids({ method: 'post' }), [1, 3])
  t.same(ids({ path: '/repo/{repoId}/apikey' }), [1, 2, 3])
  t.same(ids({ path: '/repo/a/apikey' }), [1, 2])
  t.same(ids({ status: 404 }), [3])
  t.same(ids({ method: 'POST', status: 200 }), [1])
  t.same(journal.list({ path: '/repo/{repoId}/apikey', limit: 2 }), { total: 3, requests: journal.list({}).requests.slice(1, 3) })
  t.match(journal.list({})?.requests[0], { url: '/repo/a/apikey?x=1', path: '/repo/a/apikey', route: '/repo/{repoId}/apikey' }, 'the route in OpenAPI\'s spelling')
})

t.test('headers are shown as the journal\'s showHeaders gives them, when read', async (t) => {
  const journal = createJournal(1, (headers) => ({ ...headers, authorization: 'shown' }))
  journal.record({ ...entry('GET', '/x', 200), headers: { authorization: 'Bearer sent', accept: '*/*' } })
  t.same(journal.list({}).requests[0]?.headers, { authorization: 'shown', accept: '*/*' })
})

t.test('bodies and answers are kept as text and shown parsed, every secret redacted, with an ISO timestamp', async (t) => {
  const journal = createJournal(1)
  journal.record({ ...entry('POST', '/x', 200), bodyJson: '{"secret":"s1","a":[{"secret":"s2"}]}', responseJson: '{"id":"k","secret":"s3"}' })
  t.match(journal.list({}).requests[0], {
    timestamp: '2026-01-01T00:00:00.000Z',
    body: { secret: '[redacted]', a: [{ secret: '[redacted]' }] },
    response: { id: 'k', secret: '[redacted]' }
  })
  t.notOk('bodyJson' in (journal.list({}).requests[0] as object), 'the text is not shown')
})

t.test('size 0 keeps nothing', async (t) => {
  const journal = createJournal(0)
  journal.record(entry('GET', '/', 200))
  t.same(journal.list({}), { total: 0, requests: [] })
})
