// A timer for any duration a user can give. Node's setTimeout silently turns a delay above
// 2^31 - 1 ms (about 24.8 days) into 1 ms; this one waits in steps no longer than that, so
// `setLongTimeout(fn, 2 ** 40)` really waits, and `Infinity` never fires. The deadline is kept on
// the monotonic clock (`performance.now()`), so a wall-clock jump (NTP, a user changing the date)
// neither shortens nor lengthens a wait.

import { InvalidArgumentError } from './errors.js';
import { checkFunction, describe } from './internal/validate.js';

/** The longest single delay Node's `setTimeout` honours, in milliseconds. */
const MAX_STEP_MS = 2 ** 31 - 1;

/**
 * A pending {@link setLongTimeout} timer.
 *
 * @example
 * ```ts
 * import { setLongTimeout } from '@weft/sync-primitives';
 *
 * const timer = setLongTimeout(() => console.log('never printed'), 2 ** 40);
 * timer.unref(); // does not keep the process alive
 * timer.clear();
 * console.log(timer.hasRef()); // false
 * ```
 */
export interface LongTimeout {
  /** Cancels the timer; the callback will not run. Calling it again does nothing. */
  clear(): void;
  /** Keeps the process alive while the timer is pending (the default). */
  ref(): LongTimeout;
  /** Lets the process exit while the timer is pending. */
  unref(): LongTimeout;
  /** Whether the timer currently keeps the process alive. False once it fired or was cleared. */
  hasRef(): boolean;
}

/**
 * Runs `callback` once after `ms` milliseconds, for any `ms` from 0 up to `Infinity`.
 *
 * Unlike `setTimeout`, delays above 2^31 - 1 ms are honoured (the wait is split into steps
 * Node accepts), and `Infinity` means "never": no timer is armed at all. Time is measured on the
 * monotonic clock, so changing the system date does not move the deadline. Negative or `NaN`
 * delays are treated as 0, as `setTimeout` does.
 *
 * @param callback - Called once when the delay has passed.
 * @param ms - The delay in milliseconds.
 * @returns A handle to clear, ref or unref the timer.
 *
 * @example
 * ```ts
 * import { setLongTimeout } from '@weft/sync-primitives';
 *
 * const timer = setLongTimeout(() => console.log('fired after 10 ms'), 10);
 * // timer.clear() would cancel it
 * ```
 */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  checkFunction(callback, 'setLongTimeout: callback');
  if (typeof ms !== 'number') {
    throw new InvalidArgumentError(
      `setLongTimeout: ms must be a number of milliseconds; got ${describe(ms)}`,
    );
  }
  return new LongTimer(callback, Number.isNaN(ms) || ms < 0 ? 0 : ms);
}

// One object per timer, its methods on the prototype, and Node's timer calling one static function
// with the timer as its argument: no closures made per timer. Timers are made on hot paths
// (a pool task's timeout, a worker's idle timer, a lock wait's timeout, a job's deferred start
// report), and the closures of a function-per-timer version cost more than Node's timer itself.
class LongTimer implements LongTimeout {
  readonly #callback: () => void;
  readonly #delay: number;
  readonly #deadline: number;
  #handle: ReturnType<typeof setTimeout> | undefined = undefined;
  #referenced = true;
  #done: boolean;

  constructor(callback: () => void, delay: number) {
    this.#callback = callback;
    this.#delay = delay;
    this.#deadline = performance.now() + delay;
    this.#done = delay === Infinity;
    if (!this.#done) this.#arm(delay);
  }

  #arm(wait: number): void {
    this.#handle = setTimeout(LongTimer.#fire, Math.min(wait, MAX_STEP_MS), this);
    if (!this.#referenced) this.#handle.unref();
  }

  static #fire(timer: LongTimer): void {
    timer.#step();
  }

  /** Node's timer ran out: fire, or wait the next step of a delay longer than one step. */
  #step(): void {
    const left = this.#deadline - performance.now();
    if (left > 0 && this.#delay > MAX_STEP_MS) {
      this.#arm(left);
      return;
    }
    this.#done = true;
    this.#handle = undefined;
    this.#callback();
  }

  clear(): void {
    this.#done = true;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  ref(): LongTimeout {
    this.#referenced = true;
    this.#handle?.ref();
    return this;
  }

  unref(): LongTimeout {
    this.#referenced = false;
    this.#handle?.unref();
    return this;
  }

  hasRef(): boolean {
    return !this.#done && this.#referenced;
  }
}
