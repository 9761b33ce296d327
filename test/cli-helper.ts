// Starts the real CLI (src/cli.ts, through tap's TypeScript loader) as a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const HEALTHCHECK = fileURLToPath(new URL('../src/healthcheck.ts', import.meta.url))

/** A finished CLI run. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** A running CLI server, with the URL from its ready line and the log lines so far. */
export interface CliServer {
  child: ChildProcess
  url: string
  logs: Array<Record<string, unknown>>
  /** Resolves with the exit code once the process ends. */
  exit: Promise<number | null>
  /** Sends a signal and resolves with the exit code once the process ends. */
  stop (signal?: NodeJS.Signals): Promise<number | null>
}

function start (args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...process.execArgv, CLI, ...args], {
    env: { ...process.env, PORT: '', HOST: '', FLASHBACK_MOCK_FIXTURES: '', LOG_LEVEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Runs the image's HEALTHCHECK script with these environment variables; resolves with its exit code and stderr. */
export async function runHealthcheck (env: Record<string, string>): Promise<{ code: number | null, stderr: string }> {
  const child = spawn(process.execPath, [...process.execArgv, HEALTHCHECK], { env: { ...process.env, HOST: '', PORT: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (c) => { stderr += c })
  const [code] = await once(child, 'exit')
  return { code, stderr }
}

/** Runs the CLI to completion, e.g. with `--help` or a bad setting. */
export async function runCli (args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = start(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c) => { stdout += c })
  child.stderr?.on('data', (c) => { stderr += c })
  const [code] = await once(child, 'exit')
  return { code, stdout, stderr }
}

/**
 * Starts the CLI on a free port (`--port 0` unless given) and waits for its ready line,
 * `flashback-mock listening on <url>`. The process is killed when the test ends, if still running.
 */
export async function startCli (t: Test, args: string[] = [], env: Record<string, string> = {}): Promise<CliServer> {
  const child = start(['--port', '0', ...args], env)
  const exited = once(child, 'exit')
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const logs: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr?.on('data', (c) => { stderr += c })
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = ''
    child.stdout?.on('data', (chunk) => {
      buffer += chunk
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        const ready = /^flashback-mock listening on (\S+)$/.exec(String(entry.msg))
        if (ready !== null) resolve(ready[1] as string)
      }
    })
    exited.then(([code]) => reject(new Error(`CLI exited with ${code} before it was ready: ${stderr}`)))
  })
  return {
    child,
    url,
    logs,
    exit: exited.then(([code]) => code),
    async stop (signal = 'SIGTERM') {
      child.kill(signal)
      const [code] = await exited
      return code
    }
  }
}
