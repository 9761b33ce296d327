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
