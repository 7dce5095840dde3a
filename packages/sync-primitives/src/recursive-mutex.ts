// RecursiveMutex: a cross-thread lock its owner thread may take again (Python's threading.RLock),
// on the same three-state futex core as Mutex plus a recursion count only the owner touches.
import { defineInspect, showState, ownerPart } from './internal/inspect.js';
import {
  AbandonedLockError,
  LockNotHeldError,
  LockNotOwnedError,
  LockTimeoutError,
} from './errors.js';
import { Guard, runGuarded, runGuardedAsync, type LockGuard } from './guard.js';
import {
  ABANDONED,
  CORE_WORDS,
  OWNER,
  lockSlow,
  markDead,
  ownerOf,
  spinLock,
  takeAbandoned,
  tryLock,
  unlock,
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

const COUNT = CORE_WORDS;

/**
 * A reentrant cross-thread lock (Python's `threading.RLock`): the owning thread may acquire it
 * again, and it unlocks at the outermost release. Only the owner may release it. Ownership is per
 * thread: async code on the owner's thread re-enters too, so use {@link AsyncMutex} to exclude
 * tasks of one event loop from each other.
 *
 * @example
 * ```ts
 * import { RecursiveMutex } from '@weft/sync-primitives';
 * const lock = new RecursiveMutex();
 * lock.withLock(() => lock.withLock(() => console.log(lock.count))); // 2
 * ```
 */
export class RecursiveMutex {
  /** Bytes one RecursiveMutex occupies in a shared buffer. */
  static readonly byteLength: number = (CORE_WORDS + 1) * 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;
  readonly #fair: Fairness = { next: 0 };

  /**
   * Create a reentrant mutex.
   *
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidBufferError} for a bad region.
   */
  constructor(options?: PlacementOptions) {
    this.#placed = place(options, RecursiveMutex.byteLength, 'RecursiveMutex');
    this.#s = this.#placed.i32;
    brand(this);
    trackLock(this, RecursiveMutex.#markDead);
    lockInternals.set(this, {
      isOwned: () => this.#owned(),
      releaseSave: () => {
        const saved = this.#s[COUNT]!;
        this.#s[COUNT] = 0;
        unlock(this.#s, this.#fair);
        return saved;
      },
      acquireRestore: (saved) => {
        if (!spinLock(this.#s)) runSync(lockSlow(this.#s), Infinity);
        this.#s[COUNT] = saved;
      },
      acquireRestoreAsync: async (saved) => {
        if (!spinLock(this.#s)) await runAsync(lockSlow(this.#s), Infinity, undefined);
        this.#s[COUNT] = saved;
      },
    });
  }

  static #markDead(m: RecursiveMutex, tag: number): boolean {
    if (m.#s[OWNER] !== tag) return false;
    m.#s[COUNT] = 0;
    return markDead(m.#s, tag);
  }

  /**
   * Revive a reentrant mutex from a handle made in another thread.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same lock.
   * @throws {@link InvalidHandleError} if it is not a RecursiveMutex handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = RecursiveMutex.from(workerData.lock);
   * ```
   */
  static from(handle: SharedHandle): RecursiveMutex {
    const p = openHandle(handle, 'RecursiveMutex', RecursiveMutex.byteLength);
    return new RecursiveMutex({ buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this lock as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * worker.postMessage(new RecursiveMutex().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('RecursiveMutex', this.#placed);
  }

  #owned(): boolean {
    return this.#s[OWNER] === OWNER_TAG && Atomics.load(this.#s, 0) !== 0;
  }

  #took(raise: boolean): boolean {
    this.#s[COUNT] = 1;
    if (this.#s[ABANDONED] === 0) return false;
    const tag = takeAbandoned(this.#s);
    if (tag === 0) return false;
    if (raise) {
      throw new AbandonedLockError(
        `RecursiveMutex: the previous owner (thread ${tag - 1}) exited while holding the lock; you hold it now`,
        tag - 1,
      );
    }
    return true;
  }

  /**
   * Take the lock (again, if this thread owns it), Python style.
   *
   * @param options - `{ blocking: false }` or `{ timeout }` in ms.
   * @returns `true` if taken, `false` if not.
   * @throws {@link AbandonedLockError} when the previous owner died holding it (you hold it now).
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * lock.acquire();
   * lock.acquire({ blocking: false }); // true: we own it
   * lock.release();
   * lock.release();
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'RecursiveMutex.acquire');
    const s = this.#s;
    if (this.#owned()) {
      s[COUNT]!++;
      return true;
    }
    if (
      !tryLock(s) &&
      (deadline === -Infinity || (!spinLock(s) && !runSync(lockSlow(s), deadline)))
    )
      return false;
    this.#took(true);
    return true;
  }

  /**
   * Take the lock if free or already ours, without waiting.
   *
   * @returns Whether the lock was taken.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * console.log(lock.tryAcquire()); // true
   * ```
   */
  tryAcquire(): boolean {
    return this.acquire({ blocking: false });
  }

  /**
   * Release one level; the lock unlocks at the outermost release.
   *
   * @throws {@link LockNotHeldError} if it is not locked; {@link LockNotOwnedError} if another
   *   thread owns it.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * lock.acquire();
   * lock.release();
   * ```
   */
  release(): void {
    const s = this.#s;
    if (Atomics.load(s, 0) === 0) {
      throw new LockNotHeldError('RecursiveMutex.release: the lock is not locked');
    }
    if (s[OWNER] !== OWNER_TAG) {
      throw new LockNotOwnedError(
        `RecursiveMutex.release: thread ${OWNER_TAG - 1} does not own this lock (owner: thread ${String(this.owner())}); only the owner may release it`,
      );
    }
    if (--s[COUNT]! === 0) unlock(s, this.#fair);
  }

  /**
   * Take the lock and return a guard for `using`.
   *
   * @param options - `{ timeout }` in ms.
   * @returns The guard.
   * @throws {@link LockTimeoutError} on timeout.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * { using outer = lock.lock(); using inner = lock.lock(); }
   * ```
   */
  lock(options?: LockOptions): LockGuard {
    const deadline =
      options === undefined ? Infinity : waitDeadline(options, 'RecursiveMutex.lock');
    const s = this.#s;
    if (this.#owned()) {
      s[COUNT]!++;
      return new Guard(this, false);
    }
    if (!spinLock(s) && !runSync(lockSlow(s), deadline)) {
      throw new LockTimeoutError(
        `RecursiveMutex.lock: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, this.#took(false));
  }

  /**
   * Run `fn` holding the lock; release it when `fn` returns or throws.
   *
   * @param fn - The critical section.
   * @param options - `{ timeout }` in ms.
   * @returns What `fn` returned.
   * @throws {@link LockTimeoutError} on timeout; whatever `fn` throws.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * lock.withLock(() => lock.withLock(() => 1));
   * ```
   */
  withLock<T>(fn: (guard: LockGuard) => T, options?: LockOptions): T {
    checkFunction(fn, 'RecursiveMutex.withLock: fn');
    return runGuarded(this.lock(options), fn);
  }

  /**
   * Take the lock without blocking the event loop.
   *
   * @param options - `blocking`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * if (await lock.acquireAsync({ timeout: 100 })) lock.release();
   * ```
   */
  async acquireAsync(options?: AsyncAcquireOptions): Promise<boolean> {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'RecursiveMutex.acquireAsync');
    const signal = checkLiveSignal(options?.signal, 'RecursiveMutex.acquireAsync');
    const s = this.#s;
    if (this.#owned()) {
      s[COUNT]!++;
      return true;
    }
    if (
      !tryLock(s) &&
      (deadline === -Infinity || (!spinLock(s) && !(await runAsync(lockSlow(s), deadline, signal))))
    )
      return false;
    this.#took(true);
    return true;
  }

  /**
   * Take the lock without blocking the event loop and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * { await using guard = await lock.lockAsync(); }
   * ```
   */
  async lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    const deadline =
      options === undefined ? Infinity : waitDeadline(options, 'RecursiveMutex.lockAsync');
    const signal = checkLiveSignal(options?.signal, 'RecursiveMutex.lockAsync');
    const s = this.#s;
    if (this.#owned()) {
      s[COUNT]!++;
      return new Guard(this, false);
    }
    if (!spinLock(s) && !(await runAsync(lockSlow(s), deadline, signal))) {
      throw new LockTimeoutError(
        `RecursiveMutex.lockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, this.#took(false));
  }

  /**
   * Run `fn` holding the lock, taken without blocking the event loop.
   *
   * @param fn - The critical section, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * const lock = new RecursiveMutex();
   * await lock.withLockAsync(async () => 1);
   * ```
   */
  async withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'RecursiveMutex.withLockAsync: fn');
    return runGuardedAsync(await this.lockAsync(options), fn);
  }

  /**
   * Whether the lock is held.
   *
   * @returns `true` if locked.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * console.log(new RecursiveMutex().locked()); // false
   * ```
   */
  locked(): boolean {
    return Atomics.load(this.#s, 0) !== 0;
  }

  /**
   * The owner's `threadId`, for debugging.
   *
   * @returns The owner's `threadId`, or `undefined` when free.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * console.log(new RecursiveMutex().owner()); // undefined
   * ```
   */
  owner(): number | undefined {
    return ownerOf(this.#s);
  }

  /** The recursion depth when the calling thread owns the lock, else 0. */
  get count(): number {
    return this.#owned() ? this.#s[COUNT]! : 0;
  }

  /**
   * Whether the lock is marked abandoned (its owner died holding it; nobody took it since).
   *
   * @returns `true` until the next acquirer takes it over.
   * @example
   * ```ts
   * import { RecursiveMutex } from '@weft/sync-primitives';
   * console.log(new RecursiveMutex().isAbandoned()); // false
   * ```
   */
  isAbandoned(): boolean {
    return Atomics.load(this.#s, ABANDONED) !== 0;
  }

  static {
    // What util.inspect and console.log print, e.g. `RecursiveMutex [unlocked]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(RecursiveMutex.prototype, function (this: RecursiveMutex): string {
      const locked = this.locked();
      return showState('RecursiveMutex', [
        locked ? 'locked' : 'unlocked',
        locked && ownerPart(this.owner()),
        locked && `count=${Atomics.load(this.#s, COUNT)}`,
        this.isAbandoned() && 'abandoned',
      ]);
    });
  }
}
