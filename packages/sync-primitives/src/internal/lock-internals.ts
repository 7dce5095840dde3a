// What a Condition needs from its lock (CPython's _is_owned/_release_save/_acquire_restore),
// kept off the public classes.

export interface LockInternals {
  /** Whether the calling thread holds the lock. */
  isOwned(): boolean;
  /** Release completely; returns what acquireRestore needs (a recursion count). */
  releaseSave(): number;
  acquireRestore(saved: number): void;
  acquireRestoreAsync(saved: number): Promise<void>;
}

export const lockInternals: WeakMap<object, LockInternals> = new WeakMap();
