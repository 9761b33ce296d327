// Decorates the app with its own store, so every app instance (one per test) has separate state.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { createStore, type Store } from '../store.js'
import { createRandomSource, type RandomSource } from '../random-source.js'
import type { Fixtures } from '../schemas/fixtures.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The in-memory state of this app instance. */
    store: Store
    /** Where this app's ids, keys, secrets, createdAt and fault draws come from (seeded in deterministic mode). */
    randomSource: RandomSource
  }
}

/** Options of the store plugin: the fixtures that seed it, and the seed of deterministic mode, if any. */
export interface StorePluginOptions {
  fixtures: Fixtures
  seed?: string
}

/** Plugin `store`: decorates `app.randomSource` with `createRandomSource(seed)` and `app.store` with a store that uses it. */
const storePlugin: FastifyPluginAsync<StorePluginOptions> = async (app, { fixtures, seed }) => {
  app.decorate('randomSource', createRandomSource(seed))
  app.decorate('store', createStore(fixtures, app.randomSource))
}

export default fp(storePlugin, { name: 'store', fastify: '5.x' })
