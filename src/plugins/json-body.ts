// JSON is the only body type; an empty JSON body counts as no body, so DELETE with a stray Content-Type works.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'

/**
 * Plugin `json-body`. Replaces Fastify's JSON parser with one that reads an empty body as "no body"
 * (`request.body === undefined`): routes without a body schema then accept it, and routes with one answer
 * 400 "Request body is required". Non-empty bodies go through Fastify's own parser (prototype-poisoning
 * checks on). The text/plain parser is removed, so any type but application/json is a 415.
 */
const jsonBodyPlugin: FastifyPluginAsync = async (app) => {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined)
      return
    }
    parseJson(request, body as string, done)
  })
}

export default fp(jsonBodyPlugin, { name: 'json-body', fastify: '5.x' })
