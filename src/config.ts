// Resolves the CLI's settings: flags beat environment variables, which beat defaults; then checks them.
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { StringEnum } from './schemas/common.js'
import { BEARER_TOKEN_PATTERN } from './schemas/fixtures.js'
import { compileChecker } from './validation.js'
import { DEFAULT_FIXTURES_PATH } from './fixtures.js'
import type { Fixtures } from './schemas/fixtures.js'

/** pino log levels, quietest last. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** A pino log level. */
export type LogLevel = typeof LOG_LEVELS[number]

/** The checked settings of one server run. */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, description: 'TCP port; 0 picks a free one.' }),
  host: Type.String({ minLength: 1, description: 'Interface to listen on.' }),
  fixtures: Type.String({ minLength: 1, description: 'Path of the fixture file.' }),
  logLevel: StringEnum(LOG_LEVELS, { description: 'pino log level.' }),
  adminToken: Type.Optional(Type.String({ pattern: BEARER_TOKEN_PATTERN, maxLength: 4096, description: 'Bearer token the control API requires; unset, it is open.' })),
  admin: Type.Boolean({ description: 'Whether the control API (/__mock) exists; false with --no-admin.' }),
  journalSize: Type.Integer({ minimum: 0, maximum: 100000, description: 'How many requests the request journal keeps; 0 turns it off.' }),
  seed: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Deterministic mode: generated ids, keys, secrets, createdAt and fault draws follow this seed.' })),
  cors: Type.Boolean({ description: 'Whether CORS headers are sent; false with --no-cors.' }),
  watch: Type.Boolean({ description: 'Hot reload: whether the fixture file is reloaded when it changes (--watch).' }),
  corsOrigin: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'The only origins CORS allows; unset, any origin (reflected).' }))
}, { $id: 'flashback-mock-config' })

/** `{ port, host, fixtures, logLevel, adminToken?, admin, journalSize, seed?, cors, corsOrigin?, watch }`; `fixtures` is an absolute path. */
export type Config = Static<typeof ConfigSchema>

/** What the command line asks for: run the server, or print help or the version. */
export type Command = { command: 'run', config: Config } | { command: 'help' } | { command: 'version' }

/** A bad flag or environment variable. The message is one line that names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Each setting: its flag, its environment twin, its default and its help line. Shown by `--help` and the README. */
export const SETTINGS = {
  port: { flag: '--port', env: 'PORT', default: '3000', help: 'TCP port to listen on, 0 picks a free one (default 3000)' },
  host: { flag: '--host', env: 'HOST', default: 'localhost', help: 'interface to listen on: localhost is 127.0.0.1 and ::1, 0.0.0.0 all (default localhost)' },
  fixtures: { flag: '--fixtures', env: 'FLASHBACK_MOCK_FIXTURES', default: DEFAULT_FIXTURES_PATH, help: 'fixture file: repos, API keys, bearer tokens (default below)' },
  logLevel: { flag: '--log-level', env: 'LOG_LEVEL', default: 'info', help: `${LOG_LEVELS.join(', ')} (default info)` },
  journalSize: { flag: '--journal-size', env: 'FLASHBACK_MOCK_JOURNAL_SIZE', default: '1000', help: 'requests the journal (/__mock/requests) keeps, 0 for none (default 1000)' },
  adminToken: { flag: '--admin-token', env: 'FLASHBACK_MOCK_ADMIN_TOKEN', default: '', help: 'bearer token the control API (/__mock) requires (default: none, open)' },
  seed: { flag: '--seed', env: 'FLASHBACK_MOCK_SEED', default: '', help: 'deterministic ids, keys, secrets and createdAt from this seed (default: random)' },
  corsOrigin: { flag: '--cors-origin', env: 'FLASHBACK_MOCK_CORS_ORIGIN', default: '', help: 'comma-separated origins CORS allows, e.g. http://localhost:5173 (default: any)' }
} as const

/** Settings that are unset by default and take a string: an empty environment variable leaves them unset. */
const OPTIONAL_SETTINGS = ['adminToken', 'seed', 'corsOrigin'] as const

type Setting = keyof typeof SETTINGS

