// Errors revive by `code`, which a minifier leaves alone, not by `constructor.name`, which it
// renames: a user's error class bundled with `minify: true` (tsup / esbuild) and registered by
// code comes back from a thread and from a child process as an instance of that very class.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '@weft/process-pool';
import { serializeError, type SerializedError } from '@weft/sync-primitives';

interface Bundle {
  readonly QuotaExceededError: (new (limit: number) => Error & { limit: number; code: string }) & {
    readonly code: string;
  };
  readonly overQuota: (limit: number) => never;
}

// Inside this package (not under node_modules, so vitest loads it as it loads the test, with the
// same @weft/sync-primitives instance), where it resolves @weft/sync-primitives as an app would.
const testDir = fileURLToPath(new URL('.', import.meta.url));
let outDir = '';
let url = '';
let bundle: Bundle;

beforeAll(async () => {
  outDir = mkdtempSync(join(testDir, '.minified-'));
  await build({
    entry: { errors: fileURLToPath(new URL('./fixtures/minify-entry.mjs', import.meta.url)) },
    outDir,
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    minify: true,
    external: ['@weft/sync-primitives'],
    target: 'node20',
    config: false,
    dts: false,
    sourcemap: false,
    silent: true,
  });
  url = pathToFileURL(join(outDir, 'errors.mjs')).href;
  bundle = (await import(url)) as Bundle;
}, 60_000);

afterAll(() => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

describe('a minified error class', () => {
  it('really is minified: its constructor name is not its source name', () => {
    expect(bundle.QuotaExceededError.name).not.toBe('QuotaExceededError');
    const wire = serializeError(new bundle.QuotaExceededError(1)) as SerializedError;
    // What a registry keyed on constructor.name would have looked up:
    expect(wire.type).toBe(bundle.QuotaExceededError.name);
    expect(wire.code).toBe('ERR_TEST_MINIFIED_QUOTA_EXCEEDED');
  });

  for (const kind of ['thread', 'process'] as const) {
    it(`comes back from a ${kind} worker as itself, found by code`, async () => {
      const pool = new Pool<Bundle>({ module: url, kind, maxWorkers: 1 });
      try {
        const error = (await pool.apply(bundle.overQuota, [5]).then(
          () => undefined,
          (e: unknown) => e,
        )) as Error & { limit: number; code: string };
        expect(error).toBeInstanceOf(bundle.QuotaExceededError);
        expect(error.code).toBe('ERR_TEST_MINIFIED_QUOTA_EXCEEDED');
        expect(error.name).toBe('QuotaExceededError');
        expect(error.message).toBe('over the quota of 5');
        expect(error.limit).toBe(5);
        expect(error.cause).toBeInstanceOf(RangeError);
        expect((error.cause as Error).message).toBe('the last request');
      } finally {
        await pool.terminate();
      }
    }, 60_000);
  }
});
