// Preload for CLI tests (node --expose-gc --import): on SIGWINCH (which close-with-grace leaves alone), a full GC,
// then "heap <bytes used> rss <bytes>" on stderr.
process.on('SIGWINCH', () => {
  (globalThis as unknown as { gc: () => void }).gc()
  const { heapUsed, rss } = process.memoryUsage()
  process.stderr.write(`heap ${heapUsed} rss ${rss}\n`)
})
