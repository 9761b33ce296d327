// The app factory: builds the whole mock server, never listens. Tests and the CLI both build it here.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type onSendHookHandler, type RouteOptions } from 'fastify'
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DestinationStream } from 'pino'
import type { Fixtures } from './schemas/fixtures.js'
import type { LogLevel } from './config.js'
import { VERSION } from './version.js'
import jsonBody from './plugins/json-body.js'
import gracefulClose from './plugins/graceful-close.js'
import errors, { clientErrorHandler, frameworkErrorsFor } from './plugins/errors.js'
import { MAX_PARAM_LENGTH } from './schemas/common.js'
import store from './plugins/store.js'
import fixtureWatch from './plugins/fixture-watch.js'
import journal from './plugins/journal.js'
import faults from './plugins/faults.js'
import auth from './plugins/auth.js'
import openapi from './plugins/openapi.js'
import healthRoutes from './routes/health.js'
import openapiRoutes from './routes/openapi.js'
import apikeyRoutes from './routes/apikey.js'
import repoRoutes from './routes/repo.js'
import docsRoutes from './routes/docs.js'
import controlRoutes from './routes/control.js'
import { CONTROL_PREFIX } from './schemas/control.js'
import { isControlRequest } from './request-target.js'
import { toMicroseconds } from './journal.js'
import { PRECOMPILED_ROUTES } from './precompiled-routes.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: @fastify/cors sends no CORS headers on this route (it reads `config.cors`). */
    cors?: false
  }
}

/** What `buildApp` needs. */
export interface AppOptions {
  /**
   * Initial state: repos, keys and bearer tokens, already checked (`loadFixtureFile` or `validateFixtures`). The app
   * takes the object as it is and never changes it; the caller must not change it afterwards (`createStore`).
   */
  fixtures: Fixtures
  /** pino level; default "info". Tests usually pass "silent". */
  logLevel?: LogLevel
  /** Where log lines go; default stdout. The CLI passes a pretty printer on a TTY. */
  logStream?: DestinationStream
  /** Whether the control API (/__mock) exists; default true. */
  admin?: boolean
  /** The bearer token the control API requires; default none, so it is open. */
  adminToken?: string
  /** How many requests the request journal keeps; default 1000, 0 turns it off. */
  journalSize?: number
  /** Deterministic mode: ids, keys, secrets, createdAt and fault draws come from this seed; default a CSPRNG and the real clock. */
  seed?: string
  /** How long a client may take to send a whole request, in ms, before a 408; default 30,000. Tests use less. */
  requestTimeout?: number
  /** Whether CORS headers are sent; default true. */
  cors?: boolean
  /** The only origins CORS allows (`http://localhost:5173`); default any origin, reflected. */
  corsOrigin?: string[]
  /** Hot reload: the path of the fixture file `fixtures` came from, reloaded when it changes (`--watch`); default none. */
  watchFixtures?: string
  /**
   * Fastify's validator and serializer factories; default the app's own, which compile on first use. For the build
   * (scripts/build.ts), which records what Ajv's and fast-json-stringify's standalone modes write.
   */
  compilersFactory?: { buildValidator: typeof buildValidator, buildSerializer: typeof buildSerializer }
}

/**
 * The key a route's validator or serializer is precompiled under by the build (src/precompiled-routes.ts), from what
 * Fastify passes its compilers: method, URL, the request part or the answer's status, and the content type when there
 * is one (a body schema per content type has one each): `POST /repo/:repoId/apikey body`,
 * `POST /repo/:repoId/apikey 200 application/json`.
 */
export function routeSchemaKey ({ method, url, httpPart, httpStatus, contentType }: { method?: string, url?: string, httpPart?: string, httpStatus?: string, contentType?: string }): string {
  return [method, url, httpPart ?? httpStatus, contentType].filter((part) => part !== undefined).join(' ')
}

const buildSerializer = SerializerSelector()
const buildValidator = AjvCompiler()

/**
 * Fastify's serializer factory (fast-json-stringify), except for error statuses: the error handler builds every
 * error body in its exact shape, so JSON.stringify writes it, and no app compiles a serializer per route and error
 * status (a seventh of the time to build one). The others are compiled on their first use, not at start: most
 * routes of a given run are never called (issue 13: compiling them all was 78 ms of the CLI's start).
 */
