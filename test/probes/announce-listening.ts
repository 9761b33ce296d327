// Preload for CLI tests (node --import): when a server starts listening, write `test-listening <port>` on
// stderr, so a test can wait for a CLI that logs nothing (LOG_LEVEL=silent).
import { Server, type AddressInfo } from 'node:net'

const listen = Server.prototype.listen
Server.prototype.listen = function (this: Server, ...args: unknown[]) {
  this.once('listening', () => process.stderr.write(`test-listening ${(this.address() as AddressInfo).port}\n`))
  return listen.apply(this, args as Parameters<typeof listen>)
} as typeof listen
