// Writes fixtures/fixtures.schema.json from FixturesSchema, so editors can complete fixture files.
import { writeFileSync } from 'node:fs'
import { fixturesJsonSchema } from '../src/schemas/fixtures.js'

writeFileSync(new URL('../fixtures/fixtures.schema.json', import.meta.url), fixturesJsonSchema())
