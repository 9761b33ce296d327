// What the CLI and startMockServer share once the settings and fixtures are good: the app, and listening.
import type { AddressInfo } from 'node:net'
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
  const { logLevel, admin, adminToken, journalSize, seed } = config
  return buildApp({ fixtures, logLevel, admin, adminToken, journalSize, seed, logStream })
}

/**
 * Listens on the configured host and port without Fastify's own "Server listening" lines (one per interface).
 * @returns the bound address as a URL (`http://127.0.0.1:3000`, IPv6 in brackets) and the port, the one chosen when port is 0
 * @throws the listen error (EADDRINUSE, EADDRNOTAVAIL…)
 */
export async function listen (app: FastifyInstance, { host, port }: Pick<Config, 'host' | 'port'>): Promise<{ url: string, port: number }> {
  const level = app.log.level
  app.log.level = 'silent'
  try {
    await app.listen({ port, host })
  } finally {
    app.log.level = level
  }
  const address = app.server.address() as AddressInfo
  return { url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`, port: address.port }
}
