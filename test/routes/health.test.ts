// GET /health: public liveness.
import t from 'tap'
import { build } from '../helper.js'

t.test('GET /health answers { status: "ok" } without a token', async (t) => {
  const app = await build(t)
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /health ignores a bad token instead of failing', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/health', headers: { authorization: 'Bearer nope' } })
  t.equal(res.statusCode, 200)
})
