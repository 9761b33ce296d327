// Reading an Authorization header, shared by the API's auth, the control API's admin check and the journal.
import crypto from 'node:crypto'

/**
 * Splits an Authorization header into its scheme and credentials, tolerating extra spaces (RFC 7235).
 * @param header the header value; a missing one gives empty strings
 * @returns e.g. `{ scheme: 'Bearer', credentials: 'dev-token' }`
 */
export function parseAuthorization (header: string | undefined): { scheme: string, credentials: string } {
  const [, scheme = '', credentials = ''] = /^\s*(\S*)\s*(.*?)\s*$/.exec(header ?? '') as string[]
  return { scheme, credentials }
}

/** The SHA-256 digest of a token (32 bytes), for comparisons with `crypto.timingSafeEqual`. */
export const tokenDigest = (token: string): Buffer => crypto.createHash('sha256').update(token).digest()

/** How many Authorization headers a `perHeader` lookup remembers; a client sends few. */
export const REMEMBERED_HEADERS = 64

/**
 * Remembers what `compute` gave for each Authorization header sent lately: the last 64, emptied when full, so memory
 * stays flat whatever headers arrive. A header that makes `compute` throw is not remembered.
 * @param compute what a header comes to; never undefined
 * @returns the lookup: `compute(header)`, computed once while the header is remembered
 */
export function perHeader<V> (compute: (header: string) => V): (header: string) => V {
  const seen = new Map<string, V>()
  return (header) => {
    let value = seen.get(header)
    if (value === undefined) {
      value = compute(header)
      if (seen.size === REMEMBERED_HEADERS) seen.clear()
      seen.set(header, value)
    }
    return value
  }
}
