// Preload for CLI tests (node --expose-gc --import): on SIGWINCH (which close-with-grace leaves alone), a full GC, then "heap <bytes used>" on stderr.
process.on('SIGWINCH', () => {
  (globalThis as unknown as { gc: () => void }).gc()
  process.stderr.write(`heap ${process.memoryUsage().heapUsed}\n`)
})
