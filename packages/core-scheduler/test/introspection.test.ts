// Task ids, setPriority, jobStatus, counts, sizeBy and runningTasks.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidOptionError,
  Scheduler,
  TaskIdNotFoundError,
  TaskNotFoundError,
  TaskTimeoutError,
} from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler introspection', () => {
  describe('task ids', () => {
    it('carries the id you give in events and runningTasks; others get numbers', async () => {
      const scheduler = new Scheduler();
      const ids: unknown[] = [];
      scheduler.on('add', (e) => ids.push(e.id));
      const gate = deferred();
      const mine = scheduler.schedule({ fn: () => gate.promise, id: 'invoice-42' });
      const theirs = scheduler.schedule({ fn: () => gate.promise });
      expect(ids[0]).toBe('invoice-42');
      expect(typeof ids[1]).toBe('number');
      expect(scheduler.runningTasks.map((t) => t.id)).toEqual(['invoice-42', ids[1]]);
      gate.resolve();
      await Promise.all([mine, theirs]);
    });

    it('rejects an id an unsettled task already has, and accepts it again once that settled', async () => {
      const scheduler = new Scheduler();
      const gate = deferred();
      const first = scheduler.schedule({ fn: () => gate.promise, id: 'job' });
      await expect(scheduler.schedule({ fn: () => 1, id: 'job' })).rejects.toMatchObject({
        code: 'ERR_WEFT_INVALID_OPTION',
        option: 'id',
      });
      gate.resolve();
      await first;
      await expect(scheduler.schedule({ fn: () => 2, id: 'job' })).resolves.toBe(2);
    });

    it('rejects an id that is not a non-empty string', async () => {
      const scheduler = new Scheduler();
      await expect(scheduler.schedule({ fn: () => 1, id: '' })).rejects.toBeInstanceOf(
        InvalidOptionError,
      );
      await expect(
        scheduler.schedule({ fn: () => 1, id: 7 as unknown as string }),
      ).rejects.toBeInstanceOf(InvalidOptionError);
    });
  });

  describe('setPriority()', () => {
    it('moves a queued task ahead of others (p-queue: setPriority)', async () => {
      const scheduler = new Scheduler({ concurrency: 1, paused: true, agingInterval: Infinity });
      const order: string[] = [];
      const run = (name: string) => () => order.push(name);
      const all = ['a', 'b', 'c', 'd'].map((id) => scheduler.schedule({ fn: run(id), id }));
      scheduler.setPriority('c', 5);
      scheduler.setPriority('d', 5); // behind c: same new priority, moved later
      scheduler.resume();
      await Promise.all(all);
      expect(order).toEqual(['c', 'd', 'a', 'b']);
    });

    it('lowering a priority puts the task behind those of its new priority', async () => {
      const scheduler = new Scheduler({ concurrency: 1, paused: true, agingInterval: Infinity });
      const order: string[] = [];
      const all = [
        scheduler.schedule({ fn: () => order.push('high'), id: 'high', priority: 2 }),
        scheduler.schedule({ fn: () => order.push('x'), id: 'x', priority: 1 }),
        scheduler.schedule({ fn: () => order.push('y'), id: 'y', priority: 1 }),
      ];
      scheduler.setPriority('high', 1);
      // Setting the same priority again keeps the task's place.
      scheduler.setPriority('x', 1);
      scheduler.resume();
      await Promise.all(all);
      expect(order).toEqual(['x', 'y', 'high']);
    });

    it('runs a re-prioritised task once, even when moved back to its first priority', async () => {
      const scheduler = new Scheduler({ concurrency: 1, paused: true });
      const fn = vi.fn((): void => {});
      const task = scheduler.schedule({ fn, id: 'twice' });
      scheduler.setPriority('twice', 3);
      scheduler.setPriority('twice', 0);
      expect(scheduler.size).toBe(1);
      scheduler.resume();
      await task;
      await scheduler.onIdle();
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('throws TaskIdNotFoundError for an unknown or settled id, InvalidOptionError for a bad priority', async () => {
      const scheduler = new Scheduler();
      expect(() => scheduler.setPriority('nope', 1)).toThrow(TaskIdNotFoundError);
      // The deprecated old name is the same class, so old `instanceof` checks still match.
      expect(() => scheduler.setPriority('nope', 1)).toThrow(TaskNotFoundError);
      expect(TaskNotFoundError).toBe(TaskIdNotFoundError);
      await scheduler.schedule({ fn: () => 1, id: 'done' });
      expect(() => scheduler.setPriority('done', 1)).toThrow(TaskIdNotFoundError);
      const gate = deferred();
      const task = scheduler.schedule({ fn: () => gate.promise, id: 'live' });
      expect(() => scheduler.setPriority('live', Number.NaN)).toThrow(InvalidOptionError);
      gate.resolve();
      await task;
    });
  });

  describe('jobStatus() and counts()', () => {
    it('follows a task through waiting, queued, running, backoff and settled', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1, maxPending: 1 });
      const gate = deferred();
      const blocker = scheduler.schedule({ fn: () => gate.promise, id: 'blocker' });
      const queued = scheduler.schedule({ fn: () => 'q', id: 'queued' });
      let calls = 0;
      const flaky = scheduler.schedule({
        fn: () => {
          if (++calls === 1) throw new Error('first try fails');
          return 'ok';
        },
        id: 'flaky',
        retry: { attempts: 2, backoff: { type: 'fixed', delay: 1000 } },
      });
      expect(scheduler.jobStatus('blocker')).toBe('running');
      expect(scheduler.jobStatus('queued')).toBe('queued');
      expect(scheduler.jobStatus('flaky')).toBe('waiting');
      expect(scheduler.counts()).toEqual({
        waiting: 1,
        queued: 1,
        running: 1,
        backoff: 0,
        done: 0,
      });
      gate.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(scheduler.jobStatus('blocker')).toBeUndefined();
      expect(scheduler.jobStatus('flaky')).toBe('backoff');
      expect(scheduler.counts()).toMatchObject({ backoff: 1, running: 0, done: 2 });
      await vi.advanceTimersByTimeAsync(1000);
      await expect(Promise.all([blocker, queued, flaky])).resolves.toEqual([undefined, 'q', 'ok']);
      expect(scheduler.jobStatus('flaky')).toBeUndefined();
      expect(scheduler.counts()).toEqual({
        waiting: 0,
        queued: 0,
        running: 0,
        backoff: 0,
        done: 3,
      });
    });
  });

  describe('sizeBy()', () => {
    it('counts queued tasks by priority, kind, name and executor (p-queue: sizeBy)', async () => {
      const scheduler = new Scheduler({ paused: true });
      const noop = (): void => {};
      const tasks = [
        scheduler.schedule({ fn: noop, name: 'a', priority: 1 }),
        scheduler.schedule({ fn: noop, name: 'a', priority: 2 }),
        scheduler.schedule({ fn: noop, name: 'b', priority: 1, kind: 'cpu' }),
      ];
      for (const task of tasks) task.catch(() => {}); // dropped by clear() below
      expect(scheduler.sizeBy({ priority: 1 })).toBe(2);
      expect(scheduler.sizeBy({ name: 'a' })).toBe(2);
      expect(scheduler.sizeBy({ name: 'a', priority: 2 })).toBe(1);
      expect(scheduler.sizeBy({ kind: 'cpu' })).toBe(1);
      expect(scheduler.sizeBy({ executor: 'io' })).toBe(3); // no cpu executor: cpu runs on io
      expect(scheduler.sizeBy({})).toBe(3);
      expect(() => scheduler.sizeBy({ kind: 'gpu' as 'cpu' })).toThrow(InvalidOptionError);
      scheduler.clear();
      await Promise.allSettled(tasks);
    });
  });

  describe('runningTasks', () => {
    it('lists running attempts with start time and the time left before their timeout', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const scheduler = new Scheduler();
      const gate = deferred();
      const task = scheduler.schedule({
        fn: () => gate.promise,
        id: 'slow',
        name: 'slow',
        timeout: 500,
      });
      expect(scheduler.runningTasks).toEqual([
        {
          id: 'slow',
          name: 'slow',
          kind: 'io',
          executor: 'io',
          priority: 0,
          attempt: 1,
          startTime: 1_000_000,
          timeout: 500,
          timeoutRemaining: 500,
        },
      ]);
      await vi.advanceTimersByTimeAsync(200);
      expect(scheduler.runningTasks[0]!.timeoutRemaining).toBe(300);
      const timedOut = expect(task).rejects.toBeInstanceOf(TaskTimeoutError);
      await vi.advanceTimersByTimeAsync(300);
      await timedOut;
      expect(scheduler.runningTasks).toEqual([]);
      gate.resolve();
      await flush();
    });

    it('measures the time left on the monotonic clock: setting the wall clock back changes nothing', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const scheduler = new Scheduler();
      const gate = deferred();
      const task = scheduler.schedule({ fn: () => gate.promise, name: 'slow', timeout: 500 });
      await vi.advanceTimersByTimeAsync(200);
      vi.setSystemTime(1_000_000 - 60_000); // an NTP step back by a minute
      expect(scheduler.runningTasks[0]).toMatchObject({
        startTime: 1_000_000,
        timeoutRemaining: 300,
      });
      gate.resolve();
      await task;
    });
  });
});
