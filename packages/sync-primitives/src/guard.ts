// The scoped form of every lock: a guard released by `using`/`await using`, or by hand.

/**
 * A held lock; disposing it (`using`, `await using`) or calling `release()` releases the lock
 * once; later calls do nothing.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * {
 *   using guard = mutex.lock();
 *   if (guard.abandoned) console.log('the previous owner died holding it: repair the data');
 * } // released here, even on throw
 * ```
 */
export interface LockGuard extends Disposable, AsyncDisposable {
  /** True when the lock was taken over from an owner thread that died holding it. */
  readonly abandoned: boolean;
  /** Whether this guard has released its lock. */
  readonly released: boolean;
  /** Release the lock (idempotent). */
  release(): void;
}

/** Something a guard can release. */
export interface Releasable {
  release(): void;
}

/** The one implementation of {@link LockGuard}. */
export class Guard implements LockGuard {
  readonly #lock: Releasable;
  #released = false;
  /** Set by the lock right after acquiring (a guard is made before, to keep the hold short). */
  abandoned: boolean;

  constructor(lock: Releasable, abandoned = false) {
    this.#lock = lock;
    this.abandoned = abandoned;
  }

  get released(): boolean {
    return this.#released;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#lock.release();
  }

  [Symbol.dispose](): void {
    this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

/** Run `fn` under a guard and release it when `fn` returns or throws. */
export function runGuarded<T>(guard: LockGuard, fn: (guard: LockGuard) => T): T {
  try {
    return fn(guard);
  } finally {
    guard.release();
  }
}

/** Run an async `fn` under a guard and release it when `fn` settles. */
export async function runGuardedAsync<T>(
  guard: LockGuard,
  fn: (guard: LockGuard) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  try {
    return await fn(guard);
  } finally {
    guard.release();
  }
}