const serializerFactory: typeof buildSerializer = (externalSchemas, options) => {
  const compile = buildSerializer(externalSchemas, options)
  return (route) => {
    if (Number(route.httpStatus) >= 400) return JSON.stringify
    const precompiled = PRECOMPILED_ROUTES.serializers[routeSchemaKey(route)] as ((data: unknown) => string) | undefined
    if (precompiled !== undefined) return precompiled
    let serialize: ((data: unknown) => string) | undefined
    return (data: unknown) => (serialize ??= compile(route))(data)
  }
}

/** A validation function as Fastify calls it: Ajv's, with its last `errors` and its `schemaEnv` on the function. */
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown, schemaEnv?: unknown }

/**
 * Fastify's validator factory (Ajv, as configured), compiling each route's schemas on their first use instead of at
 * start (issue 13: Ajv building its instance and compiling every route was about 140 ms of the CLI's start). The
 * wrapper carries what Fastify reads off the function: `errors` after a call, and `schemaEnv` once compiled (before
 * it, Fastify calls without the parent data, which only a coerced root value would need; coercion is off).
 */
const validatorFactory: typeof buildValidator = (externalSchemas, options) => {
  // The Ajv instance itself (with the shared schemas and formats) is built on the first use too: 70 ms of the start.
  let compile: ReturnType<typeof buildValidator> | undefined
  return (route) => {
    const precompiled = PRECOMPILED_ROUTES.validators[routeSchemaKey(route)]
    if (precompiled !== undefined) return precompiled as ReturnType<ReturnType<typeof buildValidator>>
    let validate: Validate | undefined
    const lazy: Validate = (data, context) => {
      validate ??= (compile ??= buildValidator(externalSchemas, options))(route) as Validate
      lazy.schemaEnv = validate.schemaEnv
      const valid = validate(data, context)
      lazy.errors = validate.errors
      return valid
    }
    return lazy as unknown as ReturnType<ReturnType<typeof buildValidator>>
  }
}

/** Methods a preflight is told are allowed when it names none. */
const CORS_METHODS = 'GET, HEAD, POST, PUT, DELETE'

/**
 * CORS for the emulated API (@fastify/cors). A local mock must never be why a browser refuses a call: the origin
 * (any, or one of `origins`), and whatever method and headers a preflight asks for (a tracing header such as
 * `sentry-trace` or `traceparent` included) are allowed, with credentials, and `WWW-Authenticate` is exposed.
 * The options are fixed at start (issue 13: options computed per request, by a delegator, cost about 8% of a
 * create-key request's CPU time); the control API's routes turn CORS off in their route config.
 */
function corsOptions (origins: string[] | undefined): FastifyCorsOptions {
  return {
    origin: origins ?? true,
    credentials: true,
    methods: CORS_METHODS,
    // allowedHeaders is left out: @fastify/cors then reflects Access-Control-Request-Headers (with Vary).
    // An OPTIONS without Origin is answered 204 too, instead of a text/plain 400.
    strictPreflight: false,
    exposedHeaders: ['WWW-Authenticate']
  }
}

/**
 * Route options for @fastify/cors's preflight route (`OPTIONS *`): its answer names the method the preflight asks
 * for (`Access-Control-Request-Method`), whatever it is, instead of the fixed list, in a hook of that route alone.
 */
function echoPreflightMethod (route: RouteOptions): void {
  if (route.method !== 'OPTIONS' || route.url !== '*') return
  const echo: onSendHookHandler = (request, reply, payload, done) => {
    const asked = request.headers['access-control-request-method']
    if (asked !== undefined && reply.hasHeader('access-control-allow-methods')) reply.header('access-control-allow-methods', asked)
    done(null, payload)
  }
  route.onSend = echo
}

