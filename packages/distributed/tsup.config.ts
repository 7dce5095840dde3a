import { defineConfig } from 'tsup';

export default defineConfig({
  // The weft-worker CLI (run through `bin`, not part of `exports`) is built with the library, in
  // shared chunks: it loads the same module instances as a task module importing
  // `@weft/distributed` from this install (one copy of currentJob's store, one of each error class).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
