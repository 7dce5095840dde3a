// The bridge to @weft/sync-primitives (its handle API: packages/sync-primitives/src/shared-handle.ts
// and revive-shared.ts): recognise shared primitives, revive their
// handles in thread workers, mark locks abandoned when a thread dies, and recognise the objects
// that process workers reach through the pool (Queue, JoinableQueue, Connection). The two packages
// ship together, so the handle API is imported directly.
import {
  Connection,
  InvalidArgumentError,
  InvalidHandleError,
  ItemNotSerializableError,
  JoinableQueue,
  JoinTimeoutError,
  PipeClosedError,
  PipeTimeoutError,
  Queue,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
  TaskDoneOverflowError,
  WaitAbortedError,
  isSharedPrimitive as isBranded,
  markOwnerDead as markAll,
  reviveShared as revive,
  type SharedHandle,
} from '@weft/sync-primitives';

export {
  Connection,
  JoinableQueue,
  Queue,
  ItemNotSerializableError,
  JoinTimeoutError,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
  InvalidHandleError,
  WaitAbortedError,
};

/** The classes a process worker can use through the pool, by the name their proxies carry. */
export type RemoteType = 'Queue' | 'JoinableQueue' | 'Connection';

/** Whether `value` is a live @weft/sync-primitives shared primitive. */
export function isSharedPrimitive(value: unknown): boolean {
  return isBranded(value);
}

/** The structured-clonable handle of a shared primitive. */
export function toHandle(value: unknown): unknown {
  return (value as { toHandle(): unknown }).toHandle();
}

/** Revive a handle made by {@link toHandle} (worker side). */
export function reviveShared(handle: unknown): unknown {
  return revive(handle as SharedHandle);
}

/** Mark the locks owned by a dead thread as abandoned. */
export function markOwnerDead(threadId: number): number {
  return markAll(threadId);
}

/** Which remote type `value` is, or `undefined` for anything a process worker cannot reach. */
export function remoteTypeOf(value: object): RemoteType | undefined {
  if (value instanceof JoinableQueue) return 'JoinableQueue';
  if (value instanceof Queue) return 'Queue';
  if (value instanceof Connection) return 'Connection';
  return undefined;
}

// The errors a queue or pipe call can raise, by class name: a process worker rebuilds them as
// these very classes, so `instanceof QueueEmptyError` holds there as it does in a thread.
const errorClasses: Record<string, ErrorConstructor> = Object.fromEntries(
  [
    QueueEmptyError,
    QueueFullError,
    QueueClosedError,
    TaskDoneOverflowError,
    JoinTimeoutError,
    ItemNotSerializableError,
    PipeClosedError,
    PipeTimeoutError,
    WaitAbortedError,
    InvalidArgumentError,
    InvalidHandleError,
  ].map((cls) => [cls.name, cls as unknown as ErrorConstructor]),
);

/** The @weft/sync-primitives error class named `name`, if a queue or pipe call can raise it. */
export function syncErrorClass(name: string): ErrorConstructor | undefined {
  return Object.hasOwn(errorClasses, name) ? errorClasses[name] : undefined;
}
