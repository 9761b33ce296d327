// The request journal: the most recent requests to the emulated API, in a bounded ring buffer.
import type { JournalEntry, JournalQuery } from './schemas/control.js'
import { pathMatches } from './request-target.js'

/**
 * A request as the journal takes it: the body and the answer as JSON text, and the arrival time in ms since the
 * epoch. Recording stays cheap; they are parsed, redacted and formatted only when read.
 */
export type RecordedRequest = Omit<JournalEntry, 'id' | 'timestamp' | 'body' | 'response'> & {
  startedAtMs: number
  bodyJson?: string
  responseJson?: string
}

/** Longest body or answer the journal keeps, in bytes of JSON text (64 KiB); a longer one is shown as a note. */
export const MAX_RECORDED_JSON = 64 * 1024

/** JSON text as the journal keeps it: as it is up to `MAX_RECORDED_JSON` characters, else a JSON string saying so. */
const capped = (json: string | undefined): string | undefined => json === undefined || json.length <= MAX_RECORDED_JSON
  ? json
  : JSON.stringify(`[not recorded: ${json.length} characters, over the journal's ${MAX_RECORDED_JSON}]`)

/**
 * Parses JSON text with every `secret` field, at any depth, replaced by "[redacted]"; text nested too deeply
 * to walk is shown as a note instead, never as raw text.
 */
function parseRedacted (json: string): unknown {
  try {
    return JSON.parse(json, (key, v: unknown) => key === 'secret' ? '[redacted]' : v)
  } catch {
    return '[not recorded: nested too deeply to show]'
  }
}

type Stored = RecordedRequest & { id: number }

/** A stored request as `GET /__mock/requests` shows it: ISO timestamp, parsed body and answer, secrets redacted. */
const entryOf = ({ id, startedAtMs, bodyJson, responseJson, ...rest }: Stored): JournalEntry => ({
  id,
  timestamp: new Date(startedAtMs).toISOString(),
  ...rest,
  ...(bodyJson === undefined ? {} : { body: parseRedacted(bodyJson) }),
  ...(responseJson === undefined ? {} : { response: parseRedacted(responseJson) })
})

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
 */
export function createJournal (size: number): Journal {
  const ring: Stored[] = []
  let next = 0
  let lastId = 0
  const matches = (e: Stored, { method, path, status }: JournalQuery): boolean =>
    (method === undefined || e.method === method.toUpperCase()) &&
    (path === undefined || pathMatches(path, e)) &&
    (status === undefined || e.status === status)
  return {
    record (entry) {
      if (size === 0) return
      ring[next] = { id: ++lastId, ...entry, bodyJson: capped(entry.bodyJson), responseJson: capped(entry.responseJson) }
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
