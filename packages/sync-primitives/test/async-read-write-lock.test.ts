// AsyncReadWriteLock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncReadWriteLock, LockNotHeldError } from '@weft/sync-primitives';

describe('AsyncReadWriteLock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits many readers or one writer', async () => {
    const rw = new AsyncReadWriteLock();
    expect(await rw.acquireRead()).toBe(true);
    expect(rw.tryAcquireRead()).toBe(true);
    expect(rw.tryAcquireWrite()).toBe(false);
    rw.releaseRead();
    rw.releaseRead();
    expect(rw.tryAcquireWrite()).toBe(true);
    expect(rw.tryAcquireRead()).toBe(false);
    rw.releaseWrite();
  });

  it('queues readers behind a waiting writer, so writers don’t starve', async () => {
    const rw = new AsyncReadWriteLock();
    rw.tryAcquireRead();
    const events: string[] = [];
    const writer = rw.acquireWrite().then(() => events.push('writer'));
    const reader = rw.acquireRead().then(() => events.push('reader'));
    expect(rw.tryAcquireRead()).toBe(false);
    rw.releaseRead();
    await writer;
    expect(events).toEqual(['writer']);
    rw.releaseWrite();
    await reader;
    expect(events).toEqual(['writer', 'reader']);
  });

  it('admits the run of readers at the head together', async () => {
    const rw = new AsyncReadWriteLock();
    rw.tryAcquireWrite();
    const readers = [rw.acquireRead(), rw.acquireRead(), rw.acquireRead()];
    const writer = rw.acquireWrite();
    rw.releaseWrite();
    await Promise.all(readers);
    expect(rw.readers).toBe(3);
    expect(rw.waiting).toBe(1);
    rw.releaseRead();
    rw.releaseRead();
    rw.releaseRead();
    expect(await writer).toBe(true);
  });

  it('a writer that times out at the head lets the readers behind it in', async () => {
    const rw = new AsyncReadWriteLock();
    rw.tryAcquireRead();
    const writer = rw.acquireWrite({ timeout: 5 });
    const reader = rw.acquireRead();
    await vi.advanceTimersByTimeAsync(5);
    expect(await writer).toBe(false);
    expect(await reader).toBe(true);
    expect(rw.readers).toBe(2);
  });

  it('an aborted writer at the head lets the readers behind it in', async () => {
    const rw = new AsyncReadWriteLock();
    rw.tryAcquireRead();
    const controller = new AbortController();
    const writer = rw.acquireWrite({ signal: controller.signal });
    const reader = rw.acquireRead();
    controller.abort();
    await expect(writer).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED' });
    expect(await reader).toBe(true);
  });

  it('throws LockNotHeldError for a release of what is not held', () => {
    const rw = new AsyncReadWriteLock();
    expect(() => rw.releaseRead()).toThrow(LockNotHeldError);
    expect(() => rw.releaseWrite()).toThrow(LockNotHeldError);
  });

  it('releases guards on throw', async () => {
    const rw = new AsyncReadWriteLock();
    await expect(
      rw.withWriteLockAsync(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      rw.withReadLockAsync(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    {
      await using _r = await rw.readLockAsync();
      expect(rw.readers).toBe(1);
    }
    {
      await using _w = await rw.writeLockAsync();
      expect(rw.writeLocked()).toBe(true);
    }
    expect(rw.readers).toBe(0);
    expect(rw.writeLocked()).toBe(false);
  });
});
