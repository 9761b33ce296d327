// The load generator of `npm run bench`, in a process of its own so it never shares a CPU queue with the server's
// event loop: `node load.mjs '<autocannon options as JSON>'` prints autocannon's result as one JSON line.
import autocannon from 'autocannon'

const result = await autocannon(JSON.parse(process.argv[2]))
process.stdout.write(JSON.stringify({
  requests: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  p999: result.latency.p99_9 ?? result.latency.p999,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: result.statusCodeStats
}) + '\n')
