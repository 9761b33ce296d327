// The package version, read once from package.json (one level above both src/ and dist/).
import { readFileSync } from 'node:fs'

/** The `version` field of package.json, e.g. "0.1.0". */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
