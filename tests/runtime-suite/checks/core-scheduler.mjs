// @weft/core-scheduler on this runtime: limits, priorities, timeouts, retries, cancellation, and
// CPU work routed to a real thread pool.
import assert from 'node:assert/strict';
import { Scheduler, TaskCancelledError, TaskTimeoutError } from '@weft/core-scheduler';
import { Pool } from '@weft/process-pool';
import { check, run } from '../harness.mjs';
import * as taskModule from '../fixtures/tasks.mjs';

const FEATURE = 'core-scheduler: limits, priorities, timeouts, routing';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

check(
  `${FEATURE} :: at most \`concurrency\` tasks run at once, every result returned`,
  async () => {
    const scheduler = new Scheduler({ concurrency: 3 });
    let inside = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        scheduler.schedule({
          fn: async () => {
            inside += 1;
            most = Math.max(most, inside);
            await sleep(1);
            inside -= 1;
            return i;
          },
        }),
      ),
    );
    assert.equal(most, 3);
    assert.deepEqual(
      results,
      Array.from({ length: 30 }, (_, i) => i),
    );
    await scheduler.close();
  },
);

check(`${FEATURE} :: higher priority runs first once a slot frees`, async () => {
  const scheduler = new Scheduler({ concurrency: 1 });
  const order = [];
  const blocker = scheduler.schedule({ fn: () => sleep(10) });
  const low = scheduler.schedule({ fn: () => order.push('low'), priority: 0 });
  const high = scheduler.schedule({ fn: () => order.push('high'), priority: 10 });
  await Promise.all([blocker, low, high]);
  assert.deepEqual(order, ['high', 'low']);
  await scheduler.close();
});

check(`${FEATURE} :: timeout, retry and cancel settle with typed errors`, async () => {
  const scheduler = new Scheduler({ concurrency: 4 });
  await assert.rejects(
    scheduler.schedule({ fn: () => sleep(5_000), timeout: 20 }),
    TaskTimeoutError,
  );
  let attempts = 0;
  const value = await scheduler.schedule({
    fn: () => {
      attempts += 1;
      if (attempts < 3) throw new Error('flaky');
      return 'third time';
    },
    retry: { attempts: 3, backoff: { type: 'fixed', delay: 1 } },
  });
  assert.equal(value, 'third time');
  const controller = new AbortController();
  const cancelled = scheduler.schedule({ fn: () => sleep(5_000), signal: controller.signal });
  controller.abort();
  await assert.rejects(cancelled, TaskCancelledError);
  await scheduler.close();
});

check(`${FEATURE} :: kind 'cpu' runs on a thread pool, kind 'io' on the event loop`, async () => {
  const pool = new Pool({
    module: new URL('../fixtures/tasks.mjs', import.meta.url),
    maxWorkers: 2,
  });
  const scheduler = new Scheduler({ cpu: pool });
  try {
    const [workerPid, squared] = await Promise.all([
      scheduler.schedule({ fn: taskModule.pid, kind: 'cpu' }),
      scheduler.schedule({ fn: taskModule.square, args: [9], kind: 'cpu' }),
    ]);
    assert.equal(typeof workerPid, 'number');
    assert.equal(squared, 81);
    assert.equal(await scheduler.schedule({ fn: () => 'here', kind: 'io' }), 'here');
  } finally {
    await scheduler.close();
    await pool.terminate();
  }
});

await run();
