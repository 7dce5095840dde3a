// The handle API other packages rely on (src/shared-handle.ts, src/revive-shared.ts), and
// abandoned-lock detection.
import { describe, expect, it } from 'vitest';
import {
  AbandonedLockError,
  AtomicInt32,
  Barrier,
  BoundedSemaphore,
  Condition,
  CountDownLatch,
  Event,
  InvalidHandleError,
  InvalidArgumentError,
  Mutex,
  ReadWriteLock,
  RecursiveMutex,
  Semaphore,
  SharedArena,
  AsyncMutex,
  isSharedHandle,
  isSharedPrimitive,
  markOwnerDead,
  reviveShared,
  Queue,
  JoinableQueue,
  Pipe,
} from '@weft/sync-primitives';
import { startWorker } from './helpers.js';

const makers = {
  Mutex: () => new Mutex(),
  RecursiveMutex: () => new RecursiveMutex(),
  Semaphore: () => new Semaphore(2),
  BoundedSemaphore: () => new BoundedSemaphore(2),
  Condition: () => new Condition(),
  Event: () => new Event(),
  Barrier: () => new Barrier(2),
  CountDownLatch: () => new CountDownLatch(2),
  ReadWriteLock: () => new ReadWriteLock(),
  AtomicInt32: () => new AtomicInt32(3),
  Queue: () => new Queue(),
  JoinableQueue: () => new JoinableQueue(),
  Connection: () => Pipe()[1],
};

describe('handles', () => {
  describe('toHandle()', () => {
    it.each(Object.entries(makers))(
      '%s gives a structured-clonable, branded handle',
      (type, make) => {
        const handle = make().toHandle();
        expect(handle).toMatchObject({ kind: 'weft.sync', type, byteOffset: 0 });
        expect(handle.buffer).toBeInstanceOf(SharedArrayBuffer);
        const cloned = structuredClone(handle);
        expect(isSharedHandle(cloned)).toBe(true);
        // A SharedArrayBuffer is shared, not copied: a write through the clone shows in the original.
        new Int32Array(cloned.buffer)[0] = 42;
        expect(new Int32Array(handle.buffer)[0]).toBe(42);
      },
    );
  });

  describe('reviveShared()', () => {
    it.each(Object.entries(makers))(
      'revives a %s as the right class over the same memory',
      (_type, make) => {
        const original = make();
        const revived = reviveShared(structuredClone(original.toHandle()));
        expect(revived).toBeInstanceOf(original.constructor);
        expect(revived.toHandle()).toEqual(original.toHandle());
      },
    );

    it('revives the same lock: holding one holds the other', () => {
      const mutex = new Mutex();
      const twin = reviveShared(mutex.toHandle()) as Mutex;
      mutex.acquire();
      expect(twin.locked()).toBe(true);
      expect(twin.tryAcquire()).toBe(false);
      twin.release();
      expect(mutex.locked()).toBe(false);
    });

    it('revives a Condition together with its lock', () => {
      const cond = new Condition(new Mutex());
      const twin = reviveShared(cond.toHandle()) as Condition;
      expect(twin.lock).toBeInstanceOf(Mutex);
      cond.acquire();
      expect(twin.lock.locked()).toBe(true);
      cond.release();
    });

    it('keeps counts: a revived Semaphore does not reset its value', () => {
      const sem = new Semaphore(3);
      sem.acquire();
      expect((reviveShared(sem.toHandle()) as Semaphore).value).toBe(2);
      const latch = new CountDownLatch(2);
      latch.countDown();
      expect((reviveShared(latch.toHandle()) as CountDownLatch).count).toBe(1);
    });

    it.each([
      ['a plain object', {}],
      ['null', null],
      [
        'a handle with another brand',
        { kind: 'other', type: 'Mutex', buffer: new SharedArrayBuffer(16), byteOffset: 0 },
      ],
      [
        'an unknown type',
        { kind: 'weft.sync', type: 'Spinlock', buffer: new SharedArrayBuffer(16), byteOffset: 0 },
      ],
      [
        'an ArrayBuffer',
        { kind: 'weft.sync', type: 'Mutex', buffer: new ArrayBuffer(16), byteOffset: 0 },
      ],
      [
        'a buffer too small',
        { kind: 'weft.sync', type: 'Mutex', buffer: new SharedArrayBuffer(8), byteOffset: 0 },
      ],
      [
        'a misaligned offset',
        { kind: 'weft.sync', type: 'Mutex', buffer: new SharedArrayBuffer(32), byteOffset: 2 },
      ],
    ])('rejects %s with InvalidHandleError', (_what, handle) => {
      expect(() => reviveShared(handle as never)).toThrow(InvalidHandleError);
      try {
        reviveShared(handle as never);
      } catch (error) {
        expect((error as InvalidHandleError).code).toBe('ERR_WEFT_INVALID_HANDLE');
      }
    });

    it('X.from() refuses a handle of another type', () => {
      expect(() => Mutex.from(new Semaphore().toHandle())).toThrow(InvalidHandleError);
      expect(() => Semaphore.from(new BoundedSemaphore().toHandle())).toThrow(InvalidHandleError);
    });
  });

  describe('isSharedPrimitive()', () => {
    it('is true for shared primitives, revived ones included', () => {
      for (const make of Object.values(makers)) expect(isSharedPrimitive(make())).toBe(true);
      expect(isSharedPrimitive(reviveShared(new Mutex().toHandle()))).toBe(true);
    });

    it('is false for handles, event-loop primitives and other values', () => {
      expect(isSharedPrimitive(new Mutex().toHandle())).toBe(false);
      expect(isSharedPrimitive(new AsyncMutex())).toBe(false);
      expect(isSharedPrimitive(new SharedArena(64))).toBe(false);
      expect(isSharedPrimitive({ toHandle() {} })).toBe(false);
      expect(isSharedPrimitive(null)).toBe(false);
      expect(isSharedPrimitive(new SharedArrayBuffer(8))).toBe(false);
    });
  });
});

