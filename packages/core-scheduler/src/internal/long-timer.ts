// Timers for durations a user gives. Node's setTimeout turns any delay above 2^31−1 ms (about
// 24.8 days) into 1 ms, so a longer wait is made of steps no longer than that, and `Infinity`
// never fires (no timer is armed at all).

/** The longest delay Node's `setTimeout` honours, in ms. */
export const MAX_TIMER: number = 2 ** 31 - 1;

/** A pending timer made by {@link setLongTimer}; `clear()` cancels it (any number of times). */
export class LongTimer {
  #handle: ReturnType<typeof setTimeout> | undefined = undefined;
  #left: number;
  #refed = true;
  readonly #callback: () => void;

  constructor(callback: () => void, ms: number) {
    this.#callback = callback;
    this.#left = ms > 0 ? ms : 0;
    if (this.#left !== Infinity) this.#arm();
  }

  #arm(): void {
    const step = this.#left > MAX_TIMER ? MAX_TIMER : this.#left;
    this.#left -= step;
    this.#handle = setTimeout(() => {
      if (this.#left > 0) {
        this.#arm();
        return;
      }
      this.#handle = undefined;
      this.#callback();
    }, step);
    if (!this.#refed) this.#handle.unref();
  }

  /** Lets the process exit while only this timer is pending (every step of it). */
  unref(): this {
    this.#refed = false;
    this.#handle?.unref();
    return this;
  }

  clear(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/** Calls `callback` once after `ms` ms (any number up to `Infinity`, which never fires). */
export function setLongTimer(callback: () => void, ms: number): LongTimer {
  return new LongTimer(callback, ms);
}
