// AsyncSemaphore: permits for async code on one event loop (Python's asyncio.Semaphore and
// BoundedSemaphore). FIFO with direct handoff: a released permit goes to the first waiter.
import { defineInspect, showState } from './internal/inspect.js';
import { LockTimeoutError, SemaphoreOverReleaseError } from './errors.js';
import { Guard, runGuardedAsync, type LockGuard } from './guard.js';
import {
  acquireDeadline,
  checkBoolean,
  checkCount,
  checkFunction,
  checkLiveSignal,
  checkOptions,
} from './internal/validate.js';
import { enqueue, rejected, FALSE, timedOutFalse, TRUE, WaitQueue } from './internal/wait-queue.js';
import { watchWait } from './internal/telemetry.js';
import type { AsyncAcquireOptions, AsyncWaitOptions } from './options.js';

/**
 * Options of an {@link AsyncSemaphore}.
 *
 * @example
 * ```ts
 * import { AsyncSemaphore } from '@weft/sync-primitives';
 * const sem = new AsyncSemaphore(4, { bounded: true });
 * ```
 */
export interface AsyncSemaphoreOptions {
  /**
   * Refuse to grow past the initial value: an extra `release()` throws
   * `SemaphoreOverReleaseError` (Python's `asyncio.BoundedSemaphore`).
   * @defaultValue `false`
   */
  readonly bounded?: boolean;
}

/**
 * A counter of permits for async code on one event loop: at most `value` tasks inside at once.
 * FIFO fair, synchronous `tryAcquire()`, no allocation when a permit is free, and waiters that time
 * out or abort leave the queue at once.
 *
 * @example
 * ```ts
 * import { AsyncSemaphore } from '@weft/sync-primitives';
 * const slots = new AsyncSemaphore(3);
 * await Promise.all(urls.map((url) => slots.withLockAsync(() => fetch(url))));
 * ```
 */
export class AsyncSemaphore {
  #value: number;
  readonly #bound: number;
  readonly #queue = new WaitQueue<boolean>();

  /**
   * Create a semaphore.
   *
   * @param value - Initial permits, an integer ≥ 0.
   * @param options - `bounded`.
   * @throws {@link InvalidArgumentError} for a negative or non-integer value.
   */
  constructor(value = 1, options?: AsyncSemaphoreOptions) {
    this.#value = checkCount(value, 'AsyncSemaphore: value');
    checkOptions(options, 'AsyncSemaphore');
    checkBoolean(options?.bounded, 'AsyncSemaphore: bounded');
    this.#bound = options?.bounded === true ? value : Infinity;
  }

  /** Permits available now. */
  get value(): number {
    return this.#value;
  }

  /** How many tasks are waiting. */
  get waiting(): number {
    return this.#queue.size;
  }

  /**
   * Take a permit, waiting in FIFO order.
   *
   * @param options - `blocking: false`, `timeout` (ms) and `signal`.
   * @returns `true` once taken; `false` on timeout or a failed non-blocking try.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { AsyncSemaphore } from '@weft/sync-primitives';
   * const sem = new AsyncSemaphore(1);
   * await sem.acquire();
   * sem.release();
   * ```
   */
  acquire(options?: AsyncAcquireOptions): Promise<boolean> {
    if (options === undefined) {
      if (this.#value > 0) {
        this.#value--;
        return TRUE;
      }
      return watchWait('AsyncSemaphore', enqueue(this.#queue, undefined, undefined, timedOutFalse));
    }
    try {
      const deadline = acquireDeadline(options, 'AsyncSemaphore.acquire');
      const signal = checkLiveSignal(options.signal, 'AsyncSemaphore.acquire');
      if (this.#value > 0) {
        this.#value--;
        return TRUE;
      }
      if (deadline === -Infinity) return FALSE;
      return watchWait(
        'AsyncSemaphore',
        enqueue(this.#queue, options.timeout, signal, timedOutFalse),
      );
    } catch (error) {
      return rejected(error as Error);
    }
  }

  /**
   * Take a permit if one is free, synchronously.
   *
   * @returns Whether a permit was taken.
   * @example
   * ```ts
   * import { AsyncSemaphore } from '@weft/sync-primitives';
   * console.log(new AsyncSemaphore(0).tryAcquire()); // false
   * ```
   */
  tryAcquire(): boolean {
    if (this.#value === 0) return false;
    this.#value--;
    return true;
  }

  /**
   * Give permits back, each to the first waiter if any.
   *
   * @param n - How many, an integer ≥ 1.
   * @throws {@link SemaphoreOverReleaseError} if bounded and it would exceed the initial value.
   * @example
   * ```ts
   * import { AsyncSemaphore } from '@weft/sync-primitives';
   * new AsyncSemaphore(0).release();
   * ```
   */
  release(n = 1): void {
    if (n !== 1) checkCount(n, 'AsyncSemaphore.release: n', 1);
    if (this.#value + n > this.#bound) {
      throw new SemaphoreOverReleaseError(
        `AsyncSemaphore.release: releasing ${n} would raise the value from ${this.#value} to ${this.#value + n}, above its bound ${this.#bound}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const next = this.#queue.head;
      if (next === undefined) this.#value++;
      else next.resolve(true);
    }
  }

  /**
   * Take a permit and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncSemaphore } from '@weft/sync-primitives';
   * const sem = new AsyncSemaphore(2);
   * { await using slot = await sem.lockAsync(); }
   * ```
   */
  async lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    if (!(await this.acquire(options))) {
      throw new LockTimeoutError(
        `AsyncSemaphore.lockAsync: no permit within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, false);
  }

  /**
   * Run `fn` holding a permit; give it back when `fn` settles.
   *
   * @param fn - The guarded work, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { AsyncSemaphore } from '@weft/sync-primitives';
   * await new AsyncSemaphore(2).withLockAsync(async () => 42);
   * ```
   */
  async withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'AsyncSemaphore.withLockAsync: fn');
    return runGuardedAsync(await this.lockAsync(options), fn);
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncSemaphore [value=2]`:
    // the live state when printed.
    defineInspect(AsyncSemaphore.prototype, function (this: AsyncSemaphore): string {
      return showState('AsyncSemaphore', [
        this.#bound === Infinity ? `value=${this.#value}` : `value=${this.#value}/${this.#bound}`,
        this.waiting > 0 && `waiters=${this.waiting}`,
      ]);
    });
  }
}
