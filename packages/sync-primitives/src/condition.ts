// Condition: a condition variable bound to a shared Mutex or RecursiveMutex (Python's
// threading.Condition). Waiters park on a sequence word that every notify bumps, so a notify
// that lands between "release the lock" and "park" changes the word and the park returns at once:
// no lost wake-up (the bug of SAB condition variables that wait on a constant).
import { defineInspect, inspectOf, showState } from './internal/inspect.js';
import { InvalidArgumentError, LockNotOwnedError } from './errors.js';
import { lockInternals, type LockInternals } from './internal/lock-internals.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import {
  checkCount,
  checkFunction,
  checkSignal,
  deadlineOf,
  describe,
  waitDeadline,
} from './internal/validate.js';
import { Mutex } from './mutex.js';
import type { AcquireOptions, AsyncWaitOptions, PlacementOptions } from './options.js';
import { RecursiveMutex } from './recursive-mutex.js';
import { isSharedHandle, makeHandle, openHandle, type SharedHandle } from './shared-handle.js';
import { InvalidHandleError } from './errors.js';

function* park(s: Int32Array, seq: number): Slow<boolean> {
  const r = yield { i32: s, index: 0, expected: seq };
  return r !== 'timed-out';
}

/**
 * A condition variable shared by threads (Python's `threading.Condition`): hold its lock, check
 * your predicate, `wait()` (which releases the lock while parked and retakes it before
 * returning), and `notify()` from the thread that changed the state. Waits may end early without
 * a matching notify (a notify that raced with the wait counts for every waiter not yet parked),
 * so wait in a loop or use `waitFor()`.
 *
 * @example
 * ```ts
 * import { Condition, Mutex } from '@weft/sync-primitives';
 * const cond = new Condition(new Mutex());
 * // consumer
 * cond.withLock(() => {
 *   cond.waitFor(() => queue.length > 0);
 *   queue.shift();
 * });
 * // producer
 * cond.withLock(() => { queue.push(item); cond.notify(); });
 * ```
 */
export class Condition {
  /** Bytes of a Condition's own word in a shared buffer (its lock lives elsewhere). */
  static readonly byteLength: number = 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;
  readonly #internals: LockInternals;
  /** The lock this condition is bound to. */
  readonly lock: Mutex | RecursiveMutex;

  /**
   * Create a condition bound to `lock`.
   *
   * @param lock - The lock; by default a new {@link RecursiveMutex}, as Python's default is an RLock.
   * @param options - Where to place the condition's word; see {@link PlacementOptions}.
   * @throws {@link InvalidArgumentError} if `lock` is not a shared Mutex or RecursiveMutex;
   *   {@link InvalidBufferError} for a bad region.
   */
  constructor(lock?: Mutex | RecursiveMutex, options?: PlacementOptions) {
    const l = lock ?? new RecursiveMutex();
    const internals = lockInternals.get(l);
    if (internals === undefined) {
      throw new InvalidArgumentError(
        `Condition: lock must be a Mutex or RecursiveMutex; got ${describe(lock)}`,
      );
    }
    this.lock = l;
    this.#internals = internals;
    this.#placed = place(options, Condition.byteLength, 'Condition');
    this.#s = this.#placed.i32;
    brand(this);
  }

