// Semaphore and BoundedSemaphore: a shared permit counter (Python's threading.Semaphore and
// BoundedSemaphore). Waiters register in a count before parking, so a release notifies only when
// someone may be parked; sequentially consistent Atomics make that check race-free.
import { defineInspect, showState } from './internal/inspect.js';
import { InvalidArgumentError, LockTimeoutError, SemaphoreOverReleaseError } from './errors.js';
import { Guard, runGuarded, runGuardedAsync, type LockGuard } from './guard.js';
import { SPIN } from './internal/futex.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import {
  acquireDeadline,
  checkCount,
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

const VALUE = 0;
const WAITERS = 1;
/** `bound + 1` for a BoundedSemaphore, 0 for an unbounded one. */
const BOUND = 2;

let reviving = false;

function tryTake(s: Int32Array): boolean {
  let v = Atomics.load(s, VALUE);
  while (v > 0) {
    const seen = Atomics.compareExchange(s, VALUE, v, v - 1);
    if (seen === v) return true;
    v = seen;
  }
  return false;
}

/** A short spin before parking, for a permit that is about to come back. */
function spinTake(s: Int32Array): boolean {
  for (let i = 0; i < SPIN; i++) {
    if (Atomics.load(s, VALUE) > 0 && tryTake(s)) return true;
  }
  return false;
}

function* takeSlow(s: Int32Array): Slow<boolean> {
  for (;;) {
    if (tryTake(s)) return true;
    Atomics.add(s, WAITERS, 1);
    let r;
    try {
      if (tryTake(s)) return true;
      r = yield { i32: s, index: VALUE, expected: 0 };
    } finally {
      Atomics.sub(s, WAITERS, 1);
    }
    if (r === 'timed-out') return tryTake(s);
    if (spinTake(s)) return true; // woken: spin again before parking again
  }
}

/**
 * A counter of permits shared by threads (Python's `threading.Semaphore`): `acquire()` takes a
 * permit, waiting while there is none; `release(n)` gives `n` back. It has no owner: any thread
 * may release.
 *
 * @example
 * ```ts
 * import { Semaphore } from '@weft/sync-primitives';
 * const slots = new Semaphore(3); // at most 3 threads inside
 * slots.withLock(() => download());
 * ```
 */
export class Semaphore {
  /** Bytes one Semaphore occupies in a shared buffer. */
  static readonly byteLength: number = 12;

  readonly #placed: Placed;
  readonly #s: Int32Array;

