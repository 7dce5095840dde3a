// AsyncEvent: a flag async tasks on one event loop can wait for (Python's asyncio.Event).
import { defineInspect, showState } from './internal/inspect.js';
import { checkLiveSignal, waitDeadline } from './internal/validate.js';
import { enqueue, rejected, timedOutFalse, TRUE, WaitQueue } from './internal/wait-queue.js';
import type { AsyncWaitOptions } from './options.js';

/**
 * A flag for async tasks on one event loop: `set()` wakes every waiter; `wait()` resolves to the
 * flag. For threads, use {@link Event}.
 *
 * @example
 * ```ts
 * import { AsyncEvent } from '@weft/sync-primitives';
 * const ready = new AsyncEvent();
 * setTimeout(() => ready.set(), 10);
 * await ready.wait();
 * ```
 */
export class AsyncEvent {
  #flag = false;
  readonly #queue = new WaitQueue<boolean>();

  /**
   * Whether the flag is set.
   *
   * @returns The flag.
   * @example
   * ```ts
   * import { AsyncEvent } from '@weft/sync-primitives';
   * console.log(new AsyncEvent().isSet()); // false
   * ```
   */
  isSet(): boolean {
    return this.#flag;
  }

  /**
   * Set the flag and wake every waiter.
   *
   * @example
   * ```ts
   * import { AsyncEvent } from '@weft/sync-primitives';
   * new AsyncEvent().set();
   * ```
   */
  set(): void {
    this.#flag = true;
    for (let w = this.#queue.head; w !== undefined; w = this.#queue.head) w.resolve(true);
  }

  /**
   * Clear the flag.
   *
   * @example
   * ```ts
   * import { AsyncEvent } from '@weft/sync-primitives';
   * const event = new AsyncEvent();
   * event.set();
   * event.clear();
   * ```
   */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Wait until the flag is set.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns `true` when set; `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { AsyncEvent } from '@weft/sync-primitives';
   * console.log(await new AsyncEvent().wait({ timeout: 10 })); // false
   * ```
   */
  wait(options?: AsyncWaitOptions): Promise<boolean> {
    try {
      waitDeadline(options, 'AsyncEvent.wait');
      const signal = checkLiveSignal(options?.signal, 'AsyncEvent.wait');
      if (this.#flag) return TRUE;
      return enqueue(this.#queue, options?.timeout, signal, timedOutFalse);
    } catch (error) {
      return rejected(error as Error);
    }
  }

  /** How many tasks are waiting. */
  get waiting(): number {
    return this.#queue.size;
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncEvent [unset]`:
    // the live state when printed.
    defineInspect(AsyncEvent.prototype, function (this: AsyncEvent): string {
      return showState('AsyncEvent', [
        this.isSet() ? 'set' : 'unset',
        this.waiting > 0 && `waiters=${this.waiting}`,
      ]);
    });
  }
}
