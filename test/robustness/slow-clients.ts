// Slow and stuck clients against the real 30 s request timeout: they are cut off and never hold the server.
// About 40 s, so not part of npm test: `npm run slow-clients` (tsx); CI runs it.
import t from 'tap'
import { connect, type Socket } from 'node:net'
import { startMockServer } from '../../src/index.js'
import { DEV_TOKEN, testFixtures, within } from '../helper.js'

const STUCK = 500

t.test(`${STUCK} slow and stuck clients at once: a normal client is served meanwhile, and each is cut off by the request timeout`, async (t) => {
  const server = await startMockServer({ fixtures: testFixtures() })
  t.teardown(() => server.close())
  const { port } = server
  const sockets: Array<{ socket: Socket, heard: () => string, closed: Promise<void> }> = []
  const timers: NodeJS.Timeout[] = []
  t.teardown(() => { for (const timer of timers) clearInterval(timer) })
  for (let i = 0; i < STUCK; i++) {
    const socket = connect(port, '127.0.0.1')
    let heard = ''
    socket.on('data', (chunk) => { heard += chunk })
    socket.on('error', () => {})
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.once('connect', () => {
      if (i % 2 === 0) {
        // Half of them trickle their headers, one byte a second.
        const head = `GET /repo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nX-Padding: ${'p'.repeat(100)}\r\n\r\n`
        let at = 0
        timers.push(setInterval(() => { if (!socket.destroyed && at < head.length) socket.write(head[at++] as string) }, 1000))
      } else {
        // The others send their headers and half a body, then stop.
        socket.write(`POST /repo/repo-a/apikey HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEV_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"name":"half`)
      }
    })
    sockets.push({ socket, heard: () => heard, closed })
  }
  // A normal client, meanwhile.
  const started = Date.now()
  const health = await within(fetch(`${server.url}/health`), 10_000, 'a normal request while 500 clients hang')
  t.equal(health.status, 200)
  const created = await fetch(`${server.url}/repo/repo-a/apikey`, { method: 'POST', headers: { authorization: `Bearer ${DEV_TOKEN}`, 'content-type': 'application/json' }, body: '{"name":"n","accessType":"READ"}' })
  t.equal(created.status, 200, `served in ${Date.now() - started} ms`)
  // Each stuck client is cut off: the request timeout is 30 s, checked every 5 s.
  await within(Promise.all(sockets.map((s) => s.closed)), 60_000, 'every stuck client to be cut off', () => `${sockets.filter((s) => !s.socket.destroyed).length} still open`)
  const answers = sockets.map((s) => /^HTTP\/1\.1 (\d{3})/.exec(s.heard())?.[1] ?? 'closed without an answer')
  const counts = answers.reduce<Record<string, number>>((all, a) => ({ ...all, [a]: (all[a] ?? 0) + 1 }), {})
  t.ok(Object.keys(counts).every((a) => a === '408' || a === 'closed without an answer'), `cut off after ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(counts)}`)
  t.equal((await fetch(`${server.url}/health`)).status, 200, 'and the server goes on')
})
