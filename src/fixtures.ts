// Loads and checks fixture files: schema first, then the rules a schema cannot say (unique ids, known repos).
import { close, constants, fstat, open, readFile } from 'node:fs'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { FixturesSchema, type FixtureApiKey, type FixtureRepo, type Fixtures } from './schemas/fixtures.js'
import { compileChecker, jsonErrorLocation, jsonPath } from './validation.js'
import { copyFixtures } from './store.js'

/**
 * The fixture file shipped with the package: two repos, a development token and a limited token. Found through
 * package.json's `imports` (`#fixtures/*`), so it resolves the same from src/, dist/ and the test build.
 */
export const DEFAULT_FIXTURES_PATH = fileURLToPath(import.meta.resolve('#fixtures/default.json'))

/** Largest fixture file the CLI reads, in bytes (64 MiB). */
export const MAX_FIXTURE_BYTES = 64 * 1024 * 1024

/** A fixture file or object that cannot be used. The message names the source and the JSON path. */
export class FixtureError extends Error {
  override name = 'FixtureError'
}

/**
 * --watch cannot watch the fixture file's folder (fs.watch threw: the inotify limit reached, a folder it may not
 * read), or cannot find the file a symlinked fixture path stands for (its target went after the file was read). The
 * message says which folder or file, why, and what to do; the CLI prints it as one line and exits 1.
 */
export class FixtureWatchError extends Error {
  override name = 'FixtureWatchError'
}

const checkSchema = compileChecker(FixturesSchema)

// node:fs's callback calls, not node:fs/promises: nothing else in the CLI loads that module, and loading it with its
// ten internal modules took about 3 ms of the CLI's start (issue 13, timed by a require hook).
const openFile = promisify(open)
const statFile = promisify(fstat)
const readWhole = promisify(readFile)
const closeFile = promisify(close)

/** What a read error means for someone mounting a fixture file into the image. */
const READ_HINTS: Record<string, string> = {
  ENOENT: ': no such file; check the path, or the volume mount in a container',
  EISDIR: ': this is a directory; a volume mount of a missing host file creates one',
  EACCES: ': permission denied; the image runs as user node (uid 1000), so the file must be readable by it'
}

/**
 * Checks fixture data against `FixturesSchema` and the cross-reference rules: repo ids, key ids, key
 * values and tokens are unique, and every repo a token names exists. The data is not modified.
 * @param data parsed JSON
 * @param source what to call the data in messages, usually the file path
 * @returns the same data, typed
 * @throws FixtureError `"<source>: <$.json.path> <what was expected>"`
 */
export function validateFixtures (data: unknown, source: string): Fixtures {
  const result = checkSchema(data)
  if (!result.ok) {
    throw new FixtureError(`${source}: ${jsonPath(result.problem.path)} ${result.problem.expected}`)
  }
  const fixtures = result.value
  const fail = (path: string, problem: string): never => { throw new FixtureError(`${source}: ${path} ${problem}`) }
  const duplicate = (path: string, kind: string, value: string, first: string): never => fail(path, `duplicates the ${kind} ${JSON.stringify(value)} at ${first}`)
  // Where a value was first seen is looked for again only for the message (issue 13: a function per key that made its
  // path, kept until the check ended, grew V8's young generation during the start: 5 MB of idle RSS with 10,000 keys).
  const firstKey = (field: 'id' | 'key', value: string): string => {
    const has = (apiKey: FixtureApiKey): boolean => apiKey[field] === value
    const r = fixtures.repos.findIndex((repo) => repo.apiKeys?.some(has))
    return `$.repos[${r}].apiKeys[${((fixtures.repos[r] as FixtureRepo).apiKeys as FixtureApiKey[]).findIndex(has)}].${field}`
  }
  const repoIds = new Set<string>()
  const keyIds = new Set<string>()
  const keyValues = new Set<string>()
  fixtures.repos.forEach((repo, r) => {
    if (repoIds.has(repo.id)) duplicate(`$.repos[${r}].id`, 'repo id', repo.id, `$.repos[${fixtures.repos.findIndex((x) => x.id === repo.id)}].id`)
    repoIds.add(repo.id)
    repo.apiKeys?.forEach((apiKey, k) => {
      if (keyIds.has(apiKey.id)) duplicate(`$.repos[${r}].apiKeys[${k}].id`, 'key id', apiKey.id, firstKey('id', apiKey.id))
      keyIds.add(apiKey.id)
      if (keyValues.has(apiKey.key)) duplicate(`$.repos[${r}].apiKeys[${k}].key`, 'key', apiKey.key, firstKey('key', apiKey.key))
      keyValues.add(apiKey.key)
    })
  })
  const tokens = new Set<string>()
  fixtures.tokens.forEach((t, i) => {
    if (tokens.has(t.token)) duplicate(`$.tokens[${i}].token`, 'token', t.token, `$.tokens[${fixtures.tokens.findIndex((x) => x.token === t.token)}].token`)
    tokens.add(t.token)
    if (t.repos === '*') return
    t.repos.forEach((id, j) => {
      if (!repoIds.has(id)) fail(`$.tokens[${i}].repos[${j}]`, `names the unknown repo ${JSON.stringify(id)}`)
    })
  })
  return fixtures
}

