// Lets app.close() finish in-flight requests without waiting on clients that hold connections open.
import fp from 'fastify-plugin'
import type { Socket } from 'node:net'
import type { FastifyPluginAsync } from 'fastify'

/**
 * Plugin `graceful-close`. Once `app.close()` starts (SIGTERM, SIGINT in the CLI):
 * - connections with no request in progress are destroyed at once: keep-alive sockets between
 *   requests, and sockets a browser opened ahead of time but never used, which Node's own
 *   closeIdleConnections leaves alone;
 * - answers still in flight carry `Connection: close`, so their socket ends after the answer.
 * Requests already received are served to the end; `close()` then resolves.
 */
const gracefulClosePlugin: FastifyPluginAsync = async (app) => {
  let closing = false
  const idle = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    idle.add(socket)
    socket.on('close', () => idle.delete(socket))
  })
  app.server.on('request', (request, response) => {
    idle.delete(request.socket)
    response.on('finish', () => { if (!closing) idle.add(request.socket) })
  })
  app.addHook('preClose', async () => {
    closing = true
    for (const socket of idle) socket.destroy()
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
}

export default fp(gracefulClosePlugin, { name: 'graceful-close', fastify: '5.x' })
