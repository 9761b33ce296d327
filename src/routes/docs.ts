// The docs UI: Swagger UI over the OpenAPI document, served from the package's own files, public, loaded on first use.
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DOCS_PATH } from '../schemas/common.js'

/**
 * Builds the Swagger UI app (@fastify/swagger-ui, whose assets ship in the package, so it works offline): a
 * Fastify instance of its own that never listens, answering through `inject`, over the document of `api`.
 */
async function buildDocsApp (api: FastifyInstance): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  const ui = Fastify({ logger: false })
  // @fastify/swagger-ui reads the document from `swagger()` of the app it is registered in, and asks for
  // @fastify/swagger by name: this stands in for it, with the API's own document.
  await ui.register(fp(async (inner) => { inner.decorate('swagger', api.swagger.bind(api)) }, { name: '@fastify/swagger' }))
  await ui.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { persistAuthorization: true, displayOperationId: true, tryItOutEnabled: false, deepLinking: true }
  })
  await ui.ready()
  return ui
}

/**
 * `GET /docs` and everything under it: Swagger UI over `/openapi.json`. "Authorize" takes the bearer token, "Try it
 * out" calls this mock (the document's server is `/`), and the token is kept across reloads. Public, like
 * `/openapi.json` (`security: []`, which the auth hook reads), and out of the OpenAPI document (`hide`).
 *
 * Loaded on the first request to it, not at start (issue 13: registering it, with its YAML library and asset
 * list, was about 145 ms of the CLI's start, for a page most runs never open). It runs as an app of its own,
 * built then, and this route hands it each request through `inject` and sends back its answer: status,
 * headers and bytes.
 */
const docsRoutes: FastifyPluginAsync = async (app) => {
  let docsApp: Promise<FastifyInstance> | undefined
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const ui = await (docsApp ??= buildDocsApp(app))
    // Asked as a GET even for a HEAD: this app's own HEAD route then drops the body and keeps its length.
    const answer = await ui.inject({ method: 'GET', url: request.url, headers: request.headers })
    // A path the UI does not have is an unknown route of the mock's, with its 404 shape.
    if (answer.statusCode === 404) {
      reply.callNotFound()
      return reply
    }
    // Its headers but the connection's, which are this server's own (inject always says keep-alive).
    const { connection, ...headers } = answer.headers
    reply.headers(headers)
    // An empty answer (a redirect, a 304) is sent empty, so no content type is added to it.
    return reply.code(answer.statusCode).send(answer.rawPayload.length === 0 ? undefined : answer.rawPayload)
  }
  for (const url of [DOCS_PATH, `${DOCS_PATH}/*`]) {
    app.get(url, { schema: { hide: true, security: [] } }, forward)
  }
}

export default docsRoutes
