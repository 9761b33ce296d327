// Checkers, validators and serializers compiled ahead of time: the bundle's build (scripts/build.ts) replaces this
// module with Ajv's standalone code for the settings' and the fixtures' schemas, and with the routes' validators
// (Ajv) and serializers (fast-json-stringify) as Fastify compiles them. Run unbundled (the in-process tests), it is
// empty, and they are compiled when first used instead.
import type { ValidateFunction } from 'ajv'

/** Precompiled validate functions, by their schema's `$id`. */
export const PRECOMPILED: Record<string, ValidateFunction> = {}

/**
 * The routes' validators and serializers, by `routeSchemaKey` (src/app.ts): the modules Ajv's and fast-json-stringify's
 * standalone modes wrote for the default app, each a function as Fastify's compilers would return it.
 */
export const PRECOMPILED_ROUTES: { validators: Record<string, unknown>, serializers: Record<string, unknown> } = { validators: {}, serializers: {} }
