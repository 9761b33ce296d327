// Decorates the app with its own store, so every app instance (one per test) has separate state.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { createStore, type Store } from '../store.js'
import type { Fixtures } from '../schemas/fixtures.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The in-memory state of this app instance. */
    store: Store
  }
}

/** Options of the store plugin: the fixtures that seed it. */
export interface StorePluginOptions {
  fixtures: Fixtures
}

/** Plugin `store`: decorates `app.store` with `createStore(fixtures)`. */
const storePlugin: FastifyPluginAsync<StorePluginOptions> = async (app, { fixtures }) => {
  app.decorate('store', createStore(fixtures))
}

export default fp(storePlugin, { name: 'store', fastify: '5.x' })
