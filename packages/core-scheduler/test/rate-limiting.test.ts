// Bottleneck-style limits: reservoir (refresh, increase, incrementReservoir), minTime, weight,
// overflow strategies under maxPending, isRateLimited and the rate-limit events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidOptionError,
  QueueFullError,
  Scheduler,
  TaskDroppedError,
} from '@weft/core-scheduler';
import { deferred, flush, Gauge } from './helpers.js';

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

describe('Bottleneck-style rate limiting', () => {
  describe('reservoir', () => {
    it('starts only as many tasks as the reservoir holds, then waits for incrementReservoir()', async () => {
      const scheduler = new Scheduler({ reservoir: 2 });
      const { started, all } = burst(scheduler, 4);
      await flush();
      expect(started).toEqual([0, 1]);
      expect(scheduler.currentReservoir()).toBe(0);
      expect(scheduler.isRateLimited()).toBe(true);
      expect(scheduler.incrementReservoir(1)).toBe(1);
      await flush();
      expect(started).toEqual([0, 1, 2]);
      scheduler.setReservoir(5);
      await all;
      expect(started).toEqual([0, 1, 2, 3]);
      expect(scheduler.currentReservoir()).toBe(4);
      expect(scheduler.isRateLimited()).toBe(false);
    });

    it('is set back to reservoirRefreshAmount every reservoirRefreshInterval', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({
        reservoir: 2,
        reservoirRefreshInterval: 1000,
        reservoirRefreshAmount: 2,
      });
      const { started, all } = burst(scheduler, 5);
      await vi.advanceTimersByTimeAsync(0);
      expect(started).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(999);
      expect(started).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(started).toHaveLength(4);
      await vi.advanceTimersByTimeAsync(1000);
      await all;
      expect(started).toHaveLength(5);
      // A refresh sets the amount, it does not add to what was left.
      await vi.advanceTimersByTimeAsync(2000);
      expect(scheduler.currentReservoir()).toBe(2);
    });

    it('grows by reservoirIncreaseAmount up to reservoirIncreaseMaximum', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({
        reservoir: 0,
        reservoirIncreaseInterval: 100,
        reservoirIncreaseAmount: 2,
        reservoirIncreaseMaximum: 3,
      });
      const { started, all } = burst(scheduler, 3);
      await vi.advanceTimersByTimeAsync(99);
      expect(started).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(started).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(100);
      await all;
      expect(scheduler.currentReservoir()).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(scheduler.currentReservoir()).toBe(3); // capped at the maximum
    });

    it('fires depleted when a start empties it, and ratelimit / ratelimitcleared around the wait', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({
        reservoir: 1,
        reservoirRefreshInterval: 500,
        reservoirRefreshAmount: 1,
      });
      const log: string[] = [];
      scheduler.on('depleted', () => log.push('depleted'));
      scheduler.on('ratelimit', () => log.push('ratelimit'));
      scheduler.on('ratelimitcleared', () => log.push('ratelimitcleared'));
      const { all } = burst(scheduler, 2);
      await vi.advanceTimersByTimeAsync(0);
      expect(log).toEqual(['depleted', 'ratelimit']);
      await vi.advanceTimersByTimeAsync(500);
      await all;
      expect(log).toEqual(['depleted', 'ratelimit', 'depleted', 'ratelimitcleared']);
    });

    it('rejects reservoir options without a reservoir, and bad values', () => {
      expect(() => new Scheduler({ reservoirRefreshInterval: 1000 })).toThrow(InvalidOptionError);
      expect(() => new Scheduler({ reservoir: -1 })).toThrow(InvalidOptionError);
      expect(
        () => new Scheduler({ reservoir: 1, reservoirRefreshInterval: 1000 }), // no amount
      ).toThrow(InvalidOptionError);
      expect(() => new Scheduler().incrementReservoir(1)).toThrow(InvalidOptionError);
    });
  });

  describe('minTime', () => {
    it('spaces task starts at least minTime apart', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ minTime: 100 });
      const { started, all } = burst(scheduler, 3);
      await vi.advanceTimersByTimeAsync(0);
      expect(started).toEqual([0]);
      await vi.advanceTimersByTimeAsync(99);
      expect(started).toEqual([0]);
      await vi.advanceTimersByTimeAsync(1);
      expect(started).toEqual([0, 1]);
      await vi.advanceTimersByTimeAsync(100);
      await all;
      expect(started).toEqual([0, 1, 2]);
    });
  });

  describe('weight', () => {
    it('takes weight slots of concurrency while running', async () => {
      const scheduler = new Scheduler({ concurrency: 3 });
      const gauge = new Gauge();
      const gate = deferred();
      const run = async (): Promise<void> => {
        gauge.enter();
        await gate.promise;
        gauge.leave();
      };
      const heavy = scheduler.schedule({ fn: run, weight: 2 });
      const light1 = scheduler.schedule({ fn: run });
      const light2 = scheduler.schedule({ fn: run });
      await flush();
      expect(scheduler.running).toBe(2); // 2 + 1 slots; the next light one waits
      gate.resolve();
      await Promise.all([heavy, light1, light2]);
      expect(gauge.max).toBe(2);
    });

    it('takes weight units of the reservoir, and a heavy head waits rather than be overtaken', async () => {
      const scheduler = new Scheduler({ reservoir: 3 });
      const order: string[] = [];
      const a = scheduler.schedule({ fn: () => order.push('a'), weight: 2 });
      const b = scheduler.schedule({ fn: () => order.push('b'), weight: 2 });
      const c = scheduler.schedule({ fn: () => order.push('c') });
      await flush();
      expect(order).toEqual(['a']);
      expect(scheduler.currentReservoir()).toBe(1);
      scheduler.incrementReservoir(1);
      await Promise.all([a, b]);
      expect(order).toEqual(['a', 'b']);
      scheduler.incrementReservoir(1);
      await c;
      expect(order).toEqual(['a', 'b', 'c']);
    });

    it('rejects a weight above concurrency or not an integer ≥ 0', async () => {
      const scheduler = new Scheduler({ concurrency: 2 });
      await expect(scheduler.schedule({ fn: () => 1, weight: 3 })).rejects.toBeInstanceOf(
        InvalidOptionError,
      );
      await expect(scheduler.schedule({ fn: () => 1, weight: 1.5 })).rejects.toBeInstanceOf(
        InvalidOptionError,
      );
      await expect(scheduler.schedule({ fn: () => 1, weight: 0 })).resolves.toBe(1);
    });
  });

  describe('overflow strategies (maxPending)', () => {
    function full(onFull: 'drop-oldest' | 'drop-lowest') {
      const scheduler = new Scheduler({ maxPending: 2, paused: true, onFull });
      const ran: string[] = [];
      const task = (name: string, priority: number) =>
        scheduler.schedule({ fn: () => ran.push(name), name, priority });
      return { scheduler, ran, task };
    }

    it("'drop-oldest' drops the oldest queued task for the new one (Bottleneck LEAK)", async () => {
      const { scheduler, ran, task } = full('drop-oldest');
      const old = task('old', 5);
      const mid = task('mid', 0);
      const added = task('new', 0);
      await expect(old).rejects.toBeInstanceOf(TaskDroppedError);
      expect(scheduler.size).toBe(2);
      scheduler.resume();
      await Promise.all([mid, added]);
      expect(ran).toEqual(['mid', 'new']);
    });

    it("'drop-lowest' drops the oldest lower-priority task, or refuses the new one (Bottleneck OVERFLOW_PRIORITY)", async () => {
      const { scheduler, ran, task } = full('drop-lowest');
      const low1 = task('low1', 0);
      const low2 = task('low2', 0);
      const high = task('high', 1);
      await expect(low1).rejects.toMatchObject({ code: 'ERR_WEFT_TASK_DROPPED' });
      // Nothing queued is below priority 0: the newcomer is refused instead.
      await expect(task('low3', 0)).rejects.toBeInstanceOf(QueueFullError);
      scheduler.resume();
      await Promise.all([low2, high]);
      expect(ran).toEqual(['high', 'low2']);
    });
  });

  describe('isRateLimited() and the rate-limit events with rateLimit', () => {
    it('is true while the window holds queued tasks back (p-queue: isRateLimited)', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ rateLimit: { limit: 1, interval: 1000 } });
      const seen: string[] = [];
      scheduler.on('ratelimit', (e) => seen.push(`ratelimit ${e.pending}`));
      scheduler.on('ratelimitcleared', () => seen.push('ratelimitcleared'));
      expect(scheduler.isRateLimited()).toBe(false);
      const { all } = burst(scheduler, 2);
      await vi.advanceTimersByTimeAsync(0);
      expect(scheduler.isRateLimited()).toBe(true);
      expect(seen).toEqual(['ratelimit 1']);
      await vi.advanceTimersByTimeAsync(1000);
      await all;
      expect(scheduler.isRateLimited()).toBe(false);
      expect(seen).toEqual(['ratelimit 1', 'ratelimitcleared']);
    });
  });
});
