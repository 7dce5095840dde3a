// Type contracts of the public API.
import { describe, expectTypeOf, it } from 'vitest';
import {
  AsyncCondition,
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
  Queue,
  JoinableQueue,
  Pipe,
  Connection,
  type QueueTryGet,
  type QueueClosedError,
  type PipeClosedError,
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
    expectTypeOf(new AsyncCondition().withLockAsync(() => Promise.resolve(1))).toEqualTypeOf<
      Promise<number>
    >();
    expectTypeOf(new AsyncCondition().acquire()).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(new AsyncCondition().locked()).toEqualTypeOf<boolean>();
  });

  it('waitFor returns the predicate’s type', () => {
    const predicate = (): 'a' | undefined => undefined;
    expectTypeOf(new Condition().waitFor(predicate)).toEqualTypeOf<'a' | undefined>();
  });

  it('the handle API other packages rely on (src/shared-handle.ts)', () => {
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

  it('Queue, JoinableQueue and Pipe carry their item type', () => {
    const queue = new Queue<{ id: number }>({ maxsize: 1 });
    expectTypeOf(queue.get()).toEqualTypeOf<{ id: number }>();
    expectTypeOf(queue.getAsync({ signal: AbortSignal.timeout(1) })).toEqualTypeOf<
      Promise<{ id: number }>
    >();
    expectTypeOf(queue.put).parameter(0).toEqualTypeOf<{ id: number }>();
    expectTypeOf(queue.putAsync({ id: 1 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(queue.tryPut({ id: 1 })).toEqualTypeOf<boolean>();
    expectTypeOf(queue.tryGet()).toEqualTypeOf<QueueTryGet<{ id: number }>>();
    const got = queue.tryGet();
    if (got.ok) expectTypeOf(got.value).toEqualTypeOf<{ id: number }>();
    else expectTypeOf(got.reason).toEqualTypeOf<'empty' | 'closed'>();
    expectTypeOf(queue[Symbol.asyncIterator]()).toEqualTypeOf<AsyncIterator<{ id: number }>>();
    expectTypeOf(Queue.from<string>).returns.toEqualTypeOf<Queue<string>>();
    expectTypeOf(JoinableQueue.from<string>).returns.toEqualTypeOf<JoinableQueue<string>>();
    expectTypeOf<JoinableQueue<string>>().toExtend<Queue<string>>();
    expectTypeOf(new JoinableQueue().join()).toEqualTypeOf<boolean>();
    expectTypeOf(new JoinableQueue().joinAsync()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(Pipe<number>()).toEqualTypeOf<[Connection<number>, Connection<number>]>();
    expectTypeOf(Pipe<number>()[0].recv()).toEqualTypeOf<number>();
    expectTypeOf(Connection.from<string>).returns.toEqualTypeOf<Connection<string>>();
    expectTypeOf<Queue>().toExtend<SharedPrimitive>();
    expectTypeOf<Connection>().toExtend<SharedPrimitive>();
    expectTypeOf<QueueClosedError['code']>().toEqualTypeOf<'ERR_WEFT_QUEUE_CLOSED'>();
    expectTypeOf<PipeClosedError['code']>().toEqualTypeOf<'ERR_WEFT_PIPE_CLOSED'>();
    // @ts-expect-error an item of the wrong type
    queue.put('not an object');
    // @ts-expect-error maxsize is a number
    new Queue({ maxsize: '1' });
  });
});
