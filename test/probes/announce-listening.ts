// Preload for CLI tests (node --import): when a server starts listening, write `test-listening <port>` on
// stderr, once, so a test can wait for a CLI that logs nothing (LOG_LEVEL=silent).
import { Server, type AddressInfo } from 'node:net'

const listen = Server.prototype.listen
let announced = false
// Once: on localhost the CLI listens twice (127.0.0.1, then ::1 on the same port).
Server.prototype.listen = function (this: Server, ...args: unknown[]) {
  this.once('listening', () => {
    if (!announced) process.stderr.write(`test-listening ${(this.address() as AddressInfo).port}\n`)
    announced = true
  })
  return listen.apply(this, args as Parameters<typeof listen>)
} as typeof listen
