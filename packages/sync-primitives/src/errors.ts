// The error classes of @weft/sync-primitives: one base class, one subclass per misuse or failure,
// each with a stable `code` that tests and callers can switch on.

/**
 * Every code a {@link SyncPrimitivesError} can carry; switch on it rather than on messages.
 *
 * @example
 * ```ts
 * import { SyncPrimitivesError, type SyncPrimitivesErrorCode } from '@weft/sync-primitives';
 * function isRetryable(error: unknown): boolean {
 *   const retryable: SyncPrimitivesErrorCode[] = ['ERR_WEFT_LOCK_TIMEOUT', 'ERR_WEFT_WAIT_ABORTED'];
 *   return error instanceof SyncPrimitivesError && retryable.includes(error.code);
 * }
 * ```
 */
export type SyncPrimitivesErrorCode =
  | 'ERR_WEFT_LOCK_NOT_HELD'
  | 'ERR_WEFT_LOCK_NOT_OWNED'
  | 'ERR_WEFT_LOCK_ABANDONED'
  | 'ERR_WEFT_LOCK_TIMEOUT'
  | 'ERR_WEFT_SEMAPHORE_OVER_RELEASE'
  | 'ERR_WEFT_BARRIER_BROKEN'
  | 'ERR_WEFT_WAIT_ABORTED'
  | 'ERR_WEFT_INVALID_ARGUMENT'
  | 'ERR_WEFT_INVALID_HANDLE'
  | 'ERR_WEFT_INVALID_BUFFER'
  | 'ERR_WEFT_ARENA_FULL'
  | 'ERR_WEFT_QUEUE_EMPTY'
  | 'ERR_WEFT_QUEUE_FULL'
  | 'ERR_WEFT_QUEUE_CLOSED'
  | 'ERR_WEFT_QUEUE_TASK_DONE_OVERFLOW'
  | 'ERR_WEFT_QUEUE_JOIN_TIMEOUT'
  | 'ERR_WEFT_ITEM_NOT_SERIALIZABLE'
  | 'ERR_WEFT_PIPE_CLOSED'
  | 'ERR_WEFT_PIPE_TIMEOUT';

/**
 * Base class of every error thrown by `@weft/sync-primitives`.
 *
 * @example
 * ```ts
 * import { Mutex, SyncPrimitivesError } from '@weft/sync-primitives';
 * try {
 *   new Mutex().release();
 * } catch (error) {
 *   if (error instanceof SyncPrimitivesError) console.log(error.code); // 'ERR_WEFT_LOCK_NOT_HELD'
 * }
 * ```
 */
export abstract class SyncPrimitivesError extends Error {
  /** A stable, machine-readable code for this kind of error. */
  abstract readonly code: SyncPrimitivesErrorCode;
  override readonly name: string = 'SyncPrimitivesError';
}

/**
 * Thrown when a lock that is not held is released (Python's `RuntimeError: release unlocked lock`).
 *
 * @example
 * ```ts
 * import { Mutex, LockNotHeldError } from '@weft/sync-primitives';
 * try { new Mutex().release(); } catch (e) { console.log(e instanceof LockNotHeldError); } // true
 * ```
 */
export class LockNotHeldError extends SyncPrimitivesError {
  override readonly name = 'LockNotHeldError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_LOCK_NOT_HELD';
  readonly code = 'ERR_WEFT_LOCK_NOT_HELD';
}

/**
 * Thrown when a thread that does not own a lock releases it (a `RecursiveMutex`, a write lock) or
 * waits on / notifies a `Condition` whose lock it does not hold.
 *
 * @example
 * ```ts
 * import { Condition, LockNotOwnedError } from '@weft/sync-primitives';
 * try { new Condition().notify(); } catch (e) { console.log(e instanceof LockNotOwnedError); } // true
 * ```
 */
export class LockNotOwnedError extends SyncPrimitivesError {
  override readonly name = 'LockNotOwnedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_LOCK_NOT_OWNED';
  readonly code = 'ERR_WEFT_LOCK_NOT_OWNED';
}

