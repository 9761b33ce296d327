// A raw TCP client for what fetch cannot send: malformed requests, held bodies, pipelining.
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { waitUntil, within } from './helper.js'

/** A raw connection to a listening server, with everything it has received so far. */
export interface RawConnection {
  socket: Socket
  /** The bytes received so far, as text. */
  received (): string
  /** Resolves with everything received once the server closes the connection; fails after `ms`. */
  closed (ms?: number): Promise<string>
  /** Resolves once what was received matches `pattern`; fails after `ms`. */
  waitFor (pattern: RegExp, ms?: number): Promise<string>
}

/**
 * Opens a connection to `url` (only its host and port are used) and writes `bytes`, if given. A reset by
 * the server is an expected ending here (a forced exit), not an error.
 */
export async function rawConnect (url: string, bytes?: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''))
  let text = ''
  socket.on('data', (chunk) => { text += chunk })
  socket.on('error', () => {})
  const ended = once(socket, 'close')
  await within(once(socket, 'connect'), 10_000, `a connection to ${url}`)
  if (bytes !== undefined) socket.write(bytes)
  return {
    socket,
    received: () => text,
    async closed (ms = 20_000) {
      await within(ended, ms, 'the server to close the connection', () => text)
      return text
    },
    async waitFor (pattern, ms = 20_000) {
      return waitUntil(socket, 'data', () => pattern.test(text) ? text : undefined, { ms, what: `an answer matching ${pattern}`, seen: () => text })
    }
  }
}

/** Sends raw bytes on a new connection; resolves with everything the server wrote before it closed. */
export async function rawRequest (url: string, bytes: string): Promise<string> {
  return (await rawConnect(url, bytes)).closed()
}

/** The JSON body of the last answer in raw HTTP/1.1 text. */
export const rawBody = (answer: string): unknown => JSON.parse(answer.split('\r\n\r\n').at(-1) as string)

/**
 * Counts the answers whose status line starts with `statusLine` (e.g. "HTTP/1.1 200 ") as they arrive on a
 * socket, without keeping them: for long pipelined runs. A status line split across two chunks counts once.
 * @returns a function giving the count so far
 */
export function countAnswers (socket: Socket, statusLine: string): () => number {
  let answered = 0
  let tail = ''
  socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1')
    answered += text.split(statusLine).length - 1
    tail = text.slice(-(statusLine.length - 1))
  })
  return () => answered
}
