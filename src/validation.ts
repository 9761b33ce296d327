// Turns Ajv validation errors into short sentences that name the field and what was expected.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { TSchema, Static } from '@sinclair/typebox'

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

/** A validation problem: where it is (path segments from the root) and what was expected there. */
export interface Problem {
  /** Path segments from the validated root, e.g. `['repos', '1', 'storageType']`. */
  path: string[]
  /** What was expected, e.g. `must be one of S3, GCS, BLOB`. */
  expected: string
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object', array: 'an array', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', null: 'null'
}

/**
 * Describes one Ajv error. `anyOf` errors need Ajv's `verbose` option, which gives `parentSchema`.
 * @param error an error from an Ajv validate function
 * @returns the path (with the missing property appended for `required`) and the expectation
 */
export function describeAjvError (error: ErrorObject): Problem {
  const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], expected: 'is required' }
    case 'additionalProperties':
      return { path, expected: `must not have the unknown property "${String(p.additionalProperty)}"` }
    case 'enum':
      return { path, expected: `must be one of ${(p.allowedValues as unknown[]).join(', ')}` }
    case 'type':
      return { path, expected: `must be ${String(p.type).split(',').map((t) => TYPE_NAMES[t]).join(' or ')}` }
    case 'const':
      return { path, expected: `must be ${JSON.stringify(p.allowedValue)}` }
    case 'minLength':
      return { path, expected: `must be ${String(p.limit)} or more characters long` }
    case 'maxLength':
      return { path, expected: `must be ${String(p.limit)} or fewer characters long` }
    case 'minimum':
      return { path, expected: `must be at least ${String(p.limit)}` }
    case 'maximum':
      return { path, expected: `must be at most ${String(p.limit)}` }
    case 'anyOf': {
      // Only verbose checkers (compileChecker) produce anyOf errors: request schemas use string enums.
      const branches = (error.parentSchema as { anyOf: Array<{ const?: unknown, type?: string }> }).anyOf
      const names = branches.map((b) => b.const !== undefined ? JSON.stringify(b.const) : TYPE_NAMES[String(b.type)])
      return { path, expected: `must be ${names.join(' or ')}` }
    }
    default:
      return { path, expected: String(error.message) }
  }
}

/**
 * Picks the error to report first: an `anyOf` summary ("must be "*" or an array") beats its branches' noise,
 * unless a branch got past its type and failed deeper down, e.g. an empty string inside the array: that
 * error names the exact place.
 * @param errors Ajv's error list (non-empty)
 */
export function mainAjvError (errors: ErrorObject[]): ErrorObject {
  const anyOf = errors.find((e) => e.keyword === 'anyOf')
  if (anyOf === undefined) return errors[0] as ErrorObject
  return errors.find((e) => e.instancePath.startsWith(`${anyOf.instancePath}/`)) ?? anyOf
}

/** Renders a path as a JSON path, e.g. `$.repos[1].storageType`. */
export function jsonPath (path: string[]): string {
  return '$' + path.map((s) => /^\d+$/.test(s) ? `[${s}]` : `.${s}`).join('')
}

// The schemas are TypeBox's, known good, so Ajv neither checks them against the meta-schema nor runs its
// optimisation passes over the code it generates: the checkers run once or twice per start, and compiling them
// was about 110 ms of the CLI's start (issue 13).
const ajv = new Ajv({ allErrors: false, verbose: true, strict: false, validateSchema: false, code: { optimize: false } })
addFormats(ajv)

/**
 * Compiles a TypeBox schema into a checker for data from files, env vars and flags (not HTTP,
 * which Fastify's own Ajv checks). Formats such as `date-time` are on.
 * @returns a function that returns the data typed, or the first problem found
 */
export function compileChecker<T extends TSchema> (schema: T): (data: unknown) => { ok: true, value: Static<T> } | { ok: false, problem: Problem } {
  const validate: ValidateFunction = ajv.compile(schema)
  return (data) => validate(data)
    ? { ok: true, value: data as Static<T> }
    : { ok: false, problem: describeAjvError(mainAjvError(validate.errors as ErrorObject[])) }
}
