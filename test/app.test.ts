// The assembled app: CORS for browser frontends, answered before auth.
import t from 'tap'
import { build, call } from './helper.js'

const origin = 'http://localhost:5173'

t.test('CORS preflight is answered before auth, reflecting the origin and allowing the SDK\'s headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({
    method: 'OPTIONS',
    url: '/repo/repo-a/apikey',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,prefer' }
  })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], origin)
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/)
  for (const header of ['authorization', 'content-type', 'prefer']) t.ok(allowed.includes(header), header)
  t.match(String(res.headers['access-control-allow-methods']), /POST/)
})

t.test('CORS headers are on successes and on 401s, and WWW-Authenticate is readable by the page', async (t) => {
  const app = await build(t)
  const ok = await call(app, { method: 'POST', url: '/repo/repo-a/apikey', headers: { origin }, payload: { name: 'n', accessType: 'READ' } })
  t.equal(ok.headers['access-control-allow-origin'], origin)
  const denied = await app.inject({ method: 'POST', url: '/repo/repo-a/apikey', headers: { origin } })
  t.equal(denied.statusCode, 401)
  t.equal(denied.headers['access-control-allow-origin'], origin)
  t.match(String(denied.headers['access-control-expose-headers']), /WWW-Authenticate/i)
})
