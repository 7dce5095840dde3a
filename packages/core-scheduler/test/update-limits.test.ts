// Limits changed while tasks run (updateLimits, Bottleneck's updateSettings): rate limits, minTime,
// the reservoir, maxPending and the executors' limits, in both directions, all or nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InlineExecutor,
  InvalidOptionError,
  Scheduler,
  TaskTimeoutError,
} from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Schedules `n` tasks that record their start, returning the start log and the promises. */
function burst(scheduler: Scheduler, n: number, options: { weight?: number } = {}) {
  const started: number[] = [];
  const all = Array.from({ length: n }, (_, i) =>
    scheduler.schedule({ fn: () => started.push(i), ...options }),
  );
  return { started, all: Promise.all(all) };
}

describe('updateLimits()', () => {
  it('a raised rateLimit starts the tasks it now allows at once', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ rateLimit: { limit: 1, interval: 1000 } });
    const { started, all } = burst(scheduler, 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    scheduler.updateLimits({ rateLimit: { limit: 3, interval: 1000 } });
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1, 2]); // 3 in the window, the first one included
    expect(scheduler.isRateLimited()).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    await all;
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('a lowered rateLimit keeps the starts already in its window', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ rateLimit: { limit: 3, interval: 1000 } });
    const first = burst(scheduler, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.started).toEqual([0, 1, 2]);
    scheduler.updateLimits({ rateLimit: { limit: 1, interval: 1000 } });
    const second = burst(scheduler, 2);
    await vi.advanceTimersByTimeAsync(999);
    expect(second.started).toEqual([]); // the last start was 999 ms ago
    await vi.advanceTimersByTimeAsync(1);
    expect(second.started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1000);
    await second.all;
    expect(second.started).toEqual([0, 1]);
  });

  it('rateLimit: null removes the limit and starts the queue', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ rateLimit: { limit: 1, interval: 60_000 } });
    const { started, all } = burst(scheduler, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    scheduler.updateLimits({ rateLimit: null });
    await vi.advanceTimersByTimeAsync(0);
    await all;
    expect(started).toEqual([0, 1, 2]);
    expect(scheduler.isRateLimited()).toBe(false);
  });

  it('minTime can be set, raised and removed while running', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler();
    scheduler.updateLimits({ minTime: 100 });
    const { started, all } = burst(scheduler, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    scheduler.updateLimits({ minTime: 500 });
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(400);
    expect(started).toEqual([0, 1]);
    scheduler.updateLimits({ minTime: 0 });
    await vi.advanceTimersByTimeAsync(0);
    await all;
    expect(started).toEqual([0, 1, 2]);
  });

  it('adds a reservoir, changes its refresh, and removes it (reservoir: null)', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler();
    scheduler.updateLimits({
      reservoir: 1,
      reservoirRefreshInterval: 1000,
      reservoirRefreshAmount: 1,
    });
    const { started, all } = burst(scheduler, 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    expect(scheduler.currentReservoir()).toBe(0);
    scheduler.updateLimits({ reservoirRefreshAmount: 2 }); // same interval: same schedule
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual([0, 1, 2]);
    scheduler.updateLimits({ reservoir: null });
    expect(scheduler.currentReservoir()).toBe(Infinity);
    await vi.advanceTimersByTimeAsync(0);
    await all;
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("changes one executor's concurrency and rate limit in both directions", async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ io: { executor: new InlineExecutor(), concurrency: 1 } });
    const gate = deferred();
    const running = () => scheduler.running;
    const all = Promise.all([1, 2, 3, 4].map(() => scheduler.schedule({ fn: () => gate.promise })));
    await flush();
    expect(running()).toBe(1);
    scheduler.updateLimits({ io: { concurrency: 3 } });
    await flush();
    expect(running()).toBe(3);
    scheduler.updateLimits({ io: { concurrency: 1, rateLimit: { limit: 1, interval: 1000 } } });
    gate.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // The last of the four started when the three settled, the window allowing it.
    await all;
    const later = burst(scheduler, 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(later.started).toEqual([]); // one start in the last second already
    await vi.advanceTimersByTimeAsync(1000);
    expect(later.started).toEqual([0]);
    scheduler.updateLimits({ io: { rateLimit: null } });
    await vi.advanceTimersByTimeAsync(0);
    await later.all;
    expect(later.started).toEqual([0, 1]);
  });

  it('a raised maxPending lets waiting tasks into the queue at once', async () => {
    const scheduler = new Scheduler({ maxPending: 1, paused: true });
    const tasks = [1, 2, 3].map((n) => scheduler.schedule({ fn: () => n }));
    expect(scheduler.counts()).toMatchObject({ queued: 1, waiting: 2 });
    scheduler.updateLimits({ maxPending: 10 });
    expect(scheduler.counts()).toMatchObject({ queued: 3, waiting: 0 });
    scheduler.resume();
    await expect(Promise.all(tasks)).resolves.toEqual([1, 2, 3]);
  });

  it('a new default timeout applies to tasks scheduled from then on', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler();
    scheduler.updateLimits({ timeout: 100 });
    const slow = scheduler.schedule({ fn: () => new Promise((r) => setTimeout(r, 1000)) });
    const outcome = slow.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TaskTimeoutError);
  });

  it('checks every field first: a bad one changes nothing', () => {
    const scheduler = new Scheduler({ concurrency: 2, rateLimit: { limit: 5, interval: 1000 } });
    expect(() =>
      scheduler.updateLimits({ concurrency: 8, rateLimit: { limit: 0, interval: 1000 } }),
    ).toThrow(InvalidOptionError);
    expect(scheduler.concurrency).toBe(2);
    expect(() => scheduler.updateLimits({ concurrency: 8, minTime: -1 })).toThrow(
      InvalidOptionError,
    );
    expect(scheduler.concurrency).toBe(2);
    expect(() => scheduler.updateLimits({ concurency: 8 } as never)).toThrow(/concurency/);
    expect(() => scheduler.updateLimits({ cpu: { concurrency: 2 } })).toThrow(InvalidOptionError);
    expect(() => scheduler.updateLimits({ io: { limit: 2 } as never })).toThrow(/io\.limit/);
    expect(() => scheduler.updateLimits({ reservoirRefreshInterval: 1000 })).toThrow(
      /only with a `reservoir`/,
    );
    expect(() => scheduler.updateLimits(null as never)).toThrow(InvalidOptionError);
    expect(scheduler.concurrency).toBe(2);
  });

  it('refuses a concurrency below the weight of a task not yet started (it would wait for ever)', async () => {
    const scheduler = new Scheduler({ concurrency: 4, paused: true });
    const heavy = scheduler.schedule({ fn: () => 'heavy', weight: 3 });
    expect(() => scheduler.updateLimits({ concurrency: 2 })).toThrow(/heaviest.*\(3\)/);
    expect(() => {
      scheduler.concurrency = 2;
    }).toThrow(InvalidOptionError);
    expect(scheduler.concurrency).toBe(4);
    scheduler.updateLimits({ concurrency: 3 });
    scheduler.resume();
    await expect(heavy).resolves.toBe('heavy');
  });
});
