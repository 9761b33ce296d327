// The reference of `npm run bench`: a bare node:http server doing the create-key contract's own work, nothing else.
// `node reference-server.mjs random|pooled <fixture file> [port]` prints `listening <port>` on stdout. `random` cuts each id from
// crypto.randomBytes (3 calls per create); `pooled` cuts them from a pooled random buffer, as nanoid does: the
// machine's limit for this work.
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'

const mode = process.argv[2] === 'pooled' ? 'pooled' : 'random'
// The same state as the mock's: the bench's fixture file (repos and their keys).
const fixtures = JSON.parse(readFileSync(process.argv[3], 'utf8'))
const repos = new Map(fixtures.repos.map((repo) => [repo.id, repo.apiKeys ?? []]))
const TOKEN = 'Bearer dev-token'
const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'

let pool = Buffer.alloc(0)
let offset = 0
/** `size` random bytes: one randomBytes call each, or a slice of a 128× pool refilled when used up. */
function bytes (size) {
  if (mode === 'random') return randomBytes(size)
  if (offset + size > pool.length) {
    pool = randomBytes(size * 128)
    offset = 0
  }
  offset += size
  return pool.subarray(offset - size, offset)
}

/** A nanoid-style id of `size` characters. */
function id (size) {
  const b = bytes(size)
  let out = ''
  for (let i = 0; i < size; i++) out += ALPHABET[b[i] & 63]
  return out
}

const ACCESS = new Set(['READ', 'WRITE', 'ADMIN'])

function send (res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text)
}

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    if (req.headers.authorization !== TOKEN) return send(res, 401, { success: false, message: 'Unknown bearer token', code: 'FBM_INVALID_TOKEN' })
    const url = req.url ?? ''
    if (req.method === 'GET' && (url.startsWith('/repo?') || url === '/repo')) {
      const wanted = new URL(url, 'http://x').searchParams.get('repoId')
      const listed = [...repos].filter(([rid]) => wanted === null || rid === wanted)
      return send(res, 200, { success: true, repos: listed.map(([rid, keys]) => ({ id: rid, apiKeys: keys, buckets: [] })) })
    }
    const match = /^\/repo\/([^/]+)\/apikey$/.exec(url)
    const keys = match === null ? undefined : repos.get(match[1])
    if (keys === undefined) return send(res, 404, { success: false, message: 'not found', code: 'FBM_REPO_NOT_FOUND' })
    if (req.method === 'GET') return send(res, 200, { success: true, keys })
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, { success: false, message: 'Request body is not valid JSON', code: 'FBM_INVALID_JSON' })
    }
    if (typeof body.name !== 'string' || body.name.length === 0 || !ACCESS.has(body.accessType)) {
      return send(res, 400, { success: false, message: 'body/accessType must be one of READ, WRITE, ADMIN', code: 'FBM_VALIDATION' })
    }
    const created = { id: id(21), key: id(32), secret: id(43) }
    keys.push({ id: created.id, name: body.name, accessType: body.accessType, key: created.key, createdAt: new Date().toISOString() })
    send(res, 200, { success: true, ...created })
  })
})
server.listen(Number(process.argv[4] ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
