// Condition: Python's threading.Condition semantics (threads are in threads.test.ts).
import { describe, expect, it, vi } from 'vitest';
import {
  Condition,
  InvalidArgumentError,
  LockNotOwnedError,
  Mutex,
  RecursiveMutex,
} from '@weft/sync-primitives';

describe('Condition', () => {
  describe('new Condition(lock)', () => {
    it('binds a new RecursiveMutex by default, as Python binds an RLock', () => {
      expect(new Condition().lock).toBeInstanceOf(RecursiveMutex);
    });

    it('refuses a lock that is not a shared Mutex or RecursiveMutex', () => {
      expect(() => new Condition({} as never)).toThrow(InvalidArgumentError);
    });
  });

  describe('wait() and notify() without the lock', () => {
    it('throw LockNotOwnedError (Python: RuntimeError)', () => {
      const cond = new Condition(new Mutex());
      expect(() => cond.wait(1)).toThrow(LockNotOwnedError);
      expect(() => cond.notify()).toThrow(LockNotOwnedError);
      expect(() => cond.notifyAll()).toThrow(LockNotOwnedError);
    });
  });

  describe('wait(timeout)', () => {
    it('returns false on timeout and holds the lock again', () => {
      const cond = new Condition(new Mutex());
      cond.acquire();
      expect(cond.wait(2)).toBe(false);
      expect(cond.lock.locked()).toBe(true);
      expect(cond.lock.owner()).toBe(0);
      cond.release();
    });

    it('restores a RecursiveMutex’s full depth', () => {
      const lock = new RecursiveMutex();
      const cond = new Condition(lock);
      lock.acquire();
      lock.acquire();
      expect(cond.wait(1)).toBe(false);
      expect(lock.count).toBe(2);
      lock.release();
      lock.release();
    });
  });

  describe('waitFor(predicate, timeout)', () => {
    it('returns the predicate’s last value', () => {
      const cond = new Condition();
      cond.acquire();
      expect(cond.waitFor(() => 'ready')).toBe('ready');
      expect(cond.waitFor(() => 0, 2)).toBe(0);
      cond.release();
    });
  });

  describe('notify(n)', () => {
    it('wakes at most n of the parked waiters, notifyAll wakes the rest', async () => {
      const cond = new Condition(new Mutex());
      const woken: number[] = [];
      let parked = 0;
      let allParked!: () => void;
      const three = new Promise<void>((resolve) => (allParked = resolve));
      let firstWoken!: () => void;
      const one = new Promise<void>((resolve) => (firstWoken = resolve));
      const waiter = async (id: number): Promise<void> => {
        await cond.lock.acquireAsync();
        // waitAsync releases the lock and parks before it returns its promise.
        const waiting = cond.waitAsync({ timeout: 10_000 });
        if (++parked === 3) allParked();
        if (await waiting) woken.push(id);
        cond.release();
        firstWoken();
      };
      const done = [waiter(1), waiter(2), waiter(3)];
      await three;
      // How many parked waiters each notify reached is what Atomics.notify returns.
      const notify = vi.spyOn(Atomics, 'notify');
      try {
        await cond.lock.acquireAsync();
        notify.mockClear();
        cond.notify(1);
        expect(notify.mock.results.map((r) => r.value as number)).toEqual([1]);
        cond.release();
        await one;
        expect(woken).toHaveLength(1);
        await cond.lock.acquireAsync();
        notify.mockClear();
        cond.notifyAll();
        expect(notify.mock.results.map((r) => r.value as number)).toEqual([2]);
        cond.release();
      } finally {
        notify.mockRestore();
      }
      await Promise.all(done);
      expect(woken.sort()).toEqual([1, 2, 3]);
    });

    it('rejects a negative n', () => {
      const cond = new Condition();
      cond.acquire();
      expect(() => cond.notify(-1)).toThrow(InvalidArgumentError);
      cond.release();
    });
  });

  describe('waitAsync()', () => {
    it('holds the lock again after an abort, then rejects', async () => {
      const cond = new Condition(new Mutex());
      await cond.lock.acquireAsync();
      const controller = new AbortController();
      const waiting = cond.waitAsync({ signal: controller.signal });
      expect(cond.lock.locked()).toBe(false);
      controller.abort(new Error('stop'));
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED' });
      expect(cond.lock.locked()).toBe(true);
      cond.release();
    });
  });
});
