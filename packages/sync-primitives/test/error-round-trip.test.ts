// The Queue / Pipe bridge carries errors in Weft's error wire format: every exported error class
// of this package, thrown into a Queue and a Pipe by a real worker thread, arrives on the main
// thread as an instance of its own class with its code, name, message, fields and cause. (Through
// the process pool's threads and processes, and through Redis: the suites of @weft/process-pool
// and @weft/distributed.)
import { describe, expect, it } from 'vitest';
import { Pipe, Queue, SyncPrimitivesError } from '@weft/sync-primitives';
import { errorClasses, sampleError, type CodedErrorClass } from './fixtures/error-samples.mjs';
import { startWorker } from './helpers.js';

const WORKER = new URL('./fixtures/error-worker.mjs', import.meta.url);

/** Own enumerable properties: the class fields (`name`, `code`, `itemType`, …). */
function fields(error: Error): Record<string, unknown> {
  return Object.fromEntries(Object.keys(error).map((key) => [key, (error as never)[key]]));
}

function expectSameError(got: unknown, name: string, cls: CodedErrorClass): void {
  const sent = sampleError(name, cls);
  expect(got, name).toBeInstanceOf(cls);
  expect(got).toBeInstanceOf(SyncPrimitivesError);
  const error = got as Error & { code: string };
  expect(error.code).toBe(sent.code);
  expect(error.name).toBe(sent.name);
  expect(error.message).toBe(sent.message);
  expect(fields(error)).toEqual(fields(sent));
  expect(error.cause).toBeInstanceOf(RangeError);
  expect((error.cause as Error).message).toBe((sent.cause as Error).message);
  expect(error.stack).toContain('error-worker.mjs'); // where it was made, in the other thread
}

describe('errors through a Queue and a Pipe between threads', () => {
  const classes = errorClasses();

  it('enumerates every exported error class', () => {
    expect(classes.map(([name]) => name)).toEqual(
      expect.arrayContaining(['QueueEmptyError', 'ItemNotSerializableError', 'AbandonedLockError']),
    );
    expect(classes.length).toBeGreaterThanOrEqual(19);
  });

  for (const async of [false, true]) {
    it(`each arrives as its own class (${async ? 'putAsync/sendAsync' : 'put/send'})`, async () => {
      const queue = new Queue<unknown>();
      const [mine, theirs] = Pipe<unknown>();
      const { result } = startWorker(
        { queue: queue.toHandle(), end: theirs.toHandle(), async },
        WORKER,
      );
      for (const [name, cls] of classes) {
        expectSameError(await queue.getAsync({ timeout: 20_000 }), name, cls);
        expectSameError(await mine.recvAsync({ timeout: 20_000 }), name, cls);
      }
      expect(await result).toBe(classes.length);
    });
  }
});
