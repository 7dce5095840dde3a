// Every exported error class of @weft/sync-primitives, @weft/process-pool and @weft/distributed
// crosses each real boundary in Weft's one error wire format and arrives as an instance of its own
// class, with its code, name, message, class fields and cause: (a) a thread worker of the process
// pool, (b) a child-process worker of the pool, (c) a Queue written by a pool thread, (d) Redis, from
// a real weft-worker process (whose own pool thread threw it) to a BullMQExecutor. The classes are
// enumerated from the packages' exports, so a new class is covered without editing this file.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullMQExecutor, ValueNotSerializableError } from '@weft/distributed';
import { Pool } from '@weft/process-pool';
import { Queue } from '@weft/sync-primitives';
import {
  errorClasses,
  sampleError,
  uncodedErrorClasses,
  type CodedErrorClass,
} from './fixtures/error-samples.mjs';
import * as errorTasks from './fixtures/error-tasks.mjs';
import { freshQueue, killAllWorkers, spawnWorker } from './helpers.js';

const ERROR_TASKS_URL = new URL('./fixtures/error-tasks.mjs', import.meta.url).href;
const redisUrl = inject('redisUrl');
const classes = errorClasses();
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
});

/** Own enumerable properties: the class fields (`name`, `code`, `jobId`, `isExecutorFailure`, …). */
function fields(error: Error): Record<string, unknown> {
  return Object.fromEntries(Object.keys(error).map((key) => [key, (error as never)[key]]));
}

function expectSameError(got: unknown, key: string, cls: CodedErrorClass): void {
  const sent = sampleError(key);
  expect(got, key).toBeInstanceOf(cls);
  const error = got as Error & { code: string };
  expect(error.code, key).toBe(cls.code);
  expect(error.code, key).toBe(sent.code);
  expect(error.name, key).toBe(sent.name);
  expect(error.message, key).toBe(sent.message);
  expect(fields(error), key).toEqual(fields(sent));
  expect(error.cause, key).toBeInstanceOf(Error);
  expect((error.cause as Error).constructor, key).toBe((sent.cause as Error).constructor);
  expect((error.cause as Error).message, key).toBe((sent.cause as Error).message);
  expect(error.stack, key).toContain('error-samples.mjs'); // made in the other thread or process
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected a rejection, got ${String(value)}`),
    (error: unknown) => error,
  );
}

describe('every exported error class crosses every boundary as itself', () => {
  it('is enumerated from the exports of all three packages', () => {
    const count = (pkg: string): number =>
      classes.filter((c) => c.key.startsWith(`${pkg}:`)).length;
    expect(count('sync-primitives')).toBeGreaterThanOrEqual(19);
    expect(count('process-pool')).toBeGreaterThanOrEqual(23);
    expect(count('distributed')).toBeGreaterThanOrEqual(13);
    // The built classes keep their names (a class body naming its own class made esbuild rename
    // it to `_Name`, which `constructor.name` then showed).
    for (const { key, cls } of classes) expect(cls.name).toBe(key.split(':')[1]);
    // Only an abstract base has no code of its own (it can never be thrown as itself).
    expect(uncodedErrorClasses()).toEqual(['sync-primitives:SyncPrimitivesError']);
  });

  for (const kind of ['thread', 'process'] as const) {
    it(`(${kind === 'thread' ? 'a' : 'b'}) from a ${kind} worker of the pool`, async () => {
      const pool = new Pool<typeof errorTasks>({ module: ERROR_TASKS_URL, kind, maxWorkers: 1 });
      cleanups.push(() => pool.terminate());
      for (const { key, cls } of classes) {
        expectSameError(await rejection(pool.apply(errorTasks.throwSample, [key])), key, cls);
      }
    }, 120_000);
  }

  it('(c) through a Queue written by a pool thread', async () => {
    const pool = new Pool<typeof errorTasks>({
      module: ERROR_TASKS_URL,
      kind: 'thread',
      maxWorkers: 1,
    });
    cleanups.push(() => pool.terminate());
    const queue = new Queue<unknown>();
    const keys = classes.map((c) => c.key);
    const sent = pool.apply(errorTasks.putSamples, [queue, keys]);
    for (const { key, cls } of classes)
      expectSameError(await queue.getAsync({ timeout: 60_000 }), key, cls);
    expect(await sent).toBe(keys.length);
  }, 120_000);

  it.skipIf(redisUrl === '')(
    '(d) through Redis, from a weft-worker process to a BullMQExecutor',
    async () => {
      const queue = freshQueue('error-round-trip');
      await spawnWorker([
        '--redis',
        redisUrl,
        '--queue',
        queue,
        '--kind',
        'thread',
        '--concurrency',
        '1',
        '--tasks',
        ERROR_TASKS_URL,
      ]);
      const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [ERROR_TASKS_URL] });
      cleanups.push(() => ex.terminate());
      for (const { key, cls } of classes) {
        const error = await rejection(ex.apply(errorTasks.throwSample, [key]));
        if (key === 'process-pool:ResultNotSendableError') {
          // The worker's documented mapping (src/internal/runner.ts): its pool's "result cannot be
          // sent" is the job's ValueNotSerializableError('result') with the same cause, whoever
          // threw it.
          expect(error).toBeInstanceOf(ValueNotSerializableError);
          expect((error as ValueNotSerializableError).position).toBe('result');
          expect((error as Error).cause).toBeInstanceOf(RangeError);
          expect(((error as Error).cause as Error).message).toBe(
            (sampleError(key).cause as Error).message,
          );
          continue;
        }
        expectSameError(error, key, cls);
      }
    },
    300_000,
  );
});
