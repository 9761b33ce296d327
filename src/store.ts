// The in-memory state of one app instance: repos and their API keys, seeded from fixtures.
import { KEY_FORMATS, type ApiKey } from './schemas/apikey.js'
import type { AccessType } from './schemas/common.js'
import type { FixtureRepo, FixtureToken, Fixtures, RepoBucket } from './schemas/fixtures.js'
import type { RepoQuery } from './schemas/repo.js'
import { KeyNotFoundError, NameAlreadyUsedError, RepoNotFoundError } from './errors.js'
import { createRandomSource, type RandomSource } from './random-source.js'

/** An API key as the store keeps it, the same shape reads return. There is no secret: create returns it once and drops it. */
export type StoredApiKey = ApiKey

/** A repo without its keys, as the fixtures describe it. */
export type RepoInfo = Omit<FixtureRepo, 'apiKeys'>

/** The one-time answer of a create: the plaintext secret exists only here. */
export interface CreatedApiKey {
  id: string
  key: string
  secret: string
}

// Copies as deep as the fixture schema goes, all its nested values being tokens' repo lists, repos' buckets and
// keys, objects and arrays of strings and booleans. Issue 13: structuredClone, twice per start, was a tenth of the
// CLI's start with 10,000 keys, and a copy of each repo listed by GET /repo.
const copyBuckets = (buckets: RepoBucket[]): RepoBucket[] => buckets.map((bucket) => ({ ...bucket }))
const copyInfo = (info: RepoInfo): RepoInfo => info.buckets === undefined ? { ...info } : { ...info, buckets: copyBuckets(info.buckets) }
const copyTokens = (tokens: readonly FixtureToken[]): FixtureToken[] => tokens.map((t) => ({ ...t, repos: t.repos === '*' ? '*' : [...t.repos] }))
/**
 * A copy of fixtures as deep as their schema goes, for fixtures their owner may still change: a fixture document given
 * in code (`loadStartFixtures`). The store itself takes fixtures without copying them (`createStore`).
 */
export const copyFixtures = ({ tokens, repos }: Fixtures): Fixtures => ({
  tokens: copyTokens(tokens),
  repos: repos.map(({ apiKeys, ...info }) => ({ ...copyInfo(info), ...(apiKeys === undefined ? {} : { apiKeys: apiKeys.map((k) => ({ ...k })) }) }))
})

/** A repo's writable fields in the order a fixture repo lists them, optional ones only when set; copies. */
function repoFields ({ name, storageType, mode, workspaceId, walletAddress, buckets }: RepoInput): RepoInput {
  return {
    name,
    storageType,
    mode,
    workspaceId,
    ...(walletAddress === undefined ? {} : { walletAddress }),
    ...(buckets === undefined ? {} : { buckets: copyBuckets(buckets) })
  }
}

