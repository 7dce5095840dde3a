// ReadWriteLock (threads are in threads.test.ts).
import { describe, expect, it } from 'vitest';
import { LockNotHeldError, LockTimeoutError, ReadWriteLock } from '@weft/sync-primitives';

describe('ReadWriteLock', () => {
  describe('readers', () => {
    it('share the lock; a writer waits for all of them', () => {
      const rw = new ReadWriteLock();
      expect(rw.acquireRead()).toBe(true);
      expect(rw.tryAcquireRead()).toBe(true);
      expect(rw.readers).toBe(2);
      expect(rw.tryAcquireWrite()).toBe(false);
      expect(rw.acquireWrite({ timeout: 2 })).toBe(false);
      rw.releaseRead();
      rw.releaseRead();
      expect(rw.tryAcquireWrite()).toBe(true);
      expect(rw.owner()).toBe(0);
    });
  });

  describe('a writer', () => {
    it('excludes readers and writers', () => {
      const rw = new ReadWriteLock();
      rw.acquireWrite();
      expect(rw.writeLocked()).toBe(true);
      expect(rw.tryAcquireRead()).toBe(false);
      expect(rw.acquireRead({ timeout: 2 })).toBe(false);
      expect(rw.acquireWrite({ blocking: false })).toBe(false);
      rw.releaseWrite();
      expect(rw.tryAcquireRead()).toBe(true);
    });

    it('does not starve: once it waits, new readers wait behind it', async () => {
      const rw = new ReadWriteLock();
      rw.acquireRead();
      const writer = rw.acquireWriteAsync({ timeout: 10_000 });
      expect(rw.tryAcquireRead()).toBe(false);
      rw.releaseRead();
      expect(await writer).toBe(true);
      rw.releaseWrite();
    });

    it('that gives up lets the readers behind it in', async () => {
      const rw = new ReadWriteLock();
      rw.acquireRead();
      expect(await rw.acquireWriteAsync({ timeout: 2 })).toBe(false);
      expect(rw.tryAcquireRead()).toBe(true);
    });
  });

  describe('release', () => {
    it('of a lock not held throws LockNotHeldError', () => {
      const rw = new ReadWriteLock();
      expect(() => rw.releaseRead()).toThrow(LockNotHeldError);
      expect(() => rw.releaseWrite()).toThrow(LockNotHeldError);
      rw.acquireWrite();
      expect(() => rw.releaseRead()).toThrow(LockNotHeldError);
    });
  });

  describe('scoped use', () => {
    it('releases read and write guards on throw', async () => {
      const rw = new ReadWriteLock();
      expect(() =>
        rw.withReadLock(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(() =>
        rw.withWriteLock(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      {
        using _r = rw.readLock();
        using _r2 = rw.readLock();
        expect(rw.readers).toBe(2);
        expect(() => rw.writeLock({ timeout: 1 })).toThrow(LockTimeoutError);
      }
      {
        await using _w = await rw.writeLockAsync();
        await expect(rw.readLockAsync({ timeout: 1 })).rejects.toBeInstanceOf(LockTimeoutError);
      }
      expect(await rw.withReadLockAsync(() => Promise.resolve(rw.readers))).toBe(1);
      expect(await rw.withWriteLockAsync(() => rw.writeLocked())).toBe(true);
      expect(rw.readers).toBe(0);
      expect(rw.writeLocked()).toBe(false);
    });
  });
});
