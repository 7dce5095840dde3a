// A fulfilled job's result on the wire: format 2 (one flat array, a JSON-safe value carried as
// itself) for callers that ask for it in their job data, format 1 (the object) for jobs that do not
// (an older caller, or a job it queued before an upgrade), and a caller that reads both (a result
// from an older worker, or read back from the store). Real workers on a real store.
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { BullMQExecutor } from '@weft/distributed';
import type { DistributedWorker } from '@weft/distributed';
import { bullPostgres, storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import {
  compactResult,
  compactValue,
  readWireResult,
  resultValue,
  RESULT_FORMAT,
} from '../src/internal/wire-result.js';
import type { CompactValue } from '../src/internal/wire-result.js';
import type { WireResult, WireStart } from '../src/internal/wire.js';
import { add, echo } from './fixtures/tasks.mjs';
import { freshQueue, TASKS_URL } from './helpers.js';
import { adminQueue, inlineTestWorker, testStores } from './stores.js';
import type { TestStore } from './stores.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start: WireStart = {
  ev: 'started',
  time: 1_765_000_000_000.25,
  attempt: 2,
  host: 'host-a',
  worker: 'host-a:123',
  hostPid: 123,
  pid: 123,
  threadId: 0,
};
const timing = { time: 1_765_000_000_001.5, runMs: 1.25 };

/** What the caller gets back from a value, through JSON as BullMQ stores it. */
const roundTrip = (value: unknown): unknown =>
  resultValue(JSON.parse(JSON.stringify(compactValue(value))) as CompactValue);

describe('compactValue()', () => {
  it('carries undefined, null, booleans, strings and finite numbers as themselves', () => {
    for (const value of [undefined, null, true, false, '', 'text', '\ud800', 0, -1.5, 2 ** 60]) {
      const wire = compactValue(value);
      expect(typeof wire).not.toBe('string');
      expect(roundTrip(value)).toBe(value);
    }
  });

  it('serializes what JSON would change: -0, NaN, infinities, bigints and objects', () => {
    const date = new Date(5);
    for (const value of [-0, NaN, Infinity, -Infinity, 10n, { a: [1] }, new Map([[1, 2]]), date]) {
      expect(typeof compactValue(value)).toBe('string');
      expect(roundTrip(value)).toEqual(value);
    }
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });
});

describe('readWireResult()', () => {
  it('reads format 2 with and without the start', () => {
    const withStart = readWireResult(
      JSON.parse(JSON.stringify(compactResult([7], 2, timing, start))),
    );
    expect(withStart).toEqual({
      value: [7],
      settle: { ev: 'settled', status: 'fulfilled', final: true, attempt: 2, ...timing },
      start,
    });
    const cpu = { ...timing, cpuMs: 0.5 };
    const bare = readWireResult(
      JSON.parse(JSON.stringify(compactResult('AAA=', 1, cpu, undefined))),
    );
    expect(bare).toEqual({
      value: 'AAA=',
      settle: { ev: 'settled', status: 'fulfilled', final: true, attempt: 1, ...cpu },
    });
  });

  it('reads format 1, the object an older worker returns', () => {
    const old: WireResult = {
      value: serialize(3).toString('base64'),
      settle: { ev: 'settled', time: 1, attempt: 1, status: 'fulfilled', runMs: 0, final: true },
      start,
    };
    const read = readWireResult(JSON.parse(JSON.stringify(old)));
    expect(read).toEqual(old);
    expect(resultValue(read!.value)).toBe(3);
  });

  it('reads nothing from a return value that is not a Weft result', () => {
    const good = compactResult([1], 1, timing, undefined) as unknown[];
    const bad: unknown[] = [
      null,
      42,
      'text',
      { value: 1, settle: {} },
      [],
      [RESULT_FORMAT + 1, ...good.slice(1)],
      good.slice(0, 5),
      [...good, 1],
      [2, [1, 2], ...good.slice(2)],
      [2, [null, 5], ...good.slice(2)],
      [2, [{ a: 1 }], ...good.slice(2)],
      [2, 'AA==', 0, ...good.slice(3)],
      [2, 'AA==', 1, 'now', ...good.slice(4)],
      [...compactResult([1], 1, timing, start).slice(0, 7), 5, ...good.slice(8)],
    ];
    for (const value of bad) expect(readWireResult(value)).toBeUndefined();
  });
});

