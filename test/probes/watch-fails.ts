// Preload for CLI tests (node --import): fs.watch throws, as when the inotify limit is reached, so --watch fails while
// the server is built, before it listens.
import fs from 'node:fs'

fs.watch = () => { throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), { code: 'ENOSPC' }) }
