// Names and schemas of the control API, shared with the main OpenAPI document, which must leave the control API out.
import { Type, type Static } from '@sinclair/typebox'

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
  body: Type.Optional(Type.Unknown({ description: 'Parsed JSON body, if any, with every "secret" field redacted.' })),
  status: Type.Integer({ description: 'Status of the answer.' }),
  response: Type.Optional(Type.Unknown({ description: 'JSON body of a 2xx answer, with every "secret" field redacted.' })),
  durationMs: Type.Number({ description: 'Time to answer, in ms.' })
}, { $id: 'JournalEntry', description: 'A request the mock received.' })

/** A journal entry. */
export type JournalEntry = Static<typeof JournalEntrySchema>

/** Filters of `GET /__mock/requests`, combined with AND. Numbers come as query strings: types are strict here. */
export const JournalQuerySchema = Type.Object({
  method: Type.Optional(Type.String({ description: 'Only this method (case-insensitive).' })),
  path: Type.Optional(Type.String({ description: 'Only this exact path, or this route pattern, e.g. /repo/{repoId}/apikey.' })),
  status: Type.Optional(Type.String({ pattern: '^[1-5][0-9][0-9]$', description: 'Only answers with this status, e.g. 404.' })),
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
