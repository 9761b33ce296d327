// What the HEALTHCHECK dials and how it judges the answer, in-process.
import t from 'tap'
import { createServer, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { healthTarget, probeHealth, type HealthTarget } from '../src/health-probe.js'
import { build } from './helper.js'

t.test('the target follows HOST and PORT as the CLI reads them', async (t) => {
  t.same(healthTarget({}), { host: '127.0.0.1', port: 3000, url: 'http://127.0.0.1:3000/health' })
  t.same(healthTarget({ HOST: '', PORT: '' }), { host: '127.0.0.1', port: 3000, url: 'http://127.0.0.1:3000/health' }, 'empty means unset')
  for (const wildcard of ['0.0.0.0', '::']) t.equal((healthTarget({ HOST: wildcard }) as HealthTarget).host, '127.0.0.1', `${wildcard} is dialled on loopback`)
  t.same(healthTarget({ HOST: '::1', PORT: '8080' }), { host: '::1', port: 8080, url: 'http://[::1]:8080/health' })
  for (const bad of ['99999', '-1', 'abc', '42.5']) t.equal(healthTarget({ PORT: bad }), `PORT "${bad}" is not a port number`)
})

/** A TCP server that treats each connection with `handler`; closed when the test ends. */
async function tcpServer (t: Parameters<typeof build>[0], handler: (socket: Socket) => void): Promise<Server> {
  const server = createServer(handler).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.close() })
  return server
}
const targetOf = (server: Server): HealthTarget => {
  const { port } = server.address() as { port: number }
  return { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}/health` }
}

t.test('healthy on a 200 from /health', async (t) => {
  const app = await build(t)
  const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  t.equal(await probeHealth(healthTarget({ PORT: port }) as HealthTarget, 5000), undefined)
})

t.test('another status, no answer in time, or no server each give a reason', async (t) => {
  const unavailable = targetOf(await tcpServer(t, (socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')))
  t.equal(await probeHealth(unavailable, 5000), `${unavailable.url} answered 503`)
  const sockets: Socket[] = []
  const silent = targetOf(await tcpServer(t, (socket) => { sockets.push(socket) }))
  t.teardown(() => { for (const s of sockets) s.destroy() })
  t.equal(await probeHealth(silent, 50), `${silent.url} did not answer within 50 ms`)
  const closed = await tcpServer(t, () => {})
  const gone = targetOf(closed)
  await new Promise((resolve) => closed.close(resolve))
  t.match(await probeHealth(gone, 5000), new RegExp(`^${gone.url} failed: connect ECONNREFUSED`))
})
