// Liveness: GET /health, public, for Docker HEALTHCHECK, Testcontainers wait strategies and humans.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/**
 * `GET /health`: 200 `{ status: "ok" }`, no auth. The answer is one fixed object, which JSON.stringify writes as the
 * schema says: no serializer is compiled for it (issue 13: compiling the first one, with the Ajv instance
 * fast-json-stringify builds, was about 12 ms of the first /health, which every start's wait strategy asks).
 */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    serializerCompiler: () => JSON.stringify,
    schema: {
      operationId: 'getHealth',
      tags: ['Mock'],
      summary: 'Liveness check of the mock (not part of the Flashback API)',
      description: 'Answers 200 while the server runs, with no auth: for Docker HEALTHCHECK, Testcontainers wait strategies and humans. Successful checks are logged at debug only.',
      security: [],
      response: {
        200: Type.Object({
          status: Type.Literal('ok', { description: 'Always "ok" while the server answers.' })
        }, { description: 'The server is up.', examples: [{ status: 'ok' }] })
      }
    }
  }, async () => ({ status: 'ok' as const }))
}

export default healthRoutes
