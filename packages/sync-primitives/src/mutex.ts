// Mutex: the cross-thread lock (Python's threading.Lock) on the three-state futex core.
import { defineInspect, showState, ownerPart } from './internal/inspect.js';
import { AbandonedLockError, LockNotHeldError, LockTimeoutError } from './errors.js';
import { Guard, runGuarded, runGuardedAsync, type LockGuard } from './guard.js';
import {
  CORE_WORDS,
  lockSlow,
  markDead,
  ownerOf,
  spinLock,
  takeAbandoned,
  tryLock,
  unlock,
  ABANDONED,
  type Fairness,
} from './internal/futex.js';
import { lockInternals } from './internal/lock-internals.js';
import { runAsync, runSync } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { OWNER_TAG } from './internal/thread.js';
import { brand, trackLock } from './internal/tracking.js';
import {
  acquireDeadline,
  checkFunction,
  checkLiveSignal,
  waitDeadline,
} from './internal/validate.js';
import type {
  AcquireOptions,
  AsyncAcquireOptions,
  AsyncWaitOptions,
  LockOptions,
  PlacementOptions,
} from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';

/**
 * A lock shared by threads (Python's `threading.Lock`): state in a SharedArrayBuffer, waits that
 * park the thread (`Atomics.wait`) or not (`Atomics.waitAsync`). Like Python's Lock, any thread
 * may release it; releasing it when unlocked throws. A blocking `acquire()` on the main thread is
 * allowed but freezes its event loop while it waits: prefer `acquireAsync()` there. Do not block a
 * thread in `acquire()` while the same thread awaits `acquireAsync()` on the same lock: the wake-up
 * may go to the async waiter, which cannot run while its thread is blocked.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * // manual, Python style
 * mutex.acquire();
 * try { counter[0]++; } finally { mutex.release(); }
 * // scoped
 * { using guard = mutex.lock(); counter[0]++; }
 * mutex.withLock(() => counter[0]++);
 * // from async code, without blocking the event loop
 * { await using guard = await mutex.lockAsync(); counter[0]++; }
 * ```
 */
export class Mutex {
  /** Bytes one Mutex occupies in a shared buffer (for placement and {@link SharedArena}). */
  static readonly byteLength: number = CORE_WORDS * 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;
  readonly #fair: Fairness = { next: 0 };

