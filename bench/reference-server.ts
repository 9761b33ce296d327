// The reference of `npm run bench`: a bare node:http server doing the create-key contract's own work, nothing else.
// `node reference-server.js [random|pooled]` prints `listening <port>` on stdout. `random` cuts each id from
// crypto.randomBytes (3 calls per create); `pooled` cuts them from a pooled random buffer, as nanoid does: the
// machine's limit for this work.
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'

const mode = process.argv[2] === 'pooled' ? 'pooled' : 'random'
const TOKEN = 'Bearer dev-token'
const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'

let pool = Buffer.alloc(0)
let offset = 0
/** `size` random bytes: one randomBytes call each, or a slice of a 128× pool refilled when used up. */
function bytes (size: number): Buffer {
  if (mode === 'random') return randomBytes(size)
  if (offset + size > pool.length) {
    pool = randomBytes(size * 128)
    offset = 0
  }
  offset += size
  return pool.subarray(offset - size, offset)
}

/** A nanoid-style id of `size` characters. */
function id (size: number): string {
  const b = bytes(size)
  let out = ''
  for (let i = 0; i < size; i++) out += ALPHABET[(b[i] as number) & 63]
  return out
}

interface Key { id: string, name: string, accessType: string, key: string, createdAt: string }
const repos = new Map<string, Key[]>([['repo-photos', []], ['repo-backups', []]])
const ACCESS = new Set(['READ', 'WRITE', 'ADMIN'])

function send (res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text)
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    if (req.headers.authorization !== TOKEN) return send(res, 401, { success: false, message: 'Unknown bearer token', code: 'FBM_INVALID_TOKEN' })
    const url = req.url ?? ''
    if (req.method === 'GET' && url.startsWith('/repo?') || url === '/repo') {
      return send(res, 200, { success: true, repos: [...repos].map(([rid, keys]) => ({ id: rid, apiKeys: keys, buckets: [] })) })
    }
    const match = /^\/repo\/([^/]+)\/apikey$/.exec(url)
    const keys = match === null ? undefined : repos.get(match[1] as string)
    if (keys === undefined) return send(res, 404, { success: false, message: 'not found', code: 'FBM_REPO_NOT_FOUND' })
    if (req.method === 'GET') return send(res, 200, { success: true, keys })
    let body: { name?: unknown, accessType?: unknown }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, { success: false, message: 'Request body is not valid JSON', code: 'FBM_INVALID_JSON' })
    }
    if (typeof body.name !== 'string' || body.name.length === 0 || !ACCESS.has(body.accessType as string)) {
      return send(res, 400, { success: false, message: 'body/accessType must be one of READ, WRITE, ADMIN', code: 'FBM_VALIDATION' })
    }
    const created = { id: id(21), key: id(32), secret: id(43) }
    keys.push({ id: created.id, name: body.name, accessType: body.accessType as string, key: created.key, createdAt: new Date().toISOString() })
    send(res, 200, { success: true, ...created })
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
