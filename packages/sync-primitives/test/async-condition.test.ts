// AsyncCondition.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AsyncMutex } from '@weft/sync-primitives';
import { AsyncCondition, InvalidArgumentError, LockNotOwnedError } from '@weft/sync-primitives';

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
});
