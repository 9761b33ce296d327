// V8 settings for the CLI's start only (issue 13): what the start does runs once, so V8's optimising compiler and a
// growing young generation cost memory there and save nothing.
import { setFlagsFromString } from 'node:v8'

/**
 * V8 flags a user may give that the lean start would change or contradict: with any of them, in any spelling Node and
 * V8 take (`--no-opt`, `-no-opt`, `--noopt`, `--semi_space_growth_factor=4`), it changes nothing. Node takes them on
 * its command line (`node --no-opt dist/cli.cjs`); of them, NODE_OPTIONS allows `--jitless` only. Flags that only
 * name optimisation (`--trace-opt`, `--max-opt`) are not among them.
 */
const USER_SET = /^--?(?:no-?)?(?:turbofan|opt|always-turbofan|always-opt|jitless|lite-mode|semi-space-growth-factor)(?:=|$)/

/**
 * The flags set for the start, each with the value it goes back to: V8's default in Node 20 (V8 11.3) and 22 (V8 12.4).
 * The user has set neither (`USER_SET`), so the default is the value in effect. V8 takes the CLI's code cache only with
 * the start's flags set (the image's test asks V8 with them).
 */
export const START_FLAGS = [
  { start: '--no-turbofan', after: '--turbofan' },
  { start: '--semi-space-growth-factor=1', after: '--semi-space-growth-factor=2' }
] as const

/**
 * Turns V8's optimising compiler (TurboFan) off and keeps its young generation from growing, until the returned
 * function puts V8's defaults back; the CLI calls it once the server listens. At the first 200, with the bench's
 * 10,000 fixture keys, the CLI's RSS was 72.5 MB on Node 20, 1.42× the bare-Node reference's (medians of 21 starts):
 * - TurboFan optimised the start's loops (the fixture check, the store), each run once: 3.1 MB of the node binary's
 *   pages were its compiler's code alone, with its memory (glibc kept freed chunks). Without it: 68.6 MB.
 * - V8 doubles its young generation when most of it survives a collection, as the fixtures do: kept from growing
 *   until the server listens, 64.5 MB (1.26×), with the same start-up time and CPU. On Node 22, 78.4 MB became
 *   67.9 (11 starts).
 * Requests are served with V8's defaults: create key's throughput and CPU per request were the same (10 alternated
 * runs), and 4 times worse with TurboFan left off. The cost: the young generation grows back under load, not before,
 * so the first seconds of create-key load made about twice as many young-generation collections (97-100 against
 * 40-61 over a start and 4 s of load, taking 304-318 ms against 199-261; 2 runs each).
 * Node's docs warn that a flag changed after V8 has started may behave unpredictably; these two are read each time
 * they are used (V8's tiering manager, its young-generation sizing), and test/lean-start.test.ts shows in V8 itself
 * that TurboFan is off, then on again.
 * Call it before the bundle is compiled, and write the code cache before restoring: V8 takes a code cache only
 * with the flags it was made with.
 * @param execArgv Node's own arguments (`process.execArgv`); a flag of `USER_SET` there leaves V8 alone
 * @param nodeOptions `NODE_OPTIONS`, read the same way
 * @param setFlags sets V8 flags; `v8.setFlagsFromString` except in tests
 * @returns puts V8's defaults back; it does so once, whenever it is called again
 */
export function leanStart (execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '', setFlags = setFlagsFromString): () => void {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((arg) => arg.replace(/_/g, '-'))
  if (given.some((arg) => USER_SET.test(arg))) return () => {}
  for (const { start } of START_FLAGS) setFlags(start)
  let restored = false
  return () => {
    if (restored) return
    restored = true
    for (const { after } of START_FLAGS) setFlags(after)
  }
}
