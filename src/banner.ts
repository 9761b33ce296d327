// What the CLI tells a person once it listens: the URLs, the fixture file, the repos and the development tokens.
import type { Config } from './config.js'
import type { Fixtures } from './schemas/fixtures.js'
import { DOCS_PATH } from './schemas/common.js'

/** The facts of a started server, as the ready line's fields in JSON mode and the banner on a terminal. */
export interface ReadyFacts {
  /** Base URL of the API, e.g. `http://localhost:3000`. */
  url: string
  /** The docs UI. */
  docs: string
  /** The OpenAPI document (JSON; `.yaml` beside it). */
  openapi: string
  /** Absolute path of the fixture file, or "fixtures" for a document given in code. */
  fixtures: string
  /** Ids of the repos, in fixture order. */
  repos: string[]
  /** The fixture tokens and the repos each may use. Development tokens, meant to be copied; never the admin token. */
  tokens: Array<{ token: string, repos: '*' | string[] }>
  /** The control API: `open`, `admin token` (locked with one), or `off` (--no-admin). */
  control: 'open' | 'admin token' | 'off'
  /** Which page origins CORS lets call the API: `any`, the --cors-origin list, or `off` (--no-cors). */
  cors: 'any' | 'off' | string[]
  /** Whether the fixture file is reloaded when it changes (--watch). */
  watch: boolean
  /** The seed of deterministic mode, when one is set. */
  seed?: string
}

/**
 * Gathers the facts the ready line and the banner report.
 * @param url the URL `listen` returned
 * @param config checked settings; the admin token itself is never reported
 * @param fixtures the fixtures the server started with
 */
export function readyFacts (url: string, config: Config, fixtures: Fixtures): ReadyFacts {
  return {
    url,
    docs: `${url}${DOCS_PATH}`,
    openapi: `${url}/openapi.json`,
    fixtures: config.fixtures,
    repos: fixtures.repos.map((repo) => repo.id),
    tokens: fixtures.tokens.map(({ token, repos }) => ({ token, repos })),
    control: !config.admin ? 'off' : config.adminToken === undefined ? 'open' : 'admin token',
    cors: !config.cors ? 'off' : config.corsOrigin ?? 'any',
    watch: config.watch,
    ...(config.seed === undefined ? {} : { seed: config.seed })
  }
}

/** At most this many repos or tokens are listed; the rest are counted. */
const MAX_LISTED = 8

/** The first MAX_LISTED items shown, then `… and N more` for the rest; `(none)` for no items. */
function listed<T> (items: T[], show: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LISTED).map(show)
  if (items.length > MAX_LISTED) lines.push(`… and ${items.length - MAX_LISTED} more`)
  return lines.length === 0 ? ['(none)'] : lines
}

/**
 * The block printed under the ready line on a terminal: a few labelled lines a person reads and copies from.
 * @param facts what `readyFacts` gathered
 * @param bold wraps a text in the terminal's bold style (identity when colours are off)
 * @returns text ending with a newline
 */
export function bannerText (listening: ReadyFacts, bold: (text: string) => string = (text) => text): string {
  // Bound to every interface, the server is reached through localhost from this machine: 0.0.0.0 is no destination.
  const facts = browsable(listening)
  const control = facts.control === 'off' ? 'off (--no-admin)' : `${facts.url}/__mock (${facts.control === 'open' ? 'open' : 'needs the admin token'})`
  const width = Math.max(...facts.tokens.map(({ token }) => token.length), 0)
  const rows: Array<[string, string[]]> = [
    ['API', [bold(facts.url)]],
    ['Docs', [facts.docs]],
    ['OpenAPI', [`${facts.openapi} (also /openapi.yaml)`]],
    ['Control', [control]],
    ['Fixtures', [`${facts.fixtures}${facts.watch ? ' (reloaded when it changes)' : ''}`]],
    ['CORS', [facts.cors === 'any' ? 'any origin' : facts.cors === 'off' ? 'off (--no-cors)' : facts.cors.join(', ')]],
    ['Repos', [listed(facts.repos, (id) => id).join(', ')]],
    ['Tokens', listed(facts.tokens, ({ token, repos }) => `${bold(token.padEnd(width))}  ${repos === '*' ? 'every repo' : repos.length === 0 ? 'no repo' : repos.join(', ')}`)],
    ...(facts.seed === undefined ? [] : [['Seed', [facts.seed]] as [string, string[]]])
  ]
  const lines = rows.flatMap(([label, values]) => values.map((value, i) => `  ${(i === 0 ? label : '').padEnd(9)} ${value}`))
  const example = facts.tokens[0]?.token
  if (example !== undefined) lines.push('', `  Try it:   curl -H 'Authorization: Bearer ${example}' ${facts.url}/repo`)
  return ['', ...lines, ''].join('\n') + '\n'
}

/** The facts with URLs a browser on this machine can open: a server bound to 0.0.0.0 or :: is named localhost. */
function browsable (facts: ReadyFacts): ReadyFacts {
  const { hostname } = new URL(facts.url)
  if (hostname !== '0.0.0.0' && hostname !== '[::]') return facts
  const local = (url: string): string => url.replace(`//${hostname}:`, '//localhost:')
  return { ...facts, url: local(facts.url), docs: local(facts.docs), openapi: local(facts.openapi) }
}
