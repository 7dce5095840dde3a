// The error classes: base class, names, stable codes, cause.
import { describe, expect, it } from 'vitest';
import {
  AbandonedLockError,
  ArenaFullError,
  BrokenBarrierError,
  InvalidArgumentError,
  InvalidBufferError,
  InvalidHandleError,
  LockNotHeldError,
  LockNotOwnedError,
  LockTimeoutError,
  SemaphoreOverReleaseError,
  SyncPrimitivesError,
  WaitAbortedError,
  Semaphore,
  Barrier,
  Mutex,
  BoundedSemaphore,
  QueueEmptyError,
  QueueFullError,
  QueueClosedError,
  TaskDoneOverflowError,
  JoinTimeoutError,
  ItemNotSerializableError,
  PipeClosedError,
  PipeTimeoutError,
  RecursiveMutex,
  ReadWriteLock,
  CountDownLatch,
  Event,
  Queue,
  JoinableQueue,
  Pipe,
  AsyncMutex,
  AsyncSemaphore,
  AsyncReadWriteLock,
  AsyncEvent,
  AsyncBarrier,
} from '@weft/sync-primitives';

describe('errors', () => {
  it.each([
    [LockNotHeldError, 'ERR_WEFT_LOCK_NOT_HELD'],
    [LockNotOwnedError, 'ERR_WEFT_LOCK_NOT_OWNED'],
    [AbandonedLockError, 'ERR_WEFT_LOCK_ABANDONED'],
    [LockTimeoutError, 'ERR_WEFT_LOCK_TIMEOUT'],
    [SemaphoreOverReleaseError, 'ERR_WEFT_SEMAPHORE_OVER_RELEASE'],
    [BrokenBarrierError, 'ERR_WEFT_BARRIER_BROKEN'],
    [WaitAbortedError, 'ERR_WEFT_WAIT_ABORTED'],
    [InvalidArgumentError, 'ERR_WEFT_INVALID_ARGUMENT'],
    [InvalidHandleError, 'ERR_WEFT_INVALID_HANDLE'],
    [InvalidBufferError, 'ERR_WEFT_INVALID_BUFFER'],
    [ArenaFullError, 'ERR_WEFT_ARENA_FULL'],
    [QueueEmptyError, 'ERR_WEFT_QUEUE_EMPTY'],
    [QueueFullError, 'ERR_WEFT_QUEUE_FULL'],
    [QueueClosedError, 'ERR_WEFT_QUEUE_CLOSED'],
    [TaskDoneOverflowError, 'ERR_WEFT_QUEUE_TASK_DONE_OVERFLOW'],
    [JoinTimeoutError, 'ERR_WEFT_QUEUE_JOIN_TIMEOUT'],
    [PipeClosedError, 'ERR_WEFT_PIPE_CLOSED'],
    [PipeTimeoutError, 'ERR_WEFT_PIPE_TIMEOUT'],
  ] as const)('%o has its code, its name and the base class', (ErrorClass, code) => {
    const error = new ErrorClass('message');
    expect(error).toBeInstanceOf(SyncPrimitivesError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(ErrorClass.name);
  });

  it('messages say what was given and what is allowed', () => {
    expect(() => new Semaphore(-1)).toThrow(/from 0 to .*got -1/);
    expect(() => new Barrier(0)).toThrow(/from 1 to .*got 0/);
    expect(() => new Mutex({ buffer: new SharedArrayBuffer(8) })).toThrow(
      /needs 16 bytes .* has 8 bytes/,
    );
    expect(() => new BoundedSemaphore(1).release()).toThrow(
      /from 1 to 2, above its initial value 1/,
    );
  });

  it('an unserializable-item error carries the item type and the cause', () => {
    const cause = new Error('could not be cloned');
    const error = new ItemNotSerializableError('no', 'function', { cause });
    expect(error).toBeInstanceOf(SyncPrimitivesError);
    expect(error.code).toBe('ERR_WEFT_ITEM_NOT_SERIALIZABLE');
    expect(error.name).toBe('ItemNotSerializableError');
    expect(error.itemType).toBe('function');
    expect(error.cause).toBe(cause);
  });

  it('an abandoned-lock error carries the dead owner', () => {
    expect(new AbandonedLockError('gone', 7).previousOwner).toBe(7);
  });

  describe('WaitAbortedError', () => {
    // Every wait that takes a signal; none may start once its signal has aborted.
    const waits: readonly (readonly [string, (signal: AbortSignal) => Promise<unknown>])[] = [
      ['Mutex.acquireAsync', (signal) => new Mutex().acquireAsync({ signal })],
      ['Mutex.lockAsync', (signal) => new Mutex().lockAsync({ signal })],
      ['RecursiveMutex.acquireAsync', (signal) => new RecursiveMutex().acquireAsync({ signal })],
      ['RecursiveMutex.lockAsync', (signal) => new RecursiveMutex().lockAsync({ signal })],
      ['Semaphore.acquireAsync', (signal) => new Semaphore(1).acquireAsync({ signal })],
      ['Semaphore.lockAsync', (signal) => new Semaphore(1).lockAsync({ signal })],
      [
        'ReadWriteLock.acquireReadAsync',
        (signal) => new ReadWriteLock().acquireReadAsync({ signal }),
      ],
      [
        'ReadWriteLock.acquireWriteAsync',
        (signal) => new ReadWriteLock().acquireWriteAsync({ signal }),
      ],
      ['ReadWriteLock.readLockAsync', (signal) => new ReadWriteLock().readLockAsync({ signal })],
      ['ReadWriteLock.writeLockAsync', (signal) => new ReadWriteLock().writeLockAsync({ signal })],
      ['Barrier.waitAsync', (signal) => new Barrier(1).waitAsync({ signal })],
      ['CountDownLatch.waitAsync', (signal) => new CountDownLatch(0).waitAsync({ signal })],
      ['Event.waitAsync', (signal) => new Event().waitAsync({ signal })],
      ['Queue.putAsync', (signal) => new Queue().putAsync(1, { signal })],
      ['Queue.getAsync', (signal) => new Queue().getAsync({ signal })],
      ['JoinableQueue.joinAsync', (signal) => new JoinableQueue().joinAsync({ signal })],
      ['Connection.sendAsync', (signal) => Pipe()[0].sendAsync(1, { signal })],
      ['Connection.recvAsync', (signal) => Pipe()[0].recvAsync({ signal })],
      ['AsyncMutex.acquire', (signal) => new AsyncMutex().acquire({ signal })],
      ['AsyncSemaphore.acquire', (signal) => new AsyncSemaphore(1).acquire({ signal })],
      [
        'AsyncReadWriteLock.acquireRead',
        (signal) => new AsyncReadWriteLock().acquireRead({ signal }),
      ],
      [
        'AsyncReadWriteLock.acquireWrite',
        (signal) => new AsyncReadWriteLock().acquireWrite({ signal }),
      ],
      ['AsyncEvent.wait', (signal) => new AsyncEvent().wait({ signal })],
      ['AsyncBarrier.wait', (signal) => new AsyncBarrier(1).wait({ signal })],
    ];

    it.each(waits)(
      '%s rejects at once for an already aborted signal, with its reason as cause',
      async (_, wait) => {
        const reason = new Error('stop');
        const error: unknown = await wait(AbortSignal.abort(reason)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WaitAbortedError);
        expect((error as WaitAbortedError).cause).toBe(reason);
      },
    );
  });
});