  /**
   * Create a semaphore with `value` permits.
   *
   * @param value - Initial permits, an integer ≥ 0.
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidArgumentError} for a negative or non-integer value;
   *   {@link InvalidBufferError} for a bad region.
   */
  constructor(value = 1, options?: PlacementOptions) {
    const bounded = new.target === BoundedSemaphore;
    const type = bounded ? 'BoundedSemaphore' : 'Semaphore';
    this.#placed = place(options, Semaphore.byteLength, type);
    this.#s = this.#placed.i32;
    if (!reviving) {
      checkCount(value, `${type}: value`);
      Atomics.store(this.#s, VALUE, value);
      Atomics.store(this.#s, BOUND, bounded ? value + 1 : 0);
    } else if ((Atomics.load(this.#s, BOUND) !== 0) !== bounded) {
      throw new InvalidArgumentError(
        `${type}.from: the memory holds a ${bounded ? 'Semaphore' : 'BoundedSemaphore'}`,
      );
    }
    brand(this);
  }

  /**
   * Revive a semaphore from a handle made in another thread; its count is untouched.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same semaphore.
   * @throws {@link InvalidHandleError} if it is not a Semaphore handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Semaphore } from '@weft/sync-primitives';
   * const slots = Semaphore.from(workerData.slots);
   * ```
   */
  static from(handle: SharedHandle): Semaphore {
    return revive(Semaphore, handle, 'Semaphore');
  }

  /**
   * Describe this semaphore as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * worker.postMessage(new Semaphore(2).toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle(this.#bound() === undefined ? 'Semaphore' : 'BoundedSemaphore', this.#placed);
  }

  #bound(): number | undefined {
    const b = this.#s[BOUND]!;
    return b === 0 ? undefined : b - 1;
  }

  /** Permits available now. */
  get value(): number {
    return Atomics.load(this.#s, VALUE);
  }

  /**
   * Take a permit, Python style.
   *
   * @param options - `{ blocking: false }` or `{ timeout }` in ms.
   * @returns `true` if a permit was taken, `false` if not.
   * @throws {@link InvalidArgumentError} for bad options.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * const s = new Semaphore(1);
   * s.acquire();                                 // true
   * console.log(s.acquire({ blocking: false })); // false
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'Semaphore.acquire');
    if (tryTake(this.#s)) return true;
    if (deadline === -Infinity) return false;
    return spinTake(this.#s) || runSync(takeSlow(this.#s), deadline);
  }

  /**
   * Take a permit if one is free, without waiting.
   *
   * @returns Whether a permit was taken.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * console.log(new Semaphore(0).tryAcquire()); // false
   * ```
   */
  tryAcquire(): boolean {
    return tryTake(this.#s);
  }

  /**
   * Give permits back and wake as many waiters.
   *
   * @param n - How many permits, an integer ≥ 1.
   * @throws {@link SemaphoreOverReleaseError} if a BoundedSemaphore would exceed its initial value;
   *   {@link InvalidArgumentError} for a bad `n`.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * const s = new Semaphore(0);
   * s.release(2);
   * ```
   */
  release(n = 1): void {
    checkCount(n, 'Semaphore.release: n', 1);
    const s = this.#s;
    const bound = this.#bound();
    if (bound === undefined) {
      Atomics.add(s, VALUE, n);
    } else {
      let v = Atomics.load(s, VALUE);
      for (;;) {
        if (v + n > bound) {
          throw new SemaphoreOverReleaseError(
            `BoundedSemaphore.release: releasing ${n} would raise the value from ${v} to ${v + n}, above its initial value ${bound}; release only what you acquired`,
          );
        }
        const seen = Atomics.compareExchange(s, VALUE, v, v + n);
        if (seen === v) break;
        v = seen;
      }
    }
    if (Atomics.load(s, WAITERS) > 0) Atomics.notify(s, VALUE, n);
  }

  /**
   * Take a permit and return a guard that gives it back when disposed (`using`).
   *
   * @param options - `{ timeout }` in ms.
   * @returns The guard.
   * @throws {@link LockTimeoutError} on timeout.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * const slots = new Semaphore(2);
   * { using slot = slots.lock(); }
   * ```
   */
  lock(options?: LockOptions): LockGuard {
    const deadline = options === undefined ? Infinity : waitDeadline(options, 'Semaphore.lock');
    if (!tryTake(this.#s) && !spinTake(this.#s) && !runSync(takeSlow(this.#s), deadline)) {
      throw new LockTimeoutError(
        `Semaphore.lock: no permit within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, false);
  }

  /**
   * Run `fn` holding a permit; give it back when `fn` returns or throws.
   *
   * @param fn - The guarded work.
   * @param options - `{ timeout }` in ms.
   * @returns What `fn` returned.
   * @throws {@link LockTimeoutError} on timeout; what `fn` throws.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * new Semaphore(2).withLock(() => 42);
   * ```
   */
  withLock<T>(fn: (guard: LockGuard) => T, options?: LockOptions): T {
    checkFunction(fn, 'Semaphore.withLock: fn');
    return runGuarded(this.lock(options), fn);
  }

  /**
   * Take a permit without blocking the event loop.
   *
   * @param options - `blocking`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * const s = new Semaphore(1);
   * if (await s.acquireAsync({ timeout: 100 })) s.release();
   * ```
   */
  async acquireAsync(options?: AsyncAcquireOptions): Promise<boolean> {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'Semaphore.acquireAsync');
    const signal = checkLiveSignal(options?.signal, 'Semaphore.acquireAsync');
    if (tryTake(this.#s)) return true;
    if (deadline === -Infinity) return false;
    return spinTake(this.#s) || runAsync(takeSlow(this.#s), deadline, signal);
  }

  /**
   * Take a permit without blocking the event loop; the guard gives it back (`await using`).
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * const slots = new Semaphore(2);
   * { await using slot = await slots.lockAsync(); }
   * ```
   */
  async lockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    const deadline =
      options === undefined ? Infinity : waitDeadline(options, 'Semaphore.lockAsync');
    const signal = checkLiveSignal(options?.signal, 'Semaphore.lockAsync');
    if (
      !tryTake(this.#s) &&
      !spinTake(this.#s) &&
      !(await runAsync(takeSlow(this.#s), deadline, signal))
    ) {
      throw new LockTimeoutError(
        `Semaphore.lockAsync: no permit within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this, false);
  }

  /**
   * Run `fn` (sync or async) holding a permit taken without blocking the event loop.
   *
   * @param fn - The guarded work.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { Semaphore } from '@weft/sync-primitives';
   * await new Semaphore(2).withLockAsync(async () => 42);
   * ```
   */
  async withLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'Semaphore.withLockAsync: fn');
    return runGuardedAsync(await this.lockAsync(options), fn);
  }

  static {
    // What util.inspect and console.log print, e.g. `BoundedSemaphore [value=2/2]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Semaphore.prototype, function (this: Semaphore): string {
      const bound = this.#bound();
      return bound === undefined
        ? showState('Semaphore', [`value=${this.value}`])
        : showState('BoundedSemaphore', [`value=${this.value}/${bound}`]);
    });
  }
}

/**
 * A {@link Semaphore} that refuses to grow past its initial value (Python's
 * `threading.BoundedSemaphore`): an extra `release()` throws {@link SemaphoreOverReleaseError}.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from '@weft/sync-primitives';
 * const pool = new BoundedSemaphore(2);
 * pool.acquire();
 * pool.release();
 * pool.release(); // throws SemaphoreOverReleaseError
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * Revive a bounded semaphore from a handle made in another thread.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same semaphore.
   * @throws {@link InvalidHandleError} if it is not a BoundedSemaphore handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { BoundedSemaphore } from '@weft/sync-primitives';
   * const pool = BoundedSemaphore.from(workerData.pool);
   * ```
   */
  static override from(handle: SharedHandle): BoundedSemaphore {
    return revive(BoundedSemaphore, handle, 'BoundedSemaphore');
  }
}

function revive<T extends Semaphore>(
  Ctor: new (value: number, options: PlacementOptions) => T,
  handle: SharedHandle,
  type: string,
): T {
  const p = openHandle(handle, type, Semaphore.byteLength);
  reviving = true;
  try {
    return new Ctor(0, { buffer: p.buffer, byteOffset: p.byteOffset });
  } finally {
    reviving = false;
  }
}
