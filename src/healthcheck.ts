// The container's HEALTHCHECK: GET /health at $HOST:$PORT (loopback when HOST means every interface);
// exit 0 on a 200, else print why on stderr (docker inspect shows it) and exit 1.
import { healthTarget, probeHealth } from './health-probe.js'

/** How long one check waits for an answer, in ms; below the Dockerfile's --timeout=3s. */
const TIMEOUT_MS = 2000

const target = healthTarget(process.env)
const reason = typeof target === 'string' ? target : await probeHealth(target, TIMEOUT_MS)
if (reason !== undefined) process.stderr.write(`flashback-mock healthcheck: ${reason}\n`)
process.exit(reason === undefined ? 0 : 1)
