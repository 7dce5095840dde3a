import { defineConfig } from 'tsup';

export default defineConfig({
  // The task module is its own entry: pool workers load it by URL, and the CLI shares its chunk, so
  // both sides see the same function objects.
  entry: { cli: 'src/cli.ts', start: 'src/start.ts', 'tasks/classic': 'src/tasks/classic.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: true,
  banner: { js: '#!/usr/bin/env node' },
});
