// The request journal: the most recent requests to the emulated API, in a bounded ring buffer.
import type { JournalEntry, JournalQuery } from './schemas/control.js'
import { openApiRoute, pathMatches, pathOf } from './request-target.js'

/**
 * A request as the journal takes it, as the request has it: recording it is a few assignments, and the entry
 * `GET /__mock/requests` shows is made when read (issue 13: copying and redacting the headers, and formatting the
 * target, when recording was about a sixth of a create-key request's CPU time). The body and the answer are JSON
 * text, the arrival time ms since the epoch.
 */
export interface RecordedRequest {
  startedAtMs: number
  method: string
  /** Path and query, as sent. */
  url: string
  /** The route pattern the router matched, in Fastify's spelling (`/repo/:repoId/apikey`); null for an unknown route. */
  route: string | null
  params: Record<string, string>
  query: Record<string, unknown>
  /** The headers as sent: the journal's `showHeaders` redacts them when they are read. */
  headers: Record<string, unknown>
  bodyJson: string | undefined
  status: number
  responseJson: string | undefined
  /** Id of the fault rule that fired on the request, if one did. */
  fault: string | undefined
  durationMs: number
}

/**
 * A time in ms rounded to the µs, as the journal's `durationMs` and the request line's `responseTimeMs` show it:
 * Fastify's `elapsedTime` has 16 digits, which no one reads (`0.846`, not `0.8457459999990533`).
 * @param ms a duration in ms
 * @returns the same duration in ms, with at most 3 decimals
 */
export function toMicroseconds (ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/** Longest body or answer the journal keeps, in bytes of JSON text (64 KiB); a longer one is shown as a note. */
export const MAX_RECORDED_JSON = 64 * 1024

/** JSON text as the journal keeps it: as it is up to `MAX_RECORDED_JSON` characters, else a JSON string saying so. */
const capped = (json: string | undefined): string | undefined => json === undefined || json.length <= MAX_RECORDED_JSON
  ? json
  : JSON.stringify(`[not recorded: ${json.length} characters, over the journal's ${MAX_RECORDED_JSON}]`)

/**
 * Parses JSON text with every `secret` field, at any depth, replaced by "[redacted]"; text that is not JSON (a body
 * answered 400 FBM_INVALID_JSON), or nested too deeply to walk, is shown as a note instead, never as raw text,
 * which could hold a secret.
 */
function parseRedacted (json: string): unknown {
  try {
    return JSON.parse(json, (key, v: unknown) => key === 'secret' ? '[redacted]' : v)
  } catch (err) {
    return err instanceof SyntaxError ? '[not recorded: not valid JSON]' : '[not recorded: nested too deeply to show]'
  }
}

/** A recorded request with its id, its body and answer as kept (`capped`): the text as sent is not held. */
interface Stored {
  id: number
  request: RecordedRequest
}

/** Where a stored request was aimed, as the path filter matches it. */
const targetOf = ({ request }: Stored): { path: string, route: string | null } =>
  ({ path: pathOf(request.url), route: request.route === null ? null : openApiRoute(request.route) })

/** A bounded record of requests; memory stays flat however many pass (at most size × 2 × 64 KiB of bodies). */
export interface Journal {
  /** Keeps a request (the journal assigns its id), dropping the oldest when full; a no-op when the size is 0. */
  record (request: RecordedRequest): void
  /** Entries matching every filter given, oldest first, the last `limit` of them, and how many matched. */
  list (query: JournalQuery): { total: number, requests: JournalEntry[] }
  /** Forgets every entry; ids keep counting. */
  clear (): void
}

/**
 * Builds an empty journal.
 * @param size how many entries to keep; 0 keeps none
 * @param showHeaders a recorded request's headers as an entry shows them (the journal plugin's redacts credentials)
 */
export function createJournal (size: number, showHeaders: (headers: Record<string, unknown>) => Record<string, unknown> = (headers) => headers): Journal {
  const ring: Stored[] = []
  let next = 0
  let lastId = 0
  const matches = (e: Stored, { method, path, status }: JournalQuery): boolean =>
    (method === undefined || e.request.method === method.toUpperCase()) &&
    (path === undefined || pathMatches(path, targetOf(e))) &&
    (status === undefined || e.request.status === status)
  /** A stored request as `GET /__mock/requests` shows it: ISO timestamp, parsed body and answer, secrets redacted. */
  const entryOf = (e: Stored): JournalEntry => {
    const { startedAtMs, method, url, params, query, headers, status, fault, durationMs } = e.request
    return {
      id: e.id,
      timestamp: new Date(startedAtMs).toISOString(),
      method,
      url,
      ...targetOf(e),
      params,
      query,
      headers: showHeaders(headers),
      ...(e.request.bodyJson === undefined ? {} : { body: parseRedacted(e.request.bodyJson) }),
      status,
      ...(e.request.responseJson === undefined ? {} : { response: parseRedacted(e.request.responseJson) }),
      ...(fault === undefined ? {} : { fault }),
      durationMs: toMicroseconds(durationMs)
    }
  }
  return {
    record (request) {
      if (size === 0) return
      // A copy with the capped texts: holding `request` itself would hold a body or answer of any size (a list of
      // 10,000 keys is about 1 MB: 300 of them held 760 MB).
      ring[next] = { id: ++lastId, request: { ...request, bodyJson: capped(request.bodyJson), responseJson: capped(request.responseJson) } }
      next = (next + 1) % size
    },
    list (query) {
      // Oldest first: once full, the oldest entry is where the next one will go.
      const ordered = [...ring.slice(next), ...ring.slice(0, next)]
      const found = ordered.filter((e) => matches(e, query))
      return { total: found.length, requests: (query.limit === undefined ? found : found.slice(-query.limit)).map(entryOf) }
    },
    clear () {
      ring.length = 0
      next = 0
    }
  }
}
