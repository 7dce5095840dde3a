// AtomicInt32: one shared 32-bit integer cell changed only through Atomics; the lock-free answer
// to a shared counter.
import { defineInspect, showState } from './internal/inspect.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import type { PlacementOptions } from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';
import { InvalidArgumentError } from './errors.js';
import { describe } from './internal/validate.js';

function int32(value: unknown, what: string): number {
  if (
    typeof value !== 'number' ||
    ((value | 0) !== value && value >>> 0 !== value) // an int32 or a uint32 (wraps, as Int32Array)
  ) {
    throw new InvalidArgumentError(
      `AtomicInt32: ${what} must be an integer from -2^31 to 2^32 - 1; got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * A shared signed 32-bit integer updated atomically; arithmetic wraps around as Int32Array does.
 *
 * @example
 * ```ts
 * import { AtomicInt32 } from '@weft/sync-primitives';
 * const hits = new AtomicInt32();
 * hits.add(1); // from any thread, no lock needed
 * console.log(hits.load());
 * ```
 */
export class AtomicInt32 {
  /** Bytes one AtomicInt32 occupies in a shared buffer. */
  static readonly byteLength: number = 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;

  /**
   * Create a cell.
   *
   * @param initial - Starting value; when placed in an existing region it overwrites it.
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidArgumentError} if `initial` is not a 32-bit integer;
   *   {@link InvalidBufferError} for a bad region.
   */
  constructor(initial = 0, options?: PlacementOptions) {
    int32(initial, 'initial');
    this.#placed = place(options, AtomicInt32.byteLength, 'AtomicInt32');
    this.#s = this.#placed.i32;
    if (initial !== 0) Atomics.store(this.#s, 0, initial);
    brand(this);
  }

  /**
   * Revive a cell from a handle; the value is not touched.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same cell.
   * @throws {@link InvalidHandleError} if it is not an AtomicInt32 handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * const counter = AtomicInt32.from(workerData.counter);
   * ```
   */
  static from(handle: SharedHandle): AtomicInt32 {
    const p = openHandle(handle, 'AtomicInt32', AtomicInt32.byteLength);
    return new AtomicInt32(0, { buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this cell as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * worker.postMessage(new AtomicInt32().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('AtomicInt32', this.#placed);
  }

  /**
   * Read the value.
   *
   * @returns The current value.
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * console.log(new AtomicInt32(5).load()); // 5
   * ```
   */
  load(): number {
    return Atomics.load(this.#s, 0);
  }

  /**
   * Write the value.
   *
   * @param value - The new value.
   * @returns `value`.
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * new AtomicInt32().store(7);
   * ```
   */
  store(value: number): number {
    return Atomics.store(this.#s, 0, int32(value, 'store: value'));
  }

  /**
   * Add atomically.
   *
   * @param delta - Amount to add.
   * @returns The value before the addition (as `Atomics.add`).
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * const c = new AtomicInt32();
   * c.add(2); // 0
   * ```
   */
  add(delta: number): number {
    return Atomics.add(this.#s, 0, int32(delta, 'add: delta'));
  }

  /**
   * Subtract atomically.
   *
   * @param delta - Amount to subtract.
   * @returns The value before the subtraction.
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * new AtomicInt32(3).sub(1); // 3
   * ```
   */
  sub(delta: number): number {
    return Atomics.sub(this.#s, 0, int32(delta, 'sub: delta'));
  }

  /**
   * Replace the value atomically.
   *
   * @param value - The new value.
   * @returns The previous value.
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * new AtomicInt32(1).exchange(9); // 1
   * ```
   */
  exchange(value: number): number {
    return Atomics.exchange(this.#s, 0, int32(value, 'exchange: value'));
  }

  /**
   * Replace the value with `replacement` only if it equals `expected`.
   *
   * @param expected - The value you believe is there.
   * @param replacement - The value to write if so.
   * @returns The value that was there (equal to `expected` when the swap happened).
   * @example
   * ```ts
   * import { AtomicInt32 } from '@weft/sync-primitives';
   * const c = new AtomicInt32(1);
   * c.compareExchange(1, 2); // 1: swapped
   * ```
   */
  compareExchange(expected: number, replacement: number): number {
    return Atomics.compareExchange(
      this.#s,
      0,
      int32(expected, 'compareExchange: expected'),
      int32(replacement, 'compareExchange: replacement'),
    );
  }

  static {
    // What util.inspect and console.log print, e.g. `AtomicInt32 [5]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(AtomicInt32.prototype, function (this: AtomicInt32): string {
      return showState('AtomicInt32', [String(this.load())]);
    });
  }
}
