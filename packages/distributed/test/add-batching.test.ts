// Many calls made at once go to Redis as one addBulk (per 500 jobs, one at a time); a call on its
// own goes out as BullMQ's plain add, so its latency stays BullMQ's.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { Queue } from 'bullmq';
import { BullMQExecutor, startWorker } from '@weft/distributed';
import * as tasks from './fixtures/tasks.mjs';
import { freshQueue, TASKS_URL } from './helpers.js';

const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(label: string): Promise<{ ex: BullMQExecutor }> {
  const queue = freshQueue(label);
  const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [TASKS_URL] });
  cleanups.push(() => ex.terminate());
  const w = await startWorker({
    connection: redisUrl,
    queue,
    tasks: [TASKS_URL],
    kind: 'inline',
    concurrency: 2,
  });
  cleanups.push(() => w.close({ gracePeriod: 0 }));
  await ex.ready();
  return { ex };
}

describe.skipIf(redisUrl === '')('job adds', () => {
  it('go out as one addBulk per 500 jobs when many calls are made at once', async () => {
    const { ex } = await setup('bulk');
    const add = vi.spyOn(Queue.prototype, 'add');
    const addBulk = vi.spyOn(Queue.prototype, 'addBulk');
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) => ex.apply(tasks.add, [i, 1])),
    );
    expect(results).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(add).not.toHaveBeenCalled();
    expect(addBulk.mock.calls.map(([jobs]) => jobs.length)).toEqual([500, 100]);
  });

  it('go out one addBulk at a time, the next once Redis has answered the last', async () => {
    // All chunks written at once filled BullMQ's event stream faster than the executor read it.
    const { ex } = await setup('bulk-steps');
    const addBulk = Queue.prototype.addBulk;
    let inFlight = 0;
    let most = 0;
    vi.spyOn(Queue.prototype, 'addBulk').mockImplementation(async function (
      this: Queue,
      ...args: Parameters<Queue['addBulk']>
    ) {
      most = Math.max(most, ++inFlight);
      try {
        return await addBulk.apply(this, args);
      } finally {
        inFlight--;
      }
    });
    const results = await Promise.all(
      Array.from({ length: 1200 }, (_, i) => ex.apply(tasks.add, [i, 1])),
    );
    expect(results).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(Queue.prototype.addBulk).toHaveBeenCalledTimes(3);
    expect(most).toBe(1);
  });

  it('go out in the order their calls were made, a later call behind a burst still being written', async () => {
    const { ex } = await setup('bulk-order');
    // The export of each job in the order the jobs are written to Redis.
    const written: string[] = [];
    const add = Queue.prototype.add;
    const addBulk = Queue.prototype.addBulk;
    let later: Promise<unknown> | undefined;
    vi.spyOn(Queue.prototype, 'add').mockImplementation(async function (
      this: Queue,
      ...args: Parameters<Queue['add']>
    ) {
      written.push((args[1] as { export: string }).export);
      return add.apply(this, args);
    });
    vi.spyOn(Queue.prototype, 'addBulk').mockImplementation(async function (
      this: Queue,
      ...args: Parameters<Queue['addBulk']>
    ) {
      for (const job of args[0]) written.push((job.data as { export: string }).export);
      // A call made while the burst's first chunk is out: a later tick than the burst's flush.
      later ??= ex.apply(tasks.echo, ['later']);
      return addBulk.apply(this, args);
    });
    const burst = await Promise.all(
      Array.from({ length: 1200 }, (_, i) => ex.apply(tasks.add, [i, 1])),
    );
    expect(burst).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(await later).toBe('later');
    // Written after every job of the burst, not between its chunks.
    expect(written).toHaveLength(1201);
    expect(written.indexOf('echo')).toBe(1200);
  });

  it('go out as a plain add for a call on its own', async () => {
    const { ex } = await setup('single');
    const add = vi.spyOn(Queue.prototype, 'add');
    const addBulk = vi.spyOn(Queue.prototype, 'addBulk');
    expect(await ex.apply(tasks.add, [2, 3])).toBe(5);
    expect(await ex.apply(tasks.add, [4, 5])).toBe(9);
    expect(add).toHaveBeenCalledTimes(2);
    expect(addBulk).not.toHaveBeenCalled();
  });
});