  /**
   * Create a mutex, in its own small SharedArrayBuffer or in a region of yours.
   *
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidBufferError} if the region is not a SharedArrayBuffer, misaligned or too small.
   */
  constructor(options?: PlacementOptions) {
    this.#placed = place(options, Mutex.byteLength, 'Mutex');
    this.#s = this.#placed.i32;
    brand(this);
    trackLock(this, Mutex.#markDead);
    lockInternals.set(this, {
      isOwned: () => Atomics.load(this.#s, 0) !== 0 && this.#s[1] === OWNER_TAG,
      releaseSave: () => {
        this.release();
        return 0;
      },
      acquireRestore: () => {
        if (!spinLock(this.#s)) runSync(lockSlow(this.#s), Infinity);
      },
      acquireRestoreAsync: async () => {
        if (!spinLock(this.#s)) await runAsync(lockSlow(this.#s), Infinity, undefined);
      },
    });
  }

  /**
   * Revive a mutex from a handle received from another thread: the result is the same lock.
   *
   * @param handle - What `toHandle()` returned, possibly after a structured clone.
   * @returns A Mutex over the same memory.
   * @throws {@link InvalidHandleError} if `handle` is not a Mutex handle of this package.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = Mutex.from(workerData.mutex);
   * ```
   */
  static from(handle: SharedHandle): Mutex {
    const p = openHandle(handle, 'Mutex', Mutex.byteLength);
    return new Mutex({ buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this mutex as a structured-clonable handle to send to another thread.
   *
   * @returns `{ kind: 'weft.sync', type: 'Mutex', buffer, byteOffset }`.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * worker.postMessage(new Mutex().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('Mutex', this.#placed);
  }

  /**
   * Take the lock, Python style: block until it is free, or give up per `options`.
   *
   * @param options - `{ blocking: false }` tries once; `{ timeout }` waits at most that many ms.
   * @returns `true` if the lock was taken, `false` if not (only with `blocking: false` or `timeout`).
   * @throws {@link AbandonedLockError} when the previous owner died holding it; the caller holds
   *   the lock when it catches this.
   * @throws {@link InvalidArgumentError} for a negative timeout, or a timeout with `blocking: false`.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * if (mutex.acquire({ timeout: 100 })) {
   *   try {
   *     // critical section
   *   } finally {
   *     mutex.release();
   *   }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline = options === undefined ? Infinity : acquireDeadline(options, 'Mutex.acquire');
    const s = this.#s;
    if (!tryLock(s)) {
      if (deadline === -Infinity || (!spinLock(s) && !runSync(lockSlow(s), deadline))) return false;
    }
    if (s[ABANDONED] !== 0) this.#abandoned(true);
    return true;
  }

  /**
   * Take the lock if it is free, without waiting.
   *
   * @returns Whether the lock was taken.
   * @throws {@link AbandonedLockError} as {@link Mutex.acquire} does.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * if (mutex.tryAcquire()) mutex.release();
   * ```
   */
  tryAcquire(): boolean {
    const s = this.#s;
    if (!tryLock(s)) return false;
    if (s[ABANDONED] !== 0) this.#abandoned(true);
    return true;
  }

  /**
   * Release the lock. Any thread may release it (as with Python's Lock).
   *
   * @throws {@link LockNotHeldError} if the lock is not held.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * mutex.acquire();
   * mutex.release();
   * ```
   */
  release(): void {
    if (!unlock(this.#s, this.#fair)) {
      throw new LockNotHeldError(
        'Mutex.release: the mutex is not locked; release only a lock you acquired',
      );
    }
  }

  /**
   * Take the lock and return a guard that releases it when disposed (`using`).
   *
   * @param options - `{ timeout }` in ms.
   * @returns The guard; `guard.abandoned` tells whether the previous owner died holding the lock.
   * @throws {@link LockTimeoutError} if the timeout elapsed first.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * {
   *   using guard = mutex.lock();
   *   // critical section; released at the end of the block, even on throw
   * }
   * ```
   */
  lock(options?: LockOptions): LockGuard {
    const deadline = options === undefined ? Infinity : waitDeadline(options, 'Mutex.lock');
    const s = this.#s;
    const guard = new Guard(this); // made before acquiring, so the hold stays short
    if (!spinLock(s) && !runSync(lockSlow(s), deadline)) {
      throw new LockTimeoutError(
        `Mutex.lock: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    if (s[ABANDONED] !== 0) guard.abandoned = this.#abandoned(false);
    return guard;
  }

  /**
   * Run `fn` holding the lock, and release it when `fn` returns or throws.
   *
   * @param fn - The critical section; it receives the guard.
   * @param options - `{ timeout }` in ms.
   * @returns What `fn` returned.
   * @throws {@link LockTimeoutError} if the timeout elapsed first; whatever `fn` throws.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * const value = mutex.withLock(() => ++shared[0]);
   * ```
   */
  withLock<T>(fn: (guard: LockGuard) => T, options?: LockOptions): T {
    checkFunction(fn, 'Mutex.withLock: fn');
    return runGuarded(this.lock(options), fn);
  }

  /**
   * Take the lock without blocking the event loop (`Atomics.waitAsync`), Python's boolean style.
   *
   * @param options - `blocking`, `timeout` (ms) and `signal`.
   * @returns `true` once the lock is taken, `false` on timeout or a failed non-blocking try.
   * @throws {@link WaitAbortedError} (rejection) when `signal` aborts; {@link AbandonedLockError} as
   *   {@link Mutex.acquire} does.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * if (await mutex.acquireAsync({ timeout: 100 })) {
   *   try {
   *     // critical section
   *   } finally {
   *     mutex.release();
   *   }
   * }
   * ```
   */
  async acquireAsync(options?: AsyncAcquireOptions): Promise<boolean> {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'Mutex.acquireAsync');
    const signal = checkLiveSignal(options?.signal, 'Mutex.acquireAsync');
    const s = this.#s;
    if (!tryLock(s)) {
      if (
        deadline === -Infinity ||
        (!spinLock(s) && !(await runAsync(lockSlow(s), deadline, signal)))
      )
        return false;
    }
    if (s[ABANDONED] !== 0) this.#abandoned(true);
    return true;
  }

  /**
   * Take the lock without blocking the event loop and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError} on timeout, {@link WaitAbortedError} on abort (rejections).
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * {
   *   await using guard = await mutex.lockAsync({ timeout: 1000 });
   *   // critical section
   * }
   * ```
   */
  async lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    const deadline = options === undefined ? Infinity : waitDeadline(options, 'Mutex.lockAsync');
    const signal = checkLiveSignal(options?.signal, 'Mutex.lockAsync');
    const s = this.#s;
    if (!spinLock(s) && !(await runAsync(lockSlow(s), deadline, signal))) {
      throw new LockTimeoutError(
        `Mutex.lockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, s[ABANDONED] !== 0 && this.#abandoned(false));
  }

  /**
   * Run `fn` (sync or async) holding the lock, taken without blocking the event loop; release it
   * when `fn` settles.
   *
   * @param fn - The critical section; it receives the guard.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or whatever `fn` throws.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * await mutex.withLockAsync(async () => { await writeFile('state.json', json); });
   * ```
   */
  async withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'Mutex.withLockAsync: fn');
    return runGuardedAsync(await this.lockAsync(options), fn);
  }

  /**
   * Whether the lock is held (by any thread).
   *
   * @returns `true` if locked.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * console.log(new Mutex().locked()); // false
   * ```
   */
  locked(): boolean {
    return Atomics.load(this.#s, 0) !== 0;
  }

  /**
   * The `threadId` of the thread holding the lock, for debugging.
   *
   * @returns The owner's `threadId` (0 is the main thread), or `undefined` when free or unknown.
   * @example
   * ```ts
   * import { Mutex } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * mutex.acquire();
   * console.log(mutex.owner()); // 0 on the main thread
   * ```
   */
  owner(): number | undefined {
    return ownerOf(this.#s);
  }

  /**
   * Whether the lock is marked abandoned: its owner died holding it and nobody has taken it since.
   *
   * @returns `true` until the next acquirer takes it over.
   * @example
   * ```ts
   * import { Mutex, markOwnerDead } from '@weft/sync-primitives';
   * const mutex = new Mutex();
   * console.log(mutex.isAbandoned()); // false
   * ```
   */
  isAbandoned(): boolean {
    return Atomics.load(this.#s, ABANDONED) !== 0;
  }

  static #markDead(m: Mutex, tag: number): boolean {
    return markDead(m.#s, tag);
  }

  #abandoned(raise: boolean): boolean {
    const tag = takeAbandoned(this.#s);
    if (tag === 0) return false;
    if (raise) {
      throw new AbandonedLockError(
        `Mutex: the previous owner (thread ${tag - 1}) exited while holding the lock; you hold it now, and the data it guards may be inconsistent`,
        tag - 1,
      );
    }
    return true;
  }

  static {
    // What util.inspect and console.log print, e.g. `Mutex [unlocked]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Mutex.prototype, function (this: Mutex): string {
      const locked = this.locked();
      return showState('Mutex', [
        locked ? 'locked' : 'unlocked',
        locked && ownerPart(this.owner()),
        this.isAbandoned() && 'abandoned',
      ]);
    });
  }
}
