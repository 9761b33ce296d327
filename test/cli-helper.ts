// Starts the CLI as a child process with plain node: the bundle the package ships (dist/cli.cjs), built by the same
// script into dist-test/bundle with source maps (`npm test` builds it first). The child inherits tap's coverage hook
// through NODE_OPTIONS, so these runs count towards coverage, mapped back to src/ by the source maps.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import type { Readable } from 'node:stream'
import { waitUntil, within } from './helper.js'

/** The bundled CLI: dist/cli.cjs as the package ships it, with source maps. */
export const CLI = fileURLToPath(new URL('../bundle/cli.cjs', import.meta.url))
/** The bundled HEALTHCHECK script, dist/healthcheck.js. */
export const HEALTHCHECK = fileURLToPath(new URL('../bundle/healthcheck.js', import.meta.url))
/** How long a CLI may take to start, answer or exit before a test gives up, in ms: generous, for a busy machine. */
export const CLI_TIMEOUT_MS = 30_000

/** A finished process. */
export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A running child with its output so far. */
interface Child {
  child: ChildProcess
  stdout (): string
  stderr (): string
  /** Resolves once the process has exited and its output streams are closed, so the output is complete. */
  done: Promise<Finished>
  /** Resolves with the output so far once `stream` matches `pattern`; fails if the process ends first or after CLI_TIMEOUT_MS. */
  waitFor (stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>
}

/**
 * Runs a command with the given environment on top of ours; the server's own variables are emptied first,
 * so the caller's shell cannot change a test, and the compile cache is off. Its stdin is a pipe the test may write to.
 */
export function spawnChild (command: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(command, args, {
    // The bundle is required as usual, without V8's code cache, unless a test asks for it: Node then knows its
    // source map, and coverage counts these runs against src/.
    env: { ...process.env, PORT: '', HOST: '', FLASHBACK_MOCK_FIXTURES: '', LOG_LEVEL: '', NODE_DISABLE_COMPILE_CACHE: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c) => { stdout += c })
  child.stderr?.on('data', (c) => { stderr += c })
  const done = once(child, 'close').then(([code, signal]) => ({ code, signal, stdout, stderr }))
  const text = { stdout: () => stdout, stderr: () => stderr }
  const waitFor = async (stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> =>
    waitUntil(child[stream] as Readable, 'data', () => pattern.test(text[stream]()) ? text[stream]() : undefined, {
      ms: CLI_TIMEOUT_MS,
      what: `${stream} to match ${pattern}`,
      seen: () => stdout + stderr,
      ended: done.then(({ code }) => `the process exited with ${code}`)
    })
  return { child, ...text, done, waitFor }
}

/** Runs `node [...nodeArgs] <script> [...args]` with plain node, as `spawnChild` does. */
export const spawnNode = (script: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Child =>
  spawnChild(process.execPath, [...nodeArgs, script, ...args], env)

/**
 * Runs the CLI to completion, e.g. with `--help` or a bad setting; kills it and fails if it takes too long.
 * @param script the bin to run; default the bundled CLI
 */
export async function runCli (args: string[], env: Record<string, string> = {}, nodeArgs: string[] = [], script = CLI): Promise<Finished> {
  const run = spawnNode(script, args, env, nodeArgs)
  return within(run.done, CLI_TIMEOUT_MS, `flashback-mock ${args.join(' ')} to exit`, () => run.stdout() + run.stderr())
    .finally(() => run.child.kill('SIGKILL'))
}

/** A running CLI server, with the URL from its ready line and its log lines so far. */
export interface CliServer {
  child: ChildProcess
  url: string
  /** Log lines so far; a line that is not JSON is kept as `{ text }`. */
  logs: Array<Record<string, unknown>>
  /** Resolves with the first log line, past or future, that matches; fails after CLI_TIMEOUT_MS. */
  waitForLog (match: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>
  /** Its stderr so far. */
  stderr (): string
  /** Resolves with its stderr once it matches; fails after CLI_TIMEOUT_MS. */
  waitForStderr (pattern: RegExp): Promise<string>
  /** Resolves once the process has exited and its output is complete. */
  done: Promise<Finished>
  /** Sends a signal and resolves with the exit code once the process has exited. */
  stop (signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts the CLI on a free port (`--port 0` first, so a later `--port` wins) and waits for its ready
 * line, `flashback-mock listening on <url>`. The process is killed when the test ends, if still running.
 * @param script the bin to run; default the bundled CLI
 */
export async function startCli (t: Test, args: string[] = [], env: Record<string, string> = {}, nodeArgs: string[] = [], script = CLI): Promise<CliServer> {
  const run = spawnNode(script, ['--port', '0', ...args], env, nodeArgs)
  t.teardown(() => { run.child.kill('SIGKILL') })
  const logs: Array<Record<string, unknown>> = []
  let buffer = ''
  run.child.stdout?.on('data', (chunk) => {
    buffer += chunk
    const lines = buffer.split('\n')
    buffer = lines.pop() as string
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line))
      } catch {
        logs.push({ text: line })
      }
    }
  })
  const seen = (): string => [...logs.map((l) => JSON.stringify(l)), buffer, run.stderr()].join('\n')
  // The parser above listens first, so each check sees the lines of the chunk that woke it.
  const waitForLog = async (match: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> =>
    waitUntil(run.child.stdout as Readable, 'data', () => logs.find(match), {
      ms: CLI_TIMEOUT_MS,
      what,
      seen,
      ended: run.done.then(({ code }) => `the CLI exited with ${code}`)
    })
  const ready = await waitForLog((l) => /^flashback-mock listening on \S+$/.test(String(l.msg)), 'the ready line')
  return {
    child: run.child,
    url: String(ready.msg).split(' ').at(-1) as string,
    logs,
    waitForLog,
    stderr: run.stderr,
    waitForStderr: (pattern) => run.waitFor('stderr', pattern),
    done: run.done,
    async stop (signal = 'SIGTERM') {
      run.child.kill(signal)
      return (await within(run.done, CLI_TIMEOUT_MS, `the CLI to exit after ${signal}`, seen)).code
    }
  }
}
