// Preload for CLI tests (node --import): writes `compiled a function` on stderr each time code is compiled from a
// string with the Function constructor, as Ajv and fast-json-stringify compile a validator or a serializer, so a test
// can tell whether a request compiled one.
const RealFunction = Function
const report = (): void => { process.stderr.write('compiled a function\n') }
globalThis.Function = new Proxy(RealFunction, {
  apply (target, self, args: string[]) { report(); return Reflect.apply(target, self, args) },
  construct (target, args: string[], newTarget) { report(); return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget) }
})
