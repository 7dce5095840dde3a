import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker runtime ships as built JS next to index.js (threads and child processes cannot load
  // .ts on Node 20); it is not part of the public `exports`.
  entry: { index: 'src/index.ts', worker: 'src/internal/worker-runtime.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
