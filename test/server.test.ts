// listen(): what `localhost` binds, in-process.
import t from 'tap'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { networkInterfaces } from 'node:os'
import { listen } from '../src/server.js'
import { build } from './helper.js'

const hasIpv6Loopback = Object.values(networkInterfaces()).flat().some((i) => i?.address === '::1')

t.test('localhost: 127.0.0.1 and ::1 on one port, one app behind both; the URL says localhost', { skip: !hasIpv6Loopback && 'no ::1 here' }, async (t) => {
  const app = await build(t)
  const { url, port } = await listen(app, { host: 'localhost', port: 0 })
  t.equal(url, `http://localhost:${port}`)
  for (const address of ['127.0.0.1', '[::1]']) t.equal((await fetch(`http://${address}:${port}/health`)).status, 200, address)
  await app.close()
  const refused = await fetch(`http://[::1]:${port}/health`).then(() => 'answered', (err: Error & { cause?: { code?: string } }) => err.cause?.code)
  t.equal(refused, 'ECONNREFUSED', 'closing the app closes ::1 too')
})

t.test('a machine without the second address listens on the first alone', async (t) => {
  const app = await build(t)
  // 192.0.2.1 (TEST-NET-1) is never a local address: it stands for a missing ::1.
  const { url, port } = await listen(app, { host: 'localhost', port: 0 }, ['127.0.0.1', '192.0.2.1'])
  t.equal(url, `http://localhost:${port}`)
  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
})

t.test('the second address taken: the listen error, and the app is closed', { skip: !hasIpv6Loopback && 'no ::1 here' }, async (t) => {
  const blocker = createServer().listen(0, '::1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const app = await build(t)
  const { port } = blocker.address() as { port: number }
  await t.rejects(listen(app, { host: 'localhost', port }), { code: 'EADDRINUSE', address: '::1' })
  const refused = await fetch(`http://127.0.0.1:${port}/health`).then(() => 'answered', (err: Error & { cause?: { code?: string } }) => err.cause?.code)
  t.equal(refused, 'ECONNREFUSED', 'nothing is left listening on 127.0.0.1')
})

t.test('another host is bound as given, and named by its address', async (t) => {
  const app = await build(t)
  const { url, port } = await listen(app, { host: '127.0.0.1', port: 0 })
  t.equal(url, `http://127.0.0.1:${port}`)
})
