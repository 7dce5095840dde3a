import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskTimeoutError } from '@weft/core-scheduler';
import { RetryExhaustedError, Scheduler } from '@weft/core-scheduler';
import { flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function failing(
  times: number,
  value = 'ok',
): { fn: () => Promise<string>; calls: () => number; errors: Error[] } {
  let calls = 0;
  const errors: Error[] = [];
  return {
    fn: () => {
      calls++;
      if (calls <= times) {
        const error = new Error(`attempt ${calls} failed`);
        errors.push(error);
        return Promise.reject(error);
      }
      return Promise.resolve(value);
    },
    calls: () => calls,
    errors,
  };
}

describe('Scheduler retries', () => {
  it('retries until an attempt succeeds', async () => {
    const scheduler = new Scheduler();
    const task = failing(2);
    await expect(scheduler.schedule({ fn: task.fn, retry: { attempts: 3 } })).resolves.toBe('ok');
    expect(task.calls()).toBe(3);
  });

  it('rejects with RetryExhaustedError keeping every attempt error in order', async () => {
    const scheduler = new Scheduler();
    const task = failing(5);
    const error = await scheduler
      .schedule({ fn: task.fn, retry: { attempts: 3 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error).toMatchObject({ code: 'ERR_WEFT_RETRY_EXHAUSTED' });
    expect((error as RetryExhaustedError).errors).toEqual(task.errors.slice(0, 3));
    expect((error as RetryExhaustedError).cause).toBe(task.errors[2]);
  });

  it('stops when retryOn says no and rejects with that error itself', async () => {
    const scheduler = new Scheduler();
    const task = failing(5);
    const retryOn = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const error = await scheduler
      .schedule({ fn: task.fn, retry: { attempts: 5, retryOn } })
      .catch((e: unknown) => e);
    expect(error).toBe(task.errors[1]);
    expect(retryOn.mock.calls.map(([e, a]) => [e, a])).toEqual([
      [task.errors[0], 1],
      [task.errors[1], 2],
    ]);
  });

  it('retries a timed-out attempt with a fresh attempt', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler();
    let calls = 0;
    const result = scheduler.schedule({
      fn: () => (++calls === 1 ? new Promise<never>(() => {}) : Promise.resolve('second')),
      timeout: 100,
      retry: { attempts: 2 },
    });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe('second');
    expect(calls).toBe(2);
  });

  it('gives TaskTimeoutErrors to RetryExhaustedError when every attempt times out', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler();
    const result = scheduler.schedule({
      fn: () => new Promise<never>(() => {}),
      timeout: 10,
      retry: { attempts: 2 },
    });
    const outcome = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    const error = (await outcome) as RetryExhaustedError;
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error.errors.map((e) => (e as TaskTimeoutError).code)).toEqual([
      'ERR_WEFT_TASK_TIMEOUT',
      'ERR_WEFT_TASK_TIMEOUT',
    ]);
  });

  describe('backoff', () => {
    async function startTimes(
      retry: Parameters<Scheduler['schedule']>[0]['retry'],
      attempts: number,
    ): Promise<number[]> {
      vi.useFakeTimers();
      const scheduler = new Scheduler();
      const t0 = Date.now();
      const starts: number[] = [];
      const result = scheduler.schedule({
        fn: () => {
          starts.push(Date.now() - t0);
          return Promise.reject(new Error('no'));
        },
        ...(retry === undefined ? {} : { retry }),
      });
      const outcome = result.catch(() => undefined);
      for (let i = 0; i < 100 && starts.length < attempts; i++)
        await vi.advanceTimersByTimeAsync(10);
      await vi.runAllTimersAsync();
      await outcome;
      return starts;
    }

    it('fixed: waits the same delay before each retry', async () => {
      expect(await startTimes({ attempts: 4, backoff: { type: 'fixed', delay: 50 } }, 4)).toEqual([
        0, 50, 100, 150,
      ]);
    });

    it('exponential: delay × factor^(n−1), capped by maxDelay', async () => {
      const starts = await startTimes(
        { attempts: 5, backoff: { type: 'exponential', delay: 10, factor: 3, maxDelay: 100 } },
        5,
      );
      // waits 10, 30, 90, 100 (capped)
      expect(starts).toEqual([0, 10, 40, 130, 230]);
    });

    it('jitter: scales the delay by 1 − jitter × random()', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const starts = await startTimes(
        { attempts: 3, backoff: { type: 'exponential', delay: 100, jitter: 1 } },
        3,
      );
      // waits 100 × 0.5 = 50, then 200 × 0.5 = 100
      expect(starts).toEqual([0, 50, 150]);
    });
  });

  it('a retried task waits in the queue like any other (FIFO)', async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const order: string[] = [];
    let first = true;
    const a = scheduler.schedule({
      fn: () => {
        order.push('a');
        if (first) {
          first = false;
          throw new Error('retry me');
        }
      },
      retry: { attempts: 2 },
    });
    const b = scheduler.schedule({ fn: () => void order.push('b') });
    await Promise.all([a, b]);
    await flush();
    expect(order).toEqual(['a', 'b', 'a']);
  });
});
