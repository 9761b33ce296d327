// Settings: flags beat environment variables beat defaults; a bad one is one line naming it.
import t from 'tap'
import { resolve } from 'node:path'
import { ConfigError, configFromOptions, HELP, resolveConfig } from '../src/config.js'
import { DEFAULT_FIXTURES_PATH } from '../src/fixtures.js'

t.test('defaults', async (t) => {
  t.same(resolveConfig([], {}), { command: 'run', config: { port: 3000, host: 'localhost', fixtures: DEFAULT_FIXTURES_PATH, logLevel: 'info', admin: true, journalSize: 1000, cors: true, watch: false } })
})

t.test('environment variables override defaults; empty ones count as unset', async (t) => {
  const env = { PORT: '8080', HOST: '0.0.0.0', FLASHBACK_MOCK_FIXTURES: 'my.json', LOG_LEVEL: '' }
  t.same(resolveConfig([], env), { command: 'run', config: { port: 8080, host: '0.0.0.0', fixtures: resolve('my.json'), logLevel: 'info', admin: true, journalSize: 1000, cors: true, watch: false } })
})

t.test('flags override environment variables', async (t) => {
  const env = { PORT: '8080', HOST: '0.0.0.0', FLASHBACK_MOCK_FIXTURES: 'env.json', LOG_LEVEL: 'debug' }
  const argv = ['--port', '0', '--host=::1', '--fixtures', '/abs/flag.json', '--log-level', 'warn']
  t.same(resolveConfig(argv, env), { command: 'run', config: { port: 0, host: '::1', fixtures: '/abs/flag.json', logLevel: 'warn', admin: true, journalSize: 1000, cors: true, watch: false } })
})

t.test('--help and --version win over everything else', async (t) => {
  t.same(resolveConfig(['--port', 'x', '--help'], {}), { command: 'help' })
  t.same(resolveConfig(['--version'], { PORT: 'x' }), { command: 'version' })
  t.same(resolveConfig(['-h'], {}), { command: 'help' })
  t.same(resolveConfig(['-v'], {}), { command: 'version' })
  for (const name of ['--port', 'PORT', '--host', 'HOST', '--fixtures', 'FLASHBACK_MOCK_FIXTURES', '--log-level', 'LOG_LEVEL', '--admin-token', 'FLASHBACK_MOCK_ADMIN_TOKEN', '--no-admin', '--journal-size', 'FLASHBACK_MOCK_JOURNAL_SIZE', '--cors-origin', 'FLASHBACK_MOCK_CORS_ORIGIN', '--no-cors', '--watch']) {
    t.match(HELP, name)
  }
})

t.test('bad values fail with one line naming the setting, where it came from and what was expected', async (t) => {
  const cases: Array<[string[], Record<string, string>, string]> = [
    [['--port', 'abc'], {}, 'Invalid --port "abc": must be an integer'],
    [['--port=-1'], {}, 'Invalid --port "-1": must be an integer'],
    [['--port', '-1'], {}, 'Option \'--port\' argument is ambiguous.\nDid you forget to specify the option argument for \'--port\'?\nTo specify an option argument starting with a dash use \'--port=-XYZ\'. (see --help)'],
    [['--port', '3.5'], {}, 'Invalid --port "3.5": must be an integer'],
    [[], { PORT: '70000' }, 'Invalid PORT (environment) "70000": must be at most 65535'],
    [['--host', ''], {}, 'Invalid --host "": must be 1 or more characters long'],
    [[], { LOG_LEVEL: 'loud' }, 'Invalid LOG_LEVEL (environment) "loud": must be one of fatal, error, warn, info, debug, trace, silent'],
    [['--verbose'], {}, 'Unknown option \'--verbose\' (see --help)'],
    [['extra'], {}, 'Unexpected argument \'extra\'. This command does not take positional arguments (see --help)'],
    [['--port'], {}, 'Option \'--port <value>\' argument missing (see --help)']
  ]
  for (const [argv, env, message] of cases) {
    t.throws(() => resolveConfig(argv, env), new ConfigError(message), JSON.stringify([argv, env]))
  }
})

t.test('the admin token comes from --admin-token or FLASHBACK_MOCK_ADMIN_TOKEN; --no-admin removes the control API', async (t) => {
  const config = (argv: string[], env: Record<string, string>): unknown => (resolveConfig(argv, env) as { config: unknown }).config
  t.match(config([], { FLASHBACK_MOCK_ADMIN_TOKEN: 'from-env' }), { adminToken: 'from-env', admin: true })
  t.match(config(['--admin-token', 'from-flag'], { FLASHBACK_MOCK_ADMIN_TOKEN: 'from-env' }), { adminToken: 'from-flag' })
  t.notOk('adminToken' in (config([], { FLASHBACK_MOCK_ADMIN_TOKEN: '' }) as object), 'empty means unset: open')
  t.match(config(['--no-admin'], {}), { admin: false })
  t.match(config(['--journal-size', '0'], { FLASHBACK_MOCK_JOURNAL_SIZE: '50' }), { journalSize: 0 })
  t.match(config([], { FLASHBACK_MOCK_JOURNAL_SIZE: '50' }), { journalSize: 50 })
  t.throws(() => resolveConfig(['--journal-size', 'lots'], {}), new ConfigError('Invalid --journal-size "lots": must be an integer'))
  t.throws(() => resolveConfig(['--admin-token='], {}), new ConfigError('Invalid --admin-token: must match pattern "^[A-Za-z0-9._~+/-]+=*$"'), 'an empty flag is refused, not taken as "open"')
  t.throws(() => resolveConfig(['--admin-token', 'has space secret'], {}), new ConfigError('Invalid --admin-token: must match pattern "^[A-Za-z0-9._~+/-]+=*$"'), 'a bad token is named, never echoed')
})

