// Every duration a user gives is honoured at its largest accepted value. Node's setTimeout turns a
// delay above 2^31−1 ms into 1 ms, and vitest's fake timers do the same, so a raw setTimeout fails
// these tests.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DeadlineExceededError,
  InlineExecutor,
  Scheduler,
  TaskTimeoutError,
  type Task,
} from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';

const MAX_TIMER = 2 ** 31 - 1;
const LONG = 2 ** 31; // one past setTimeout's range
const never = (): Promise<never> => new Promise<never>(() => {});

afterEach(() => {
  vi.useRealTimers();
});

/** Settles-or-not probe: `state()` says whether `promise` has settled yet. */
function probe(promise: Promise<unknown>): {
  state: () => 'pending' | 'settled';
  error: () => unknown;
} {
  let settled = false;
  let error: unknown;
  promise.then(
    () => {
      settled = true;
    },
    (e: unknown) => {
      settled = true;
      error = e;
    },
  );
  return { state: () => (settled ? 'settled' : 'pending'), error: () => error };
}

describe('long durations', () => {
  describe('timeout', () => {
    it('2^31 ms really waits, then rejects with TaskTimeoutError', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const p = probe(scheduler.schedule({ fn: never, timeout: LONG }));
      await vi.advanceTimersByTimeAsync(MAX_TIMER);
      expect(p.state()).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(p.state()).toBe('settled');
      expect(p.error()).toBeInstanceOf(TaskTimeoutError);
    });

    it('Number.MAX_SAFE_INTEGER waits in steps and never fires early', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const p = probe(scheduler.schedule({ fn: never, timeout: Number.MAX_SAFE_INTEGER }));
      for (let i = 0; i < 5; i++) await vi.advanceTimersToNextTimerAsync();
      expect(p.state()).toBe('pending');
      expect(vi.getTimerCount()).toBe(1); // one step pending, not a timer per millisecond
    });

    it('Infinity means no timeout: no timer at all', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const gate = deferred<string>();
      const result = scheduler.schedule({ fn: () => gate.promise, timeout: Infinity });
      await flush();
      expect(vi.getTimerCount()).toBe(0);
      gate.resolve('done');
      await expect(result).resolves.toBe('done');
    });
  });

  describe('deadline', () => {
    it('2^31 ms ahead really waits, then rejects with DeadlineExceededError', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const p = probe(scheduler.schedule({ fn: never, deadline: Date.now() + LONG }));
      await vi.advanceTimersByTimeAsync(MAX_TIMER);
      expect(p.state()).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(p.error()).toBeInstanceOf(DeadlineExceededError);
    });

    it('Number.MAX_SAFE_INTEGER and Infinity never fire early', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const far = probe(scheduler.schedule({ fn: never, deadline: Number.MAX_SAFE_INTEGER }));
      const none = probe(scheduler.schedule({ fn: never, deadline: Infinity }));
      for (let i = 0; i < 5; i++) await vi.advanceTimersToNextTimerAsync();
      expect(far.state()).toBe('pending');
      expect(none.state()).toBe('pending');
    });
  });

  describe('retry backoff', () => {
    it.each([
      ['fixed', { type: 'fixed', delay: LONG }],
      ['exponential', { type: 'exponential', delay: LONG / 2, factor: 2, maxDelay: LONG }],
    ] as const)('%s backoff of 2^31 ms waits before the retry', async (_name, backoff) => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const fn = vi.fn(() => Promise.reject(new Error('flaky')));
      const task: Task<[], Promise<never>> = { fn, retry: { attempts: 3, backoff } };
      const p = probe(scheduler.schedule(task));
      await flush();
      expect(fn).toHaveBeenCalledTimes(1);
      // exponential: the first retry waits LONG / 2, the second LONG
      const first = backoff.type === 'fixed' ? LONG : LONG / 2;
      await vi.advanceTimersByTimeAsync(first - 1);
      expect(fn).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fn).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(LONG - 1);
      expect(fn).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(fn).toHaveBeenCalledTimes(3);
      expect(p.state()).toBe('settled');
    });

    it('a backoff of Number.MAX_SAFE_INTEGER ms does not retry early; a signal still ends it', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const controller = new AbortController();
      const fn = vi.fn(() => Promise.reject(new Error('flaky')));
      const p = probe(
        scheduler.schedule({
          fn,
          signal: controller.signal,
          retry: { attempts: 2, backoff: { type: 'fixed', delay: Number.MAX_SAFE_INTEGER } },
        }),
      );
      for (let i = 0; i < 5; i++) await vi.advanceTimersToNextTimerAsync();
      expect(fn).toHaveBeenCalledTimes(1);
      controller.abort();
      await flush();
      expect(p.state()).toBe('settled');
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('rate-limit window', () => {
    it.each(['global', 'io'] as const)(
      '%s: a window of 2^31 ms holds the next start for all of it, without waking every ms',
      async (where) => {
        vi.useFakeTimers();
        const rateLimit = { limit: 1, interval: LONG };
        const scheduler =
          where === 'global'
            ? new Scheduler({ rateLimit })
            : new Scheduler({ io: { executor: new InlineExecutor(), rateLimit } });
        const fn = vi.fn(() => 'ok');
        await scheduler.schedule({ fn });
        const second = probe(scheduler.schedule({ fn }));
        const t0 = Date.now();
        await vi.advanceTimersToNextTimerAsync();
        expect(Date.now() - t0).toBe(MAX_TIMER); // the wake-up is at setTimeout's limit, not in 1 ms
        expect(fn).toHaveBeenCalledTimes(1);
        await vi.advanceTimersByTimeAsync(LONG - MAX_TIMER - 1);
        expect(fn).toHaveBeenCalledTimes(1);
        await vi.advanceTimersByTimeAsync(1);
        expect(fn).toHaveBeenCalledTimes(2);
        expect(second.state()).toBe('settled');
      },
    );

    it('a window of Infinity allows `limit` starts ever and arms no timer', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ rateLimit: { limit: 2, interval: Infinity } });
      const fn = vi.fn(() => 'ok');
      await scheduler.schedule({ fn });
      await scheduler.schedule({ fn });
      const third = probe(scheduler.schedule({ fn }));
      await flush();
      expect(vi.getTimerCount()).toBe(0);
      expect(fn).toHaveBeenCalledTimes(2);
      expect(third.state()).toBe('pending');
      await scheduler.close({ cancelPending: true });
      expect(third.state()).toBe('settled');
    });
  });
});
