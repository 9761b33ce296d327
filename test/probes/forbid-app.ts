// Preload for CLI tests (node --import): importing the app or Fastify throws (the bundle's server chunk, or app.js
// and Fastify's own files unbundled), so a command that answers without loading the app can be told from one that
// loads it.
import { register } from 'node:module'

const hooks = `
export async function resolve (specifier, context, next) {
  const result = await next(specifier, context)
  if (/\\/app\\.js$|\\/chunks\\/server-\\w+\\.js$|\\/node_modules\\/fastify\\//.test(result.url)) {
    throw new Error('forbid-app: ' + result.url + ' was imported')
  }
  return result
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
