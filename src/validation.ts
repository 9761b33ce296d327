// Turns Ajv validation errors into short sentences that name the field and what was expected.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema, Static } from '@sinclair/typebox'
import { FORMATS } from './formats.js'
import { PRECOMPILED } from './precompiled.js'

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
      // Quoted as JSON: a name with a line break or a quote in it stays one readable line.
      return { path, expected: `must not have the unknown property ${JSON.stringify(String(p.additionalProperty))}` }
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

/**
 * Where JSON.parse stopped, as an editor's go-to-line counts it: line and column from 1, the column in UTF-16 units
 * (a tab is 1, an emoji 2; CRLF, LF and a lone CR each end a line), from the position V8 ends its message with
 * (`Expected ',' or '}' after property value in JSON at position 21`, in Node 22 followed by `(line 3 column 10)`).
 * @param text the JSON text as decoded (TextDecoder has dropped a UTF-8 byte-order mark); a second mark, which the
 *   body parser and the fixture loader drop before JSON.parse and an editor shows as a character, counts as one
 * @param message the SyntaxError's message
 * @returns the line and column, or undefined when the message gives no position: V8 gives none when the text ends too
 *   soon, nor for an unexpected token it quotes instead (`Unexpected token 'h', "hello" is not valid JSON`)
 */
export function jsonErrorLocation (text: string, message: string): { line: number, column: number } | undefined {
  // At the end only: a message that quotes the text could quote "at position 9" too.
  const position = / JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message)?.[1]
  if (position === undefined) return undefined
  // JSON.parse saw the text after a leading mark.
  const end = Number(position) + (text.charCodeAt(0) === 0xFEFF ? 1 : 0)
  // Counted, not split: a body of 16 MiB of line breaks would be 16 million strings.
  let line = 1
  let lineStart = 0
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    // LF, or a CR not followed by LF (CRLF ends its line at the LF).
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

/** Renders a path as a JSON path, e.g. `$.repos[1].storageType`. */
export function jsonPath (path: string[]): string {
  return '$' + path.map((s) => /^\d+$/.test(s) ? `[${s}]` : `.${s}`).join('')
}

/**
 * Ajv's options for the checkers, here and in the build's precompiled ones. The schemas are TypeBox's, known good,
 * so Ajv neither checks them against the meta-schema nor runs its optimisation passes over the code it generates:
 * they run once or twice per start, and compiling them was about 110 ms of the CLI's start (issue 13).
 */
export const CHECKER_OPTIONS = { allErrors: false, verbose: true, strict: false, validateSchema: false, code: { optimize: false } } as const

let ajv: Ajv | undefined
/** The Ajv instance (with `FORMATS`) that compiles a checker the build did not precompile; built on first use. */
function compiler (): Ajv {
  ajv ??= new Ajv({ ...CHECKER_OPTIONS, formats: FORMATS })
  return ajv
}

/**
 * Compiles a TypeBox schema into a checker for data from files, env vars and flags (not HTTP, which Fastify's own Ajv
 * checks). The formats of `FORMATS` (ajv-formats' full set) are on. In the bundle, the checkers of the settings and
 * the fixtures are Ajv's standalone code, generated by the build (`PRECOMPILED`, by `$id`), so a start
 * compiles nothing and builds no Ajv instance (issue 13: 30 to 85 ms of the start and 5.5 MB of idle RSS).
 * @returns a function that returns the data typed, or the first problem found
 */
export function compileChecker<T extends TSchema> (schema: T): (data: unknown) => { ok: true, value: Static<T> } | { ok: false, problem: Problem } {
  const validate: ValidateFunction = PRECOMPILED[String(schema.$id)] ?? compiler().compile(schema)
  return (data) => validate(data)
    ? { ok: true, value: data as Static<T> }
    : { ok: false, problem: describeAjvError(mainAjvError(validate.errors as ErrorObject[])) }
}