/**
 * Thrown by a manual `acquire()` that took over a lock whose previous owner thread died while
 * holding it (pthread's `EOWNERDEAD`). The caller HOLDS the lock when it catches this error: repair
 * the shared state, then carry on or `release()`.
 *
 * @example
 * ```ts
 * import { Mutex, AbandonedLockError } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * try {
 *   mutex.acquire();
 * } catch (error) {
 *   if (!(error instanceof AbandonedLockError)) throw error;
 *   // we own the lock now; the shared data may be half-updated
 * }
 * mutex.release();
 * ```
 */
export class AbandonedLockError extends SyncPrimitivesError {
  override readonly name = 'AbandonedLockError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_LOCK_ABANDONED';
  readonly code = 'ERR_WEFT_LOCK_ABANDONED';
  /** The thread id of the owner that died while holding the lock, when known. */
  readonly previousOwner: number | undefined;
  /**
   * @param message - What happened.
   * @param previousOwner - The dead owner's thread id, when known.
   */
  constructor(message: string, previousOwner?: number) {
    super(message);
    this.previousOwner = previousOwner;
  }
}

/**
 * Thrown by the guard-returning forms (`lock()`, `lockAsync()`, `withLock*()`) when `timeout`
 * elapses first. (`acquire({ timeout })` returns `false` instead, as Python's does.)
 *
 * @example
 * ```ts
 * import { Mutex, LockTimeoutError } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * mutex.acquire();
 * try { mutex.lock({ timeout: 1 }); } catch (e) { console.log(e instanceof LockTimeoutError); } // true
 * ```
 */
export class LockTimeoutError extends SyncPrimitivesError {
  override readonly name = 'LockTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_LOCK_TIMEOUT';
  readonly code = 'ERR_WEFT_LOCK_TIMEOUT';
}

/**
 * Thrown when a `BoundedSemaphore` (or an async semaphore with a bound) is released more times than
 * it was acquired.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore, SemaphoreOverReleaseError } from '@weft/sync-primitives';
 * try { new BoundedSemaphore(1).release(); } catch (e) { console.log(e instanceof SemaphoreOverReleaseError); }
 * ```
 */
export class SemaphoreOverReleaseError extends SyncPrimitivesError {
  override readonly name = 'SemaphoreOverReleaseError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_SEMAPHORE_OVER_RELEASE';
  readonly code = 'ERR_WEFT_SEMAPHORE_OVER_RELEASE';
}

/**
 * Thrown by a barrier's `wait()` when the barrier is broken: aborted, reset while threads waited,
 * timed out, or its action threw (Python's `threading.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { Barrier, BrokenBarrierError } from '@weft/sync-primitives';
 * const barrier = new Barrier(2);
 * barrier.abort();
 * try { barrier.wait(); } catch (e) { console.log(e instanceof BrokenBarrierError); } // true
 * ```
 */
export class BrokenBarrierError extends SyncPrimitivesError {
  override readonly name = 'BrokenBarrierError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_BARRIER_BROKEN';
  readonly code = 'ERR_WEFT_BARRIER_BROKEN';
}

/**
 * The rejection of an async wait whose `signal` aborted; `cause` is `signal.reason`.
 *
 * @example
 * ```ts
 * import { AsyncMutex, WaitAbortedError } from '@weft/sync-primitives';
 * const mutex = new AsyncMutex();
 * await mutex.acquire();
 * const controller = new AbortController();
 * const waiting = mutex.acquire({ signal: controller.signal });
 * controller.abort('stop');
 * await waiting.catch((e: unknown) => console.log(e instanceof WaitAbortedError)); // true
 * ```
 */
export class WaitAbortedError extends SyncPrimitivesError {
  override readonly name = 'WaitAbortedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_WAIT_ABORTED';
  readonly code = 'ERR_WEFT_WAIT_ABORTED';
}

/**
 * Thrown when an argument or option is out of range: negative or non-integer permits, parties or
 * counts, a negative timeout, a timeout given with `blocking: false`.
 *
 * @example
 * ```ts
 * import { Semaphore, InvalidArgumentError } from '@weft/sync-primitives';
 * try { new Semaphore(-1); } catch (e) { console.log(e instanceof InvalidArgumentError); } // true
 * ```
 */
