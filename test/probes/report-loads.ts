// Preload for CLI tests (node --import): writes `imported <url>` on stderr for every module the process imports
// through ESM (the bundle's chunks, external packages), so a test can tell what a start loads and what a first
// request loads later.
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'

// Module hooks run on a thread of their own: they post each URL here, and this thread writes it.
const { port1, port2 } = new MessageChannel()
port1.on('message', (url: string) => { process.stderr.write(`imported ${url}\n`) })
port1.unref()
const hooks = `
let port
export async function initialize (data) { port = data.port }
export async function resolve (specifier, context, next) {
  const result = await next(specifier, context)
  port.postMessage(result.url)
  return result
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] })