describe.each(testStores)('results on $name', (store: TestStore) => {
  async function inlineWorker(queue: string): Promise<DistributedWorker> {
    const worker = await inlineTestWorker(store, queue);
    cleanups.push(() => worker.close());
    return worker;
  }

  /** Adds a job as a caller of the given result format would, and waits for its return value. */
  async function runJob(queue: string, result: number | undefined): Promise<unknown> {
    const admin = adminQueue(store, queue);
    cleanups.push(async () => {
      await admin.obliterate({ force: true }).catch(() => undefined);
      await admin.close();
    });
    const data = {
      weft: 1,
      module: TASKS_URL,
      export: 'add',
      args: serialize([2, 3]).toString('base64'),
      ...(result === undefined ? {} : { result }),
    };
    const job = await admin.add(`${TASKS_URL}#add`, data, { attempts: 1 });
    await inlineWorker(queue);
    for (;;) {
      const state = await admin.getJobState(job.id!);
      if (state === 'completed') break;
      expect(state).not.toBe('failed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    return (await admin.getJob(job.id!))!.returnvalue;
  }

  it('a worker answers in format 2 when the job says its caller reads it', async () => {
    const returned = await runJob(freshQueue('wire-v2'), RESULT_FORMAT);
    expect(Array.isArray(returned)).toBe(true);
    expect((returned as unknown[])[0]).toBe(2);
    expect(resultValue(readWireResult(returned)!.value)).toBe(5);
  });

  it('a worker answers in format 1 for a job without a result format (an older caller)', async () => {
    const returned = (await runJob(freshQueue('wire-v1'), undefined)) as WireResult;
    expect(returned).toMatchObject({ settle: { ev: 'settled', status: 'fulfilled' } });
    expect(resultValue(returned.value)).toBe(5);
  });

  it('the executor reads values of every kind back through format 2', async () => {
    const queue = freshQueue('wire-values');
    await inlineWorker(queue);
    const executor = new BullMQExecutor({ connection: store.url, queue, tasks: [TASKS_URL] });
    cleanups.push(() => executor.close());
    const values = [undefined, null, true, 'text', 1.5, -0, NaN, 10n, { a: [new Date(1)] }];
    const back = await Promise.all(values.map((value) => executor.apply(echo, [value])));
    expect(back).toEqual(values);
    expect(Object.is(back[5], -0)).toBe(true);
  });

  it('the executor reads a format-1 result from an older worker', async () => {
    const queue = freshQueue('wire-old-worker');
    // An older weft-worker: it ignores the job's result format and returns the format-1 object.
    const old = (): Promise<WireResult> =>
      Promise.resolve({
        value: serialize(42).toString('base64'),
        settle: { ev: 'settled', time: 2, attempt: 1, status: 'fulfilled', runMs: 1, final: true },
        start: { ...start, attempt: 1 },
      });
    const worker =
      store.name === 'redis'
        ? new Worker(queue, old, { connection: { url: store.url } })
        : (() => {
            const { connection, backend } = bullPostgres(storeOf(store.url) as PostgresStore);
            return new Worker(queue, old, { connection }, backend) as unknown as Worker;
          })();
    cleanups.push(() => worker.close());
    const executor = new BullMQExecutor({ connection: store.url, queue, tasks: [TASKS_URL] });
    cleanups.push(() => executor.close());
    const starts: string[] = [];
    const value = await executor.apply(add, [40, 2], {
      onStart: (info) => starts.push(String(info.pid)),
    });
    expect(value).toBe(42);
    expect(starts).toEqual(['123']);
  });
});
