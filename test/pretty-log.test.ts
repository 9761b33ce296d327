// The terminal's log lines: one short line per request, the status coloured.
import t from 'tap'
import { formatMessage } from '../src/pretty-log.js'

const paint = (name: string) => (text: string): string => `<${name}>${text}</${name}>`
const colors = { red: paint('red'), yellow: paint('yellow'), cyan: paint('cyan'), green: paint('green'), magenta: paint('magenta') } as never

t.test('a request line: method, URL, the status in its colour, the time in ms to a tenth', async (t) => {
  const line = (statusCode: number): string => formatMessage({ msg: 'request completed', method: 'GET', url: '/repo', statusCode, responseTimeMs: 1.234 }, colors)
  t.equal(line(200), 'GET /repo <green>200</green> 1.2 ms')
  t.equal(line(304), 'GET /repo <cyan>304</cyan> 1.2 ms')
  t.equal(line(404), 'GET /repo <yellow>404</yellow> 1.2 ms')
  t.equal(line(503), 'GET /repo <red>503</red> 1.2 ms')
  t.equal(line(0), 'GET /repo <magenta>0</magenta> 1.2 ms', 'a connection a fault rule dropped')
  t.equal(formatMessage({ msg: 'request errored', method: 'GET', url: '/repo', statusCode: 500, responseTimeMs: 2 }, colors), 'request errored: GET /repo <red>500</red> 2.0 ms')
})

t.test('other lines: the message, then the request it is about, if any', async (t) => {
  t.equal(formatMessage({ msg: 'fixtures reloaded', repos: 2 }, colors), 'fixtures reloaded')
  t.equal(formatMessage({ msg: 'request received', method: 'POST', url: '/repo/r/apikey' }, colors), 'request received: POST /repo/r/apikey')
})
