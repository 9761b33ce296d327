// The CLI's lean start (issue 13): V8's optimising compiler off and its young generation kept from growing until the
// server listens, then V8's defaults back; nothing changed when the user gives V8 flags of those names.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { leanStart } from '../src/lean-start.js'

const LEAN_START = fileURLToPath(new URL('../src/lean-start.js', import.meta.url))

/** leanStart with a recorder in place of `v8.setFlagsFromString`: the flags it set, in order, and its restore. */
function recorded (execArgv: string[], nodeOptions: string): { flags: string[], restore: () => void } {
  const flags: string[] = []
  const restore = leanStart(execArgv, nodeOptions, (flag) => { flags.push(flag) })
  return { flags, restore }
}

t.test('the start runs without TurboFan and with a young generation that does not grow; restoring puts the defaults back, once', async (t) => {
  const { flags, restore } = recorded([], '')
  t.same(flags, ['--no-turbofan', '--semi-space-growth-factor=1'])
  restore()
  t.same(flags.slice(2), ['--turbofan', '--semi-space-growth-factor=2'])
  restore()
  t.equal(flags.length, 4, 'a second restore sets nothing')
})

t.test('V8 flags of the same names, in Node\'s arguments or NODE_OPTIONS and in any spelling V8 takes, leave V8 alone', async (t) => {
  for (const [execArgv, nodeOptions] of [
    [['--no-opt'], ''], [['-no-opt'], ''], [['--noopt'], ''], [['-noopt'], ''], [['--opt'], ''], [['--turbofan'], ''], [['--no_turbofan'], ''],
    [['--always-turbofan'], ''], [['--always-opt'], ''], [['--jitless'], ''], [['--lite-mode'], ''],
    [['--semi_space_growth_factor=4'], ''], [[], '--max-old-space-size=512 --jitless'], [[], '  --jitless  ']
  ] as Array<[string[], string]>) {
    const { flags, restore } = recorded(execArgv, nodeOptions)
    restore()
    t.same(flags, [], `${execArgv.join(' ')} ${nodeOptions}`.trim())
  }
  for (const [execArgv, nodeOptions] of [
    [['--enable-source-maps', '--optimize-for-size'], '--max-semi-space-size=16 --require ./preload.js'], [['--inspect'], '--max-old-space-size=512'],
    [['--trace-opt', '--max-opt=2', '--wasm-opt', '--no-wasm-opt'], '']
  ] as Array<[string[], string]>) {
    t.equal(recorded(execArgv, nodeOptions).flags.length, 2, `other flags do not: ${execArgv.join(' ')} ${nodeOptions}`)
  }
})

t.test('by default, Node\'s own arguments and NODE_OPTIONS are read, which may be unset', async (t) => {
  const saved = process.env.NODE_OPTIONS
  t.teardown(() => { if (saved === undefined) delete process.env.NODE_OPTIONS; else process.env.NODE_OPTIONS = saved })
  const flagsWith = (): string[] => {
    const flags: string[] = []
    leanStart(undefined, undefined, (flag) => { flags.push(flag) })
    return flags
  }
  process.env.NODE_OPTIONS = '--jitless'
  t.same(flagsWith(), [], 'NODE_OPTIONS with --jitless')
  delete process.env.NODE_OPTIONS
  t.same(flagsWith(), ['--no-turbofan', '--semi-space-growth-factor=1'], 'no NODE_OPTIONS')
})

t.test('in V8 itself: a hot function is not optimised during the lean start, and is once it is restored', async (t) => {
  // In a child: this process's V8 flags stay as they are. %GetOptimizationStatus's bit 16 is "optimized" (V8's
  // runtime-test.cc); %WaitForBackgroundOptimization lets a concurrent compile finish before it is asked.
  const script = `import { leanStart } from ${JSON.stringify(LEAN_START)}
const hot = (n) => { let sum = 0; for (let i = 0; i < n; i++) sum += i % 7; return sum }
const optimised = () => { for (let i = 0; i < 5000; i++) hot(100); %WaitForBackgroundOptimization(); hot(100); return (%GetOptimizationStatus(hot) & 16) !== 0 }
const restore = leanStart([], '')
const during = optimised()
restore()
process.stdout.write(JSON.stringify({ during, after: optimised() }))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script])
  t.same(JSON.parse(stdout), { during: false, after: true })
})
