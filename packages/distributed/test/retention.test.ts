// How long a finished job stays in the store: Redis keeps the last 10,000 completed jobs; on
// PostgreSQL a job carries no BullMQ removal rule (each would run a DELETE in every job's finishing
// transaction): the workers delete jobs over an hour old themselves (postgres-retention.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { BullMQExecutor, startWorker } from '@weft/distributed';
import * as tasks from './fixtures/tasks.mjs';
import { freshQueue, TASKS_URL } from './helpers.js';
import { adminQueue, testStores } from './stores.js';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const expected = {
  redis: { complete: { count: 10_000 }, fail: { age: 3600, count: 1000 } },
  postgres: { complete: undefined, fail: undefined },
};

describe.each(testStores)('finished jobs on $name', (store) => {
  it('are kept by the rule for the store', async () => {
    const queue = freshQueue(`retention-${store.name}`);
    const ex = new BullMQExecutor({ connection: store.url, queue, tasks: [TASKS_URL] });
    cleanups.push(() => ex.terminate());
    const worker = await startWorker({
      connection: store.url,
      queue,
      tasks: [TASKS_URL],
      kind: 'inline',
    });
    cleanups.push(() => worker.close({ gracePeriod: 0 }));
    const admin = adminQueue(store, queue);
    cleanups.push(() => admin.close());
    expect(await ex.apply(tasks.add, [1, 2])).toBe(3);
    await expect(ex.apply(tasks.rejectField, ['name'])).rejects.toThrow();
    const [completed] = await admin.getCompleted();
    const [failed] = await admin.getFailed();
    for (const job of [completed, failed]) {
      expect(job?.opts.removeOnComplete).toEqual(expected[store.name].complete);
      expect(job?.opts.removeOnFail).toEqual(expected[store.name].fail);
    }
  });
});