/** The `--help` text. */
export const HELP = [
  'Usage: flashback-mock [options]',
  '',
  'A mock server for the Flashback platform REST API.',
  '',
  'Options (a flag beats its environment variable):',
  ...Object.values(SETTINGS).map((s) => `  ${`${s.flag} <value>`.padEnd(22)} ${s.env.padEnd(27)} ${s.help}`),
  `  ${'--no-admin'.padEnd(22)} ${''.padEnd(27)} no control API: /__mock answers 404`,
  `  ${'--no-cors'.padEnd(22)} ${''.padEnd(27)} no CORS headers: pages on other origins cannot call the mock`,
  `  ${'--watch'.padEnd(22)} ${''.padEnd(27)} reload the fixture file when it changes (a bad edit keeps the old state)`,
  `  ${'-h, --help'.padEnd(22)} ${''.padEnd(27)} print this help`,
  `  ${'-v, --version'.padEnd(22)} ${''.padEnd(27)} print the version`,
  '',
  `Default fixtures: ${DEFAULT_FIXTURES_PATH}`
].join('\n')

const checkConfig = compileChecker(ConfigSchema)

/** A value as a message quotes it: JSON, numbers as JavaScript writes them (NaN, Infinity), cut at 80 characters. */
function quote (value: unknown): string {
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

/** The serialized origin (RFC 6454) of a URL, as a browser sends it in `Origin`; undefined when it is no URL. */
function originOf (text: string): string | undefined {
  try {
    return new URL(text).origin
  } catch {
    return undefined
  }
}

/** Whether a text is a serialized origin, as a browser sends it in `Origin`: `http://localhost:5173`. */
const isOrigin = (text: string): boolean => originOf(text) === text

/**
 * Checks settings against `ConfigSchema` and makes the fixtures path absolute.
 * @param candidate the settings, numbers already numbers where they could be
 * @param describe how to name a setting in the message: its flag or variable, or its option name
 * @param shown the values as the user gave them, to quote in the message; default `candidate`
 * @throws ConfigError naming the setting, its value (never the admin token's) and what was expected; a CORS origin
 *   that is not scheme://host[:port]
 */
function checkSettings (candidate: Record<string, unknown>, describe: (name: string) => string, shown: Record<string, unknown> = candidate): Config {
  const result = checkConfig(candidate)
  if (!result.ok) {
    const name = String(result.problem.path[0])
    // A secret is named but never echoed, even a malformed one.
    const value = name === 'adminToken' ? '' : ` ${quote(shown[name])}`
    throw new ConfigError(`Invalid ${describe(name)}${value}: ${result.problem.expected}`)
  }
  if (!result.value.cors && result.value.corsOrigin !== undefined) {
    throw new ConfigError(`${describe('corsOrigin')} allows origins, but CORS is off (--no-cors, cors: false): give one or the other`)
  }
  const notOrigin = result.value.corsOrigin?.find((origin) => !isOrigin(origin))
  if (notOrigin !== undefined) {
    // A browser sends an origin in one spelling (lower case, no default port, punycode): suggest it.
    const spelled = originOf(notOrigin)
    const hint = spelled === undefined || spelled === 'null' ? 'e.g. http://localhost:5173' : `as a browser sends it: ${spelled}`
    throw new ConfigError(`Invalid ${describe('corsOrigin')} origin ${quote(notOrigin)}: must be scheme://host[:port] with no path, ${hint}`)
  }
  return { ...result.value, fixtures: resolve(result.value.fixtures) }
}

/** A destination for log lines, as pino writes them: one JSON line (with its newline) per `write` call. */
export interface LogStream {
  write (line: string): void
}

/**
 * Options of `startMockServer`: the CLI's settings, named as in `Config`, all optional. `fixtures` is a file path,
 * as on the command line, or a fixture document itself.
 */
export interface MockServerOptions {
  /** TCP port; default 0, a free one (the CLI's default is 3000). */
  port?: number
  /** Interface to listen on; default 127.0.0.1. */
  host?: string
  /** Fixture file path, or a fixture document; default the bundled fixtures. */
  fixtures?: string | Fixtures
  /** pino log level; default "silent" (the CLI's default is "info"). */
  logLevel?: LogLevel
  /** Bearer token the control API requires; default none, open. */
  adminToken?: string
  /** false removes the control API (404), as --no-admin does; default true. */
  admin?: boolean
  /** How many requests the request journal keeps; default 1000, 0 turns it off. */
  journalSize?: number
  /** Deterministic mode: ids, keys, secrets, createdAt and fault draws follow this seed; default random. */
  seed?: string
  /** false sends no CORS headers, as --no-cors does; default true. */
  cors?: boolean
  /** The only origins CORS allows, e.g. `['http://localhost:5173']`; default any origin. */
  corsOrigin?: string[]
  /** Hot reload: reload the fixture file (a path in `fixtures`) when it changes, as --watch does; default false. */
  watch?: boolean
  /** Where log lines go: anything with `write(line)`, one JSON line per call; default stdout. Not a CLI setting. */
  logStream?: LogStream
}

/**
 * Checks the options of `startMockServer` with the CLI's schema and defaults, except port 0 and log level silent.
 * @param options the options; a fixture document in `fixtures` and `logStream` are left to the caller
 * @returns checked settings
 * @throws ConfigError naming the option, e.g. `Invalid option port 70000: must be at most 65535`, or an unknown option
 */
export function configFromOptions (options: MockServerOptions): Config {
  const { fixtures, logStream, ...rest } = options
  const unknown = Object.keys(rest).find((name) => !(Object.hasOwn(ConfigSchema.properties, name)))
  if (unknown !== undefined) throw new ConfigError(`Unknown option ${unknown}: expected ${[...Object.keys(ConfigSchema.properties), 'logStream'].join(', ')}`)
  if (fixtures !== undefined && (fixtures === null || !['string', 'object'].includes(typeof fixtures))) {
    throw new ConfigError(`Invalid option fixtures ${quote(fixtures)}: must be a file path or a fixture document`)
  }
  if (options.watch === true && typeof fixtures === 'object') {
    throw new ConfigError('Invalid option watch true: watching needs fixtures as a file path, not a document (use setState to change it)')
  }
  const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
  return checkSettings({
    port: 0,
    host: '127.0.0.1',
    fixtures: typeof fixtures === 'string' ? fixtures : DEFAULT_FIXTURES_PATH,
    logLevel: 'silent',
    journalSize: Number(SETTINGS.journalSize.default),
    admin: true,
    cors: true,
    watch: false,
    ...given
  }, (name) => `option ${name}`)
}

/** A string of digits as a number, for the schema to check; anything else as it is, for the schema to refuse. */
const integer = (value: string): number | string => /^\d+$/.test(value) ? Number(value) : value

/**
 * Resolves the settings from the command line and the environment.
 * @param argv arguments after the script, e.g. `process.argv.slice(2)`
 * @param env environment variables; an empty one counts as unset
 * @returns the command to run, with checked settings; a relative fixtures path is made absolute
 * @throws ConfigError with one line naming the bad flag or variable and what was expected
 */
export function resolveConfig (argv: string[], env: Record<string, string | undefined>): Command {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        fixtures: { type: 'string' },
        'log-level': { type: 'string' },
        'admin-token': { type: 'string' },
        'journal-size': { type: 'string' },
        seed: { type: 'string' },
        'cors-origin': { type: 'string' },
        'no-admin': { type: 'boolean' },
        'no-cors': { type: 'boolean' },
        watch: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    }).values
  } catch (err) {
    // Node's advice on an unknown option is about positional arguments, which this command has none of.
    const { code, message } = err as NodeJS.ErrnoException
    throw new ConfigError(`${code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? message.split('. ')[0] : message} (see --help)`)
  }
  if (values.help === true) return { command: 'help' }
  if (values.version === true) return { command: 'version' }

  const sources = {} as Record<Setting, string>
  const raw = {} as Record<Setting, string>
  for (const [name, s] of Object.entries(SETTINGS) as Array<[Setting, typeof SETTINGS[Setting]]>) {
    const flag = values[s.flag.slice(2)] as string | undefined
    const fromEnv = env[s.env] === '' ? undefined : env[s.env]
    raw[name] = flag ?? fromEnv ?? s.default
    sources[name] = flag !== undefined ? s.flag : fromEnv !== undefined ? `${s.env} (environment)` : 'default'
  }
  // A flag beats an environment variable: --no-cors wins over FLASHBACK_MOCK_CORS_ORIGIN (left unset below).
  if (values['no-cors'] === true && sources.corsOrigin !== SETTINGS.corsOrigin.flag) raw.corsOrigin = ''
  const candidate: Record<string, unknown> = {
    ...raw,
    port: integer(raw.port),
    journalSize: integer(raw.journalSize),
    admin: values['no-admin'] !== true,
    cors: values['no-cors'] !== true,
    watch: values.watch === true,
    corsOrigin: raw.corsOrigin.split(',').map((origin) => origin.trim())
  }
  for (const name of OPTIONAL_SETTINGS) {
    // An empty variable, like any, is unset: FLASHBACK_MOCK_ADMIN_TOKEN="" leaves the control API open. An empty
    // flag is checked like a value and refused, so `--admin-token "$UNSET"` cannot open it.
    if (raw[name] === '' && sources[name] !== SETTINGS[name].flag) delete candidate[name]
  }
  return { command: 'run', config: checkSettings(candidate, (name) => sources[name as Setting], raw) }
}