/** State of one app: bearer tokens, and repos by id, each with its keys in creation order. */
export interface Store {
  /** The bearer tokens the mock accepts now. The same array until the state is replaced, so callers may cache by it. */
  tokens (): readonly FixtureToken[]
  /** The whole state in the fixture file format: tokens, then repos with their keys; a copy. */
  snapshot (): Fixtures
  /**
   * Replaces the whole state with checked fixtures, in one synchronous step, so no request sees half of it.
   * The random source restarts too: with a seed, the ids and timestamps that follow are the same every time.
   * @param fixtures checked fixtures (see `validateFixtures`), never changed: tokens and repos are copied, key objects
   *   shared (the store never changes one in place), so the caller must not change them afterwards
   */
  replace (fixtures: Fixtures): void
  /** Restores the fixtures the store was created with (or last loaded), and restarts the random source. */
  reset (): void
  /**
   * Makes checked fixtures the ones `reset()` restores, and replaces the state with them (a fixture file reloaded).
   * @param fixtures checked fixtures, never changed and not copied, as `createStore` takes them: the caller must not
   *   change them afterwards
   */
  load (fixtures: Fixtures): void
  /** How many times the state was replaced (reset included); a request can tell that it changed under it. */
  generation (): number
  /** The repo with this id, or undefined. */
  getRepo (repoId: string): RepoInfo | undefined
  /**
   * Creates a key with a fresh nanoid id (21 chars), key (32 chars) and secret (43 chars), and createdAt
   * from the random source's clock.
   * @throws RepoNotFoundError when the repo does not exist
   */
  createKey (repoId: string, input: { name: string, accessType: AccessType }): CreatedApiKey
  /**
   * The repo's keys in creation order, fixture keys first; copies, so callers cannot change the store.
   * @throws RepoNotFoundError when the repo does not exist
   */
  listKeys (repoId: string): StoredApiKey[]
  /**
   * Renames a key and changes its access type; id, key and createdAt stay.
   * @throws RepoNotFoundError, or KeyNotFoundError when the repo has no key with this id
   */
  updateKey (repoId: string, keyId: string, input: { name: string, accessType: AccessType }): void
  /**
   * Deletes a key.
   * @throws RepoNotFoundError, or KeyNotFoundError when the repo has no key with this id
   */
  deleteKey (repoId: string, keyId: string): void
  /**
   * Repos in fixture order, each with a copy of its keys.
   * @param visible which repo ids to include ("*" for all)
   * @param filter optional exact-match filters, combined with AND
   */
  listRepos (visible: '*' | string[], filter: RepoQuery): Array<RepoInfo & { apiKeys: StoredApiKey[] }>
  /**
   * Creates a repo with a fresh nanoid id (21 chars), createdAt from the random source's clock, and no keys. A
   * token limited to a list gets the new repo added to it.
   * @param input the repo's fields; `buckets` kept as given
   * @param owner the bearer token that asks (a fixture token of this state)
   * @returns the new repo's id
   * @throws NameAlreadyUsedError when a repo of the same workspace has this name
   */
  createRepo (input: RepoInput, owner: string): string
  /**
   * Replaces a repo's name, storageType, mode, workspaceId and walletAddress (absent: removed), and its buckets
   * when given (absent: kept); id, createdAt, disabled and keys stay.
   * @throws RepoNotFoundError, or NameAlreadyUsedError when another repo of the workspace has this name
   */
  updateRepo (repoId: string, input: RepoInput): void
  /**
   * Deletes a repo and its keys, and takes it off every token's list.
   * @throws RepoNotFoundError
   */
  deleteRepo (repoId: string): void
}

/** The fields of a repo a create or an update gives; `buckets` undefined keeps an updated repo's buckets. */
export type RepoInput = Pick<RepoInfo, 'name' | 'storageType' | 'mode' | 'workspaceId' | 'walletAddress' | 'buckets'>

interface RepoEntry {
  info: RepoInfo
  keys: Map<string, StoredApiKey>
}

/**
 * Builds a store seeded from fixtures. The fixtures object is never changed: tokens and repos are copied into the
 * state, key objects shared (no key is changed in place), so one fixtures object can seed many apps (one per test)
 * without leaking state between them, and `reset()` returns to it. It is not copied: the caller must not change it
 * afterwards (`loadStartFixtures` copies a fixture document given in code). Issue 13: copying the keys of a fixture file
 * the CLI had just parsed, 10,000 in the bench, took about 18 ms of its start, mostly in young-generation collections.
 * @param fixtures checked fixtures (see `validateFixtures`)
 * @param random where ids, keys, secrets and createdAt come from; default a CSPRNG and the real clock
 */
