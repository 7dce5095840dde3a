// Every duration a user gives the pool honours values above 2^31-1 ms: Node's setTimeout turns
// those into 1 ms, and so do vitest's fake timers, which is how these tests catch a plain
// setTimeout. Only setTimeout/clearTimeout are faked: workers and their messages stay real.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WaitTimeoutError } from '@weft/process-pool';
import { kinds, makePool, next, tasks } from './helpers.js';

/** The largest duration the options accept short of Infinity. */
const LARGEST = Number.MAX_SAFE_INTEGER;

function watch(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe.each(kinds)('durations above 2^31-1 ms (%s workers)', (kind) => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a task timeout of Number.MAX_SAFE_INTEGER ms does not fire early', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    const started = next(pool, 'task:started');
    const task = pool.apply(tasks.hang, [], { timeout: LARGEST });
    await started;
    const state = watch(task);
    await vi.advanceTimersByTimeAsync(10);
    expect(state.settled).toBe(false);
    void task.catch(() => undefined);
  });

  it('an idleTimeout of Number.MAX_SAFE_INTEGER ms keeps the idle worker', async () => {
    const pool = makePool(kind, { maxWorkers: 1, idleTimeout: LARGEST });
    const first = await pool.apply(tasks.whoami, []);
    await vi.advanceTimersByTimeAsync(10);
    const again = await pool.apply(tasks.whoami, []);
    expect(again.workerId).toBe(first.workerId);
  });

  it('a startTimeout of Number.MAX_SAFE_INTEGER ms does not fail the start', async () => {
    const pool = makePool(kind, { maxWorkers: 1, minWorkers: 1, startTimeout: LARGEST });
    vi.advanceTimersByTime(10);
    await expect(pool.ready()).resolves.toBeUndefined();
    await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
  });

  it('future.result(), exception() and AsyncResult.get() with Number.MAX_SAFE_INTEGER ms wait', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    const future = pool.submit(tasks.hang);
    const waits = [
      future.result(LARGEST),
      future.exception(LARGEST),
      pool.applyAsync(tasks.hang, []).get(LARGEST),
    ];
    const states = waits.map(watch);
    await vi.advanceTimersByTimeAsync(10);
    expect(states.map((s) => s.settled)).toEqual([false, false, false]);
    for (const w of waits) void w.catch(() => undefined);
    void future.catch(() => undefined);
    // A short one still times out.
    const short = future.result(5);
    const checked = expect(short).rejects.toBeInstanceOf(WaitTimeoutError);
    await vi.advanceTimersByTimeAsync(10);
    await checked;
  });
});
