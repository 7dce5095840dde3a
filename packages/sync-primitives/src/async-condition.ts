// AsyncCondition: a condition variable for async tasks on one event loop (Python's
// asyncio.Condition), bound to an AsyncMutex. A waiter queues before it releases the lock, so a
// notify can never slip between the two.
import { defineInspect, inspectOf, showState } from './internal/inspect.js';
import { InvalidArgumentError, LockNotOwnedError } from './errors.js';
import { AsyncMutex } from './async-mutex.js';
import type { LockGuard } from './guard.js';
import { abortError } from './internal/park.js';
import {
  checkCount,
  checkFunction,
  checkSignal,
  describe,
  waitDeadline,
} from './internal/validate.js';
import { enqueue, timedOutFalse, WaitQueue } from './internal/wait-queue.js';
import type { AsyncAcquireOptions, AsyncWaitOptions } from './options.js';

/**
 * A condition variable for async tasks on one event loop. Hold its lock, check your predicate,
 * `await wait()` (the lock is released while waiting and held again when it settles, even on
 * timeout or abort), and `notify()` after changing the state. For threads, use {@link Condition}.
 *
 * @example
 * ```ts
 * import { AsyncCondition } from '@weft/sync-primitives';
 * const cond = new AsyncCondition();
 * // consumer
 * await cond.withLockAsync(async () => {
 *   await cond.waitFor(() => queue.length > 0);
 *   return queue.shift();
 * });
 * // producer
 * await cond.withLockAsync(() => { queue.push(item); cond.notify(); });
 * ```
 */
export class AsyncCondition {
  /** The lock this condition is bound to. */
  readonly lock: AsyncMutex;
  readonly #queue = new WaitQueue<boolean>();

  /**
   * Create a condition.
   *
   * @param lock - The lock to bind; by default a new {@link AsyncMutex}.
   * @throws {@link InvalidArgumentError} if `lock` is not an AsyncMutex.
   */
  constructor(lock?: AsyncMutex) {
    if (lock !== undefined && !(lock instanceof AsyncMutex)) {
      throw new InvalidArgumentError(
        `AsyncCondition: lock must be an AsyncMutex; got ${describe(lock)}`,
      );
    }
    this.lock = lock ?? new AsyncMutex();
  }

  /** How many tasks are waiting. */
  get waiting(): number {
    return this.#queue.size;
  }

  // The lock's own API, delegated as asyncio.Condition and Weft's Condition do, so that a
  // condition can be used on its own: `await cond.acquire()` rather than `cond.lock.acquire()`.

  /**
   * Take the condition's lock (its {@link AsyncMutex.acquire}).
   *
   * @param options - `blocking: false` (try once), `timeout` (ms) and `signal`.
   * @returns `true` once taken; `false` on timeout or a failed non-blocking try.
   * @throws {@link WaitAbortedError} (rejection) when `signal` aborts.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * await cond.acquire();
   * try {
   *   cond.notifyAll();
   * } finally {
   *   cond.release();
   * }
   * ```
   */
  acquire(options?: AsyncAcquireOptions): Promise<boolean> {
    return this.lock.acquire(options);
  }

  /**
   * Take the condition's lock if it is free, synchronously.
   *
   * @returns Whether the lock was taken.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * if (cond.tryAcquire()) cond.release();
   * ```
   */
  tryAcquire(): boolean {
    return this.lock.tryAcquire();
  }

  /**
   * Release the condition's lock.
   *
   * @throws {@link LockNotHeldError} if it is not locked.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * await cond.acquire();
   * cond.release();
   * ```
   */
  release(): void {
    this.lock.release();
  }

  /**
   * Whether the condition's lock is held.
   *
   * @returns `true` if locked.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * console.log(new AsyncCondition().locked()); // false
   * ```
   */
  locked(): boolean {
    return this.lock.locked();
  }