  /**
   * Revive a condition (and its lock) from a handle made in another thread.
   *
   * @param handle - What `toHandle()` returned; it carries the lock's handle.
   * @returns The same condition, bound to the same lock.
   * @throws {@link InvalidHandleError} if it is not a Condition handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Condition } from '@weft/sync-primitives';
   * const cond = Condition.from(workerData.cond);
   * ```
   */
  static from(handle: SharedHandle): Condition {
    const p = openHandle(handle, 'Condition', Condition.byteLength);
    const lockHandle = handle['lock'];
    if (!isSharedHandle(lockHandle)) {
      throw new InvalidHandleError(
        `Condition.from: the handle has no lock handle; got lock ${describe(lockHandle)}`,
      );
    }
    const lock =
      lockHandle.type === 'Mutex' ? Mutex.from(lockHandle) : RecursiveMutex.from(lockHandle);
    return new Condition(lock, { buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this condition as a structured-clonable handle (with its lock's handle inside).
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * worker.postMessage(new Condition().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('Condition', this.#placed, { lock: this.lock.toHandle() });
  }

  /**
   * Acquire the underlying lock; see {@link Mutex.acquire}.
   *
   * @param options - `{ blocking: false }` or `{ timeout }`.
   * @returns Whether the lock was taken.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.acquire();
   * cond.release();
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    return this.lock.acquire(options);
  }

  /**
   * Release the underlying lock.
   *
   * @throws what the lock's `release()` throws.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.acquire();
   * cond.release();
   * ```
   */
  release(): void {
    this.lock.release();
  }

  /**
   * Run `fn` holding the underlying lock.
   *
   * @param fn - The critical section.
   * @returns What `fn` returned.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.withLock(() => cond.notifyAll());
   * ```
   */
  withLock<T>(fn: () => T): T {
    checkFunction(fn, 'Condition.withLock: fn');
    return this.lock.withLock(fn);
  }

  #check(what: string): void {
    if (!this.#internals.isOwned()) {
      throw new LockNotOwnedError(
        `Condition.${what}: the calling thread does not hold the condition's lock; acquire it first`,
      );
    }
  }

  /**
   * Release the lock, block until notified or `timeout` ms pass, and retake the lock.
   *
   * @param timeout - Milliseconds; omitted waits forever.
   * @returns `false` if the timeout elapsed, else `true`.
   * @throws {@link LockNotOwnedError} if the calling thread does not hold the lock.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.withLock(() => cond.wait(10)); // false: nobody notified
   * ```
   */
  wait(timeout?: number): boolean {
    const deadline = deadlineOf(timeout, 'Condition.wait');
    this.#check('wait');
    const seq = Atomics.load(this.#s, 0);
    const saved = this.#internals.releaseSave();
    try {
      return runSync(park(this.#s, seq), deadline);
    } finally {
      this.#internals.acquireRestore(saved);
    }
  }

  /**
   * Wait until `predicate()` is truthy (checked under the lock), or `timeout` ms pass.
   *
   * @param predicate - The state you wait for.
   * @param timeout - Milliseconds for the whole wait; omitted waits forever.
   * @returns The predicate's last value (falsy on timeout), as Python's `wait_for`.
   * @throws {@link LockNotOwnedError} if the calling thread does not hold the lock.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * const ready = cond.withLock(() => cond.waitFor(() => items.length > 0, 100));
   * ```
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    checkFunction(predicate, 'Condition.waitFor: predicate');
    const deadline = deadlineOf(timeout, 'Condition.waitFor');
    let result = predicate();
    while (!result) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      this.wait(left === Infinity ? undefined : left);
      result = predicate();
    }
    return result;
  }

  /**
   * Release the lock, wait for a notify without blocking the event loop, and retake the lock
   * (also when the wait times out or aborts: the lock is held whenever this settles).
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns `false` if the timeout elapsed, else `true`.
   * @throws {@link LockNotOwnedError}; {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * await cond.lock.acquireAsync();
   * await cond.waitAsync({ timeout: 10 });
   * cond.release();
   * ```
   */
  async waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const deadline = waitDeadline(options, 'Condition.waitAsync');
    const signal = checkSignal(options?.signal, 'Condition.waitAsync');
    this.#check('waitAsync');
    const seq = Atomics.load(this.#s, 0);
    const saved = this.#internals.releaseSave();
    try {
      return await runAsync(park(this.#s, seq), deadline, signal);
    } finally {
      await this.#internals.acquireRestoreAsync(saved);
    }
  }

  /**
   * `waitFor` without blocking the event loop.
   *
   * @param predicate - The state you wait for.
   * @param options - `timeout` (ms, for the whole wait) and `signal`.
   * @returns The predicate's last value.
   * @throws {@link LockNotOwnedError}; {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * await cond.lock.acquireAsync();
   * await cond.waitForAsync(() => done, { timeout: 100 });
   * cond.release();
   * ```
   */
  async waitForAsync<T>(predicate: () => T, options?: AsyncWaitOptions): Promise<T> {
    checkFunction(predicate, 'Condition.waitForAsync: predicate');
    const deadline = waitDeadline(options, 'Condition.waitForAsync');
    checkSignal(options?.signal, 'Condition.waitForAsync');
    let result = predicate();
    while (!result) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await this.waitAsync(
        left === Infinity ? { ...options, timeout: Infinity } : { ...options, timeout: left },
      );
      result = predicate();
    }
    return result;
  }

  /**
   * Wake up to `n` threads waiting on this condition; call it holding the lock.
   *
   * @param n - How many waiters to wake, an integer ≥ 0.
   * @throws {@link LockNotOwnedError} if the calling thread does not hold the lock.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.withLock(() => cond.notify());
   * ```
   */
  notify(n = 1): void {
    checkCount(n, 'Condition.notify: n');
    this.#check('notify');
    if (n === 0) return;
    Atomics.add(this.#s, 0, 1);
    Atomics.notify(this.#s, 0, n);
  }

  /**
   * Wake every thread waiting on this condition; call it holding the lock.
   *
   * @throws {@link LockNotOwnedError} if the calling thread does not hold the lock.
   * @example
   * ```ts
   * import { Condition } from '@weft/sync-primitives';
   * const cond = new Condition();
   * cond.withLock(() => cond.notifyAll());
   * ```
   */
  notifyAll(): void {
    this.#check('notifyAll');
    Atomics.add(this.#s, 0, 1);
    Atomics.notify(this.#s, 0);
  }

  static {
    // What util.inspect and console.log print, e.g. `Condition [lock=RecursiveMutex [unlocked]]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Condition.prototype, function (this: Condition): string {
      return showState('Condition', [`lock=${inspectOf(this.lock)}`]);
    });
  }
}
