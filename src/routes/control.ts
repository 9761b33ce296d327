// The control API under /__mock: what a test needs to put the mock in a known state and back.
import crypto from 'node:crypto'
import swagger from '@fastify/swagger'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ActionResponseSchema } from '../schemas/apikey.js'
import { EXAMPLE_REPO, FixturesSchema, type Fixtures } from '../schemas/fixtures.js'
import { ErrorResponseSchema, errorResponses, jsonResponse, plainJson, ref } from '../schemas/common.js'
import {
  CONTROL_PREFIX, CONTROL_SCHEMAS, CONTROL_TAG, MAX_DELAY_MS, MAX_FAULT_RULES, FaultAddedSchema, FaultListSchema, FaultParamsSchema, FaultRuleInputSchema,
  JournalQuerySchema, JournalResponseSchema, type FaultRuleInput
} from '../schemas/control.js'
import { adminTokenClash, validateFixtures, type FixtureError } from '../fixtures.js'
import { AdminForbiddenError, ControlValidationError, FaultNotFoundError, InvalidTokenError, UnauthorizedError } from '../errors.js'
import { VERSION } from '../version.js'
import { parseAuthorization, tokenDigest } from '../bearer.js'
import { isOwnPath } from '../request-target.js'
import { INFO_CONTACT_LICENSE, pruneComponents, type OpenapiObject } from '../plugins/openapi.js'

/** Options of the control routes. */
export interface ControlOptions {
  /** The bearer token the control API requires; undefined leaves it open, like the rest of a local mock. */
  adminToken?: string
}

/** Largest PUT /__mock/state body, in bytes. */
const STATE_BODY_LIMIT = 16 * 1024 * 1024

/** Whether a value can be serialized as JSON (a deeply nested one overflows the stack). */
function sendable (value: unknown): boolean {
  try {
    JSON.stringify(value)
    return true
  } catch {
    return false
  }
}

const EXAMPLE_STATE: Fixtures = {
  tokens: [{ token: 'dev-token', repos: '*' }],
  repos: [{
    ...EXAMPLE_REPO,
    apiKeys: [{ id: 'key-photos-reader', name: 'gallery reader', accessType: 'READ', key: 'fbk_photos_reader_0001', createdAt: '2026-01-16T10:00:00.000Z' }]
  }]
}

/**
 * Routes of the control API, registered with the prefix `/__mock` (app.ts), in a context of their own:
 * - `POST /__mock/reset`: restores the fixture state, in one synchronous step; 200 `{ success, message }`.
 * - `GET /__mock/state`: the current state in the fixture file format (tokens, repos, keys); saved as a
 *   fixture file, or sent back to `PUT /__mock/state`, it gives the same state.
 * - `PUT /__mock/state`: replaces the state with a fixture document, checked exactly like a fixture file;
 *   a bad one is a 400 FBM_VALIDATION naming the JSON path (`body: $.repos[0].storageType must be one of …`),
 *   and the old state stays.
 * - `GET /__mock/openapi.json`: the control API's own OpenAPI document, public; the main one leaves it out.
 * With an admin token, every other route needs `Authorization: Bearer <admin token>`: none or another scheme
 * is a 401 FBM_UNAUTHORIZED, an unknown token a 401 FBM_INVALID_TOKEN, a fixture token a 403 FBM_FORBIDDEN.
 * The token is compared as a SHA-256 digest with `timingSafeEqual`, and never logged (app.ts redacts it).
 * No route here sends CORS headers.
 */