/**
 * Logs one line per request at info, when the answer is sent, instead of Fastify's two (incoming, completed).
 * Successful GET /health lines are at debug: the image's HEALTHCHECK asks every 5 s. At trace, a
 * "request received" line with the headers (Authorization and Proxy-Authorization redacted by pino) comes first, as
 * soon as they are parsed.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: request.url, headers: request.headers }, 'request received')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // In ms to the µs: a number of 16 digits also takes V8 about twice as long to write (issue 13).
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: toMicroseconds(reply.elapsedTime) }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else if (request.url === '/health' && reply.statusCode === 200) reply.log.debug(line, 'request completed')
    else reply.log.info(line, 'request completed')
  }
}

/**
 * Builds the mock server with all plugins and routes registered, in order: graceful close, the error shape,
 * CORS (so preflight is answered before auth), JSON body parsing, the store, the request journal,
 * auth, fault injection (fault rules and the Prefer header), OpenAPI, routes,
 * and the control API under /__mock unless `admin` is false.
 * The app does not listen; call `listen` (the CLI does) or `inject` (tests do).
 * @param options fixtures, logging, control API, journal size and seed (see `AppOptions`)
 * @returns a Fastify instance, not yet ready; `inject` and `listen` make it ready
 */
export async function buildApp ({
  fixtures, logLevel = 'info', logStream, admin = true, adminToken, journalSize = 1000, seed, requestTimeout = 30_000,
  cors: corsEnabled = true, corsOrigin, watchFixtures, compilersFactory = { buildValidator: validatorFactory, buildSerializer: serializerFactory }
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: logLevel,
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'req.headers["proxy-authorization"]', 'headers["proxy-authorization"]'], censor: '[redacted]' },
      ...(logStream === undefined ? {} : { stream: logStream })
    },
    logController: new OneLinePerRequest(),
    // Errors raised outside routes get the same JSON shape, and raw request bytes are never logged.
    frameworkErrors: frameworkErrorsFor((origin, request) => corsEnabled && !isControlRequest(request) && (corsOrigin === undefined || corsOrigin.includes(origin))),
    clientErrorHandler,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A client that stops sending mid-request is cut off after 30 s instead of holding a socket forever;
    // Node checks every 5 s. A missing Host header is tolerated rather than answered with Node's empty 400.
    requestTimeout,
    http: { connectionsCheckingInterval: 5_000, requireHostHeader: false },
    // Requests that arrive on open connections during shutdown are served, not answered 503.
    return503OnClosing: false,
    // The route schemas are TypeBox's, known good: Ajv does not check them against the JSON Schema meta-schema, which
    // built its validator on a request's first use of the Ajv instance (issue 13: the first create-key request took
    // 75-110 ms after the start, 48-60 ms without it; 5 starts each).
    ajv: { customOptions: { coerceTypes: false, validateSchema: false } },
    schemaController: { compilersFactory }
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(gracefulClose)
  // Before CORS: a route takes the error handler in force when it is added, @fastify/cors's preflight route too.
  await app.register(errors)
  // The control API is for test code, not pages: its routes turn CORS off (routes/control.ts).
  if (corsEnabled) {
    app.addHook('onRoute', echoPreflightMethod)
    await app.register(cors, corsOptions(corsOrigin))
    // A preflight for a control API path (percent-encoded or not, with or without the control API) is an unknown
    // route with no CORS headers, as any request there gets none: these routes win over @fastify/cors's `*`.
    for (const url of [CONTROL_PREFIX, `${CONTROL_PREFIX}/*`]) {
      app.options(url, { config: { cors: false }, schema: { hide: true } }, (_request, reply) => reply.callNotFound())
    }
  }
  await app.register(jsonBody)
  await app.register(store, { fixtures, seed })
  if (watchFixtures !== undefined) await app.register(fixtureWatch, { path: watchFixtures, fixtures, adminToken })
  await app.register(journal, { size: journalSize })
  await app.register(auth)
  await app.register(faults)
  await app.register(openapi, { version: VERSION })

  await app.register(healthRoutes)
  await app.register(openapiRoutes)
  await app.register(apikeyRoutes)
  await app.register(repoRoutes)
  await app.register(docsRoutes)
  if (admin) await app.register(controlRoutes, { prefix: CONTROL_PREFIX, adminToken })
  return app
}
