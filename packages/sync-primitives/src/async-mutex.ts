// AsyncMutex: a lock for async code on one event loop (races across awaits). FIFO with direct
// handoff: a release gives the lock to the first waiter, so nobody barges in between.
import { defineInspect, showState } from './internal/inspect.js';
import { LockNotHeldError, LockTimeoutError } from './errors.js';
import { Guard, runGuardedAsync, type LockGuard } from './guard.js';
import { acquireDeadline, checkFunction, checkLiveSignal } from './internal/validate.js';
import {
  enqueue,
  rejected,
  FALSE,
  timedOutFalse as timedOut,
  TRUE,
  WaitQueue,
} from './internal/wait-queue.js';
import { watchWait } from './internal/telemetry.js';
import type { AsyncAcquireOptions, AsyncWaitOptions } from './options.js';

/**
 * A mutual-exclusion lock for async code on one event loop (Python's `asyncio.Lock`): FIFO fair,
 * a `tryAcquire()` that really is synchronous, no allocation when uncontended, and a waiter that
 * times out or aborts leaves the queue at once. For threads, use {@link Mutex}.
 *
 * @example
 * ```ts
 * import { AsyncMutex } from '@weft/sync-primitives';
 * const mutex = new AsyncMutex();
 * await mutex.withLockAsync(async () => {
 *   const balance = await read();
 *   await write(balance + 1); // no other task interleaves here
 * });
 * ```
 */
export class AsyncMutex {
  #locked = false;
  readonly #queue = new WaitQueue<boolean>();

  /**
   * Take the lock, waiting in FIFO order.
   *
   * @param options - `blocking: false` (try once), `timeout` (ms) and `signal`.
   * @returns `true` once taken; `false` on timeout or a failed non-blocking try.
   * @throws {@link WaitAbortedError} (rejection) when `signal` aborts.
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * const mutex = new AsyncMutex();
   * await mutex.acquire();
   * try {
   *   // critical section
   * } finally {
   *   mutex.release();
   * }
   * ```
   */
  acquire(options?: AsyncAcquireOptions): Promise<boolean> {
    if (options === undefined) {
      if (!this.#locked) {
        this.#locked = true;
        return TRUE;
      }
      return watchWait('AsyncMutex', enqueue(this.#queue, undefined, undefined, timedOut));
    }
    try {
      const deadline = acquireDeadline(options, 'AsyncMutex.acquire');
      const signal = checkLiveSignal(options.signal, 'AsyncMutex.acquire');
      if (!this.#locked) {
        this.#locked = true;
        return TRUE;
      }
      if (deadline === -Infinity) return FALSE;
      return watchWait('AsyncMutex', enqueue(this.#queue, options.timeout, signal, timedOut));
    } catch (error) {
      return rejected(error as Error);
    }
  }

  /**
   * Take the lock if it is free, synchronously.
   *
   * @returns Whether the lock was taken.
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * const mutex = new AsyncMutex();
   * if (mutex.tryAcquire()) mutex.release();
   * ```
   */
  tryAcquire(): boolean {
    if (this.#locked) return false;
    this.#locked = true;
    return true;
  }

  /**
   * Release the lock, handing it to the first waiter if any.
   *
   * @throws {@link LockNotHeldError} if it is not locked.
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * const mutex = new AsyncMutex();
   * mutex.tryAcquire();
   * mutex.release();
   * ```
   */
  release(): void {
    if (!this.#locked) throw new LockNotHeldError('AsyncMutex.release: the mutex is not locked');
    const next = this.#queue.head;
    if (next === undefined) this.#locked = false;
    else next.resolve(true);
  }

  /**
   * Take the lock and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * const mutex = new AsyncMutex();
   * {
   *   await using guard = await mutex.lockAsync();
   *   // critical section
   * }
   * ```
   */
  async lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    if (!(await this.acquire(options))) {
      throw new LockTimeoutError(
        `AsyncMutex.lockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, false);
  }

  /**
   * Run `fn` holding the lock; release it when `fn` settles.
   *
   * @param fn - The critical section, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * const mutex = new AsyncMutex();
   * const value = await mutex.withLockAsync(async () => 42);
   * ```
   */
  async withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'AsyncMutex.withLockAsync: fn');
    return runGuardedAsync(await this.lockAsync(options), fn);
  }

  /**
   * Whether the lock is held.
   *
   * @returns `true` if locked.
   * @example
   * ```ts
   * import { AsyncMutex } from '@weft/sync-primitives';
   * console.log(new AsyncMutex().locked()); // false
   * ```
   */
  locked(): boolean {
    return this.#locked;
  }

  /** How many tasks are waiting. */
  get waiting(): number {
    return this.#queue.size;
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncMutex [unlocked]`:
    // the live state when printed.
    defineInspect(AsyncMutex.prototype, function (this: AsyncMutex): string {
      return showState('AsyncMutex', [
        this.#locked ? 'locked' : 'unlocked',
        this.waiting > 0 && `waiters=${this.waiting}`,
      ]);
    });
  }
}