describe('markOwnerDead()', () => {
  it('rejects a thread id that is not a non-negative integer', () => {
    expect(() => markOwnerDead(-1)).toThrow(InvalidArgumentError);
    expect(() => markOwnerDead(1.5)).toThrow(InvalidArgumentError);
  });

  it('marks nothing for a thread that holds nothing', () => {
    const mutex = new Mutex();
    mutex.acquire();
    expect(markOwnerDead(987_654)).toBe(0);
    expect(mutex.isAbandoned()).toBe(false);
    mutex.release();
  });

  it('a worker takes a Mutex and exits: the next acquirer is told and takes it over', async () => {
    const mutex = new Mutex();
    const holder = startWorker({ scenario: 'holdAndExit', lock: mutex.toHandle() });
    const deadId = (await holder.result) as number;
    await holder.exited;
    expect(mutex.locked()).toBe(true);
    expect(mutex.owner()).toBe(deadId);

    expect(markOwnerDead(deadId)).toBe(1);
    expect(mutex.isAbandoned()).toBe(true);
    let caught: unknown;
    try {
      mutex.acquire();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AbandonedLockError);
    expect((caught as AbandonedLockError).code).toBe('ERR_WEFT_LOCK_ABANDONED');
    expect((caught as AbandonedLockError).previousOwner).toBe(deadId);
    expect(mutex.owner()).toBe(0); // we hold it now
    mutex.release();
    expect(mutex.acquire()).toBe(true); // told once
    mutex.release();
  });

  it('wakes a thread already waiting for the dead owner’s lock, which learns it', async () => {
    const mutex = new Mutex();
    const holder = startWorker({ scenario: 'holdAndExit', lock: mutex.toHandle() });
    const deadId = (await holder.result) as number;
    await holder.exited;
    const waiter = startWorker({ scenario: 'acquireAfterDeath', lock: mutex.toHandle() });
    expect(markOwnerDead(deadId)).toBe(1);
    expect(await waiter.result).toBe('ERR_WEFT_LOCK_ABANDONED');
    expect(mutex.locked()).toBe(false);
  });

  it('flags the guard of lock() instead of throwing', async () => {
    const rlock = new RecursiveMutex();
    const holder = startWorker({ scenario: 'holdAndExit', lock: rlock.toHandle() });
    const deadId = (await holder.result) as number;
    await holder.exited;
    expect(markOwnerDead(deadId)).toBe(1);
    {
      using guard = rlock.lock();
      expect(guard.abandoned).toBe(true);
      expect(rlock.count).toBe(1);
    }
    expect(rlock.locked()).toBe(false);
  });

  it('covers a ReadWriteLock whose writer died', async () => {
    const rw = new ReadWriteLock();
    const holder = startWorker({ scenario: 'holdAndExit', kind: 'write', lock: rw.toHandle() });
    const deadId = (await holder.result) as number;
    await holder.exited;
    expect(rw.owner()).toBe(deadId);
    expect(markOwnerDead(deadId)).toBe(1);
    await using guard = await rw.writeLockAsync({ timeout: 5_000 });
    expect(guard.abandoned).toBe(true);
  });
});
