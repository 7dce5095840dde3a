// AsyncSemaphore.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncSemaphore,
  InvalidArgumentError,
  SemaphoreOverReleaseError,
} from '@weft/sync-primitives';

describe('AsyncSemaphore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects a negative or non-integer value', () => {
    expect(() => new AsyncSemaphore(-1)).toThrow(InvalidArgumentError);
    expect(() => new AsyncSemaphore(1.5)).toThrow(InvalidArgumentError);
  });

  describe('acquire()', () => {
    it('admits `value` tasks, then queues the rest in FIFO order', async () => {
      const sem = new AsyncSemaphore(2);
      expect(await sem.acquire()).toBe(true);
      expect(sem.tryAcquire()).toBe(true);
      expect(sem.tryAcquire()).toBe(false);
      const order: number[] = [];
      const waits = [1, 2, 3].map((id) => sem.acquire().then(() => order.push(id)));
      sem.release(2);
      sem.release();
      await Promise.all(waits);
      expect(order).toEqual([1, 2, 3]);
      expect(sem.value).toBe(0);
    });

    it('returns false on timeout; the waiter leaves the queue', async () => {
      const sem = new AsyncSemaphore(0);
      const waiting = sem.acquire({ timeout: 3 });
      await vi.advanceTimersByTimeAsync(3);
      expect(await waiting).toBe(false);
      expect(sem.waiting).toBe(0);
      sem.release();
      expect(sem.value).toBe(1);
    });
  });

  describe('release()', () => {
    it('may grow an unbounded semaphore, not a bounded one', () => {
      const sem = new AsyncSemaphore(1);
      sem.release();
      expect(sem.value).toBe(2);
      const bounded = new AsyncSemaphore(1, { bounded: true });
      expect(() => bounded.release()).toThrow(SemaphoreOverReleaseError);
      expect(() => sem.release(0)).toThrow(InvalidArgumentError);
    });
  });

  describe('withLockAsync()', () => {
    it('gives the permit back on throw', async () => {
      const sem = new AsyncSemaphore(1);
      await expect(
        sem.withLockAsync(() => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(sem.value).toBe(1);
      {
        await using _slot = await sem.lockAsync();
        expect(sem.value).toBe(0);
      }
      expect(sem.value).toBe(1);
    });
  });
});
