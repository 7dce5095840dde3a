// The public door of @weft/sync-primitives.

// Shared (cross-thread) family.
export { Mutex } from './mutex.js';
export { RecursiveMutex } from './recursive-mutex.js';
export { Semaphore, BoundedSemaphore } from './semaphore.js';
export { Condition } from './condition.js';
export { Event } from './event.js';
export { Barrier } from './barrier.js';
export type { BarrierOptions } from './barrier.js';
export { CountDownLatch } from './count-down-latch.js';
export { ReadWriteLock } from './read-write-lock.js';
export { AtomicInt32 } from './atomic-int32.js';
export { SharedArena } from './shared-arena.js';
export { Queue } from './queue.js';
export type { QueueOptions, QueuePutOptions, QueueGetOptions, QueueTryGet } from './queue.js';
export { JoinableQueue } from './joinable-queue.js';
export { Pipe, Connection } from './pipe.js';
export type { PipeOptions } from './pipe.js';
export type { SharedArenaOptions } from './shared-arena.js';

// Handles and the pool's hooks.
export { isSharedHandle } from './shared-handle.js';
export type { SharedHandle } from './shared-handle.js';
export { isSharedPrimitive, reviveShared, markOwnerDead } from './revive-shared.js';
export type { SharedPrimitive } from './revive-shared.js';

// Event-loop (async) family.
export { AsyncMutex } from './async-mutex.js';
export { AsyncSemaphore } from './async-semaphore.js';
export type { AsyncSemaphoreOptions } from './async-semaphore.js';
export { AsyncReadWriteLock } from './async-read-write-lock.js';
export { AsyncCondition } from './async-condition.js';
export { AsyncEvent } from './async-event.js';
export { AsyncBarrier } from './async-barrier.js';
export type { AsyncBarrierOptions } from './async-barrier.js';

// Shared vocabulary.
export type { LockGuard } from './guard.js';
export type {
  AcquireOptions,
  AsyncAcquireOptions,
  AsyncWaitOptions,
  LockOptions,
  PlacementOptions,
  SharedRegion,
} from './options.js';
export {
  SyncPrimitivesError,
  LockNotHeldError,
  LockNotOwnedError,
  AbandonedLockError,
  LockTimeoutError,
  SemaphoreOverReleaseError,
  BrokenBarrierError,
  WaitAbortedError,
  InvalidArgumentError,
  InvalidHandleError,
  InvalidBufferError,
  ArenaFullError,
  QueueEmptyError,
  QueueFullError,
  QueueClosedError,
  TaskDoneOverflowError,
  JoinTimeoutError,
  ItemNotSerializableError,
  PipeClosedError,
  PipeTimeoutError,
} from './errors.js';
export type { SyncPrimitivesErrorCode } from './errors.js';

// Errors across threads, processes and machines: one wire format, one registry keyed on `code`.
export {
  registerErrorClass,
  registerErrorClasses,
  registeredErrorClass,
} from './error-registry.js';
export type { ErrorClass } from './error-registry.js';
export { serializeError, deserializeError, isSerializedError } from './error-wire.js';
export type {
  SerializedError,
  SerializedRef,
  SerializedThrown,
  SerializedValue,
  SerializeErrorOptions,
} from './error-wire.js';

// Timers for any duration a user can give.
export { describeValue } from './describe-value.js';
export { setLongTimeout } from './long-timeout.js';
export { configureLockTelemetry } from './lock-telemetry.js';
export type { LockTelemetryOptions } from './lock-telemetry.js';
export type { LongTimeout } from './long-timeout.js';
