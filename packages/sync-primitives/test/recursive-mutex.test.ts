// RecursiveMutex: Python's threading.RLock semantics.
import { describe, expect, it } from 'vitest';
import { LockNotHeldError, RecursiveMutex } from '@weft/sync-primitives';

describe('RecursiveMutex', () => {
  describe('acquire()', () => {
    it('lets the owner take it again and counts the depth', () => {
      const lock = new RecursiveMutex();
      expect(lock.acquire()).toBe(true);
      expect(lock.acquire()).toBe(true);
      expect(lock.acquire({ blocking: false })).toBe(true);
      expect(lock.count).toBe(3);
      expect(lock.owner()).toBe(0);
    });
  });

  describe('release()', () => {
    it('unlocks only at the outermost release', () => {
      const lock = new RecursiveMutex();
      lock.acquire();
      lock.acquire();
      lock.release();
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
      expect(lock.count).toBe(0);
    });

    it('throws LockNotHeldError when not locked', () => {
      expect(() => new RecursiveMutex().release()).toThrow(LockNotHeldError);
    });
  });

  describe('scoped use', () => {
    it('nests using guards and withLock, releasing on throw', async () => {
      const lock = new RecursiveMutex();
      {
        using _outer = lock.lock();
        using _inner = lock.lock();
        expect(lock.count).toBe(2);
      }
      expect(lock.locked()).toBe(false);
      expect(() =>
        lock.withLock(() =>
          lock.withLock(() => {
            throw new Error('boom');
          }),
        ),
      ).toThrow('boom');
      expect(lock.locked()).toBe(false);
      {
        await using _guard = await lock.lockAsync();
        expect(await lock.acquireAsync()).toBe(true);
        lock.release();
      }
      expect(lock.locked()).toBe(false);
    });
  });
});
