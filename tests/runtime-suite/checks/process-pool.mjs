// @weft/process-pool on this runtime: thread workers and process workers, results, errors, a
// worker that dies, futures, and a clean terminate().
import assert from 'node:assert/strict';
import { Pool, UnsupportedRuntimeError, WorkerExitedError, asCompleted } from '@weft/process-pool';
import { Skip, check, run } from '../harness.mjs';
import * as taskModule from '../fixtures/tasks.mjs';

const tasks = new URL('../fixtures/tasks.mjs', import.meta.url);

for (const kind of ['thread', 'process']) {
  const feature = `process-pool: ${kind} workers`;

  check(`${feature} :: map, apply and imap give every result in order`, async () => {
    const pool = new Pool({ module: tasks, kind, maxWorkers: 2 });
    try {
      const inputs = Array.from({ length: 500 }, (_, i) => i);
      assert.deepEqual(
        await pool.map(taskModule.square, inputs),
        inputs.map((i) => i * i),
      );
      assert.equal(await pool.run('square', 12), 144);
      const streamed = [];
      for await (const value of pool.imap(taskModule.square, [1, 2, 3])) streamed.push(value);
      assert.deepEqual(streamed, [1, 4, 9]);
    } finally {
      await pool.terminate();
    }
  });

  check(`${feature} :: a task's error comes back as its own class; futures complete`, async () => {
    const pool = new Pool({ module: tasks, kind, maxWorkers: 2 });
    try {
      await assert.rejects(pool.run('fail', 'bad input'), (error) => {
        assert.ok(error instanceof RangeError, `${error?.name} is not a RangeError`);
        assert.equal(error.message, 'bad input');
        return true;
      });
      const futures = [30, 10, 20].map((ms) => pool.submit(taskModule.later, ms, ms));
      const seen = [];
      for await (const { future } of asCompleted(futures, { timeout: 10_000 })) {
        seen.push(await future.result(10_000));
      }
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [10, 20, 30],
      );
    } finally {
      await pool.terminate();
    }
  });

  check(`${feature} :: a worker that exits mid-task rejects with WorkerExitedError`, async () => {
    const pool = new Pool({ module: tasks, kind, maxWorkers: 1 });
    try {
      await assert.rejects(pool.run('die', 3), WorkerExitedError);
      assert.equal(await pool.run('square', 3), 9, 'the pool replaces the worker');
    } finally {
      await pool.terminate();
    }
  });

  check(`${feature} :: close() and join() finish queued work, then the pool is gone`, async () => {
    const pool = new Pool({ module: tasks, kind, maxWorkers: 2 });
    const pending = [1, 2, 3, 4].map((n) => pool.run('later', n, 5));
    pool.close();
    await pool.join();
    assert.deepEqual(await Promise.all(pending), [1, 2, 3, 4]);
  });
}

check(
  'process-pool: thread resourceLimits :: a heap limit is enforced, or refused up front',
  async () => {
    let pool;
    try {
      pool = new Pool({
        module: tasks,
        maxWorkers: 1,
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
    } catch (error) {
      // A runtime that would ignore the limit must say so at construction, with the typed error.
      assert.ok(error instanceof UnsupportedRuntimeError, `${error?.name}: ${error?.message}`);
      assert.equal(error.feature, 'resourceLimits');
      throw new Skip(error.message);
    }
    try {
      await assert.rejects(pool.run('hog'), WorkerExitedError);
    } finally {
      await pool.terminate();
    }
  },
);

await run();
