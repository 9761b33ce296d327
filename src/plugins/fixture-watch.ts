// Hot reload: --watch reloads the fixture file when it changes, and keeps the old state when the new one is bad.
import fp from 'fastify-plugin'
import { existsSync, realpathSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import { FixtureWatchError, loadStartFixtures, type FixtureError } from '../fixtures.js'
import type { Fixtures } from '../schemas/fixtures.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** With --watch, the watcher of the fixture file's folder (an EventEmitter: `close`, `error`). */
    fixtureWatcher: FSWatcher
  }
}

/** Options of the fixture watcher. */
export interface FixtureWatchOptions {
  /** Absolute path of the fixture file. */
  path: string
  /** The fixtures the app started with (from that file): an unchanged save is told apart from an edit. */
  fixtures: Fixtures
  /** The control API's token: a reloaded file may not use it either. */
  adminToken?: string
  /** Quiet time after the last change before the file is read, in ms; default 100. A burst of saves reloads once. */
  debounceMs?: number
}

/**
 * The file `path` stands for, symlinks followed.
 * @throws FixtureWatchError when it cannot be found: a link whose target went after the file was read (ENOENT), a
 *   loop of links (ELOOP) or a folder on the way it may not search (EACCES)
 */
function realTarget (path: string): string {
  try {
    return realpathSync(path)
  } catch (err) {
    throw new FixtureWatchError(`--watch cannot find the file ${path} stands for (${(err as Error).message}); start without --watch`)
  }
}

/**
 * Plugin `fixture-watch`: watches the fixture file's folder (Node's `fs.watch`; watching the folder, not the file,
 * follows editors that save by writing a new file and renaming it over the old one), and the folder of the file
 * a symlink points to. A folder removed ends the watch with one warn line `fixture watch stopped`. Once changes stop for
 * `debounceMs`, the file is read and checked exactly as at start:
 * - valid and different: it becomes the state, and what a reset restores; one info line `fixtures reloaded`;
 * - the same as the state's source: nothing happens (a save without an edit keeps the keys created since);
 * - invalid, unreadable or gone: the old state stays; one warn line `fixtures not reloaded` with the message,
 *   which names the JSON path (`$.repos[0].storageType must be one of S3, GCS, BLOB`).
 * The request journal and fault rules stay, as with `PUT /__mock/state`. The server never stops over an edit.
 * The watcher closes with the app.
 */
const fixtureWatchPlugin: FastifyPluginAsync<FixtureWatchOptions> = async (app, { path, fixtures: started, adminToken, debounceMs = 100 }) => {
  const name = basename(path)
  let loaded = JSON.stringify(started)
  let timer: NodeJS.Timeout | undefined
  let reading: Promise<void> = Promise.resolve()

  const reload = async (): Promise<void> => {
    try {
      const fixtures = await loadStartFixtures(path, adminToken)
      const text = JSON.stringify(fixtures)
      if (text === loaded) return app.log.debug({ fixtures: path }, 'fixture file saved unchanged')
      loaded = text
      app.store.load(fixtures)
      app.log.info({ fixtures: path, repos: fixtures.repos.length, tokens: fixtures.tokens.length }, 'fixtures reloaded')
    } catch (err) {
      app.log.warn({ fixtures: path, error: (err as FixtureError).message }, 'fixtures not reloaded: the old state stays')
    }
  }
  // One read at a time, in order: a change during a read is read again after it.
  const schedule = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => { reading = reading.then(reload) }, debounceMs)
  }

  const folder = dirname(path)
  const stopped = (reason: string): void => app.log.warn({ fixtures: path, error: reason }, 'fixture watch stopped: edits are no longer reloaded')
  // fs.watch throws when it cannot start (ENOSPC: Linux's inotify limit); the server is not built then.
  const watchFolder = (dir: string, listener: (event: string, file: string | null) => void): FSWatcher => {
    try {
      return watch(dir, listener)
    } catch (err) {
      const hint = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? 'raise the limit (sysctl fs.inotify.max_user_watches) or ' : ''
      throw new FixtureWatchError(`--watch cannot watch the folder ${dir} (${(err as Error).message}); ${hint}start without --watch`)
    }
  }
  const watcher: FSWatcher = watchFolder(folder, (_event, file) => {
    if (file === name) return schedule()
    // Linux reports the watched folder's own removal under its name, and then nothing more: say so once.
    if (file === basename(folder) && !existsSync(folder)) {
      watcher.close()
      stopped(`the folder ${folder} is gone`)
    }
  })
  // An error ends the watch, not the server (an unhandled 'error' event would); the state stays as it is.
  const onError = (err: Error): void => stopped(err.message)
  watcher.on('error', onError)
  // A symlinked fixture file: an edit of the file it points to is an edit too (the link's own folder tells of a
  // new target, the target's folder of a new content).
  let targetWatcher: FSWatcher | undefined
  try {
    const target = realTarget(path)
    targetWatcher = target === path ? undefined : watchFolder(dirname(target), (_event, file) => { if (file === basename(target)) schedule() })
  } catch (err) {
    // The app is not built, so its onClose never runs: the folder's watcher would keep the process alive.
    watcher.close()
    throw err
  }
  targetWatcher?.on('error', onError)
  app.decorate('fixtureWatcher', watcher)
  app.addHook('onClose', async () => {
    clearTimeout(timer)
    watcher.close()
    targetWatcher?.close()
    await reading
  })
}

export default fp(fixtureWatchPlugin, { name: 'fixture-watch', fastify: '5.x', dependencies: ['store'] })
