// What the CLI and startMockServer share once the settings and fixtures are good: the app, and listening.
import { createServer, type AddressInfo, type Server } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config, LogStream } from './config.js'
import type { Fixtures } from './schemas/fixtures.js'

/**
 * Builds the app for checked settings, so the CLI and `startMockServer` pass every setting the same way.
 * @param config checked settings (`resolveConfig` or `configFromOptions`)
 * @param fixtures checked fixtures (`loadStartFixtures`)
 * @param logStream where log lines go; default stdout
 */
export function buildServer (config: Config, fixtures: Fixtures, logStream?: LogStream): Promise<FastifyInstance> {
  const { logLevel, admin, adminToken, journalSize, seed, cors, corsOrigin, watch } = config
  return buildApp({ fixtures, logLevel, admin, adminToken, journalSize, seed, logStream, cors, corsOrigin, watchFixtures: watch ? config.fixtures : undefined })
}

/** What `localhost` stands for: both loopback addresses, the second where the machine has it (RFC 6761, 6.3). */
const LOCALHOST = ['127.0.0.1', '::1'] as const

/** Errors that mean the machine has no such address (no IPv6 loopback): that one is skipped. */
const NO_SUCH_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT'])

/**
 * Listens on the configured host and port without Fastify's own "Server listening" lines (one per interface).
 * `localhost` means 127.0.0.1 and, where the machine has it, ::1 on the same port, so a client that resolves
 * `localhost` to ::1 first (browsers, Node) is not refused. The ::1 socket hands its connections to the app's
 * server, so every connection gets the same handling, and stops accepting when the app starts closing.
 * @param localhost the addresses `localhost` stands for; tests give one this machine lacks
 * @returns the address as a URL (`http://localhost:3000`, `http://127.0.0.1:3000`, IPv6 in brackets) and the
 *   port, the one chosen when port is 0
 * @throws the listen error (EADDRINUSE, EADDRNOTAVAIL…), for ::1 too when its port is taken; the app is then closed
 */
export async function listen (
  app: FastifyInstance, { host, port }: Pick<Config, 'host' | 'port'>, localhost: readonly [string, string] = LOCALHOST
): Promise<{ url: string, port: number }> {
  // Host names are case-insensitive (RFC 4343): LOCALHOST is localhost.
  const isLocalhost = host.toLowerCase() === 'localhost'
  // The ::1 socket stops accepting as the app starts closing, and the app is closed only once the connections it
  // accepted have ended: they are the app server's to serve, but only the ::1 server counts them.
  let ipv6: Server | undefined
  let ipv6Closed: Promise<unknown> = Promise.resolve()
  app.addHook('preClose', async () => {
    const server = ipv6
    if (server !== undefined) ipv6Closed = new Promise((resolve) => server.close(resolve))
  })
  app.addHook('onClose', async () => { await ipv6Closed })
  const level = app.log.level
  app.log.level = 'silent'
  try {
    await app.listen({ port, host: isLocalhost ? localhost[0] : host })
  } finally {
    app.log.level = level
  }
  const address = app.server.address() as AddressInfo
  if (isLocalhost) {
    const server = createServer((socket) => app.server.emit('connection', socket))
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address.port, localhost[1], resolve))
      ipv6 = server
    } catch (err) {
      if (!NO_SUCH_ADDRESS.has(String((err as NodeJS.ErrnoException).code))) {
        await app.close()
        throw err
      }
    }
  }
  const name = isLocalhost ? 'localhost' : address.address.includes(':') ? `[${address.address}]` : address.address
  return { url: `http://${name}:${address.port}`, port: address.port }
}
