// Ajv errors as short sentences that name the field and what was expected.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { compileChecker, describeAjvError, jsonPath, mainAjvError } from '../src/validation.js'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { PRECOMPILED } from '../src/precompiled.js'

t.test('each kind of problem is one sentence naming the path and the expectation', async (t) => {
  const check = compileChecker(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 3 }),
    kind: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')])),
    level: Type.Optional(Type.Union([Type.Literal('*'), Type.Array(Type.String({ minLength: 1 }))])),
    count: Type.Optional(Type.Integer({ maximum: 9 })),
    mode: Type.Optional(Type.String({ enum: ['X', 'Y'] })),
    flag: Type.Optional(Type.Literal(true)),
    nested: Type.Optional(Type.Object({ 'a/b~c': Type.Number() })),
    when: Type.Optional(Type.String({ format: 'date-time' })),
    either: Type.Optional(Type.Union([Type.String(), Type.Null()]))
  }, { additionalProperties: false }))
  const cases: Array<[unknown, string[], string]> = [
    [{}, ['name'], 'is required'],
    [{ name: 'n', extra: 1 }, [], 'must not have the unknown property "extra"'],
    [{ name: 'n', 'a\nb"c': 1 }, [], 'must not have the unknown property "a\\nb\\"c"'],
    [{ name: 7 }, ['name'], 'must be a string'],
    [{ name: '' }, ['name'], 'must be 1 or more characters long'],
    [{ name: 'long' }, ['name'], 'must be 3 or fewer characters long'],
    [{ name: 'n', kind: 'C' }, ['kind'], 'must be "A" or "B"'],
    [{ name: 'n', level: 'all' }, ['level'], 'must be "*" or an array'],
    [{ name: 'n', level: ['a', ''] }, ['level', '1'], 'must be 1 or more characters long'],
    [{ name: 'n', either: 1 }, ['either'], 'must be a string or null'],
    [{ name: 'n', count: 10 }, ['count'], 'must be at most 9'],
    [{ name: 'n', mode: 'Z' }, ['mode'], 'must be one of X, Y'],
    [{ name: 'n', flag: false }, ['flag'], 'must be true'],
    [{ name: 'n', nested: { 'a/b~c': 'x' } }, ['nested', 'a/b~c'], 'must be a number'],
    [{ name: 'n', when: 'yesterday' }, ['when'], 'must match format "date-time"']
  ]
  for (const [data, path, expected] of cases) {
    t.same(check(data), { ok: false, problem: { path, expected } }, JSON.stringify(data))
  }
  t.same(check({ name: 'abc', kind: 'A' }), { ok: true, value: { name: 'abc', kind: 'A' } })
})

t.test('an anyOf summary is reported before the errors of its branches', async (t) => {
  const branch = { keyword: 'const', instancePath: '/kind', params: { allowedValue: 'A' } } as unknown as ErrorObject
  const summary = { keyword: 'anyOf', instancePath: '/kind', params: {}, parentSchema: { anyOf: [{ const: 'A' }] } } as unknown as ErrorObject
  t.equal(mainAjvError([branch, summary]), summary)
  t.equal(mainAjvError([branch]), branch)
  t.same(describeAjvError(summary), { path: ['kind'], expected: 'must be "A"' })
})

t.test('paths render as JSON paths', async (t) => {
  t.equal(jsonPath([]), '$')
  t.equal(jsonPath(['repos', '1', 'storageType']), '$.repos[1].storageType')
})

t.test('issue 13: a checker the build precompiled (PRECOMPILED, by $id) is used instead of compiling the schema', async (t) => {
  const precompiled = Object.assign((data: unknown) => data === 'yes', { errors: [{ keyword: 'const', instancePath: '', params: { allowedValue: 'yes' } }] })
  PRECOMPILED['precompiled-test'] = precompiled as unknown as ValidateFunction
  t.teardown(() => { delete PRECOMPILED['precompiled-test'] })
  // The schema itself would accept any string: the precompiled function decides.
  const check = compileChecker(Type.String({ $id: 'precompiled-test' }))
  t.same(check('yes'), { ok: true, value: 'yes' })
  t.same(check('no'), { ok: false, problem: { path: [], expected: 'must be "yes"' } })
})
