// V8's code cache for the CLI's bundle (issue 13). Compiling the bundle's JavaScript was about a quarter of
// the CLI's start. Node 22 caches compiled modules itself (module.enableCompileCache); Node 20 has nothing for a
// module, so the bin runs its bundle as CommonJS through vm.Script, which takes V8's cached code and makes it.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { createHash, type Hash } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import { Script } from 'node:vm'

/** A CommonJS file run with the code cache, and what became of the cache. */
export interface CachedModule<T> {
  /** What the file exported (`module.exports`). */
  exports: T
  /** Whether V8 took compiled code from the cache, instead of compiling the file's source. */
  cached: boolean
  /**
   * Writes the code V8 has compiled for the file so far (functions run since the start included) to the cache, unless
   * the cache was taken or is turned off. Call it once the file's code has done its usual work (the CLI: once it is
   * listening). A cache that cannot be written (a read-only install, a full disk) is skipped: it is only a cache.
   */
  save: () => void
}

/** How much of a file `readText` reads at a time, in bytes. */
const CHUNK_BYTES = 64 * 1024

/**
 * A UTF-8 file's text and the SHA-256 of its bytes, read CHUNK_BYTES at a time into one buffer. Not readFileSync: a
 * buffer of the whole bundle (1.7 MB), freed once it was compiled, raised glibc's threshold for serving an allocation
 * with its own mapping to that size, so the start's later allocations came from the heap and stayed there as fragments
 * (issue 13): the CLI's RSS at its first 200 was 1.8 MB more on a start that writes the code cache, 0.6 MB more on one
 * that reads it (medians of 9 starts each).
 */
function readText (file: string): { text: string, hash: Hash } {
  const fd = openSync(file, 'r')
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
    const decoder = new StringDecoder('utf8')
    const hash = createHash('sha256')
    let text = ''
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, read))
      text += decoder.write(chunk.subarray(0, read))
    }
    return { text: text + decoder.end(), hash }
  } finally {
    closeSync(fd)
  }
}

/**
 * Compiles a CommonJS file wrapped as Node wraps it, with the cached code from `cacheDir` when V8 takes it. A function of
 * its own, so the file's text and the cache's bytes are garbage before the file runs. Held by the caller's frame while
 * the bundle ran (its start allocates enough for several young-generation collections), they were promoted to the old
 * generation and kept until a full collection: 2.7 MB of buffers in the idle CLI, 1.5 MB of its RSS (issue 13).
 */
function compile (file: string, cacheDir: string): { script: Script, cached: boolean, cacheFile: string } {
  const { text, hash } = readText(file)
  const key = hash.update(process.version).update(process.arch).digest('hex').slice(0, 16)
  const cacheFile = join(cacheDir, `${basename(file)}-${key}.cache`)
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  const script = new Script(Module.wrap(text), { filename: file, cachedData })
  return { script, cached: cachedData !== undefined && !script.cachedDataRejected, cacheFile }
}

/**
 * Runs a CommonJS file as `require` would, with V8's code cache: compiled code from an earlier run is used when V8
 * takes it (same source, Node and V8 flags), else the source is compiled. The cache is a file per source content, Node
 * version and CPU architecture in `cacheDir`, next to the code it caches, so it is trusted as much as that code;
 * a new build or Node version gets a file of its own.
 * @param file absolute path of the CommonJS file
 * @param cacheDir where cache files are read and written; created by `save`
 * @param env `NODE_DISABLE_COMPILE_CACHE=1` turns the cache off, as it does Node 22's own: the file is then required
 * @throws what the file throws when it runs, or the read error when the file itself cannot be read
 */
export function requireCached<T> (file: string, cacheDir: string, env: NodeJS.ProcessEnv = process.env): CachedModule<T> {
  // Turned off, the file is required as Node requires any other.
  if (env.NODE_DISABLE_COMPILE_CACHE === '1') return { exports: createRequire(file)(file) as T, cached: false, save () {} }
  const { script, cached, cacheFile } = compile(file, cacheDir)
  const module = { exports: {} }
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  let saved = cached
  return {
    exports: module.exports as T,
    cached,
    save () {
      if (saved) return
      saved = true
      try {
        mkdirSync(cacheDir, { recursive: true })
        // Written whole, then renamed: a start that reads it at the same time gets the old file or the new one.
        const partial = `${cacheFile}.${process.pid}`
        writeFileSync(partial, script.createCachedData())
        renameSync(partial, cacheFile)
      } catch {}
    }
  }
}
