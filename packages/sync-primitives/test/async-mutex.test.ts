// AsyncMutex: FIFO, synchronous tryAcquire, waiters that leave at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncMutex,
  InvalidArgumentError,
  LockNotHeldError,
  LockTimeoutError,
  WaitAbortedError,
} from '@weft/sync-primitives';

describe('AsyncMutex', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('acquire()', () => {
    it('resolves true at once when free, without allocating a promise', async () => {
      const a = new AsyncMutex();
      const b = new AsyncMutex();
      const pa = a.acquire();
      expect(pa).toBe(b.acquire()); // one shared resolved promise
      expect(await pa).toBe(true);
      expect(a.locked()).toBe(true);
    });

    it('grants waiters in FIFO order', async () => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      const order: number[] = [];
      const waits = [1, 2, 3].map((id) =>
        mutex.acquire().then(() => {
          order.push(id);
          mutex.release();
        }),
      );
      mutex.release();
      await Promise.all(waits);
      expect(order).toEqual([1, 2, 3]);
      expect(mutex.locked()).toBe(false);
    });

    it('hands the lock over directly: a newcomer cannot barge in between', async () => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      const waiter = mutex.acquire();
      mutex.release();
      expect(mutex.tryAcquire()).toBe(false);
      expect(await waiter).toBe(true);
    });

    it('returns false on timeout and the waiter leaves the queue at once', async () => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      const waits = Array.from({ length: 1000 }, () => mutex.acquire({ timeout: 10 }));
      expect(mutex.waiting).toBe(1000);
      await vi.advanceTimersByTimeAsync(10);
      expect(mutex.waiting).toBe(0);
      expect(new Set(await Promise.all(waits))).toEqual(new Set([false]));
      const next = mutex.acquire();
      mutex.release();
      expect(await next).toBe(true);
    });

    it('rejects with WaitAbortedError carrying signal.reason, leaving the queue at once', async () => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      const controller = new AbortController();
      const waiting = mutex.acquire({ signal: controller.signal });
      const after = mutex.acquire();
      const reason = new Error('cancelled');
      controller.abort(reason);
      expect(mutex.waiting).toBe(1);
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED', cause: reason });
      mutex.release();
      expect(await after).toBe(true);
    });

    it('rejects at once with an aborted signal, and for bad options', async () => {
      const mutex = new AsyncMutex();
      await expect(mutex.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
        WaitAbortedError,
      );
      await expect(mutex.acquire({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(mutex.acquire({ blocking: false, timeout: 1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(mutex.locked()).toBe(false);
    });

    it('with { blocking: false } resolves false on a held lock', async () => {
      const mutex = new AsyncMutex();
      mutex.tryAcquire();
      expect(await mutex.acquire({ blocking: false })).toBe(false);
      expect(mutex.waiting).toBe(0);
    });
  });

  describe('tryAcquire()', () => {
    it('is synchronous', () => {
      const mutex = new AsyncMutex();
      expect(mutex.tryAcquire()).toBe(true);
      expect(mutex.tryAcquire()).toBe(false);
    });
  });

  describe('release()', () => {
    it('throws LockNotHeldError when not locked', () => {
      expect(() => new AsyncMutex().release()).toThrow(LockNotHeldError);
    });
  });

  describe('lockAsync() and withLockAsync()', () => {
    it('release on normal exit and on throw', async () => {
      const mutex = new AsyncMutex();
      {
        await using _guard = await mutex.lockAsync();
        expect(mutex.locked()).toBe(true);
      }
      expect(mutex.locked()).toBe(false);
      await expect(async () => {
        await using _guard = await mutex.lockAsync();
        throw new Error('boom');
      }).rejects.toThrow('boom');
      expect(mutex.locked()).toBe(false);
      await expect(
        mutex.withLockAsync(async () => {
          await Promise.resolve();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(mutex.locked()).toBe(false);
      expect(await mutex.withLockAsync(() => 5)).toBe(5);
    });

    it('lockAsync() rejects with LockTimeoutError on timeout', async () => {
      const mutex = new AsyncMutex();
      mutex.tryAcquire();
      const waiting = mutex.lockAsync({ timeout: 5 });
      const assertion = expect(waiting).rejects.toBeInstanceOf(LockTimeoutError);
      await vi.advanceTimersByTimeAsync(5);
      await assertion;
    });
  });
});
