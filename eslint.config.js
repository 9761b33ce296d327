// Lint rules: neostandard (the Fastify ecosystem's style), with TypeScript support.
import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['dist/**', 'dist-test/**', 'coverage/**', '.tap/**', 'test/contract/generated/**'] })
