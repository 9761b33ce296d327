// What the command line does (the bin, src/cli.ts, runs it): resolves settings, loads fixtures, listens, and shuts
// down gracefully on signals. The app, Fastify and the shutdown helper are imported only once the settings are good,
// so --help, --version and a bad flag answer without running their code.
import { ConfigError, HELP, resolveConfig, type Config } from './config.js'
import { FixtureError, FixtureWatchError, loadStartFixtures } from './fixtures.js'
import { VERSION } from './version.js'
import { bannerText, readyFacts } from './banner.js'

/** Exit code for a bad flag, environment variable or fixture file. */
const EXIT_USAGE = 2
/** Exit code when the server cannot listen, or --watch cannot watch the fixture file (its folder, or a link's target). */
const EXIT_ENVIRONMENT = 1
/** The ready line's fixed text, then the bound address as a URL: `flashback-mock listening on http://127.0.0.1:3000`. */
const READY_TEXT = 'flashback-mock listening on'
/** How long in-flight requests get after SIGTERM or SIGINT before the process is killed, in ms. */
const GRACE_MS = 3000
/**
 * Signals close-with-grace would catch but must not: a real SIGSEGV, SIGBUS, SIGFPE or SIGILL leaves no safe state
 * to run JavaScript in (Node's docs), and a listener makes the faulting instruction run again, forever. It did:
 * with its terminal closed (SIGHUP), the CLI faulted while exiting and spun at full CPU instead of ending.
 */
const FAULT_SIGNALS: Array<'SIGSEGV' | 'SIGBUS' | 'SIGFPE' | 'SIGILL' | 'SIGTRAP' | 'SIGABRT'> = ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGTRAP', 'SIGABRT']

function fail (message: string, code: number): never {
  // One line, whatever the cause put in the message (a JSON parser's snippet, a path with a newline).
  process.stderr.write(`flashback-mock: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
  process.exit(code)
}

function listenFailure (err: NodeJS.ErrnoException & { address?: string }, { host, port }: Config): string {
  // With localhost, the address that failed may be ::1: named, since another program may hold only that one.
  const where = err.address !== undefined && err.address !== host ? `${host} (${err.address})` : host
  if (err.code === 'EADDRINUSE') return `port ${port} on ${where} is already in use; pick another with --port (or PORT)`
  return `cannot listen on ${host}:${port}: ${err.message}`
}

/**
 * Runs the command line of this process (`process.argv`, `process.env`): prints the usage or the version, or starts
 * the server and logs the ready line. A bad setting or fixture file, or a port it cannot listen on, ends the process
 * with one line on stderr (exit code 2, or 1 for the port or a fixture file --watch cannot watch).
 * @returns true once the server is listening, false after --help or --version
 */
export async function main (): Promise<boolean> {
  let config: Config
  try {
    const command = resolveConfig(process.argv.slice(2), process.env)
    if (command.command !== 'run') {
      process.stdout.write(`${command.command === 'help' ? HELP : VERSION}\n`)
      return false
    }
    config = command.config
  } catch (err) {
    return fail((err as ConfigError).message, EXIT_USAGE)
  }

  const fixtures = await loadStartFixtures(config.fixtures, config.adminToken).catch((err: FixtureError) => fail(err.message, EXIT_USAGE))
  const [{ buildServer, listen }, { default: closeWithGrace }] = await Promise.all([import('./server.js'), import('close-with-grace')])
  // A person at a terminal gets pretty lines and the banner, in colour unless NO_COLOR is set and not empty
  // (no-color.org); anything else, JSON lines, written once per turn of the event loop. pino-pretty is loaded only
  // then: containers and CI skip its ~50 ms import.
  const terminal = process.stdout.isTTY
  const colorize = terminal && [undefined, ''].includes(process.env.NO_COLOR)
  const logStream = terminal
    ? import('./pretty-log.js').then(({ prettyLogStream }) => prettyLogStream(colorize))
    : import('./log-destination.js').then(({ logDestination }) => logDestination(1))
  const app = await logStream.then((stream) => buildServer(config, fixtures, stream))
    .catch((err: unknown) => err instanceof FixtureWatchError ? fail(err.message, EXIT_ENVIRONMENT) : Promise.reject(err))

  closeWithGrace({ delay: GRACE_MS, skip: FAULT_SIGNALS, logger: { error: (msg: unknown) => app.log.error(msg) } }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })

  // Fastify logs one line per interface (several for 0.0.0.0); the CLI logs exactly one ready line instead,
  // with the address actually bound (0.0.0.0 stays 0.0.0.0) and the port chosen when --port is 0.
  const { url } = await listen(app, config).catch((err: NodeJS.ErrnoException & { address?: string }) => fail(listenFailure(err, config), EXIT_ENVIRONMENT))
  // The ready line is part of the CLI's interface (Docker and Testcontainers users wait on it), so it is
  // logged at info even when LOG_LEVEL is warn, error or fatal; only "silent" hides it, and the banner with it.
  // As JSON it carries the facts as fields; on a terminal the banner below it shows them to a person.
  if (config.logLevel === 'silent') return true
  const facts = readyFacts(url, config, fixtures)
  const ready = app.log.child({}, { level: 'info' })
  if (!terminal) ready.info(facts, `${READY_TEXT} ${url}`)
  else {
    ready.info(`${READY_TEXT} ${url}`)
    process.stdout.write(bannerText(facts, colorize ? (text) => `\x1b[1m${text}\x1b[22m` : undefined))
  }
  return true
}
