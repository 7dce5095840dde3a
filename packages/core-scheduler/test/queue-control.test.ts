// What a p-queue user reaches for: limits changed while running, clear(), size, onSizeLessThan,
// onPendingZero, a scheduler-wide default timeout.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InlineExecutor,
  InvalidOptionError,
  Scheduler,
  TaskClearedError,
  TaskTimeoutError,
} from '@weft/core-scheduler';
import { deferred, flush, Gauge } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('queue control', () => {
  describe('concurrency while running', () => {
    it('raising it starts queued tasks at once', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      const gauge = new Gauge();
      const task = async (): Promise<void> => {
        gauge.enter();
        await gate.promise;
        gauge.leave();
      };
      const all = Promise.all([1, 2, 3, 4].map(() => scheduler.schedule({ fn: task })));
      await flush();
      expect(scheduler.running).toBe(1);
      scheduler.concurrency = 3;
      expect(scheduler.concurrency).toBe(3);
      await flush();
      expect(scheduler.running).toBe(3);
      expect(scheduler.size).toBe(1);
      gate.resolve();
      await all;
      expect(gauge.max).toBe(3);
    });

    it('lowering it lets running tasks go on and starts no new one until below the limit', async () => {
      const scheduler = new Scheduler({ concurrency: 3 });
      const gates = [deferred(), deferred(), deferred(), deferred()];
      const started: number[] = [];
      const all = Promise.all(
        gates.map((gate, i) =>
          scheduler.schedule({
            fn: () => {
              started.push(i);
              return gate.promise;
            },
          }),
        ),
      );
      await flush();
      expect(started).toEqual([0, 1, 2]);
      scheduler.concurrency = 1;
      gates[0]!.resolve();
      gates[1]!.resolve();
      await flush();
      expect(started).toEqual([0, 1, 2]); // still one running: at the new limit
      gates[2]!.resolve();
      await flush();
      expect(started).toEqual([0, 1, 2, 3]);
      gates[3]!.resolve();
      await all;
    });

    it('per executor: setExecutorConcurrency', async () => {
      const scheduler = new Scheduler({ io: { executor: new InlineExecutor(), concurrency: 1 } });
      const gate = deferred();
      const all = Promise.all([1, 2].map(() => scheduler.schedule({ fn: () => gate.promise })));
      await flush();
      expect(scheduler.running).toBe(1);
      scheduler.setExecutorConcurrency('io', 2);
      await flush();
      expect(scheduler.running).toBe(2);
      // Lowered: the two running go on, no new one starts until one is left.
      const second = deferred();
      const more = Promise.all([1, 2].map(() => scheduler.schedule({ fn: () => second.promise })));
      scheduler.setExecutorConcurrency('io', 1);
      gate.resolve();
      await flush();
      expect(scheduler.running).toBe(1);
      second.resolve();
      await Promise.all([all, more]);
      expect(() => scheduler.setExecutorConcurrency('cpu', 2)).toThrow(InvalidOptionError);
      expect(() => scheduler.setExecutorConcurrency('io', 0)).toThrow(InvalidOptionError);
    });

    it('rejects a bad value and keeps the old one', () => {
      const scheduler = new Scheduler({ concurrency: 2 });
      expect(() => {
        scheduler.concurrency = 0;
      }).toThrow(InvalidOptionError);
      expect(scheduler.concurrency).toBe(2);
    });
  });

  describe('clear()', () => {
    it('rejects queued tasks with TaskClearedError; running ones go on; the scheduler stays open', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred<string>();
      const running = scheduler.schedule({ fn: () => gate.promise });
      const fn = vi.fn(() => 'never');
      const queued = [scheduler.schedule({ fn }), scheduler.schedule({ fn, priority: 5 })];
      await flush();
      expect(scheduler.clear()).toBe(2);
      expect(scheduler.size).toBe(0);
      for (const result of queued) {
        await expect(result).rejects.toBeInstanceOf(TaskClearedError);
        await expect(result).rejects.toMatchObject({ code: 'ERR_WEFT_TASK_CLEARED' });
      }
      gate.resolve('ran');
      await expect(running).resolves.toBe('ran');
      expect(fn).not.toHaveBeenCalled();
      await expect(scheduler.schedule({ fn: () => 'after' })).resolves.toBe('after');
    });

    it('also drops tasks waiting for room under maxPending', async () => {
      const scheduler = new Scheduler({ concurrency: 1, maxPending: 1 });
      const gate = deferred();
      const running = scheduler.schedule({ fn: () => gate.promise });
      await flush();
      const queued = scheduler.schedule({ fn: () => 1 });
      const waiting = scheduler.schedule({ fn: () => 2 });
      expect(scheduler.size).toBe(2);
      expect(scheduler.clear()).toBe(2);
      await expect(queued).rejects.toBeInstanceOf(TaskClearedError);
      await expect(waiting).rejects.toBeInstanceOf(TaskClearedError);
      gate.resolve();
      await running;
      await expect(scheduler.ready()).resolves.toBeUndefined();
    });
  });

  describe('onSizeLessThan / onPendingZero', () => {
    it('onSizeLessThan(n) resolves once fewer than n are queued', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gates = [deferred(), deferred(), deferred(), deferred()];
      const all = Promise.all(gates.map((gate) => scheduler.schedule({ fn: () => gate.promise })));
      await flush();
      expect(scheduler.size).toBe(3);
      let resolved = false;
      const below2 = scheduler.onSizeLessThan(2).then(() => {
        resolved = true;
      });
      gates[0]!.resolve();
      await flush();
      expect(scheduler.size).toBe(2);
      expect(resolved).toBe(false);
      gates[1]!.resolve();
      await below2;
      expect(scheduler.size).toBe(1);
      for (const gate of gates) gate.resolve();
      await all;
      await expect(scheduler.onSizeLessThan(0)).rejects.toBeInstanceOf(InvalidOptionError);
    });

    it('resolves each waiter at its own threshold, and waiters added after others were released', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gates = [deferred(), deferred(), deferred(), deferred()];
      const all = Promise.all(gates.map((gate) => scheduler.schedule({ fn: () => gate.promise })));
      await flush();
      const order: string[] = [];
      const below3 = scheduler.onSizeLessThan(3).then(() => order.push('<3'));
      const below1 = scheduler.onSizeLessThan(1).then(() => order.push('<1'));
      const empty = scheduler.onEmpty().then(() => order.push('empty'));
      gates[0]!.resolve();
      await below3;
      expect(order).toEqual(['<3']);
      // One waiter released, two still waiting: a new one is still watched.
      const below2 = scheduler.onSizeLessThan(2).then(() => order.push('<2'));
      gates[1]!.resolve();
      await below2;
      gates[2]!.resolve();
      await Promise.all([below1, empty]);
      expect(order.slice(0, 2)).toEqual(['<3', '<2']);
      expect(order.slice(2).sort()).toEqual(['<1', 'empty']);
      gates[3]!.resolve();
      await all;
      await scheduler.onIdle();
      await expect(scheduler.onEmpty()).resolves.toBeUndefined();
    });

    it('onPendingZero resolves when nothing runs, even with tasks still queued', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      void scheduler.schedule({ fn: () => gate.promise });
      const queued = scheduler.schedule({ fn: () => 'later' });
      await flush();
      scheduler.pause();
      let resolved = false;
      const zero = scheduler.onPendingZero().then(() => {
        resolved = true;
      });
      await flush();
      expect(resolved).toBe(false);
      gate.resolve();
      await zero;
      expect(scheduler.running).toBe(0);
      expect(scheduler.size).toBe(1);
      scheduler.resume();
      await expect(queued).resolves.toBe('later');
    });
  });

  describe('default timeout', () => {
    it('applies to tasks without their own; a task timeout overrides it', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ timeout: 50 });
      const never = (): Promise<never> => new Promise<never>(() => {});
      const byDefault = scheduler.schedule({ fn: never }).catch((e: unknown) => e);
      const longer = scheduler.schedule({ fn: never, timeout: 200 }).catch((e: unknown) => e);
      const none = scheduler.schedule({ fn: never, timeout: Infinity }).catch((e: unknown) => e);
      let longerDone = false;
      void longer.then(() => (longerDone = true));
      let noneDone = false;
      void none.then(() => (noneDone = true));
      await vi.advanceTimersByTimeAsync(50);
      expect(await byDefault).toMatchObject({ timeout: 50 });
      expect(longerDone).toBe(false);
      await vi.advanceTimersByTimeAsync(150);
      expect(await longer).toBeInstanceOf(TaskTimeoutError);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(noneDone).toBe(false);
      expect(() => new Scheduler({ timeout: 0 })).toThrow(InvalidOptionError);
    });
  });
});
