// The load generator of `npm run bench`, in a process of its own so it never shares a CPU queue with the server's
// event loop: `node load.mjs '<autocannon options as JSON>'` prints autocannon's result as one JSON line.
import autocannon from 'autocannon'

// Latency percentiles from each answer's own time, in ms to the ns: autocannon's histogram keeps whole ms only
// (hdr-histogram records integers), so 0.8 ms was 0 and a p99 of 4.9 was 4. At 10 connections the p99s are 4-8 ms,
// and one ms moved a ratio to the reference by 0.2-0.25 (issue 13). Every answer counts, errors included, as in
// autocannon's own figures (excludeErrorStats is off).
const times = []
const instance = autocannon(JSON.parse(process.argv[2]))
instance.on('response', (client, statusCode, bytes, ms) => { times.push(ms) })
const result = await instance
times.sort((a, b) => a - b)
/** The smallest time at least `share` of the answers took no longer than, as hdr-histogram's percentiles are. */
const percentile = (share) => times.length === 0 ? 0 : times[Math.max(0, Math.ceil(share * times.length) - 1)]
process.stdout.write(JSON.stringify({
  requests: result.requests.average,
  total: result.requests.total,
  p50: percentile(0.5),
  p99: percentile(0.99),
  p999: percentile(0.999),
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: result.statusCodeStats
}) + '\n')
