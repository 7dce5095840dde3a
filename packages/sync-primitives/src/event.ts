// Event: a shared flag that threads can wait for (Python's threading.Event). A generation word
// makes every wait that overlapped a set() return true, even if clear() came right after.
import { defineInspect, showState } from './internal/inspect.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import { checkLiveSignal, deadlineOf, waitDeadline } from './internal/validate.js';
import type { AsyncWaitOptions, PlacementOptions } from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';

const FLAG = 0;
const GEN = 1;

/**
 * A flag shared by threads (Python's `threading.Event`): `set()` wakes every waiter, `wait()`
 * returns the flag.
 *
 * @example
 * ```ts
 * import { Event } from '@weft/sync-primitives';
 * const ready = new Event();
 * // in workers: ready.wait(); or await ready.waitAsync();
 * ready.set();
 * ```
 */
export class Event {
  /** Bytes one Event occupies in a shared buffer. */
  static readonly byteLength: number = 8;

  readonly #placed: Placed;
  readonly #s: Int32Array;

  /**
   * Create an event, initially clear.
   *
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidBufferError} for a bad region.
   */
  constructor(options?: PlacementOptions) {
    this.#placed = place(options, Event.byteLength, 'Event');
    this.#s = this.#placed.i32;
    brand(this);
  }

  /**
   * Revive an event from a handle made by `toHandle()` in another thread.
   *
   * @param handle - The handle.
   * @returns The same event.
   * @throws {@link InvalidHandleError} if it is not an Event handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Event } from '@weft/sync-primitives';
   * const ready = Event.from(workerData.ready);
   * ```
   */
  static from(handle: SharedHandle): Event {
    const p = openHandle(handle, 'Event', Event.byteLength);
    return new Event({ buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this event as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * worker.postMessage(new Event().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('Event', this.#placed);
  }

  /**
   * Whether the flag is set.
   *
   * @returns The flag.
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * console.log(new Event().isSet()); // false
   * ```
   */
  isSet(): boolean {
    return Atomics.load(this.#s, FLAG) === 1;
  }

  /**
   * Set the flag and wake every waiter.
   *
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * const done = new Event();
   * done.set();
   * ```
   */
  set(): void {
    const s = this.#s;
    if (Atomics.exchange(s, FLAG, 1) === 0) {
      Atomics.add(s, GEN, 1);
      Atomics.notify(s, GEN);
    }
  }

  /**
   * Clear the flag; later waits block until the next `set()`.
   *
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * const event = new Event();
   * event.set();
   * event.clear();
   * ```
   */
  clear(): void {
    Atomics.store(this.#s, FLAG, 0);
  }

  /**
   * Block until the flag is set or `timeout` ms pass (Python's `Event.wait`).
   *
   * @param timeout - Milliseconds; omitted waits forever.
   * @returns `true` if the flag was set (at entry, or by a `set()` during the wait), `false` on timeout.
   * @throws {@link InvalidArgumentError} for a negative timeout.
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * const event = new Event();
   * console.log(event.wait(10)); // false
   * ```
   */
  wait(timeout?: number): boolean {
    const deadline = deadlineOf(timeout, 'Event.wait');
    if (this.isSet()) return true;
    return runSync(this.#slow(), deadline);
  }

  /**
   * Wait for the flag without blocking the event loop.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns `true` if the flag was set, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) when `signal` aborts.
   * @example
   * ```ts
   * import { Event } from '@weft/sync-primitives';
   * const event = new Event();
   * setTimeout(() => event.set(), 10);
   * console.log(await event.waitAsync()); // true
   * ```
   */
  async waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const deadline = waitDeadline(options, 'Event.waitAsync');
    const signal = checkLiveSignal(options?.signal, 'Event.waitAsync');
    if (this.isSet()) return true;
    return runAsync(this.#slow(), deadline, signal);
  }

  *#slow(): Slow<boolean> {
    const s = this.#s;
    const gen = Atomics.load(s, GEN);
    if (Atomics.load(s, FLAG) === 1) return true;
    for (;;) {
      const r = yield { i32: s, index: GEN, expected: gen, swallowed: noop };
      if (Atomics.load(s, GEN) !== gen) return true;
      if (r === 'timed-out') return Atomics.load(s, FLAG) === 1;
    }
  }

  static {
    // What util.inspect and console.log print, e.g. `Event [unset]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Event.prototype, function (this: Event): string {
      return showState('Event', [this.isSet() ? 'set' : 'unset']);
    });
  }
}

function noop(): void {}
