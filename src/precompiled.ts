// Checkers compiled ahead of time: the bundle's build (scripts/build.ts) replaces this module with Ajv's standalone
// code for the settings' and the fixtures' schemas. Run unbundled (the in-process tests), it is empty, and
// compileChecker compiles them with Ajv instead.
import type { ValidateFunction } from 'ajv'

/** Precompiled validate functions, by their schema's `$id`. */
export const PRECOMPILED: Record<string, ValidateFunction> = {}
