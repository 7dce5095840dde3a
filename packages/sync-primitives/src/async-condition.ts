// AsyncCondition: a condition variable for async tasks on one event loop (Python's
// asyncio.Condition), bound to an AsyncMutex. A waiter queues before it releases the lock, so a
// notify can never slip between the two.
import { InvalidArgumentError, LockNotOwnedError } from './errors.js';
import { AsyncMutex } from './async-mutex.js';
import { abortError } from './internal/park.js';
import { checkCount, checkSignal, deadlineOf, describe } from './internal/validate.js';
import { enqueue, timedOutFalse, WaitQueue } from './internal/wait-queue.js';
import type { AsyncWaitOptions } from './options.js';

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
 * await cond.lock.withLockAsync(async () => {
 *   await cond.waitFor(() => queue.length > 0);
 *   return queue.shift();
 * });
 * // producer
 * await cond.lock.withLockAsync(() => { queue.push(item); cond.notify(); });
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
   * await cond.lock.acquire();
   * await cond.wait({ timeout: 10 }); // false
   * cond.lock.release();
   * ```
   */
  async wait(options?: AsyncWaitOptions): Promise<boolean> {
    deadlineOf(options?.timeout);
    const signal = checkSignal(options?.signal);
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
   * await cond.lock.withLockAsync(() => cond.waitFor(() => ready, { timeout: 100 }));
   * ```
   */
  async waitFor<T>(predicate: () => T, options?: AsyncWaitOptions): Promise<T> {
    const deadline = deadlineOf(options?.timeout);
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
   * cond.lock.tryAcquire();
   * cond.notify();
   * cond.lock.release();
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
   * cond.lock.tryAcquire();
   * cond.notifyAll();
   * cond.lock.release();
   * ```
   */
  notifyAll(): void {
    this.#check('notifyAll');
    for (let w = this.#queue.head; w !== undefined; w = this.#queue.head) w.resolve(true);
  }
}