export class InvalidArgumentError extends SyncPrimitivesError {
  override readonly name = 'InvalidArgumentError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_INVALID_ARGUMENT';
  readonly code = 'ERR_WEFT_INVALID_ARGUMENT';
}

/**
 * Thrown when `X.from()` or `reviveShared()` is given something that is not a handle made by this
 * package, or a handle of another type.
 *
 * @example
 * ```ts
 * import { Mutex, InvalidHandleError } from '@weft/sync-primitives';
 * try { Mutex.from({} as never); } catch (e) { console.log(e instanceof InvalidHandleError); } // true
 * ```
 */
export class InvalidHandleError extends SyncPrimitivesError {
  override readonly name = 'InvalidHandleError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_INVALID_HANDLE';
  readonly code = 'ERR_WEFT_INVALID_HANDLE';
}

/**
 * Thrown when a primitive is placed in memory that cannot hold it: not a SharedArrayBuffer, a
 * misaligned `byteOffset`, or too few bytes left.
 *
 * @example
 * ```ts
 * import { Mutex, InvalidBufferError } from '@weft/sync-primitives';
 * try { new Mutex({ buffer: new SharedArrayBuffer(8), byteOffset: 2 }); }
 * catch (e) { console.log(e instanceof InvalidBufferError); } // true
 * ```
 */
export class InvalidBufferError extends SyncPrimitivesError {
  override readonly name = 'InvalidBufferError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_INVALID_BUFFER';
  readonly code = 'ERR_WEFT_INVALID_BUFFER';
}

/**
 * Thrown when a `SharedArena` has no room left for an allocation.
 *
 * @example
 * ```ts
 * import { SharedArena, ArenaFullError } from '@weft/sync-primitives';
 * const arena = new SharedArena(16);
 * try { arena.allocate(32); } catch (e) { console.log(e instanceof ArenaFullError); } // true
 * ```
 */
export class ArenaFullError extends SyncPrimitivesError {
  override readonly name = 'ArenaFullError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_ARENA_FULL';
  readonly code = 'ERR_WEFT_ARENA_FULL';
}

/**
 * Thrown by a `Queue`'s `get()`/`getAsync()` when no item arrived in time, or at once with
 * `{ block: false }` (Python's `queue.Empty`).
 *
 * @example
 * ```ts
 * import { Queue, QueueEmptyError } from '@weft/sync-primitives';
 * try { new Queue().get({ block: false }); } catch (e) { console.log(e instanceof QueueEmptyError); } // true
 * ```
 */
export class QueueEmptyError extends SyncPrimitivesError {
  override readonly name = 'QueueEmptyError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_QUEUE_EMPTY';
  readonly code = 'ERR_WEFT_QUEUE_EMPTY';
}

/**
 * Thrown by a `Queue`'s `put()`/`putAsync()` when no room came free in time, or at once with
 * `{ block: false }` (Python's `queue.Full`). Room is counted in items (`maxsize`) and in ring
 * bytes.
 *
 * The same name, for the same condition (a bounded queue has no room for one more item), is used
 * by `@weft/process-pool` (its task queue, `maxQueue`) and `@weft/core-scheduler` (its pending
 * tasks, `maxPending`); the `code` tells the three apart.
 *
 * @example
 * ```ts
 * import { Queue, QueueFullError } from '@weft/sync-primitives';
 * const queue = new Queue({ maxsize: 1 });
 * queue.put(1);
 * try { queue.put(2, { block: false }); } catch (e) { console.log(e instanceof QueueFullError); } // true
 * ```
 */
export class QueueFullError extends SyncPrimitivesError {
  override readonly name = 'QueueFullError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_QUEUE_FULL';
  readonly code = 'ERR_WEFT_QUEUE_FULL';
}

/**
 * Thrown by `put()` on a closed queue, and by `get()` once the queue is closed and every item
 * left in it has been taken.
 *
 * @example
 * ```ts
 * import { Queue, QueueClosedError } from '@weft/sync-primitives';
 * const queue = new Queue();
 * queue.close();
 * try { queue.get(); } catch (e) { console.log(e instanceof QueueClosedError); } // true
 * ```
 */