const controlRoutes: FastifyPluginAsyncTypebox<ControlOptions> = async (app, { adminToken }) => {
  // No CORS here (@fastify/cors reads the route config): the control API is for test code, not pages, so no page on
  // another origin can read the state (every token) or replace it on a developer's machine.
  app.addHook('onRoute', (route) => { route.config = { ...route.config, cors: false } })
  const security = adminToken === undefined ? [] : [{ adminBearer: [] }]
  for (const schema of CONTROL_SCHEMAS) app.addSchema(schema)
  await app.register(swagger, {
    decorator: 'controlSwagger',
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'flashback-mock control API',
        version: VERSION,
        ...INFO_CONTACT_LICENSE,
        description: `Controls the mock from tests, under ${CONTROL_PREFIX}. Not part of the Flashback API: the main document (/openapi.json) leaves it out. Open unless the mock was started with --admin-token; removed with --no-admin.`
      },
      servers: [{ url: '/', description: 'The flashback-mock server that serves this document' }],
      tags: [{ name: CONTROL_TAG, description: 'Reset and replace the mock\'s state, read the request journal, inject faults' }],
      components: {
        securitySchemes: { adminBearer: { type: 'http', scheme: 'bearer', description: 'The admin token given with --admin-token or FLASHBACK_MOCK_ADMIN_TOKEN.' } }
      }
    },
    refResolver: { buildLocalReference: (json) => String(json.$id) },
    transformObject: (document) => pruneComponents((document as { openapiObject: OpenapiObject }).openapiObject) as never
  })

  if (adminToken !== undefined) {
    const admin = tokenDigest(adminToken)
    app.addHook('onRequest', async (request) => {
      if (!request.routeOptions.schema?.security?.some((scheme) => 'adminBearer' in scheme)) return
      const { scheme, credentials } = parseAuthorization(request.headers.authorization)
      if (scheme.toLowerCase() !== 'bearer') throw new UnauthorizedError('The control API needs "Authorization: Bearer <admin token>"')
      if (crypto.timingSafeEqual(tokenDigest(credentials), admin)) return
      if (app.store.tokens().some((t) => t.token === credentials)) throw new AdminForbiddenError()
      throw new InvalidTokenError('Unknown bearer token: the control API needs the admin token')
    })
  }

  const common = { tags: [CONTROL_TAG], security }
  app.post('/reset', {
    schema: {
      ...common,
      operationId: 'reset',
      summary: 'Restore the fixture state',
      description: 'Restores the state the mock started with (the fixture file), clears the request journal and the fault rules, and restarts the seeded generator and clock (--seed), in one step no concurrent request can observe half-done.',
      response: {
        200: jsonResponse(ActionResponseSchema, 'State restored', { success: true, message: 'State reset to the fixtures' }),
        ...errorResponses([401, 403])
      }
    }
  }, async () => {
    app.store.reset()
    app.journal.clear()
    app.faults.reset()
    return { success: true as const, message: 'State reset to the fixtures' }
  })

  app.get('/state', {
    serializerCompiler: plainJson,
    schema: {
      ...common,
      operationId: 'getState',
      summary: 'The current state, as a fixture document',
      description: 'Tokens, repos and their API keys in the fixture file format. Saved as a file, or sent to PUT /__mock/state, it gives the same state.',
      response: { 200: jsonResponse(FixturesSchema, 'The current state', EXAMPLE_STATE), ...errorResponses([401, 403]) }
    }
  }, async () => app.store.snapshot())

  app.put('/state', {
    // Checked by validateFixtures below, like a fixture file, so the message gives the JSON path.
    validatorCompiler: () => () => true,
    // Whatever GET /__mock/state returns must fit back in, though the API's own bodies stop at 1 MiB.
    bodyLimit: STATE_BODY_LIMIT,
    schema: {
      ...common,
      operationId: 'setState',
      summary: 'Replace the state with a fixture document',
      description: `Checked exactly like a fixture file (schema and cross-references). A bad document is a 400 naming the JSON path, and the old state stays. No fixture token may equal the admin token. Bodies up to ${STATE_BODY_LIMIT / 1024 / 1024} MiB. The seeded generator and clock (--seed) restart, as on a reset; the journal and the fault rules stay.`,
      body: ref(FixturesSchema),
      response: {
        200: jsonResponse(ActionResponseSchema, 'State replaced', { success: true, message: 'State replaced' }),
        ...errorResponses([400, 401, 403, 413, 415], { 400: { success: false, message: 'body: $.repos[0].storageType must be one of S3, GCS, BLOB', code: 'FBM_VALIDATION' } })
      }
    }
  }, async (request) => {
    if (request.body === undefined) throw new ControlValidationError('Request body is required: send a fixture document with Content-Type: application/json')
    let fixtures: Fixtures
    try {
      fixtures = validateFixtures(request.body, 'body')
    } catch (err) {
      throw new ControlValidationError((err as FixtureError).message)
    }
    const clash = adminTokenClash(fixtures, adminToken)
    if (clash !== undefined) throw new ControlValidationError(`body: ${clash} is the admin token; an API token must be another`)
    app.store.replace(fixtures)
    return { success: true as const, message: 'State replaced' }
  })

  app.get('/requests', {
    serializerCompiler: plainJson,
    schema: {
      ...common,
      operationId: 'getRequests',
      summary: 'The request journal',
      description: 'The most recent requests to the emulated API (not /__mock, /health or /openapi.*), oldest first, filtered by method, path (exact, or a route pattern such as /repo/{repoId}/apikey) and status, then the last `limit`. Bounded by --journal-size (default 1000; 0 turns it off). Authorization headers are a scheme and a fingerprint; every "secret" field is redacted.',
      querystring: JournalQuerySchema,
      response: {
        200: jsonResponse(JournalResponseSchema, 'Matching requests', {
          success: true,
          total: 1,
          requests: [{
            id: 1,
            timestamp: '2026-03-01T12:00:00.000Z',
            method: 'POST',
            url: '/repo/repo-photos/apikey',
            path: '/repo/repo-photos/apikey',
            route: '/repo/{repoId}/apikey',
            params: { repoId: 'repo-photos' },
            query: {},
            headers: { authorization: 'Bearer sha256:4f1c2a9e', 'content-type': 'application/json' },
            body: { name: 'ci-uploader', accessType: 'WRITE' },
            status: 200,
            response: { success: true, id: 'V1StGXR8_Z5jdHi6B-myT', key: 'Xk3vT0b9Qm2Lw8Rr5Yp1Zs7Nc4Hd6Jf0', secret: '[redacted]' },
            durationMs: 1.2
          }]
        }),
        ...errorResponses([400, 401, 403], { 400: { success: false, message: 'querystring/status must match pattern "^(0|[1-5][0-9][0-9])$"', code: 'FBM_VALIDATION' } })
      }
    }
  }, async (request) => {
    const { method, path, status, limit } = request.query
    return {
      success: true as const,
      ...app.journal.list({ method, path, status: status === undefined ? undefined : Number(status), limit: limit === undefined ? undefined : Number(limit) })
    }
  })

  app.delete('/requests', {
    schema: {
      ...common,
      operationId: 'clearRequests',
      summary: 'Clear the request journal',
      response: { 200: jsonResponse(ActionResponseSchema, 'Journal cleared', { success: true, message: 'Request journal cleared' }), ...errorResponses([401, 403]) }
    }
  }, async () => {
    app.journal.clear()
    return { success: true as const, message: 'Request journal cleared' }
  })

  app.post('/faults', {
    schema: {
      ...common,
      operationId: 'addFault',
      summary: 'Add a fault rule',
      description: `Requests to the emulated API that match method and path (exact, or a route pattern) are delayed by delayMs, then dropped (the socket destroyed, no answer) or answered with status and body, or let through. Rules apply after auth and validation, to known routes only (never to /__mock, /health, /openapi.*, /docs or CORS preflights), so a 401, 403, 404 or 400 the client should get is never hidden; they replace the handler. They are tried in the order added; the first that fires wins. times counts down, then the rule expires; probability draws from the seeded source when --seed is set. Reset clears the rules and counts ids from fault-1 again. delayMs is at most ${MAX_DELAY_MS} ms; at most ${MAX_FAULT_RULES} rules. A request whose client hangs up during the delay still runs when the delay ends (a create creates) and is then journaled with status 0. Unknown fields are a 400, and so are a path that no route of the emulated API matches (a route pattern, or a path one matches) and a method no route at that path takes: such a rule could never fire.`,
      body: ref(FaultRuleInputSchema),
      response: {
        200: jsonResponse(FaultAddedSchema, 'The rule added', {
          success: true,
          fault: { id: 'fault-1', method: 'POST', path: '/repo/{repoId}/apikey', status: 503, times: 2, hits: 0 }
        }),
        ...errorResponses([400, 401, 403, 415], { 400: { success: false, message: 'body/delay is not a fault rule field; expected method, path, status, body, delayMs, drop, times, probability', code: 'FBM_VALIDATION' } })
      }
    }
  }, async (request) => {
    const body = request.body as FaultRuleInput & Record<string, unknown>
    const fields = Object.keys(FaultRuleInputSchema.properties)
    const unknown = Object.keys(body).find((name) => !fields.includes(name))
    if (unknown !== undefined) throw new ControlValidationError(`body/${unknown} is not a fault rule field; expected ${fields.join(', ')}`)
    if (body.body !== undefined && body.status === undefined) throw new ControlValidationError('body/body needs body/status: it is the body of that answer')
    if (body.status === undefined && body.delayMs === undefined && body.drop !== true) throw new ControlValidationError('body must have status, delayMs or drop: true; a rule that does nothing is a mistake')
    if (body.drop === true && body.status !== undefined) throw new ControlValidationError('body/drop and body/status exclude each other: a dropped connection has no answer')
    if (body.path !== undefined && isOwnPath(body.path)) throw new ControlValidationError(`body/path ${body.path} is the mock's own route, which fault rules never touch`)
    const unreachable = app.faultTargetProblem(body)
    if (unreachable !== undefined) throw new ControlValidationError(unreachable)
    if (!sendable(body.body)) throw new ControlValidationError('body/body is nested too deeply to send')
    if (app.faults.size() >= MAX_FAULT_RULES) throw new ControlValidationError(`at most ${MAX_FAULT_RULES} fault rules at once: remove some first`)
    return { success: true as const, fault: app.faults.add(body) }
  })

  app.get('/faults', {
    schema: {
      ...common,
      operationId: 'getFaults',
      summary: 'The fault rules in force',
      response: {
        200: jsonResponse(FaultListSchema, 'The rules, in the order they are tried', {
          success: true,
          faults: [{ id: 'fault-1', path: '/repo/{repoId}/apikey', delayMs: 250, hits: 3 }]
        }),
        ...errorResponses([401, 403])
      }
    }
  }, async () => ({ success: true as const, faults: app.faults.list() }))

  app.delete('/faults/:id', {
    schema: {
      ...common,
      operationId: 'deleteFault',
      summary: 'Remove a fault rule',
      params: FaultParamsSchema,
      response: {
        200: jsonResponse(ActionResponseSchema, 'Rule removed', { success: true, message: 'Fault rule fault-1 removed' }),
        ...errorResponses([401, 403, 414]),
        404: jsonResponse(ErrorResponseSchema, 'No fault rule with this id', { success: false, message: 'Fault rule "fault-9" not found', code: 'FBM_FAULT_NOT_FOUND' })
      }
    }
  }, async (request) => {
    if (!app.faults.remove(request.params.id)) throw new FaultNotFoundError(request.params.id)
    return { success: true as const, message: `Fault rule ${request.params.id} removed` }
  })

  app.delete('/faults', {
    schema: {
      ...common,
      operationId: 'clearFaults',
      summary: 'Remove every fault rule',
      response: { 200: jsonResponse(ActionResponseSchema, 'Rules removed', { success: true, message: 'Fault rules cleared' }), ...errorResponses([401, 403]) }
    }
  }, async () => {
    app.faults.clear()
    return { success: true as const, message: 'Fault rules cleared' }
  })

  app.get('/openapi.json', { schema: { hide: true, security: [] } }, async () => app.controlSwagger())
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The control API's OpenAPI document (inside the control context only). */
    controlSwagger: FastifyInstance['swagger']
  }
}

export default controlRoutes
