// Preload for CLI tests (node --import): SIGUSR2 throws an uncaught error, to see how the CLI handles one.
process.on('SIGUSR2', () => { throw new Error('injected failure') })
