// /docs: the docs UI is public, serves the same document as /openapi.json, and is the mock's own route.
import t from 'tap'
import { build, DEV_TOKEN } from '../helper.js'

t.test('/docs is public, whatever Authorization is sent, and loads the same document as /openapi.json', async (t) => {
  const app = await build(t)
  for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic eDp5' }]) {
    const page = await app.inject({ url: '/docs/', headers })
    t.equal(page.statusCode, 200, JSON.stringify(headers))
    t.match(page.body, /swagger-ui/)
  }
  t.equal((await app.inject('/docs/static/swagger-ui-bundle.js')).statusCode, 200, 'its assets come from the package')
  t.same((await app.inject('/docs/json')).json(), (await app.inject('/openapi.json')).json())
  t.notOk(Object.keys((await app.inject('/openapi.json')).json().paths).some((path) => path.startsWith('/docs')), 'and is not in the document')
})

t.test('/docs is the mock\'s own route: not in the request journal, and no fault rule may name it', async (t) => {
  const app = await build(t)
  await app.inject('/docs/')
  await app.inject({ url: '/repo', headers: { authorization: `Bearer ${DEV_TOKEN}` } })
  t.same((await app.inject('/__mock/requests')).json().requests.map((r: { path: string }) => r.path), ['/repo'])
  for (const path of ['/docs', '/docs/json']) {
    const rule = await app.inject({ method: 'POST', url: '/__mock/faults', payload: { path, status: 500 } })
    t.same([rule.statusCode, rule.json().message], [400, `body/path ${path} is the mock's own route, which fault rules never touch`], path)
  }
})
