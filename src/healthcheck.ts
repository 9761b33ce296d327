// The container's HEALTHCHECK: GET /health at $HOST:$PORT (loopback when HOST means every interface);
// exit 0 on a 200, else print why on stderr (docker inspect shows it) and exit 1.
// node:http rather than fetch, which costs about twice the CPU per check; slim images have no curl.
import { get } from 'node:http'

const WILDCARDS = new Set(['', '0.0.0.0', '::'])

function unhealthy (reason: string): never {
  process.stderr.write(`flashback-mock healthcheck: ${reason}\n`)
  process.exit(1)
}

// Empty variables count as unset, as in the CLI.
const host = WILDCARDS.has(process.env.HOST ?? '') ? '127.0.0.1' : String(process.env.HOST)
const rawPort = process.env.PORT || '3000'
if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) unhealthy(`PORT "${rawPort}" is not a port number`)
const url = `http://${host.includes(':') ? `[${host}]` : host}:${rawPort}/health`

get({ host, port: Number(rawPort), path: '/health', timeout: 2000 }, (res) => res.statusCode === 200 ? process.exit(0) : unhealthy(`${url} answered ${res.statusCode}`))
  .on('timeout', () => unhealthy(`${url} did not answer within 2 s`))
  .on('error', (err) => unhealthy(`${url} failed: ${err.message}`))
