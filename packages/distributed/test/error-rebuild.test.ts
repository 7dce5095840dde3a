// The caller rebuilds the error a worker reports from plain data. A worker (or anyone who can
// write to the queue) chooses that data: it must not be able to pick the rebuilt error's prototype
// or class through keys like `__proto__` and `constructor`. A rogue BullMQ worker on a real Redis
// reports crafted v8-serialized errors to a real BullMQExecutor.
import { serialize } from 'node:v8';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullMQExecutor, TaskModuleLoadError } from '@weft/distributed';
import * as tasks from './fixtures/tasks.mjs';
import { freshQueue, TASKS_URL } from './helpers.js';

const redisUrl = inject('redisUrl');
const noRedis = redisUrl === '';
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Own `__proto__`, `constructor` and `prototype` keys, as JSON.parse and v8 deserialize make them. */
function hostileProps(): Record<string, unknown> {
  return JSON.parse(
    '{"__proto__": {"polluted": true}, "constructor": "evil", "prototype": 1, "field": "kept"}',
  ) as Record<string, unknown>;
}

/** Runs one call against a rogue worker that reports `flat` as the task's error. */
async function rejectWith(flat: Record<string, unknown>): Promise<unknown> {
  const queue = freshQueue('rogue');
  const rogue = new Worker(
    queue,
    async (job) => {
      const settle = {
        ev: 'settled',
        time: Date.now(),
        attempt: 1,
        status: 'rejected',
        runMs: 0,
        error: serialize(flat).toString('base64'),
        final: true,
      };
      await job.updateProgress({ weft: settle });
      throw new UnrecoverableError('rogue');
    },
    { connection: { url: redisUrl } },
  );
  cleanups.push(() => rogue.close());
  const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [TASKS_URL] });
  cleanups.push(() => ex.terminate());
  return ex.apply(tasks.add, [1, 2]).then(
    () => undefined,
    (error: unknown) => error,
  );
}

function expectNoHostileKeys(error: Error): void {
  expect(error).toBeInstanceOf(Error);
  expect('polluted' in error).toBe(false);
  for (const key of ['__proto__', 'constructor', 'prototype'])
    expect(Object.hasOwn(error, key)).toBe(false);
  expect((error as Error & { field?: unknown }).field).toBe('kept');
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
}

describe.skipIf(noRedis)('rebuilt errors', () => {
  it("ignore a sender's own __proto__ key and a type and code of 'constructor'", async () => {
    const error = (await rejectWith({
      $weft: 'error',
      id: 0,
      type: 'constructor',
      code: 'constructor',
      name: 'Evil',
      message: 'boom',
      stack: 'Evil: boom',
      data: hostileProps(),
    })) as Error;
    expectNoHostileKeys(error);
    expect(error.message).toBe('boom');
    expect(error.name).toBe('Evil');
    // Not Object (what a plain-object registry finds under "constructor"): a stand-in Error class.
    expect(error.constructor).not.toBe(Object);
  });

  it('keep a known class, its cause and its properties, but not the hostile keys', async () => {
    const error = (await rejectWith({
      $weft: 'error',
      id: 0,
      type: 'Renamed', // the class is found by its code, whatever a minifier called it
      code: 'ERR_WEFT_TASK_MODULE_LOAD',
      name: 'TaskModuleLoadError',
      message: 'not here',
      stack: 'TaskModuleLoadError: not here',
      data: { ...hostileProps(), module: 'm' },
      cause: {
        $weft: 'error',
        id: 1,
        type: '__proto__',
        name: 'Error',
        message: 'inner',
        data: hostileProps(),
      },
    })) as TaskModuleLoadError;
    expect(error).toBeInstanceOf(TaskModuleLoadError);
    expectNoHostileKeys(error);
    expect(error.module).toBe('m');
    expectNoHostileKeys(error.cause as Error);
    expect((error.cause as Error).message).toBe('inner');
  });
});