export function createStore (fixtures: Fixtures, random: RandomSource = createRandomSource()): Store {
  let initial = fixtures
  let tokens: readonly FixtureToken[] = []
  let repos = new Map<string, RepoEntry>()
  let generation = 0
  const replace = (next: Fixtures): void => {
    const nextRepos = new Map<string, RepoEntry>()
    for (const { apiKeys = [], ...info } of next.repos) {
      // Key objects are shared with the fixtures the state is made from: they are never changed in place (an update
      // replaces the key), and reads return copies.
      const keys = new Map<string, StoredApiKey>()
      for (const apiKey of apiKeys) keys.set(apiKey.id, apiKey)
      nextRepos.set(info.id, { info: copyInfo(info), keys })
    }
    tokens = copyTokens(next.tokens)
    repos = nextRepos
    generation++
    random.restart()
  }
  replace(initial)
  const entry = (repoId: string): RepoEntry => {
    const found = repos.get(repoId)
    if (found === undefined) throw new RepoNotFoundError(repoId)
    return found
  }
  const keyOf = (repoId: string, keyId: string): StoredApiKey => {
    const found = entry(repoId).keys.get(keyId)
    if (found === undefined) throw new KeyNotFoundError(keyId, repoId)
    return found
  }
  const copyKeys = (e: RepoEntry): StoredApiKey[] => [...e.keys.values()].map((k) => ({ ...k }))
  /** Names are unique within a workspace (except for the repo being updated). */
  const assertNameFree = ({ name, workspaceId }: RepoInput, self?: string): void => {
    for (const { info } of repos.values()) {
      if (info.name === name && info.workspaceId === workspaceId && info.id !== self) throw new NameAlreadyUsedError(name, workspaceId)
    }
  }
  const matches = (info: RepoInfo, filter: RepoQuery): boolean =>
    (filter.workspaceId === undefined || info.workspaceId === filter.workspaceId) &&
    (filter.repoId === undefined || info.id === filter.repoId) &&
    (filter.walletAddress === undefined || info.walletAddress === filter.walletAddress)
  return {
    tokens: () => tokens,
    snapshot: () => ({
      tokens: copyTokens(tokens),
      repos: [...repos.values()].map((e) => ({ ...copyInfo(e.info), apiKeys: copyKeys(e) }))
    }),
    replace,
    reset: () => replace(initial),
    load (next) {
      initial = next
      replace(initial)
    },
    generation: () => generation,
    getRepo: (repoId) => repos.get(repoId)?.info,
    createKey (repoId, { name, accessType }) {
      const { keys } = entry(repoId)
      const created = { id: random.id(KEY_FORMATS.id.length), key: random.id(KEY_FORMATS.key.length), secret: random.id(KEY_FORMATS.secret.length) }
      keys.set(created.id, { id: created.id, name, accessType, key: created.key, createdAt: random.now() })
      return created
    },
    listKeys: (repoId) => copyKeys(entry(repoId)),
    updateKey (repoId, keyId, { name, accessType }) {
      // A new key object in the same place of the repo's keys, in one step: no request can observe a key with the new
      // name and the old access type, and the fixtures a reset restores keep the old one.
      entry(repoId).keys.set(keyId, { ...keyOf(repoId, keyId), name, accessType })
    },
    deleteKey (repoId, keyId) {
      if (!entry(repoId).keys.delete(keyId)) throw new KeyNotFoundError(keyId, repoId)
    },
    listRepos: (visible, filter) => [...repos.values()]
      .filter((e) => (visible === '*' || visible.includes(e.info.id)) && matches(e.info, filter))
      .map((e) => ({ ...copyInfo(e.info), apiKeys: copyKeys(e) })),
    createRepo (input, owner) {
      assertNameFree(input)
      const id = random.id(KEY_FORMATS.id.length)
      repos.set(id, { info: { id, ...repoFields(input), createdAt: random.now() }, keys: new Map() })
      const token = tokens.find((t) => t.token === owner)
      if (token !== undefined && token.repos !== '*') token.repos.push(id)
      return id
    },
    updateRepo (repoId, input) {
      const found = entry(repoId)
      assertNameFree(input, repoId)
      const { id, createdAt, disabled, buckets } = found.info
      // One synchronous replacement: no request sees half an update.
      found.info = { id, ...repoFields({ ...input, buckets: input.buckets ?? buckets }), createdAt, ...(disabled === undefined ? {} : { disabled }) }
    },
    deleteRepo (repoId) {
      if (!repos.delete(repoId)) throw new RepoNotFoundError(repoId)
      for (const token of tokens) if (token.repos !== '*') token.repos = token.repos.filter((id) => id !== repoId)
    }
  }
}
