// Shutdown over real sockets: requests already received are answered, idle connections do not hold close() up.
import t from 'tap'
import { once } from 'node:events'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { build, captureLogs, DEV_TOKEN, serve, within } from '../helper.js'
import { rawConnect } from '../raw-socket.js'

const BODY = JSON.stringify({ name: 'in flight', accessType: 'READ' })
/** A create request whose body is held back after 5 bytes. */
const HELD = `POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 5)}`
const LIST = `GET /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\n\r\n`

/** A mock started with startMockServer: its app, to close, and its URL. */
async function listening (t: Test): Promise<{ app: FastifyInstance, url: string }> {
  const { app, url } = await serve(t)
  return { app, url }
}

/** Splits raw HTTP/1.1 text into its answers' status lines and `connection` headers. */
const answers = (text: string): Array<{ status: string, connection: string | undefined }> =>
  [...text.matchAll(/HTTP\/1\.1 (\d{3})[^\r]*\r\n((?:[^\r]+\r\n)*)\r\n/g)].map((m) => ({
    status: m[1] as string,
    connection: /^connection: (.*)$/im.exec(m[2] as string)?.[1]
  }))

t.test('a request in flight when close() starts is answered, with Connection: close, before close() resolves', async (t) => {
  const { app, url } = await listening(t)
  const received = once(app.server, 'request')
  const held = await rawConnect(url, HELD)
  await within(received, 20_000, 'the server to receive the held request')
  let closed = false
  const closing = app.close().then(() => { closed = true })
  held.socket.write(BODY.slice(5))
  t.same(answers(await held.closed()), [{ status: '200', connection: 'close' }])
  await closing
  t.ok(closed)
  t.same(app.store.listKeys('repo-a').map((k) => k.name), ['existing', 'in flight'], 'the key was created')
})

t.test('a request pipelined behind one in flight during shutdown is served too, not refused with a 503', async (t) => {
  const { app, url } = await listening(t)
  const received = once(app.server, 'request')
  const held = await rawConnect(url, HELD)
  await within(received, 20_000, 'the server to receive the held request')
  const closing = app.close()
  // The rest of the first body and a second request, in one write: the second arrives during shutdown.
  held.socket.write(BODY.slice(5) + LIST)
  t.same(answers(await held.closed()), [{ status: '200', connection: 'keep-alive' }, { status: '200', connection: 'close' }], 'both answered; the last one ends the connection')
  await closing
})

t.test('close() does not wait for idle keep-alive connections or connections that never sent a request', async (t) => {
  const { app, url } = await listening(t)
  const unused = await rawConnect(url)
  const partial = await rawConnect(url, 'GET /hea')
  const idle = await rawConnect(url, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  await idle.waitFor(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\{"status":"ok"\}$/)
  await within(app.close(), 20_000, 'close() to resolve')
  for (const connection of [unused, partial, idle]) await connection.closed()
  t.same(answers(idle.received()), [{ status: '200', connection: 'keep-alive' }], 'answered before the shutdown, kept alive until it')
  t.equal(partial.received(), '', 'a half-sent request gets no answer')
})

t.test('a request whose client hung up during a delay, answered once shutdown starts, errs nowhere: no 500, no error logged', async (t) => {
  const logs = captureLogs()
  const app = await build(t, { logLevel: 'info', logStream: logs.stream })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const connected = once(app.server, 'connection') as Promise<[Socket]>
  const received = once(app.server, 'request')
  const client = await rawConnect(url, HELD.replace('\r\n\r\n', '\r\nPrefer: delay=30000\r\n\r\n') + BODY.slice(5))
  const [serverSide] = await connected
  await within(received, 20_000, 'the server to receive the delayed request')
  client.socket.destroy()
  await within(once(serverSide, 'close'), 20_000, 'the server to see the connection close')
  await app.close()
  t.same(logs.lines.filter((line) => Number(line.level) >= 40), [], 'no warning or error logged')
  t.same(app.store.listKeys('repo-a').map((k) => k.name), ['existing', 'in flight'], 'the request still ran')
  t.same(app.journal.list({}).requests.map((e) => e.status), [0], 'journaled once, with status 0')
})
