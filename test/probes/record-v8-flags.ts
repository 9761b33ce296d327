// Preload for CLI tests (node --import): records the V8 flags the CLI sets with v8.setFlagsFromString, and writes them
// on stderr twice: `test-v8-flags-listening <JSON>` once a server starts listening, and `test-v8-flags-answering
// <JSON>` as the first request comes in.
import v8 from 'node:v8'
import { Server } from 'node:net'
import { Server as HttpServer } from 'node:http'

const flags: string[] = []
const setFlags = v8.setFlagsFromString
v8.setFlagsFromString = (flag: string) => {
  flags.push(flag)
  setFlags(flag)
}

const report = (moment: string): void => { process.stderr.write(`test-v8-flags-${moment} ${JSON.stringify(flags)}\n`) }
// Once each: on localhost the CLI listens twice (127.0.0.1, then ::1 on the same port).
let listening = false
const listen = Server.prototype.listen
Server.prototype.listen = function (this: Server, ...args: unknown[]) {
  this.once('listening', () => {
    if (!listening) report('listening')
    listening = true
  })
  return listen.apply(this, args as Parameters<typeof listen>)
} as typeof listen
let answering = false
const emit = HttpServer.prototype.emit
HttpServer.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
  if (event === 'request' && !answering) {
    answering = true
    report('answering')
  }
  return emit.apply(this, [event, ...args] as Parameters<typeof emit>)
} as typeof emit
