// AsyncCondition.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AsyncMutex } from '@weft/sync-primitives';
import {
  AsyncCondition,
  InvalidArgumentError,
  LockNotHeldError,
  LockNotOwnedError,
  LockTimeoutError,
  WaitAbortedError,
} from '@weft/sync-primitives';

describe('AsyncCondition', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a lock that is not an AsyncMutex', () => {
    expect(() => new AsyncCondition({} as AsyncMutex)).toThrow(InvalidArgumentError);
  });

  it('wait() and notify() need the lock', async () => {
    const cond = new AsyncCondition();
    await expect(cond.wait()).rejects.toBeInstanceOf(LockNotOwnedError);
    expect(() => cond.notify()).toThrow(LockNotOwnedError);
    expect(() => cond.notifyAll()).toThrow(LockNotOwnedError);
  });

  it('notify(n) wakes the first n waiters in FIFO order, each holding the lock again', async () => {
    const cond = new AsyncCondition();
    const woken: number[] = [];
    const waiter = async (id: number): Promise<void> => {
      await cond.lock.acquire();
      await cond.wait();
      expect(cond.lock.locked()).toBe(true);
      woken.push(id);
      cond.lock.release();
    };
    const done = [waiter(1), waiter(2), waiter(3)];
    await vi.advanceTimersByTimeAsync(0);
    expect(cond.waiting).toBe(3);
    await cond.lock.acquire();
    cond.notify(2);
    cond.lock.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(woken).toEqual([1, 2]);
    await cond.lock.acquire();
    cond.notifyAll();
    cond.lock.release();
    await Promise.all(done);
    expect(woken).toEqual([1, 2, 3]);
  });

  it('wait() returns false on timeout, holding the lock again', async () => {
    const cond = new AsyncCondition();
    await cond.lock.acquire();
    const waiting = cond.wait({ timeout: 5 });
    expect(cond.lock.locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(5);
    expect(await waiting).toBe(false);
    expect(cond.lock.locked()).toBe(true);
    expect(cond.waiting).toBe(0);
  });

  it('waitFor() returns the predicate’s last value', async () => {
    const cond = new AsyncCondition();
    let items = 0;
    await cond.lock.acquire();
    const waiting = cond.waitFor(() => items);
    await cond.lock.acquire().then(() => {
      items = 2;
      cond.notify();
      cond.lock.release();
    });
    expect(await waiting).toBe(2);
    const timedOut = cond.waitFor(() => 0, { timeout: 5 });
    await vi.advanceTimersByTimeAsync(5);
    expect(await timedOut).toBe(0);
  });

  it('an aborted wait rejects holding the lock again', async () => {
    const cond = new AsyncCondition();
    await cond.lock.acquire();
    const controller = new AbortController();
    const waiting = cond.wait({ signal: controller.signal });
    controller.abort('bye');
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED', cause: 'bye' });
    expect(cond.lock.locked()).toBe(true);
  });

  describe('the lock API, delegated to its lock (asyncio.Condition)', () => {
    it('acquire(), locked() and release() act on the bound lock', async () => {
      const cond = new AsyncCondition();
      expect(cond.locked()).toBe(false);
      expect(await cond.acquire()).toBe(true);
      expect(cond.locked()).toBe(true);
      expect(cond.lock.locked()).toBe(true);
      expect(await cond.acquire({ blocking: false })).toBe(false);
      expect(cond.tryAcquire()).toBe(false);
      cond.notify(); // holding it through the condition counts as holding it
      cond.release();
      expect(cond.lock.locked()).toBe(false);
      expect(() => cond.release()).toThrow(LockNotHeldError);
      expect(cond.tryAcquire()).toBe(true);
      cond.release();
    });

    it('acquire() honours timeout and signal, as the lock does', async () => {
      const cond = new AsyncCondition();
      await cond.acquire();
      const late = cond.acquire({ timeout: 5 });
      await vi.advanceTimersByTimeAsync(5);
      expect(await late).toBe(false);
      const controller = new AbortController();
      const aborted = cond.acquire({ signal: controller.signal });
      controller.abort('stop');
      await expect(aborted).rejects.toBeInstanceOf(WaitAbortedError);
      cond.release();
    });

    it('withLockAsync() runs fn holding the lock and releases it, also on throw', async () => {
      const cond = new AsyncCondition();
      expect(await cond.withLockAsync(() => cond.locked())).toBe(true);
      expect(cond.locked()).toBe(false);
      await expect(
        cond.withLockAsync(() => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(cond.locked()).toBe(false);
    });

    it('lockAsync() returns a guard that releases the lock, and times out typed', async () => {
      const cond = new AsyncCondition();
      {
        await using guard = await cond.lockAsync();
        expect(guard.released).toBe(false);
        expect(cond.locked()).toBe(true);
        const late = expect(cond.lockAsync({ timeout: 5 })).rejects.toBeInstanceOf(
          LockTimeoutError,
        );
        await vi.advanceTimersByTimeAsync(5);
        await late;
      }
      expect(cond.locked()).toBe(false);
    });

    it('a producer and consumer need only the condition', async () => {
      const cond = new AsyncCondition();
      const items: number[] = [];
      const consumer = cond.withLockAsync(async () => {
        await cond.waitFor(() => items.length > 0);
        return items.shift();
      });
      await vi.advanceTimersByTimeAsync(0);
      await cond.withLockAsync(() => {
        items.push(7);
        cond.notify();
      });
      expect(await consumer).toBe(7);
    });
  });
});
