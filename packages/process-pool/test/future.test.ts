// The concurrent.futures side: submit() → Future, asCompleted(), wait().
import { describe, expect, it } from 'vitest';
import {
  Future,
  TaskCancelledError,
  WaitTimeoutError,
  asCompleted,
  wait,
} from '@weft/process-pool';
import { kinds, makePool, next, tasks } from './helpers.js';

describe.each(kinds)('futures (%s workers)', (kind) => {
  describe('submit()', () => {
    it('many concurrent submits and applies each settle with their own result or error', async () => {
      // The Future submit returns is the task's own promise: nothing may carry one task's outcome
      // into another's. Even inputs resolve with themselves, odd ones reject naming themselves.
      const pool = makePool(kind);
      const n = 2_000;
      const calls = Array.from({ length: n }, (_, i) =>
        i % 4 < 2 ? pool.submit(tasks.failIfOdd, i) : pool.apply(tasks.failIfOdd, [i]),
      );
      const outcomes = await Promise.allSettled(calls);
      for (let i = 0; i < n; i++) {
        const outcome = outcomes[i]!;
        if (i % 2 === 0) expect(outcome).toEqual({ status: 'fulfilled', value: i });
        else {
          expect(outcome.status).toBe('rejected');
          const error = (outcome as PromiseRejectedResult).reason as Error;
          expect(error).toBeInstanceOf(RangeError);
          expect(error.message).toBe(`odd: ${String(i)}`);
        }
        const call = calls[i]!;
        if (i % 4 < 2) {
          const future = call as Future<number>;
          expect(future.done()).toBe(true);
          expect(future.cancelled()).toBe(false);
          if (i % 2 === 1)
            expect(await future.exception()).toBe((outcome as PromiseRejectedResult).reason);
        }
      }
    });

    it('returns a Future that resolves with the result and reports done()', async () => {
      const pool = makePool(kind);
      const future = pool.submit(tasks.add, 2, 3);
      expect(future).toBeInstanceOf(Future);
      expect(future).toBeInstanceOf(Promise);
      expect(future.done()).toBe(false);
      await expect(future).resolves.toBe(5);
      expect(future.done()).toBe(true);
      expect(future.running()).toBe(false);
      // Derived promises are plain promises.
      expect(future.then((v) => v)).not.toBeInstanceOf(Future);
    });

    it('cancel() works while queued and rejects with TaskCancelledError', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const started = next(pool, 'task:started');
      const running = pool.submitWith(tasks.hang, [], { timeout: 60_000 });
      await started;
      // cancel() is tried once the pool reports the task queued (an event, not a count of turns).
      const inQueue = next(pool, 'task:queued');
      const queued = pool.submit(tasks.add, 1, 1);
      await inQueue;
      expect(running.running()).toBe(true);
      expect(running.cancel()).toBe(false);
      expect(queued.cancel()).toBe(true);
      expect(queued.cancelled()).toBe(true);
      expect(queued.done()).toBe(true);
      await expect(queued).rejects.toBeInstanceOf(TaskCancelledError);
      void running.catch(() => undefined);
    });

    it('result(timeout) rejects with WaitTimeoutError while the task goes on', async () => {
      const pool = makePool(kind);
      const future = pool.submit(tasks.hang);
      await expect(future.result(5)).rejects.toBeInstanceOf(WaitTimeoutError);
      expect(future.done()).toBe(false);
      void future.catch(() => undefined);
    });
  });

  describe('asCompleted()', () => {
    it('yields every future once, in completion order', async () => {
      const pool = makePool(kind);
      const futures = [
        pool.submit(tasks.fib, 22),
        pool.submit(tasks.add, 1, 1),
        pool.submit(tasks.add, 2, 2),
      ];
      const seen: unknown[] = [];
      for await (const { future, index } of asCompleted(futures)) {
        expect(future).toBe(futures[index]);
        seen.push(await future);
      }
      expect(seen.sort()).toEqual([17711, 2, 4].sort());
    });

    it('yields failed futures without ending the loop', async () => {
      const pool = makePool(kind);
      const futures = [pool.submit(tasks.throwType), pool.submit(tasks.add, 1, 1)];
      const outcomes: string[] = [];
      for await (const { future } of asCompleted(futures)) {
        outcomes.push(
          await future.then(
            () => 'ok',
            () => 'failed',
          ),
        );
      }
      expect(outcomes.sort()).toEqual(['failed', 'ok']);
    });

    it('throws WaitTimeoutError when the timeout passes first', async () => {
      const pool = makePool(kind);
      const futures = [pool.submit(tasks.hang)];
      const drain = async (): Promise<void> => {
        for await (const _ of asCompleted(futures, { timeout: 10 })) {
          /* nothing completes */
        }
      };
      await expect(drain()).rejects.toBeInstanceOf(WaitTimeoutError);
      void futures[0]!.catch(() => undefined);
    });
  });

  describe('wait()', () => {
    it("returnWhen 'allCompleted' (default) waits for all", async () => {
      const pool = makePool(kind);
      const futures = [pool.submit(tasks.add, 1, 1), pool.submit(tasks.throwType)];
      const { done, notDone } = await wait(futures);
      expect(done.size).toBe(2);
      expect(notDone.size).toBe(0);
    });

    it("returnWhen 'firstCompleted' returns as soon as one is done", async () => {
      const pool = makePool(kind);
      const slow = pool.submit(tasks.hang);
      const fast = pool.submit(tasks.add, 1, 1);
      const { done, notDone } = await wait([slow, fast], { returnWhen: 'firstCompleted' });
      expect([...done]).toEqual([fast]);
      expect([...notDone]).toEqual([slow]);
      void slow.catch(() => undefined);
    });

    it("returnWhen 'firstException' returns at the first failure", async () => {
      const pool = makePool(kind);
      const slow = pool.submit(tasks.hang);
      const failing = pool.submit(tasks.throwType);
      const { done } = await wait([slow, failing], { returnWhen: 'firstException' });
      expect(done.has(failing)).toBe(true);
      expect(done.has(slow)).toBe(false);
      void slow.catch(() => undefined);
    });

    it('returns what is done when the timeout passes', async () => {
      const pool = makePool(kind);
      const slow = pool.submit(tasks.hang);
      const { done, notDone } = await wait([slow], { timeout: 10 });
      expect(done.size).toBe(0);
      expect(notDone.has(slow)).toBe(true);
      void slow.catch(() => undefined);
    });
  });

  // concurrent.futures semantics pinned by CPython's test_as_completed.py and test_wait.py.
  describe('as concurrent.futures', () => {
    it('a future given twice counts once in wait() and asCompleted()', async () => {
      const pool = makePool(kind);
      const future = pool.submit(tasks.add, 1, 2);
      const { done, notDone } = await wait([future, future]);
      expect([...done]).toEqual([future]);
      expect(notDone.size).toBe(0);
      const seen: number[] = [];
      for await (const { index } of asCompleted([future, future, future])) seen.push(index);
      expect(seen).toEqual([0]);
    });

    it('asCompleted(fs, { timeout: 0 }) yields the futures already done, then throws counting the unfinished', async () => {
      const pool = makePool(kind);
      const a = pool.submit(tasks.add, 1, 1);
      const b = pool.submit(tasks.add, 2, 2);
      await Promise.all([a, b]);
      const hangs = [pool.submit(tasks.hang), pool.submit(tasks.hang)];
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const { future } of asCompleted([hangs[0]!, a, hangs[1]!, b], { timeout: 0 }))
          seen.push(future);
      })().catch((e: unknown) => e);
      expect(new Set(seen)).toEqual(new Set([a, b]));
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect((error as Error).message).toMatch(/^2 \(of 4\) futures were not done/);
      for (const h of hangs) void h.catch(() => undefined);
    });

    it("wait(fs, 'firstCompleted') puts every future already done in done", async () => {
      const pool = makePool(kind);
      const a = pool.submit(tasks.add, 1, 1);
      const b = pool.submit(tasks.throwType);
      await Promise.allSettled([a, b]);
      const hang = pool.submit(tasks.hang);
      const { done, notDone } = await wait([a, hang, b], { returnWhen: 'firstCompleted' });
      expect(done).toEqual(new Set([a, b]));
      expect(notDone).toEqual(new Set([hang]));
      void hang.catch(() => undefined);
    });

    it("wait(fs, 'firstException') does not take a cancelled future for an exception", async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const cancelled = pool.submit(tasks.add, 1, 1);
      expect(cancelled.cancel()).toBe(true);
      const later = pool.submit(tasks.add, 2, 2);
      const { done, notDone } = await wait([cancelled, later], { returnWhen: 'firstException' });
      expect(done).toEqual(new Set([cancelled, later]));
      expect(notDone.size).toBe(0);
      void cancelled.catch(() => undefined);
    });

    it('future.exception(timeout) gives the error, undefined on success, and rejects when cancelled or late', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      await expect(pool.submit(tasks.throwType).exception()).resolves.toBeInstanceOf(TypeError);
      await expect(pool.submit(tasks.add, 1, 1).exception(10_000)).resolves.toBeUndefined();
      const hang = pool.submit(tasks.hang);
      await expect(hang.exception(5)).rejects.toBeInstanceOf(WaitTimeoutError);
      const cancelled = pool.submit(tasks.add, 1, 1);
      expect(cancelled.cancel()).toBe(true);
      await expect(cancelled.exception()).rejects.toBeInstanceOf(TaskCancelledError);
      void hang.catch(() => undefined);
      void cancelled.catch(() => undefined);
    });
  });
});
