// The package version, read once from package.json, found through its own `imports` (`#package.json`).
import { readFileSync } from 'node:fs'

/** The `version` field of package.json, e.g. "0.1.0". */
export const VERSION: string = JSON.parse(readFileSync(new URL(import.meta.resolve('#package.json')), 'utf8')).version
