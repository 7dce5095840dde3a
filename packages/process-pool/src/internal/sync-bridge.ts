// The optional bridge to @weft/sync-primitives (contracts §1). Read through a namespace import so
// the pool keeps working with a build of sync-primitives that predates the handle API.
import * as sync from '@weft/sync-primitives';

interface SharedHandleLike {
  readonly kind: 'weft.sync';
  readonly type: string;
}

interface SyncApi {
  isSharedPrimitive(value: unknown): boolean;
  isSharedHandle(value: unknown): boolean;
  reviveShared(handle: SharedHandleLike): unknown;
  markOwnerDead(threadId: number): number;
}

const api = sync as unknown as Partial<SyncApi>;

/** Whether `value` is a live @weft/sync-primitives shared primitive. */
export function isSharedPrimitive(value: unknown): boolean {
  return typeof api.isSharedPrimitive === 'function' && api.isSharedPrimitive(value);
}

/** The structured-clonable handle of a shared primitive. */
export function toHandle(value: unknown): unknown {
  return (value as { toHandle(): unknown }).toHandle();
}

/** Revive a handle made by {@link toHandle} (worker side). */
export function reviveShared(handle: unknown): unknown {
  if (typeof api.reviveShared !== 'function') return handle;
  return api.reviveShared(handle as SharedHandleLike);
}

/** Mark the locks owned by a dead thread as abandoned; 0 when the API is not there. */
export function markOwnerDead(threadId: number): number {
  if (typeof api.markOwnerDead !== 'function') return 0;
  try {
    return api.markOwnerDead(threadId);
  } catch {
    return 0;
  }
}
