// @weft/sync-primitives on this runtime: the shared family across real worker threads, and the
// event-loop family.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import {
  AsyncBarrier,
  AsyncEvent,
  AsyncMutex,
  AsyncSemaphore,
  Barrier,
  Event,
  LockTimeoutError,
  Mutex,
  Queue,
  setLongTimeout,
} from '@weft/sync-primitives';
import { check, run } from '../harness.mjs';

const SHARED = 'sync-primitives: shared locks across worker threads';
const ASYNC = 'sync-primitives: async (event-loop) locks';

function exited(worker) {
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}

check(
  `${SHARED} :: Mutex keeps every update of 2 threads, Queue and Event carry the rest`,
  async () => {
    const rounds = 20_000;
    const mutex = new Mutex();
    const start = new Barrier(3);
    const go = new Event();
    const queue = new Queue();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const workers = [0, 1].map(
      () =>
        new Worker(new URL('../fixtures/counter-worker.mjs', import.meta.url), {
          workerData: {
            rounds,
            counter,
            mutex: mutex.toHandle(),
            start: start.toHandle(),
            go: go.toHandle(),
            queue: queue.toHandle(),
          },
        }),
    );
    const released = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
    const ends = workers.map(exited);
    await start.waitAsync();
    const reports = [await queue.getAsync(), await queue.getAsync()];
    assert.deepEqual(reports, [{ done: rounds }, { done: rounds }]);
    assert.equal(counter[0], 2 * rounds);
    go.set();
    assert.deepEqual(await Promise.all(released), ['released', 'released']);
    await Promise.all(ends);
  },
);

check(`${SHARED} :: acquireAsync on the main thread waits for a lock held elsewhere`, async () => {
  const mutex = new Mutex();
  assert.equal(mutex.acquire(), true);
  const waiting = mutex.acquireAsync({ timeout: 10_000 });
  let got = false;
  void waiting.then(() => (got = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(got, false);
  mutex.release();
  assert.equal(await waiting, true);
  mutex.release();
  assert.equal(mutex.locked(), false);
});

check(`${SHARED} :: a bounded wait on a held lock gives up and says so`, async () => {
  const mutex = new Mutex();
  mutex.acquire();
  assert.equal(await mutex.acquireAsync({ timeout: 20 }), false);
  await assert.rejects(mutex.lockAsync({ timeout: 20 }), LockTimeoutError);
  mutex.release();
});

check(`${ASYNC} :: AsyncMutex serialises critical sections across awaits`, async () => {
  const mutex = new AsyncMutex();
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      mutex.withLockAsync(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inside -= 1;
      }),
    ),
  );
  assert.equal(most, 1);
});

check(`${ASYNC} :: AsyncSemaphore bounds, AsyncEvent and AsyncBarrier release`, async () => {
  const slots = new AsyncSemaphore(3);
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 12 }, () =>
      slots.withLockAsync(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inside -= 1;
      }),
    ),
  );
  assert.equal(most, 3);
  const ready = new AsyncEvent();
  const waiter = ready.wait();
  ready.set();
  assert.equal(await waiter, true);
  const barrier = new AsyncBarrier(2);
  const indices = await Promise.all([barrier.wait(), barrier.wait()]);
  assert.deepEqual([...indices].sort(), [0, 1]);
});

check(`${ASYNC} :: setLongTimeout fires short delays and never fires Infinity`, async () => {
  await new Promise((resolve) => setLongTimeout(resolve, 5));
  const never = setLongTimeout(() => assert.fail('Infinity fired'), Infinity);
  assert.equal(never.hasRef(), false);
});

await run();
