// Fault rules: which requests to delay, answer with an error or drop, how often, and with what chance.
import type { FaultRule, FaultRuleInput } from './schemas/control.js'
import { pathMatches, type RequestTarget } from './request-target.js'

/** The fault rules of one app, tried in the order they were added. */
export interface Faults {
  /** Adds a rule (already checked against `FaultRuleInputSchema`) and returns it with its id, e.g. `fault-1`. */
  add (input: FaultRuleInput): FaultRule
  /** The rules in force, in the order they are tried; copies. */
  list (): FaultRule[]
  /** Removes one rule; false when no rule has this id. */
  remove (id: string): boolean
  /** Removes every rule; ids keep counting, so an old id never names a new rule. */
  clear (): void
  /** Removes every rule and counts ids from fault-1 again, as a reset does, so a test that resets gets the same ids. */
  reset (): void
  /** How many rules are in force. */
  size (): number
  /** Whether there is no rule: requests then skip matching altogether. */
  isEmpty (): boolean
  /**
   * The first rule that matches the request (method, and exact path or route pattern) and fires: a rule with
   * `probability` p fires when a draw is below p. A firing counts in `hits` and counts `times` down; at 0 the
   * rule expires. A copy, as it was when it fired; undefined when none fires.
   */
  take (target: RequestTarget): FaultRule | undefined
}

/**
 * Builds an empty rule list.
 * @param draw numbers in [0, 1) for `probability`, drawn only for rules that have one (the app's random
 *   source, so a seeded run draws the same numbers)
 */
export function createFaults (draw: () => number): Faults {
  let rules: FaultRule[] = []
  let lastId = 0
  const fires = (rule: FaultRule, target: RequestTarget): boolean =>
    (rule.method === undefined || rule.method === target.method) &&
    (rule.path === undefined || pathMatches(rule.path, target)) &&
    (rule.probability === undefined || draw() < rule.probability)
  return {
    add (input) {
      const rule = { id: `fault-${++lastId}`, ...input, hits: 0 }
      rules.push(rule)
      return { ...rule }
    },
    list: () => rules.map((rule) => ({ ...rule })),
    remove (id) {
      const before = rules.length
      rules = rules.filter((rule) => rule.id !== id)
      return rules.length < before
    },
    clear () {
      rules = []
    },
    reset () {
      rules = []
      lastId = 0
    },
    size: () => rules.length,
    isEmpty: () => rules.length === 0,
    take (target) {
      const rule = rules.find((candidate) => fires(candidate, target))
      if (rule === undefined) return undefined
      rule.hits++
      if (rule.times !== undefined && --rule.times === 0) rules = rules.filter((r) => r !== rule)
      return { ...rule }
    }
  }
}
