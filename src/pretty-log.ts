// The log a person reads on a terminal: pino-pretty, one short line per request, its status in colour.
import pinoPretty from 'pino-pretty'
import type { DestinationStream } from 'pino'

type Colors = Parameters<Extract<NonNullable<pinoPretty.PrettyOptions['messageFormat']>, (...args: never[]) => unknown>>[3]['colors']

/** The colour of a status: 2xx green, 3xx cyan, 4xx yellow, 5xx red, 0 (a dropped connection) magenta. */
function statusColour (colors: Colors, status: number): (text: string) => string {
  if (status >= 500) return colors.red
  if (status >= 400) return colors.yellow
  if (status >= 300) return colors.cyan
  if (status >= 200) return colors.green
  return colors.magenta
}

/** Fields the message already shows, left out of the line's tail. */
const SHOWN = ['method', 'url', 'statusCode', 'responseTimeMs']

/**
 * The message of one log line: a request line as `GET /repo 200 1.2 ms` (status coloured), another line as its
 * message followed by the method and URL it is about, if any.
 */
export function formatMessage (log: Record<string, unknown>, colors: Colors): string {
  const { method, url, statusCode, responseTimeMs, msg } = log
  if (typeof method !== 'string') return String(msg)
  if (typeof statusCode !== 'number') return `${String(msg)}: ${method} ${String(url)}`
  const line = `${method} ${String(url)} ${statusColour(colors, statusCode)(String(statusCode))} ${Number(responseTimeMs).toFixed(1)} ms`
  return msg === 'request completed' ? line : `${String(msg)}: ${line}`
}

/**
 * A pino destination that writes pretty lines: time, level, then `formatMessage`; other fields follow on the same
 * line as JSON. Redaction happens in pino before this stream, so it never sees a token.
 * @param colorize whether to write ANSI colours (on a terminal that shows them)
 */
export function prettyLogStream (colorize: boolean): DestinationStream {
  return pinoPretty({
    colorize,
    // Written as they come, so the CLI's banner, written to stdout after the ready line, comes after it.
    sync: true,
    singleLine: true,
    translateTime: 'HH:MM:ss.l',
    ignore: ['pid', 'hostname', 'reqId', ...SHOWN].join(','),
    messageFormat: (log, _key, _level, { colors }) => formatMessage(log, colors)
  })
}
