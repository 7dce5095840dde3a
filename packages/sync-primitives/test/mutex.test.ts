// Mutex: Python's threading.Lock semantics, the three ways of use, async waits.
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  LockNotHeldError,
  LockTimeoutError,
  Mutex,
  WaitAbortedError,
} from '@weft/sync-primitives';
import { startWorker, untilChanged } from './helpers.js';

describe('Mutex', () => {
  describe('acquire() (Python Lock semantics)', () => {
    it('returns true when it takes a free lock', () => {
      const mutex = new Mutex();
      expect(mutex.acquire()).toBe(true);
      expect(mutex.locked()).toBe(true);
    });

    it('with { blocking: false } returns false at once on a held lock', () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(mutex.acquire({ blocking: false })).toBe(false);
      expect(mutex.tryAcquire()).toBe(false);
    });

    it('with { timeout } returns false when the lock stays held', () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(mutex.acquire({ timeout: 5 })).toBe(false);
      expect(mutex.acquire({ timeout: 0 })).toBe(false);
      expect(mutex.locked()).toBe(true);
    });

    it('is not reentrant: the owner itself cannot take it twice', () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(mutex.acquire({ blocking: false })).toBe(false);
    });

    it('refuses a timeout together with blocking: false, and a negative timeout', () => {
      const mutex = new Mutex();
      expect(() => mutex.acquire({ blocking: false, timeout: 1 })).toThrow(InvalidArgumentError);
      expect(() => mutex.acquire({ timeout: -5 })).toThrow(InvalidArgumentError);
      expect(() => mutex.acquire({ timeout: Number.NaN })).toThrow(InvalidArgumentError);
      expect(mutex.locked()).toBe(false);
    });
  });

  describe('release()', () => {
    it('unlocks', () => {
      const mutex = new Mutex();
      mutex.acquire();
      mutex.release();
      expect(mutex.locked()).toBe(false);
      expect(mutex.tryAcquire()).toBe(true);
    });

    it('throws LockNotHeldError on an unlocked lock (Python: RuntimeError)', () => {
      const mutex = new Mutex();
      expect(() => mutex.release()).toThrow(LockNotHeldError);
      mutex.acquire();
      mutex.release();
      try {
        mutex.release();
        expect.unreachable();
      } catch (error) {
        expect((error as LockNotHeldError).code).toBe('ERR_WEFT_LOCK_NOT_HELD');
      }
    });
  });

  describe('owner()', () => {
    it('is the holder’s threadId, undefined when free', () => {
      const mutex = new Mutex();
      expect(mutex.owner()).toBeUndefined();
      mutex.acquire();
      expect(mutex.owner()).toBe(0);
      mutex.release();
      expect(mutex.owner()).toBeUndefined();
    });
  });

  describe('lock() with using', () => {
    it('releases at the end of the block', () => {
      const mutex = new Mutex();
      {
        using guard = mutex.lock();
        expect(mutex.locked()).toBe(true);
        expect(guard.abandoned).toBe(false);
      }
      expect(mutex.locked()).toBe(false);
    });

    it('releases when the block throws', () => {
      const mutex = new Mutex();
      expect(() => {
        using _guard = mutex.lock();
        throw new Error('boom');
      }).toThrow('boom');
      expect(mutex.locked()).toBe(false);
    });

    it('a guard released by hand is not released twice', () => {
      const mutex = new Mutex();
      {
        using guard = mutex.lock();
        guard.release();
        expect(guard.released).toBe(true);
        mutex.acquire(); // someone else's hold, which the guard's disposal must not drop
      }
      expect(mutex.locked()).toBe(true);
    });

    it('throws LockTimeoutError when the timeout elapses', () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(() => mutex.lock({ timeout: 2 })).toThrow(LockTimeoutError);
    });
  });

  describe('withLock()', () => {
    it('returns fn’s value and releases', () => {
      const mutex = new Mutex();
      expect(mutex.withLock(() => 42)).toBe(42);
      expect(mutex.locked()).toBe(false);
    });

    it('releases when fn throws', () => {
      const mutex = new Mutex();
      expect(() =>
        mutex.withLock(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(mutex.locked()).toBe(false);
    });
  });

  describe('acquireAsync()', () => {
    it('waits without blocking the event loop and gets the lock when it is released', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      const waiting = mutex.acquireAsync();
      let taken = false;
      void waiting.then(() => (taken = true));
      // The lock word turns 2 (held, with a waiter) once the waiter has parked: wait on that state
      // (or on the waiter wrongly taking the held lock), not on a count of event-loop turns.
      const handle = mutex.toHandle();
      const word = new Int32Array(handle.buffer, handle.byteOffset, 1);
      while (Atomics.load(word, 0) !== 2 && !taken) await new Promise((r) => setImmediate(r));
      expect(taken).toBe(false);
      mutex.release();
      expect(await waiting).toBe(true);
      expect(mutex.locked()).toBe(true);
    });

    it('returns false on timeout', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(await mutex.acquireAsync({ timeout: 5 })).toBe(false);
      expect(await mutex.acquireAsync({ blocking: false })).toBe(false);
    });

    it('rejects with WaitAbortedError carrying signal.reason, and passes on the wake it swallowed', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      const controller = new AbortController();
      const aborted = mutex.acquireAsync({ signal: controller.signal });
      const next = mutex.acquireAsync({ timeout: 5_000 });
      controller.abort('stop');
      const error = (await aborted.catch((e: unknown) => e)) as WaitAbortedError;
      expect(error).toBeInstanceOf(WaitAbortedError);
      expect(error.code).toBe('ERR_WEFT_WAIT_ABORTED');
      expect(error.cause).toBe('stop');
      mutex.release(); // its wake may reach the aborted waiter first: it must hand it on
      expect(await next).toBe(true);
      mutex.release();
      expect(mutex.locked()).toBe(false);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const mutex = new Mutex();
      await expect(mutex.acquireAsync({ signal: AbortSignal.abort('no') })).rejects.toBeInstanceOf(
        WaitAbortedError,
      );
      expect(mutex.locked()).toBe(false);
    });

    it('does not hand the lock to this thread’s own pending async waiter when the thread then blocks', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      const waiting = mutex.acquireAsync();
      mutex.release(); // a fair handoff here would go to `waiting`, which cannot run while we block
      expect(mutex.locked()).toBe(false);
      expect(mutex.acquire({ timeout: 2_000 })).toBe(true);
      mutex.release();
      expect(await waiting).toBe(true);
      mutex.release();
    });

    it('keeps a worker alive while it waits (Atomics.waitAsync alone would not)', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const worker = startWorker({
        scenario: 'parkedAlive',
        lock: mutex.toHandle(),
        cells: cells.buffer,
      });
      void worker.result.catch(() => undefined); // asserted below
      // The worker parks, then marks cells[0] from a timer that cannot keep it alive by itself:
      // without the keep-alive its loop drains and it exits before the mark.
      const marked = untilChanged(cells, 0, 0).then(() => 'alive');
      const outcome = await Promise.race([marked, worker.exited.then(() => 'exited')]);
      Atomics.store(cells, 0, 1); // ends our own poll if the worker exited instead
      expect(outcome).toBe('alive');
      mutex.release();
      expect(await worker.result).toBe('acquired');
    });
  });

  describe('lockAsync() with await using', () => {
    it('releases at the end of the block and on throw', async () => {
      const mutex = new Mutex();
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
    });

    it('rejects with LockTimeoutError on timeout', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      await expect(mutex.lockAsync({ timeout: 2 })).rejects.toBeInstanceOf(LockTimeoutError);
    });
  });

  describe('withLockAsync()', () => {
    it('releases when fn rejects', async () => {
      const mutex = new Mutex();
      await expect(mutex.withLockAsync(() => Promise.reject(new Error('boom')))).rejects.toThrow(
        'boom',
      );
      expect(mutex.locked()).toBe(false);
      expect(await mutex.withLockAsync(() => Promise.resolve(7))).toBe(7);
    });
  });
});
