// @weft/core-scheduler on this runtime: limits, priorities, timeouts, retries, cancellation,
// CPU work routed to a real thread pool, and tasks that see their caller's AsyncLocalStorage store.
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
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

const CONTEXT = 'core-scheduler: async context (AsyncLocalStorage)';
const requestId = new AsyncLocalStorage();

/** Schedules one task per id, each from inside `requestId.run(id)`, and returns what each task saw. */
function seenBy(ids, schedule) {
  return Promise.all(
    ids.map((id) =>
      requestId.run(id, () =>
        schedule(async () => {
          const before = requestId.getStore();
          await sleep(1);
          return `${before}/${requestId.getStore()}`;
        }),
      ),
    ),
  );
}

check(`${CONTEXT} :: a task that starts at once sees its caller's store`, async () => {
  const scheduler = new Scheduler({ concurrency: 4 });
  assert.deepEqual(await seenBy(['a', 'b'], (fn) => scheduler.schedule({ fn })), ['a/a', 'b/b']);
  await scheduler.close();
});

check(
  `${CONTEXT} :: a queued task sees its caller's store, not that of the task it started after`,
  async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const seen = await seenBy(['a', 'b', 'c'], (fn) => scheduler.schedule({ fn }));
    assert.deepEqual(seen, ['a/a', 'b/b', 'c/c']);
    await scheduler.close();
  },
);

check(`${CONTEXT} :: a task held by the rate limit (started by a timer) sees it`, async () => {
  const scheduler = new Scheduler({ rateLimit: { limit: 1, interval: 20 } });
  const seen = await seenBy(['a', 'b', 'c'], (fn) => scheduler.schedule({ fn }));
  assert.deepEqual(seen, ['a/a', 'b/b', 'c/c']);
  await scheduler.close();
});

check(
  `${CONTEXT} :: a retry started by another caller's task, after its backoff, sees it`,
  async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const attempts = [];
    const retried = requestId.run('retried', () =>
      scheduler.schedule({
        fn: () => {
          attempts.push(requestId.getStore());
          if (attempts.length === 1) throw new Error('flaky');
          return 'done';
        },
        retry: { attempts: 2, backoff: { type: 'fixed', delay: 20 } },
      }),
    );
    // The first attempt failed and its backoff runs: another caller's task takes the one slot and
    // holds it while the backoff runs out, so the retry starts from that task's settlement.
    await sleep(1);
    const other = requestId.run('other', () => scheduler.schedule({ fn: () => sleep(50) }));
    assert.equal(await retried, 'done');
    await other;
    assert.deepEqual(attempts, ['retried', 'retried']);
    await scheduler.close();
  },
);

await run();
