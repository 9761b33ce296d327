// Lets app.close() finish in-flight requests without waiting on clients that hold connections open.
import fp from 'fastify-plugin'
import type { Socket } from 'node:net'
import type { FastifyPluginAsync } from 'fastify'

/**
 * Plugin `graceful-close`. Once `app.close()` starts (SIGTERM, SIGINT in the CLI):
 * - connections with no request in progress are destroyed at once: keep-alive sockets between
 *   requests, and sockets a browser opened ahead of time but never used, which Node's own
 *   closeIdleConnections leaves alone;
 * - requests already received are served to the end, pipelined ones included: each answer is sent,
 *   and the last answer on a connection carries `Connection: close`, so the socket ends after it.
 * Fastify's `return503OnClosing` must stay false (app.ts), or pipelined requests get a 503 instead.
 * `close()` resolves once every answer is sent.
 */
const gracefulClosePlugin: FastifyPluginAsync = async (app) => {
  let closing = false
  /** Per open connection: requests received and not yet answered. */
  const connections = new Map<Socket, { inFlight: number }>()
  app.server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: 0 })
    socket.on('close', () => connections.delete(socket))
  })
  app.server.on('request', (request, response) => {
    // Every request arrives on a connection seen here first, and open.
    const counter = connections.get(request.socket) as { inFlight: number }
    counter.inFlight++
    response.on('close', () => { counter.inFlight-- })
  })
  app.addHook('preClose', async () => {
    closing = true
    for (const [socket, { inFlight }] of connections) if (inFlight === 0) socket.destroy()
  })
  // Only requests that came over a socket are in flight while closing: inject() refuses to run then. A request whose
  // client hung up (during a delay) is answered after its connection is gone: the answer goes nowhere, and says close.
  // A callback hook: no promise per request (issue 13).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing && (connections.get(request.raw.socket)?.inFlight ?? 0) <= 1) reply.header('connection', 'close')
    done(null, payload)
  })
}

export default fp(gracefulClosePlugin, { name: 'graceful-close', fastify: '5.x' })
