// The routes' validators and serializers compiled ahead of time: the bundle's build (scripts/build.ts) replaces this
// module with what the standalone modes of Ajv and fast-json-stringify write as Fastify compiles them, so a route's
// first request compiles nothing. Run unbundled (the in-process tests), it is empty, and each is compiled when first
// used instead. Only the app imports it: --help and --version do not load it.

/**
 * The routes' validators and serializers, by `routeSchemaKey` (src/app.ts): the modules Ajv's and fast-json-stringify's
 * standalone modes wrote for the default app, each a function as Fastify's compilers would return it.
 */
export const PRECOMPILED_ROUTES: { validators: Record<string, unknown>, serializers: Record<string, unknown> } = { validators: {}, serializers: {} }
