// A floor for `npm run bench`: a minimal Fastify app with the create-key route and its schemas, and nothing else (no
// auth, store, logging or hooks). `node minimal-fastify.mjs <port>`. Any other path answers 404; GET /health 200.
import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'

const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'
/** A nanoid-style id of `size` characters from one randomBytes call, as the randomBytes reference does. */
function id (size) {
  const b = randomBytes(size)
  let out = ''
  for (let i = 0; i < size; i++) out += ALPHABET[b[i] & 63]
  return out
}

const app = Fastify()
app.get('/health', async () => ({ status: 'ok' }))
app.post('/repo/:repoId/apikey', {
  schema: {
    params: { type: 'object', properties: { repoId: { type: 'string' } }, required: ['repoId'] },
    body: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, accessType: { enum: ['READ', 'WRITE', 'ADMIN'] } },
      required: ['name', 'accessType']
    },
    response: {
      200: { type: 'object', properties: { success: { type: 'boolean' }, id: { type: 'string' }, key: { type: 'string' }, secret: { type: 'string' } } }
    }
  }
}, async () => ({ success: true, id: id(21), key: id(32), secret: id(43) }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0)) })