/**
 * Finds a fixture token equal to the admin token: the control API's token must not also open the API.
 * @param fixtures checked fixtures
 * @param adminToken the control API's token, if any
 * @returns the JSON path of the clashing token, e.g. `$.tokens[0].token`, or undefined
 */
export function adminTokenClash (fixtures: Fixtures, adminToken: string | undefined): string | undefined {
  const i = fixtures.tokens.findIndex((t) => t.token === adminToken)
  return i === -1 ? undefined : `$.tokens[${i}].token`
}

/**
 * Reads and checks a fixture file. The file is only read, never written.
 * @param path file path, relative to the working directory or absolute
 * @returns the checked fixtures
 * @throws FixtureError when the file cannot be read (a directory, a FIFO, over 64 MiB), is not UTF-8 or JSON, or
 *   fails `validateFixtures`
 */
export async function loadFixtureFile (path: string): Promise<Fixtures> {
  const cannotRead = (code: string): FixtureError => new FixtureError(`${path}: cannot read the fixture file (${code}${READ_HINTS[code] ?? ''})`)
  let bytes: Buffer
  let fd: number | undefined
  try {
    // Looked at before it is read: reading a FIFO would wait forever, and a huge file would fill the memory. The
    // file opened (without blocking, as a FIFO would) is the one looked at and read, so a file swapped for a FIFO
    // between the two (a --watch reload) cannot hang the process.
    fd = await openFile(path, constants.O_RDONLY | constants.O_NONBLOCK)
    const info = await statFile(fd)
    if (info.isDirectory()) throw cannotRead('EISDIR')
    if (!info.isFile()) throw new FixtureError(`${path}: not a regular file (a FIFO, a socket or a device); give the path of a JSON file`)
    if (info.size > MAX_FIXTURE_BYTES) throw new FixtureError(`${path}: the file is ${info.size} bytes; a fixture file may be at most ${MAX_FIXTURE_BYTES} bytes (64 MiB)`)
    bytes = await readWhole(fd)
  } catch (err) {
    if (err instanceof FixtureError) throw err
    throw cannotRead(String((err as NodeJS.ErrnoException).code))
  } finally {
    if (fd !== undefined) await closeFile(fd)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new FixtureError(`${path}: not UTF-8 text; save the file as UTF-8 (JSON must be UTF-8, RFC 8259)`)
  }
  let data: unknown
  try {
    // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    const at = jsonErrorLocation(text, (err as Error).message)
    throw new FixtureError(`${path}${at === undefined ? '' : `:${at.line}:${at.column}`}: not valid JSON (${(err as Error).message})`)
  }
  return validateFixtures(data, path)
}

/**
 * The fixtures a server starts with, as the CLI and `startMockServer` both load them: a file, or a fixture
 * document given in code, checked the same way; no fixture token may be the admin token. A document given in code is
 * copied, since its owner may change it afterwards and the store does not copy what it is given.
 * @param source a file path, or a fixture document (messages then call it "fixtures")
 * @param adminToken the control API's token, if any
 * @throws FixtureError naming the file or "fixtures" and the JSON path
 */
export async function loadStartFixtures (source: string | Fixtures, adminToken: string | undefined): Promise<Fixtures> {
  const name = typeof source === 'string' ? source : 'fixtures'
  const fixtures = typeof source === 'string' ? await loadFixtureFile(source) : copyFixtures(validateFixtures(source, name))
  const clash = adminTokenClash(fixtures, adminToken)
  if (clash !== undefined) throw new FixtureError(`${name}: ${clash} is the admin token; give the admin token (--admin-token, FLASHBACK_MOCK_ADMIN_TOKEN) another value`)
  return fixtures
}
