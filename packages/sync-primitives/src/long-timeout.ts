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
  const delay = Number.isNaN(ms) || ms < 0 ? 0 : ms;
  const deadline = performance.now() + delay;
  let handle: ReturnType<typeof setTimeout> | undefined;
  let referenced = true;
  let done = delay === Infinity;

  const arm = (wait: number): void => {
    handle = setTimeout(step, Math.min(wait, MAX_STEP_MS));
    if (!referenced) handle.unref();
  };
  function step(): void {
    const left = deadline - performance.now();
    if (left > 0 && delay > MAX_STEP_MS) {
      arm(left);
      return;
    }
    done = true;
    handle = undefined;
    callback();
  }
  if (!done) arm(delay);

  const timer: LongTimeout = {
    clear() {
      done = true;
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
    ref() {
      referenced = true;
      handle?.ref();
      return timer;
    },
    unref() {
      referenced = false;
      handle?.unref();
      return timer;
    },
    hasRef() {
      return !done && referenced;
    },
  };
  return timer;
}
