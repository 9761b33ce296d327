// Preload for CLI tests (node --import): os.hostname() throws, an error the CLI does not expect while it builds the
// server (pino reads the host name for its log lines), before it listens.
import os from 'node:os'

os.hostname = () => { throw new Error('injected failure before listening') }