  /**
   * Take the condition's lock and return a guard for `await using` (Python's `async with cond:`).
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * {
   *   await using guard = await cond.lockAsync();
   *   cond.notify();
   * }
   * ```
   */
  lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    return this.lock.lockAsync(options);
  }

  /**
   * Run `fn` holding the condition's lock; release it when `fn` settles.
   *
   * @param fn - The critical section, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * let ready = false;
   * await cond.withLockAsync(() => {
   *   ready = true;
   *   cond.notifyAll();
   * });
   * ```
   */
  withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    return this.lock.withLockAsync(fn, options);
  }

  #check(what: string): void {
    if (!this.lock.locked()) {
      throw new LockNotOwnedError(
        `AsyncCondition.${what}: the condition's lock is not held; acquire it first`,
      );
    }
  }

  /**
   * Release the lock, wait for a notify, and take the lock again.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns `true` when notified, `false` on timeout.
   * @throws {@link LockNotOwnedError} if the lock is not held; {@link WaitAbortedError} on abort
   *   (rejections; the lock is held again in every case).
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * await cond.acquire();
   * await cond.wait({ timeout: 10 }); // false
   * cond.release();
   * ```
   */
  async wait(options?: AsyncWaitOptions): Promise<boolean> {
    waitDeadline(options, 'AsyncCondition.wait');
    const signal = checkSignal(options?.signal, 'AsyncCondition.wait');
    this.#check('wait');
    if (signal?.aborted === true) throw abortError(signal);
    const notified = enqueue(this.#queue, options?.timeout, signal, timedOutFalse);
    this.lock.release();
    try {
      return await notified;
    } finally {
      await this.lock.acquire();
    }
  }

  /**
   * Wait until `predicate()` is truthy (checked holding the lock).
   *
   * @param predicate - The state you wait for.
   * @param options - `timeout` (ms, for the whole wait) and `signal`.
   * @returns The predicate's last value (falsy on timeout).
   * @throws {@link LockNotOwnedError}; {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * await cond.withLockAsync(() => cond.waitFor(() => ready, { timeout: 100 }));
   * ```
   */
  async waitFor<T>(predicate: () => T, options?: AsyncWaitOptions): Promise<T> {
    checkFunction(predicate, 'AsyncCondition.waitFor: predicate');
    const deadline = waitDeadline(options, 'AsyncCondition.waitFor');
    checkSignal(options?.signal, 'AsyncCondition.waitFor');
    let result = predicate();
    while (!result) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await this.wait(
        left === Infinity ? { ...options, timeout: Infinity } : { ...options, timeout: left },
      );
      result = predicate();
    }
    return result;
  }

  /**
   * Wake up to `n` waiters, in FIFO order; call it holding the lock.
   *
   * @param n - How many, an integer ≥ 0.
   * @throws {@link LockNotOwnedError} if the lock is not held.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * cond.tryAcquire();
   * cond.notify();
   * cond.release();
   * ```
   */
  notify(n = 1): void {
    checkCount(n, 'AsyncCondition.notify: n');
    this.#check('notify');
    for (let i = 0; i < n; i++) {
      const w = this.#queue.head;
      if (w === undefined) return;
      w.resolve(true);
    }
  }

  /**
   * Wake every waiter; call it holding the lock.
   *
   * @throws {@link LockNotOwnedError} if the lock is not held.
   * @example
   * ```ts
   * import { AsyncCondition } from '@weft/sync-primitives';
   * const cond = new AsyncCondition();
   * cond.tryAcquire();
   * cond.notifyAll();
   * cond.release();
   * ```
   */
  notifyAll(): void {
    this.#check('notifyAll');
    for (let w = this.#queue.head; w !== undefined; w = this.#queue.head) w.resolve(true);
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncCondition [lock=AsyncMutex [unlocked]]`:
    // the live state when printed.
    defineInspect(AsyncCondition.prototype, function (this: AsyncCondition): string {
      return showState('AsyncCondition', [
        `lock=${inspectOf(this.lock)}`,
        this.waiting > 0 && `waiters=${this.waiting}`,
      ]);
    });
  }
}
