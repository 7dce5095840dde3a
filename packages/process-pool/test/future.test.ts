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
      const queued = pool.submit(tasks.add, 1, 1);
      await Promise.resolve();
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
});
