import { defineConfig } from 'tsup';

export default defineConfig({
  // race-thread is the worker-thread entry of the race and GIL workloads: built JS next to index.js,
  // not part of the public `exports`.
  entry: ['src/index.ts', 'src/race-thread.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
