import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts a private redis-server when WEFT_REDIS_URL is unset outside CI; under CI it must be set.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Suites spawn weft-worker processes and pools; on 2 shared cores, one file at a time.
    fileParallelism: false,
  },
});
