// Scheduler.wrap: a function with the same parameters that schedules each call.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, Scheduler, TaskCancelledError } from '@weft/core-scheduler';
import { deferred, flush, Gauge } from './helpers.js';

describe('Scheduler', () => {
  describe('wrap()', () => {
    it('schedules each call with the arguments given and resolves with the result', async () => {
      const scheduler = new Scheduler();
      const add = (a: number, b: number): number => a + b;
      const scheduledAdd = scheduler.wrap(add);
      await expect(scheduledAdd(2, 3)).resolves.toBe(5);
      await expect(Promise.all([scheduledAdd(1, 1), scheduledAdd(4, 5)])).resolves.toEqual([2, 9]);
    });

    it('calls run within the scheduler limits (Bottleneck: wrap respects maxConcurrent)', async () => {
      const scheduler = new Scheduler({ concurrency: 2 });
      const gauge = new Gauge();
      const gate = deferred();
      const work = scheduler.wrap(async (n: number): Promise<number> => {
        gauge.enter();
        await gate.promise;
        gauge.leave();
        return n * 2;
      });
      const all = Promise.all([1, 2, 3, 4, 5].map((n) => work(n)));
      await flush();
      expect(scheduler.running).toBe(2);
      expect(scheduler.size).toBe(3);
      gate.resolve();
      await expect(all).resolves.toEqual([2, 4, 6, 8, 10]);
      expect(gauge.max).toBe(2);
    });

    it("names the tasks after the function and applies the wrap's options to every call", async () => {
      const scheduler = new Scheduler({ paused: true });
      const seen: { name: string; priority: number }[] = [];
      scheduler.on('add', (e) => seen.push({ name: e.name, priority: e.priority }));
      function resize(size: number): number {
        return size;
      }
      const scheduled = scheduler.wrap(resize, { priority: 3 });
      const calls = [scheduled(1), scheduled(2)];
      expect(seen).toEqual([
        { name: 'resize', priority: 3 },
        { name: 'resize', priority: 3 },
      ]);
      scheduler.resume();
      await expect(Promise.all(calls)).resolves.toEqual([1, 2]);
    });

    it('withOptions() adds options of its own to one call, including an id and a signal', async () => {
      const scheduler = new Scheduler({ paused: true });
      const echo = scheduler.wrap((s: string) => s, { priority: 1 });
      const controller = new AbortController();
      const cancelled = echo.withOptions({ signal: controller.signal }, 'never');
      const urgent = echo.withOptions({ id: 'urgent', priority: 9 }, 'first');
      const normal = echo('second');
      expect(scheduler.jobStatus('urgent')).toBe('queued');
      controller.abort();
      await expect(cancelled).rejects.toBeInstanceOf(TaskCancelledError);
      const order: string[] = [];
      void urgent.then((v) => order.push(v));
      void normal.then((v) => order.push(v));
      scheduler.resume();
      await Promise.all([urgent, normal]);
      expect(order).toEqual(['first', 'second']);
    });

    it('checks the options once, at wrap time, and refuses an id for every call', () => {
      const scheduler = new Scheduler();
      expect(() => scheduler.wrap(() => 1, { priority: Number.NaN })).toThrow(InvalidOptionError);
      expect(() => scheduler.wrap(() => 1, { id: 'x' } as never)).toThrow(InvalidOptionError);
      expect(() => scheduler.wrap('nope' as unknown as () => number)).toThrow(InvalidOptionError);
    });

    it('a throwing function rejects its call only', async () => {
      const scheduler = new Scheduler();
      const parse = scheduler.wrap((text: string): unknown => JSON.parse(text));
      await expect(parse('{')).rejects.toBeInstanceOf(SyntaxError);
      await expect(parse('{"a":1}')).resolves.toEqual({ a: 1 });
    });
  });
});
