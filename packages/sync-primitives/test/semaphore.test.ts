// Semaphore and BoundedSemaphore: Python's threading semantics.
import { describe, expect, it } from 'vitest';
import {
  BoundedSemaphore,
  InvalidArgumentError,
  LockTimeoutError,
  Semaphore,
  SemaphoreOverReleaseError,
} from '@weft/sync-primitives';

describe('Semaphore', () => {
  describe('new Semaphore(value)', () => {
    it('defaults to one permit', () => {
      expect(new Semaphore().value).toBe(1);
    });

    it.each([-1, 1.5, Number.NaN, '2'])('rejects value %s with InvalidArgumentError', (value) => {
      expect(() => new Semaphore(value as number)).toThrow(InvalidArgumentError);
    });
  });

  describe('acquire()', () => {
    it('takes permits until none is left, then returns false without blocking or after the timeout', () => {
      const sem = new Semaphore(2);
      expect(sem.acquire()).toBe(true);
      expect(sem.tryAcquire()).toBe(true);
      expect(sem.value).toBe(0);
      expect(sem.acquire({ blocking: false })).toBe(false);
      expect(sem.acquire({ timeout: 3 })).toBe(false);
    });
  });

  describe('release(n)', () => {
    it('gives back n permits; an unbounded semaphore may grow past its initial value', () => {
      const sem = new Semaphore(0);
      sem.release(3);
      expect(sem.value).toBe(3);
    });

    it('rejects n < 1', () => {
      expect(() => new Semaphore().release(0)).toThrow(InvalidArgumentError);
    });

    it('wakes an async waiter', async () => {
      const sem = new Semaphore(0);
      const waiting = sem.acquireAsync({ timeout: 5_000 });
      sem.release();
      expect(await waiting).toBe(true);
      expect(sem.value).toBe(0);
    });
  });

  describe('scoped use', () => {
    it('gives the permit back at the end of the block, on throw too', async () => {
      const sem = new Semaphore(1);
      {
        using _slot = sem.lock();
        expect(sem.value).toBe(0);
      }
      expect(sem.value).toBe(1);
      expect(() =>
        sem.withLock(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(sem.value).toBe(1);
      await expect(sem.withLockAsync(() => Promise.reject(new Error('boom')))).rejects.toThrow(
        'boom',
      );
      expect(sem.value).toBe(1);
      sem.acquire();
      expect(() => sem.lock({ timeout: 1 })).toThrow(LockTimeoutError);
      await expect(sem.lockAsync({ timeout: 1 })).rejects.toBeInstanceOf(LockTimeoutError);
    });
  });
});

describe('BoundedSemaphore', () => {
  describe('release()', () => {
    it('throws SemaphoreOverReleaseError past the initial value (Python: ValueError)', () => {
      const sem = new BoundedSemaphore(2);
      sem.acquire();
      sem.release();
      expect(() => sem.release()).toThrow(SemaphoreOverReleaseError);
      expect(sem.value).toBe(2);
      sem.acquire();
      expect(() => sem.release(2)).toThrow(SemaphoreOverReleaseError);
      expect(sem.value).toBe(1);
    });

    it('is a Semaphore', () => {
      expect(new BoundedSemaphore()).toBeInstanceOf(Semaphore);
      expect(new BoundedSemaphore().toHandle().type).toBe('BoundedSemaphore');
    });
  });
});