export class QueueClosedError extends SyncPrimitivesError {
  override readonly name = 'QueueClosedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_QUEUE_CLOSED';
  readonly code = 'ERR_WEFT_QUEUE_CLOSED';
}

/**
 * Thrown by `JoinableQueue.taskDone()` called more times than items were put (Python's
 * `ValueError: task_done() called too many times`).
 *
 * @example
 * ```ts
 * import { JoinableQueue, TaskDoneOverflowError } from '@weft/sync-primitives';
 * try { new JoinableQueue().taskDone(); } catch (e) { console.log(e instanceof TaskDoneOverflowError); } // true
 * ```
 */
export class TaskDoneOverflowError extends SyncPrimitivesError {
  override readonly name = 'TaskDoneOverflowError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_QUEUE_TASK_DONE_OVERFLOW';
  readonly code = 'ERR_WEFT_QUEUE_TASK_DONE_OVERFLOW';
}

/**
 * The rejection of `JoinableQueue.joinAsync({ timeout })` when unfinished tasks remain at the
 * deadline (`join({ timeout })` returns `false` instead).
 *
 * @example
 * ```ts
 * import { JoinableQueue, JoinTimeoutError } from '@weft/sync-primitives';
 * const queue = new JoinableQueue();
 * queue.put('job');
 * await queue.joinAsync({ timeout: 5 }).catch((e: unknown) => console.log(e instanceof JoinTimeoutError));
 * ```
 */
export class JoinTimeoutError extends SyncPrimitivesError {
  override readonly name = 'JoinTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_QUEUE_JOIN_TIMEOUT';
  readonly code = 'ERR_WEFT_QUEUE_JOIN_TIMEOUT';
}

/**
 * Thrown by `put()`/`send()` when the item cannot be serialized with `node:v8` (a function, a
 * symbol, a class with native state…). Nothing was written: no `get()` ever sees any part of it.
 *
 * @example
 * ```ts
 * import { Queue, ItemNotSerializableError } from '@weft/sync-primitives';
 * try { new Queue().put({ run() {} }); }
 * catch (e) { if (e instanceof ItemNotSerializableError) console.log(e.itemType); } // 'Object'
 * ```
 */
export class ItemNotSerializableError extends SyncPrimitivesError {
  override readonly name = 'ItemNotSerializableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_ITEM_NOT_SERIALIZABLE';
  readonly code = 'ERR_WEFT_ITEM_NOT_SERIALIZABLE';
  /** The type of the rejected item: `'function'`, `'symbol'`, or an object's constructor name. */
  readonly itemType: string;
  /**
   * @param message - What happened.
   * @param itemType - The rejected item's type.
   * @param options - `cause`: the serializer's error.
   */
  constructor(message: string, itemType: string, options?: ErrorOptions) {
    super(message, options);
    this.itemType = itemType;
  }
}

/**
 * Thrown by a `Connection` (Python's `EOFError` / `BrokenPipeError` / `OSError`): `recv()` when
 * the other end is closed and nothing is left, `send()` when either end is closed, either on an
 * end that was closed, or in the direction a one-way end does not go.
 *
 * @example
 * ```ts
 * import { Pipe, PipeClosedError } from '@weft/sync-primitives';
 * const [a, b] = Pipe();
 * b.close();
 * try { a.recv(); } catch (e) { console.log(e instanceof PipeClosedError); } // true
 * ```
 */
export class PipeClosedError extends SyncPrimitivesError {
  override readonly name = 'PipeClosedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_PIPE_CLOSED';
  readonly code = 'ERR_WEFT_PIPE_CLOSED';
}

/**
 * Thrown by `Connection.recv({ timeout })` / `recvAsync({ timeout })` when nothing arrived in time.
 *
 * @example
 * ```ts
 * import { Pipe, PipeTimeoutError } from '@weft/sync-primitives';
 * const [a] = Pipe();
 * try { a.recv({ timeout: 1 }); } catch (e) { console.log(e instanceof PipeTimeoutError); } // true
 * ```
 */
export class PipeTimeoutError extends SyncPrimitivesError {
  override readonly name = 'PipeTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_PIPE_TIMEOUT';
  readonly code = 'ERR_WEFT_PIPE_TIMEOUT';
}
