import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DeadlineExceededError,
  Scheduler,
  TaskCancelledError,
  TaskTimeoutError,
  taskSignal,
} from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';
import { getEventListeners } from 'node:events';

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler cancellation', () => {
  describe('signal', () => {
    it('an already-aborted signal: rejects at once and never runs', async () => {
      const scheduler = new Scheduler();
      const fn = vi.fn(() => undefined);
      const reason = new Error('stop');
      const result = scheduler.schedule({ fn, signal: AbortSignal.abort(reason) });
      await expect(result).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(result).rejects.toMatchObject({
        code: 'ERR_WEFT_TASK_CANCELLED',
        cause: reason,
      });
      expect(fn).not.toHaveBeenCalled();
    });

    it('aborted while queued: rejects and never runs, and the queue moves on', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      const blocker = scheduler.schedule({ fn: () => gate.promise });
      const controller = new AbortController();
      const fn = vi.fn(() => undefined);
      const cancelled = scheduler.schedule({ fn, signal: controller.signal });
      const after = scheduler.schedule({ fn: () => 'after' });
      expect(scheduler.pending).toBe(2);
      controller.abort();
      await expect(cancelled).rejects.toBeInstanceOf(TaskCancelledError);
      expect(scheduler.pending).toBe(1);
      gate.resolve();
      await expect(after).resolves.toBe('after');
      await blocker;
      expect(fn).not.toHaveBeenCalled();
    });

    it("aborted while running: the attempt's signal fires and the task rejects at once", async () => {
      const scheduler = new Scheduler();
      const controller = new AbortController();
      const started = deferred();
      let seen: AbortSignal | undefined;
      const result = scheduler.schedule({
        fn: () => {
          seen = taskSignal();
          started.resolve();
          return new Promise<never>(() => {}); // ignores its signal
        },
        signal: controller.signal,
      });
      await started.promise;
      expect(seen?.aborted).toBe(false);
      const reason = new Error('user abort');
      controller.abort(reason);
      await expect(result).rejects.toMatchObject({
        code: 'ERR_WEFT_TASK_CANCELLED',
        cause: reason,
      });
      expect(seen?.aborted).toBe(true);
      expect(seen?.reason).toBeInstanceOf(TaskCancelledError);
      await scheduler.onIdle();
    });

    it('aborted after it settled: no effect, and the scheduler no longer listens to the signal', async () => {
      const scheduler = new Scheduler();
      const controller = new AbortController();
      const events: string[] = [];
      scheduler.subscribe((event) => events.push(event.type));
      await expect(scheduler.schedule({ fn: () => 1, signal: controller.signal })).resolves.toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      const seen = events.length;
      controller.abort();
      await flush();
      expect(events).toHaveLength(seen);
      expect(scheduler.running).toBe(0);
    });

    it('aborted while waiting to retry: rejects and does not retry', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const controller = new AbortController();
      const fn = vi.fn(() => {
        throw new Error('fail');
      });
      const result = scheduler.schedule({
        fn,
        signal: controller.signal,
        retry: { attempts: 3, backoff: { type: 'fixed', delay: 100 } },
      });
      await flush();
      expect(fn).toHaveBeenCalledTimes(1);
      controller.abort();
      await expect(result).rejects.toBeInstanceOf(TaskCancelledError);
      await vi.advanceTimersByTimeAsync(1000);
      expect(fn).toHaveBeenCalledTimes(1);
    });
  });

  describe('timeout', () => {
    it('rejects with TaskTimeoutError and aborts the attempt signal', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      let seen: AbortSignal | undefined;
      const result = scheduler.schedule({
        fn: () => {
          seen = taskSignal();
          return new Promise<never>(() => {});
        },
        timeout: 50,
      });
      const outcome = result.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(49);
      expect(seen?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect(error).toMatchObject({ code: 'ERR_WEFT_TASK_TIMEOUT', timeout: 50 });
      expect(seen?.aborted).toBe(true);
    });

    it('counts from the start of the attempt, not from the submit', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      void scheduler.schedule({ fn: () => gate.promise });
      const result = scheduler.schedule({
        fn: () => new Promise((resolve) => setTimeout(() => resolve('ok'), 30)),
        timeout: 50,
      });
      await vi.advanceTimersByTimeAsync(100); // queued for 100 ms: no timeout yet
      gate.resolve();
      await vi.advanceTimersByTimeAsync(30);
      await expect(result).resolves.toBe('ok');
    });
  });

  describe('deadline', () => {
    it('a deadline already passed rejects at once without running', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const fn = vi.fn(() => undefined);
      await expect(scheduler.schedule({ fn, deadline: Date.now() - 1 })).rejects.toBeInstanceOf(
        DeadlineExceededError,
      );
      expect(fn).not.toHaveBeenCalled();
    });

    it('passing while queued: rejects and never runs', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      void scheduler.schedule({ fn: () => gate.promise });
      const fn = vi.fn(() => undefined);
      const result = scheduler.schedule({ fn, deadline: Date.now() + 100 });
      const outcome = result.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(100);
      expect(await outcome).toMatchObject({ code: 'ERR_WEFT_DEADLINE_EXCEEDED' });
      gate.resolve();
      await scheduler.onIdle();
      expect(fn).not.toHaveBeenCalled();
    });

    it('covers all attempts and backoff: passing between retries ends the task', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const fn = vi.fn(() => Promise.reject(new Error('flaky')));
      const result = scheduler.schedule({
        fn,
        deadline: Date.now() + 250,
        retry: { attempts: 10, backoff: { type: 'fixed', delay: 100 } },
      });
      const outcome = result.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(1000);
      expect(await outcome).toBeInstanceOf(DeadlineExceededError);
      expect(fn).toHaveBeenCalledTimes(3); // t = 0, 100, 200
    });

    it('is wall-clock time (Date.now()), not the monotonic clock, which drifts from it', async () => {
      vi.useFakeTimers();
      // The wall clock jumps an hour ahead of the monotonic clock (an NTP step, a resumed laptop).
      vi.setSystemTime(Date.now() + 3_600_000);
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      void scheduler.schedule({ fn: () => gate.promise });
      const fn = vi.fn(() => undefined);
      let settled = false;
      const outcome = scheduler
        .schedule({ fn, deadline: Date.now() + 100 })
        .catch((error: unknown) => error)
        .finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(100);
      expect(settled).toBe(true);
      expect(await outcome).toBeInstanceOf(DeadlineExceededError);
      expect(await outcome).toMatchObject({ code: 'ERR_WEFT_DEADLINE_EXCEEDED' });
      gate.resolve();
      await scheduler.onIdle();
      expect(fn).not.toHaveBeenCalled();
    });

    it('a deadline still ahead on the wall clock is not passed, whatever the monotonic clock says', async () => {
      vi.useFakeTimers();
      vi.setSystemTime(Date.now() - 3_600_000); // the wall clock is an hour behind
      const scheduler = new Scheduler();
      await expect(
        scheduler.schedule({ fn: () => 'ran', deadline: Date.now() + 100 }),
      ).resolves.toBe('ran');
    });

    it('waits for the rest when the wall clock is set back while the task waits', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred();
      void scheduler.schedule({ fn: () => gate.promise });
      let settled = false;
      const outcome = scheduler
        .schedule({ fn: () => 'late', deadline: Date.now() + 100 })
        .catch((error: unknown) => error)
        .finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(50);
      vi.setSystemTime(Date.now() - 50); // the wall clock goes back 50 ms: 100 ms are left again
      await vi.advanceTimersByTimeAsync(50);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(50);
      expect(await outcome).toBeInstanceOf(DeadlineExceededError);
      gate.resolve();
    });

    it('passing while running aborts the attempt signal', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      let seen: AbortSignal | undefined;
      const result = scheduler.schedule({
        fn: () => {
          seen = taskSignal();
          return new Promise<never>(() => {});
        },
        deadline: Date.now() + 20,
      });
      const outcome = result.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(20);
      expect(await outcome).toBeInstanceOf(DeadlineExceededError);
      expect(seen?.aborted).toBe(true);
    });
  });
});
