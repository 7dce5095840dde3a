// Type contracts of the public API.
import { describe, expectTypeOf, it } from 'vitest';
import {
  AsyncMutex,
  Barrier,
  Condition,
  Mutex,
  RecursiveMutex,
  Semaphore,
  isSharedPrimitive,
  reviveShared,
  markOwnerDead,
  isSharedHandle,
  type LockGuard,
  type SharedHandle,
  type SharedPrimitive,
  type SyncPrimitivesErrorCode,
  type LockNotHeldError,
} from '@weft/sync-primitives';

describe('types', () => {
  it('acquire() returns a boolean, async forms promises', () => {
    const mutex = new Mutex();
    expectTypeOf(mutex.acquire()).toEqualTypeOf<boolean>();
    expectTypeOf(mutex.acquire({ blocking: false })).toEqualTypeOf<boolean>();
    expectTypeOf(mutex.acquireAsync({ timeout: 1, signal: AbortSignal.timeout(1) })).toEqualTypeOf<
      Promise<boolean>
    >();
    expectTypeOf(new AsyncMutex().acquire()).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(new AsyncMutex().tryAcquire()).toEqualTypeOf<boolean>();
  });

  it('guards are Disposable and AsyncDisposable', () => {
    expectTypeOf(new Mutex().lock()).toEqualTypeOf<LockGuard>();
    expectTypeOf<LockGuard>().toExtend<Disposable>();
    expectTypeOf<LockGuard>().toExtend<AsyncDisposable>();
    expectTypeOf(new Mutex().lockAsync()).toEqualTypeOf<Promise<LockGuard>>();
  });

  it('withLock returns what fn returns; withLockAsync unwraps promises', () => {
    expectTypeOf(new Mutex().withLock(() => 1)).toEqualTypeOf<number>();
    expectTypeOf(new Semaphore().withLockAsync(() => Promise.resolve('x'))).toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf(new AsyncMutex().withLockAsync(() => true)).toEqualTypeOf<Promise<boolean>>();
  });

  it('waitFor returns the predicate’s type', () => {
    const predicate = (): 'a' | undefined => undefined;
    expectTypeOf(new Condition().waitFor(predicate)).toEqualTypeOf<'a' | undefined>();
  });

  it('the handle API of contracts §1', () => {
    expectTypeOf(new Mutex().toHandle()).toEqualTypeOf<SharedHandle>();
    expectTypeOf<SharedHandle['kind']>().toEqualTypeOf<'weft.sync'>();
    expectTypeOf<SharedHandle['buffer']>().toEqualTypeOf<SharedArrayBuffer>();
    expectTypeOf(Mutex.from).returns.toEqualTypeOf<Mutex>();
    expectTypeOf(RecursiveMutex.from).returns.toEqualTypeOf<RecursiveMutex>();
    expectTypeOf(Barrier.from).returns.toEqualTypeOf<Barrier>();
    expectTypeOf(reviveShared).returns.toEqualTypeOf<SharedPrimitive>();
    expectTypeOf(markOwnerDead).toEqualTypeOf<(threadId: number) => number>();
    expectTypeOf(isSharedHandle).guards.toEqualTypeOf<SharedHandle>();
    expectTypeOf(isSharedPrimitive).guards.toEqualTypeOf<SharedPrimitive>();
    expectTypeOf<Mutex>().toExtend<SharedPrimitive>();
  });

  it('error codes are literal', () => {
    expectTypeOf<LockNotHeldError['code']>().toEqualTypeOf<'ERR_WEFT_LOCK_NOT_HELD'>();
    expectTypeOf<'ERR_WEFT_LOCK_NOT_HELD'>().toExtend<SyncPrimitivesErrorCode>();
  });

  it('bad options do not type-check', () => {
    // @ts-expect-error timeout must be a number
    new Mutex().acquire({ timeout: '1' });
    // @ts-expect-error parties is required
    new Barrier();
  });
});
