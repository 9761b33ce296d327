// Names and schemas of the control API, shared with the main OpenAPI document, which must leave the control API out.
import { Type, type Static } from '@sinclair/typebox'
import { MAX_PARAM_LENGTH, ref, StringEnum } from './common.js'
import { FixturesSchema } from './fixtures.js'

/** Where the control API lives: a prefix the Flashback API does not use. */
export const CONTROL_PREFIX = '/__mock'

/** URLs (path and query) under the control API's prefix. */
export const CONTROL_URL = new RegExp(`^${CONTROL_PREFIX}(/|\\?|$)`)

/** The OpenAPI tag of every control route; the main document hides routes with this tag. */
export const CONTROL_TAG = 'Mock control'

/** One request to the emulated API, as the request journal keeps it. Secrets are redacted before it is stored. */
export const JournalEntrySchema = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'Sequence number since the server started: later requests have larger ids.' }),
  timestamp: Type.String({ format: 'date-time', description: 'When the request arrived (ISO-8601).' }),
  method: Type.String({ description: 'HTTP method.' }),
  url: Type.String({ description: 'Path and query, as sent.' }),
  path: Type.String({ description: 'Path without the query.' }),
  route: Type.Union([Type.String(), Type.Null()], { description: 'Route pattern, e.g. /repo/{repoId}/apikey; null for an unknown route.' }),
  params: Type.Record(Type.String(), Type.String(), { description: 'Path parameters.' }),
  query: Type.Record(Type.String(), Type.Unknown(), { description: 'Query parameters.' }),
  headers: Type.Record(Type.String(), Type.Unknown(), { description: 'Request headers; authorization is its scheme and a fingerprint (sha256:<8 hex>), never the token.' }),
  body: Type.Optional(Type.Unknown({ description: 'Parsed JSON body, if any, with every "secret" field redacted; a note instead when it is over 64 KiB, nested too deeply or not valid JSON.' })),
  status: Type.Integer({ description: 'Status of the answer; 0 when none went out: a fault rule dropped the connection, or the client hung up during a delay (the request still ran).' }),
  response: Type.Optional(Type.Unknown({ description: 'JSON body of a 2xx answer, with every "secret" field redacted; none for a HEAD, whose answer has no body.' })),
  fault: Type.Optional(Type.String({ description: 'Id of the fault rule that fired on this request, if one did.' })),
  durationMs: Type.Number({ description: 'Time to answer, in ms to the µs (at most 3 decimals).' })
}, { $id: 'JournalEntry', description: 'A request the mock received.' })

/** A journal entry. */
export type JournalEntry = Static<typeof JournalEntrySchema>

/** Filters of `GET /__mock/requests`, combined with AND. Numbers come as query strings: types are strict here. */
export const JournalQuerySchema = Type.Object({
  method: Type.Optional(Type.String({ description: 'Only this method (case-insensitive).' })),
  path: Type.Optional(Type.String({ description: 'Only this exact path, or this route pattern, e.g. /repo/{repoId}/apikey.' })),
  status: Type.Optional(Type.String({ pattern: '^(0|[1-5][0-9][0-9])$', description: 'Only answers with this status, e.g. 404; 0 for requests that got no answer (dropped by a fault rule, or the client hung up during a delay).' })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: 'Only the last N matches (1 or more).' }))
})

/** Journal filters, as the journal takes them. */
export interface JournalQuery {
  method?: string
  path?: string
  status?: number
  limit?: number
}

/** `GET /__mock/requests`: the matching requests, newest last, and how many matched before `limit`. */
export const JournalResponseSchema = Type.Object({
  success: Type.Literal(true),
  total: Type.Integer({ description: 'How many journal entries matched the filters, before limit.' }),
  requests: Type.Array(JournalEntrySchema, { description: 'Matching entries, oldest first.' })
}, { $id: 'JournalResponse', description: 'Requests the mock received, from its request journal.' })

/** Longest delay a fault rule or `Prefer: delay=` may ask for, in ms. */
export const MAX_DELAY_MS = 30_000

/** Most fault rules in force at once. */
export const MAX_FAULT_RULES = 1000

/** Methods of the emulated API, as fault rules name them. */
export const FAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const

/** `POST /__mock/faults`: what to match and what to do. At least one of status, delayMs or drop. */
export const FaultRuleInputSchema = Type.Object({
  method: Type.Optional(StringEnum(FAULT_METHODS, { description: 'Only requests with this method; any when left out.' })),
  path: Type.Optional(Type.String({ pattern: '^/[^?#]*$', maxLength: 2048, description: 'Only this exact path (no query), or this route pattern such as /repo/{repoId}/apikey; any when left out.' })),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'Answer with this status instead of running the route.' })),
  body: Type.Optional(Type.Unknown({ description: 'JSON body of that answer; default the error shape, code FBM_INJECTED_FAULT. Needs status.' })),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS, description: `Wait this long first, in ms (at most ${MAX_DELAY_MS}).` })),
  drop: Type.Optional(Type.Boolean({ description: 'Destroy the socket without an answer, as a network failure would. Not with status.' })),
  times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Fire this many times, then expire; forever when left out.' })),
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Chance of firing on each matching request, from the seeded source when --seed is set; default 1.' }))
}, { $id: 'FaultRuleInput', description: 'A fault rule to add. Unknown fields are refused.' })

/** A fault rule as given. */
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>

/** A fault rule as the mock keeps it: the input, its id, and how often it fired. */
export const FaultRuleSchema = Type.Object({
  id: Type.String({ description: 'Id to delete the rule with, e.g. fault-1.' }),
  ...FaultRuleInputSchema.properties,
  times: Type.Optional(Type.Integer({ minimum: 1, description: 'How many more times it fires; left out when unlimited.' })),
  hits: Type.Integer({ minimum: 0, description: 'How many requests it fired on so far.' })
}, { $id: 'FaultRule', description: 'A fault rule in force.' })

/** A fault rule in force. */
export type FaultRule = Static<typeof FaultRuleSchema>

/** `GET /__mock/faults`: the rules in force, in the order they are tried. */
export const FaultListSchema = Type.Object({
  success: Type.Literal(true),
  faults: Type.Array(ref(FaultRuleSchema))
}, { $id: 'FaultList', description: 'Fault rules in force, in the order they are tried.' })

/** `POST /__mock/faults`: the rule as added. */
export const FaultAddedSchema = Type.Object({
  success: Type.Literal(true),
  fault: ref(FaultRuleSchema)
}, { $id: 'FaultAdded', description: 'The rule added.' })

/** Path parameter of `DELETE /__mock/faults/{id}`. */
export const FaultParamsSchema = Type.Object({ id: Type.String({ maxLength: MAX_PARAM_LENGTH, description: 'Fault rule id.' }) })

/** Every schema the control API registers with `addSchema`; the main OpenAPI document drops their components. */
export const CONTROL_SCHEMAS = [
  FixturesSchema, JournalEntrySchema, JournalResponseSchema, FaultRuleInputSchema, FaultRuleSchema, FaultListSchema, FaultAddedSchema
]
