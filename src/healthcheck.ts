// The container's HEALTHCHECK: GET /health at $HOST:$PORT (loopback when HOST means every interface);
// exit 0 on a 200, else print why on stderr (docker inspect shows it) and exit 1.
// node:http rather than fetch, which costs about twice the CPU per check; slim images have no curl.
import { get } from 'node:http'

const WILDCARDS = new Set(['', '0.0.0.0', '::'])
const host = process.env.HOST ?? ''
const port = Number(process.env.PORT ?? 3000)
const target = { host: WILDCARDS.has(host) ? '127.0.0.1' : host, port, path: '/health', timeout: 2000 }

function unhealthy (reason: string): never {
  process.stderr.write(`flashback-mock healthcheck: http://${target.host}:${port}/health ${reason}\n`)
  process.exit(1)
}

get(target, (res) => res.statusCode === 200 ? process.exit(0) : unhealthy(`answered ${res.statusCode}`))
  .on('timeout', () => unhealthy('did not answer within 2 s'))
  .on('error', (err) => unhealthy(`failed: ${err.message}`))
