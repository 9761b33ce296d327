// Preload for CLI tests (node --import): reading whether stdout is a terminal throws, an error the CLI does not expect
// while it builds the server, before it listens.
Object.defineProperty(process.stdout, 'isTTY', { get () { throw new Error('injected failure before listening') } })
