// CountDownLatch: threads wait until a shared count reaches zero (Java's CountDownLatch); the
// count word itself is the futex word, so a count-down that reaches zero wakes everyone.
import { defineInspect, showState } from './internal/inspect.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import { checkCount, checkLiveSignal, deadlineOf, waitDeadline } from './internal/validate.js';
import type { AsyncWaitOptions, PlacementOptions } from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';

let reviving = false;

function* waitZero(s: Int32Array): Slow<boolean> {
  for (;;) {
    const c = Atomics.load(s, 0);
    if (c === 0) return true;
    const r = yield { i32: s, index: 0, expected: c, swallowed: noop };
    if (r === 'timed-out') return Atomics.load(s, 0) === 0;
  }
}

function noop(): void {}

/**
 * A one-shot gate that opens when its count reaches zero: workers `countDown()`, waiters `wait()`.
 *
 * @example
 * ```ts
 * import { CountDownLatch } from '@weft/sync-primitives';
 * const loaded = new CountDownLatch(4);
 * // each of 4 workers: loaded.countDown();
 * await loaded.waitAsync(); // opens when all 4 have counted down
 * ```
 */
export class CountDownLatch {
  /** Bytes one CountDownLatch occupies in a shared buffer. */
  static readonly byteLength: number = 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;

  /**
   * Create a latch.
   *
   * @param count - How many `countDown()` calls open it; an integer ≥ 0.
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidArgumentError} for a bad count; {@link InvalidBufferError} for a bad region.
   */
  constructor(count: number, options?: PlacementOptions) {
    this.#placed = place(options, CountDownLatch.byteLength, 'CountDownLatch');
    this.#s = this.#placed.i32;
    if (!reviving) Atomics.store(this.#s, 0, checkCount(count, 'CountDownLatch: count'));
    brand(this);
  }

  /**
   * Revive a latch from a handle made in another thread.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same latch.
   * @throws {@link InvalidHandleError} if it is not a CountDownLatch handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { CountDownLatch } from '@weft/sync-primitives';
   * CountDownLatch.from(workerData.loaded).countDown();
   * ```
   */
  static from(handle: SharedHandle): CountDownLatch {
    const p = openHandle(handle, 'CountDownLatch', CountDownLatch.byteLength);
    reviving = true;
    try {
      return new CountDownLatch(0, { buffer: p.buffer, byteOffset: p.byteOffset });
    } finally {
      reviving = false;
    }
  }

  /**
   * Describe this latch as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { CountDownLatch } from '@weft/sync-primitives';
   * worker.postMessage(new CountDownLatch(1).toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('CountDownLatch', this.#placed);
  }

  /** The count now. */
  get count(): number {
    return Atomics.load(this.#s, 0);
  }

  /**
   * Decrement the count; at zero every waiter wakes. At zero already, it does nothing.
   *
   * @example
   * ```ts
   * import { CountDownLatch } from '@weft/sync-primitives';
   * const latch = new CountDownLatch(1);
   * latch.countDown();
   * console.log(latch.count); // 0
   * ```
   */
  countDown(): void {
    const s = this.#s;
    let c = Atomics.load(s, 0);
    while (c > 0) {
      const seen = Atomics.compareExchange(s, 0, c, c - 1);
      if (seen === c) {
        if (c === 1) Atomics.notify(s, 0);
        return;
      }
      c = seen;
    }
  }

  /**
   * Block until the count is zero or `timeout` ms pass.
   *
   * @param timeout - Milliseconds; omitted waits forever.
   * @returns `true` if the count reached zero, `false` on timeout.
   * @throws {@link InvalidArgumentError} for a negative timeout.
   * @example
   * ```ts
   * import { CountDownLatch } from '@weft/sync-primitives';
   * console.log(new CountDownLatch(0).wait()); // true
   * ```
   */
  wait(timeout?: number): boolean {
    const deadline = deadlineOf(timeout, 'CountDownLatch.wait');
    if (Atomics.load(this.#s, 0) === 0) return true;
    return runSync(waitZero(this.#s), deadline);
  }

  /**
   * Wait for zero without blocking the event loop.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns `true` if the count reached zero, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { CountDownLatch } from '@weft/sync-primitives';
   * await new CountDownLatch(0).waitAsync({ timeout: 10 });
   * ```
   */
  async waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const deadline = waitDeadline(options, 'CountDownLatch.waitAsync');
    const signal = checkLiveSignal(options?.signal, 'CountDownLatch.waitAsync');
    if (Atomics.load(this.#s, 0) === 0) return true;
    return runAsync(waitZero(this.#s), deadline, signal);
  }

  static {
    // What util.inspect and console.log print, e.g. `CountDownLatch [count=2]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(CountDownLatch.prototype, function (this: CountDownLatch): string {
      return showState('CountDownLatch', [`count=${this.count}`]);
    });
  }
}
