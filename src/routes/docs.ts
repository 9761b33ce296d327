// The docs UI: Swagger UI over the OpenAPI document, served from the package's own files, public.
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsync } from 'fastify'
import { DOCS_PATH } from '../schemas/common.js'

/**
 * `GET /docs`: Swagger UI (@fastify/swagger-ui, whose assets ship in the package, so it works offline) over
 * `/openapi.json`. "Authorize" takes the bearer token, "Try it out" calls this mock (the document's server is
 * `/`), and the token is kept across reloads. Public, like `/openapi.json`: every route here is given
 * `security: []`, which the auth hook reads, and stays out of the OpenAPI document (`hide`). Registered in a
 * context of its own, so that only these routes get that treatment.
 */
const docsRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true, security: [] }
  })
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { persistAuthorization: true, displayOperationId: true, tryItOutEnabled: false, deepLinking: true }
  })
}

export default docsRoutes
