// The handle API the pool relies on: recognise shared primitives and handles, revive a handle as
// the right class, and mark locks abandoned when a thread dies.
import { InvalidHandleError } from './errors.js';
import { AtomicInt32 } from './atomic-int32.js';
import { Barrier } from './barrier.js';
import { Event } from './event.js';
import { Mutex } from './mutex.js';
import { RecursiveMutex } from './recursive-mutex.js';
import { BoundedSemaphore, Semaphore } from './semaphore.js';
import { Condition } from './condition.js';
import { CountDownLatch } from './count-down-latch.js';
import { ReadWriteLock } from './read-write-lock.js';
import { Queue } from './queue.js';
import { JoinableQueue } from './joinable-queue.js';
import { Connection } from './pipe.js';
import { isSharedHandle, type SharedHandle } from './shared-handle.js';
import { isBranded, markAll } from './internal/tracking.js';
import { checkCount, describe } from './internal/validate.js';

/**
 * Any primitive of the shared (cross-thread) family.
 *
 * @example
 * ```ts
 * import { reviveShared, type SharedPrimitive } from '@weft/sync-primitives';
 * const primitive: SharedPrimitive = reviveShared(handle);
 * ```
 */
export type SharedPrimitive =
  | Mutex
  | RecursiveMutex
  | Semaphore
  | BoundedSemaphore
  | Condition
  | Event
  | Barrier
  | CountDownLatch
  | ReadWriteLock
  | AtomicInt32
  | Queue
  | JoinableQueue
  | Connection;

const revivers: Record<string, (handle: SharedHandle) => SharedPrimitive> = {
  Mutex: (h) => Mutex.from(h),
  RecursiveMutex: (h) => RecursiveMutex.from(h),
  Semaphore: (h) => Semaphore.from(h),
  BoundedSemaphore: (h) => BoundedSemaphore.from(h),
  Condition: (h) => Condition.from(h),
  CountDownLatch: (h) => CountDownLatch.from(h),
  ReadWriteLock: (h) => ReadWriteLock.from(h),
  Event: (h) => Event.from(h),
  Barrier: (h) => Barrier.from(h),
  AtomicInt32: (h) => AtomicInt32.from(h),
  Queue: (h) => Queue.from(h),
  JoinableQueue: (h) => JoinableQueue.from(h),
  Connection: (h) => Connection.from(h),
};

/**
 * Whether a value is a live instance of the shared family (Mutex, Semaphore, Barrier, Queue,
 * Connection, …), i.e.
 * something whose `toHandle()` can cross to another thread.
 *
 * @param value - Anything.
 * @returns `true` for a shared primitive created or revived by this package.
 * @example
 * ```ts
 * import { isSharedPrimitive, Mutex } from '@weft/sync-primitives';
 * const args = [new Mutex(), 1].map((a) => (isSharedPrimitive(a) ? a.toHandle() : a));
 * ```
 */
export function isSharedPrimitive(value: unknown): value is SharedPrimitive {
  return isBranded(value);
}

/**
 * Revive any handle as the right class: the result is the same primitive as the one that made it.
 *
 * @param handle - A handle made by `toHandle()`, possibly after a structured clone.
 * @returns A `Mutex`, `Semaphore`, … over the same memory.
 * @throws {@link InvalidHandleError} if it is not a handle of this package or of an unknown type.
 * @example
 * ```ts
 * import { parentPort } from 'node:worker_threads';
 * import { reviveShared, Mutex } from '@weft/sync-primitives';
 * parentPort!.on('message', (handle) => {
 *   const mutex = reviveShared(handle) as Mutex;
 * });
 * ```
 */
export function reviveShared(handle: SharedHandle): SharedPrimitive {
  if (!isSharedHandle(handle)) {
    throw new InvalidHandleError(
      `reviveShared: expected a handle { kind: 'weft.sync', type, buffer, byteOffset } made by toHandle(); got ${describe(handle)}`,
    );
  }
  const revive = Object.hasOwn(revivers, handle.type) ? revivers[handle.type] : undefined;
  if (revive === undefined) {
    throw new InvalidHandleError(
      `reviveShared: unknown type ${JSON.stringify(handle.type)}; known types: ${Object.keys(revivers).join(', ')}`,
    );
  }
  return revive(handle);
}

/**
 * Tell this thread's locks that a thread died: every lock-like primitive known to the calling
 * thread (created or revived in it) whose recorded owner is `threadId` is marked abandoned and
 * released, waking a waiter; the next acquirer takes it over and learns it (`AbandonedLockError`
 * from `acquire()`, `guard.abandoned` from `lock()`). A pool calls this when a worker exits.
 *
 * @param threadId - The dead thread's `threadId` (from `worker.threadId`, read before it exits).
 * @returns How many locks were marked.
 * @throws {@link InvalidArgumentError} if `threadId` is not a non-negative integer.
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { markOwnerDead } from '@weft/sync-primitives';
 * const worker = new Worker('./task.mjs', { workerData: { mutex: mutex.toHandle() } });
 * const id = worker.threadId;
 * worker.on('exit', () => markOwnerDead(id));
 * ```
 */
export function markOwnerDead(threadId: number): number {
  checkCount(threadId, 'markOwnerDead: threadId', 0, 0x7ffffffe);
  return markAll(threadId + 1);
}
