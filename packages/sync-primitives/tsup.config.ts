import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // Class names are part of what users see (util.inspect, error stacks, constructor.name).
  keepNames: true,
});
