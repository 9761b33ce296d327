// The request journal: the most recent requests to the emulated API, in a bounded ring buffer.
import type { JournalEntry, JournalQuery } from './schemas/control.js'
import { pathMatches } from './request-target.js'

/** A bounded record of requests; memory stays flat however many pass. */
export interface Journal {
  /** Keeps an entry (without its id, which the journal assigns), dropping the oldest when full; a no-op when the size is 0. */
  record (entry: Omit<JournalEntry, 'id'>): void
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
  const ring: JournalEntry[] = []
  let next = 0
  let lastId = 0
  const matches = (e: JournalEntry, { method, path, status }: JournalQuery): boolean =>
    (method === undefined || e.method === method.toUpperCase()) &&
    (path === undefined || pathMatches(path, e)) &&
    (status === undefined || e.status === status)
  return {
    record (entry) {
      if (size === 0) return
      ring[next] = { id: ++lastId, ...entry }
      next = (next + 1) % size
    },
    list (query) {
      // Oldest first: once full, the oldest entry is where the next one will go.
      const ordered = [...ring.slice(next), ...ring.slice(0, next)]
      const found = ordered.filter((e) => matches(e, query))
      return { total: found.length, requests: query.limit === undefined ? found : found.slice(-query.limit) }
    },
    clear () {
      ring.length = 0
      next = 0
    }
  }
}
