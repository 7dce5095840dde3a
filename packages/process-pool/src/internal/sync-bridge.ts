// The bridge to @weft/sync-primitives (its handle API: packages/sync-primitives/src/shared-handle.ts
// and revive-shared.ts): recognise shared primitives, revive their
// handles in thread workers, mark locks abandoned when a thread dies, and recognise the objects
// that process workers reach through the pool (Queue, JoinableQueue, Connection). The two packages
// ship together, so the handle API is imported directly.
import {
  Connection,
  InvalidHandleError,
  ItemNotSerializableError,
  JoinableQueue,
  JoinTimeoutError,
  Queue,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
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
