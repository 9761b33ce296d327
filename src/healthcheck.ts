// The container's HEALTHCHECK: GET /health on this machine's loopback at $PORT; exit 0 when it answers 200.
// node:http rather than fetch, which costs about twice the CPU per check; slim images have no curl.
import { get } from 'node:http'

const ipv6 = process.env.HOST?.includes(':') === true
const request = get({
  host: ipv6 ? '::1' : '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  path: '/health',
  timeout: 2000
}, (res) => process.exit(res.statusCode === 200 ? 0 : 1))
request.on('timeout', () => process.exit(1))
request.on('error', () => process.exit(1))
