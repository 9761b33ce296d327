// Stand-in dev server (no dependencies): serves index.html on --host/--port, like `vite --host --port`.
const { createServer } = require('node:http')
const { readFileSync } = require('node:fs')
const { parseArgs } = require('node:util')
const { join } = require('node:path')

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '5173' } } })
const page = readFileSync(join(__dirname, 'index.html'), 'utf8').replace('%API_URL%', process.env.VITE_FLASHBACK_API_URL ?? 'http://localhost:3000')
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page))
server.listen(Number(values.port), values.host, () => console.log(`frontend on http://${values.host}:${values.port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