t.test('the seed comes from --seed or FLASHBACK_MOCK_SEED; empty in the environment is unset, an empty flag is refused', async (t) => {
  const config = (argv: string[], env: Record<string, string>): unknown => (resolveConfig(argv, env) as { config: unknown }).config
  t.match(config([], { FLASHBACK_MOCK_SEED: 'from-env' }), { seed: 'from-env' })
  t.match(config(['--seed', 'from flag, any text'], { FLASHBACK_MOCK_SEED: 'from-env' }), { seed: 'from flag, any text' })
  t.notOk('seed' in (config([], { FLASHBACK_MOCK_SEED: '' }) as object), 'random')
  t.throws(() => resolveConfig(['--seed='], {}), new ConfigError('Invalid --seed "": must be 1 or more characters long'))
  t.match(HELP, /--seed <value> +FLASHBACK_MOCK_SEED +deterministic ids/)
})

t.test('configFromOptions: startMockServer\'s options, checked like the CLI\'s, with port 0 and silent logs by default', async (t) => {
  t.same(configFromOptions({}), { port: 0, host: '127.0.0.1', fixtures: DEFAULT_FIXTURES_PATH, logLevel: 'silent', journalSize: 1000, admin: true, cors: true, watch: false })
  t.same(configFromOptions({ port: 3001, fixtures: 'my.json', seed: 's', adminToken: 'a', admin: false, journalSize: 0, logLevel: 'info', host: '::1', logStream: process.stdout, corsOrigin: ['http://localhost:5173'], watch: true }),
    { port: 3001, host: '::1', fixtures: resolve('my.json'), logLevel: 'info', journalSize: 0, admin: false, seed: 's', adminToken: 'a', cors: true, corsOrigin: ['http://localhost:5173'], watch: true })
  t.equal(configFromOptions({ fixtures: { tokens: [], repos: [] } }).fixtures, DEFAULT_FIXTURES_PATH, 'a fixture document is the caller\'s to load')
  t.same(configFromOptions({ port: undefined }).port, 0, 'undefined is the default')
  t.throws(() => configFromOptions({ logLevel: 'loud' as never }), new ConfigError('Invalid option logLevel "loud": must be one of fatal, error, warn, info, debug, trace, silent'))
  t.throws(() => configFromOptions({ port: '3000' as never }), new ConfigError('Invalid option port "3000": must be an integer'), 'types are strict')
})

t.test('CORS: --cors-origin or FLASHBACK_MOCK_CORS_ORIGIN narrows the origins (a comma list), --no-cors turns it off', async (t) => {
  const config = (argv: string[], env: Record<string, string> = {}): unknown => (resolveConfig(argv, env) as { config: unknown }).config
  t.match(config(['--cors-origin', 'http://localhost:5173, https://app.example.com:8443']), { cors: true, corsOrigin: ['http://localhost:5173', 'https://app.example.com:8443'] })
  t.match(config([], { FLASHBACK_MOCK_CORS_ORIGIN: 'http://127.0.0.1:5173' }), { corsOrigin: ['http://127.0.0.1:5173'] })
  t.notOk('corsOrigin' in (config([], { FLASHBACK_MOCK_CORS_ORIGIN: '' }) as object), 'empty in the environment: any origin')
  t.match(config(['--no-cors']), { cors: false })
  t.notOk('corsOrigin' in (config(['--no-cors'], { FLASHBACK_MOCK_CORS_ORIGIN: 'http://localhost:5173' }) as object), 'the flag beats the variable')
  const refused: Array<[string[], string]> = [
    [['--cors-origin', 'http://localhost:5173/'], 'Invalid --cors-origin origin "http://localhost:5173/": must be scheme://host[:port] with no path, as a browser sends it: http://localhost:5173'],
    [['--cors-origin', 'HTTP://localhost:80'], 'Invalid --cors-origin origin "HTTP://localhost:80": must be scheme://host[:port] with no path, as a browser sends it: http://localhost'],
    [['--cors-origin', 'localhost:5173'], 'Invalid --cors-origin origin "localhost:5173": must be scheme://host[:port] with no path, e.g. http://localhost:5173'],
    [['--cors-origin', 'http://a.test,'], 'Invalid --cors-origin "http://a.test,": must be 1 or more characters long'],
    [['--cors-origin', 'http://a.test', '--no-cors'], '--cors-origin allows origins, but CORS is off (--no-cors, cors: false): give one or the other']
  ]
  for (const [argv, message] of refused) t.throws(() => resolveConfig(argv, {}), new ConfigError(message), argv.join(' '))
  t.throws(() => configFromOptions({ corsOrigin: ['*'] }), new ConfigError('Invalid option corsOrigin origin "*": must be scheme://host[:port] with no path, e.g. http://localhost:5173'))
  t.throws(() => configFromOptions({ corsOrigin: 'http://a.test' as never }), new ConfigError('Invalid option corsOrigin "http://a.test": must be an array'))
})

t.test('--watch reloads the fixture file; startMockServer takes watch only with a fixture file path', async (t) => {
  t.match((resolveConfig(['--watch'], {}) as { config: unknown }).config, { watch: true })
  t.match(HELP, /--watch +reload the fixture file when it changes/)
  t.throws(() => configFromOptions({ watch: true, fixtures: { tokens: [], repos: [] } }),
    new ConfigError('Invalid option watch true: watching needs fixtures as a file path, not a document (use setState to change it)'))
})
