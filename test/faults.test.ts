import t from 'tap'
import { createFaults } from '../src/faults.js'

/** A request's target; the route pattern is the path itself unless given (a route without parameters). */
const target = (method: string, path: string, route = path): { method: string, path: string, route: string } => ({ method, path, route })
const KEYS = target('POST', '/repo/repo-a/apikey', '/repo/{repoId}/apikey')

t.test('rules match on method and on the exact path or the route pattern; the first that fires wins', async (t) => {
  const faults = createFaults(() => 0)
  const byRoute = faults.add({ path: '/repo/{repoId}/apikey', method: 'GET', status: 500 })
  const byPath = faults.add({ path: '/repo/repo-a/apikey', status: 503 })
  const any = faults.add({ delayMs: 10 })
  t.same([byRoute.id, byPath.id, any.id], ['fault-1', 'fault-2', 'fault-3'])
  t.equal(faults.take(target('GET', '/repo/repo-b/apikey', '/repo/{repoId}/apikey'))?.id, 'fault-1', 'route pattern')
  t.equal(faults.take(KEYS)?.id, 'fault-2', 'exact path, after a rule whose method did not match')
  t.equal(faults.take(target('DELETE', '/nowhere'))?.id, 'fault-3', 'no method and no path match everything')
  t.same(faults.list().map((r) => [r.id, r.hits]), [['fault-1', 1], ['fault-2', 1], ['fault-3', 1]], 'hits count firings')
})

t.test('times counts down and the rule expires; a copy cannot change the rule', async (t) => {
  const faults = createFaults(() => 0)
  faults.add({ status: 500, times: 2 })
  const first = faults.take(KEYS)
  t.same([first?.times, first?.hits], [1, 1])
  if (first !== undefined) first.status = 400
  t.equal(faults.list()[0]?.status, 500, 'take returns a copy')
  t.equal(faults.take(KEYS)?.times, 0)
  t.equal(faults.take(KEYS), undefined, 'expired after two')
  t.same(faults.list(), [])
  faults.add({ status: 503 })
  const listed = faults.list()[0]
  if (listed !== undefined) listed.hits = 99
  t.equal(faults.list()[0]?.hits, 0, 'list returns copies too')
})

t.test('probability fires when a draw is below it, and only rules with one draw', async (t) => {
  const draws = [0.2, 0.7]
  let drawn = 0
  const faults = createFaults(() => { drawn++; return draws.shift() ?? 0 })
  faults.add({ status: 500, probability: 0.5, method: 'GET' })
  faults.add({ status: 503, probability: 0.5 })
  faults.add({ status: 502 })
  t.equal(faults.take(KEYS)?.status, 503, 'the GET rule does not match, so draws nothing; 0.2 < 0.5 fires')
  t.equal(faults.take(KEYS)?.status, 502, '0.7 does not fire; the next rule does, without a draw')
  t.equal(drawn, 2)
  const never = createFaults(() => 0)
  never.add({ status: 500, probability: 0 })
  t.equal(never.take(KEYS), undefined, 'probability 0 never fires, even on a draw of 0')
})

t.test('remove and clear; ids keep counting so an old id never names a new rule', async (t) => {
  const faults = createFaults(() => 0)
  faults.add({ status: 500 })
  faults.add({ status: 503 })
  t.equal(faults.remove('fault-1'), true)
  t.equal(faults.remove('fault-1'), false, 'already gone')
  t.same(faults.list().map((r) => r.id), ['fault-2'])
  faults.clear()
  t.same(faults.list(), [])
  t.equal(faults.add({ drop: true }).id, 'fault-3')
})
