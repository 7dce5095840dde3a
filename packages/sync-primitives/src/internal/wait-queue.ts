// The FIFO queue of the event-loop family: an intrusive doubly linked list, so a waiter that
// times out or aborts leaves it at once (O(1)), unlike async-mutex whose timed-out waiters stay
// queued. Each waiter owns its timer and abort listener and settles exactly once. The timer is a
// LongTimeout, so a user's timeout above 2^31 - 1 ms really waits (Node's setTimeout would fire at
// once).
import { setLongTimeout, type LongTimeout } from '../long-timeout.js';
import { abortError } from './park.js';

export class Waiter<T> {
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queue: WaitQueue<T> | undefined = undefined;
  timer: LongTimeout | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolveFn!: (value: T) => void;
  rejectFn!: (error: unknown) => void;
  /** Free slot for the primitive (arrival index, reader/writer kind…). */
  tag = 0;

  /** Settle with a value: leave the queue, drop the timer and the listener. */
  resolve(value: T): void {
    this.#cleanup();
    this.resolveFn(value);
  }

  reject(error: unknown): void {
    this.#cleanup();
    this.rejectFn(error);
  }

  #cleanup(): void {
    this.queue?.remove(this);
    this.timer?.clear();
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
    this.timer = undefined;
    this.onAbort = undefined;
  }
}

export class WaitQueue<T> {
  head: Waiter<T> | undefined = undefined;
  tail: Waiter<T> | undefined = undefined;
  size = 0;

  push(w: Waiter<T>): void {
    w.queue = this;
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  remove(w: Waiter<T>): void {
    if (w.queue !== this) return;
    if (w.prev === undefined) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === undefined) this.tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = w.next = w.queue = undefined;
    this.size--;
  }

  shift(): Waiter<T> | undefined {
    const w = this.head;
    if (w !== undefined) this.remove(w);
    return w;
  }
}

/**
 * Queue a waiter. On timeout, `onTimeout(waiter)` decides (resolve false, reject, break a
 * barrier…); on abort the waiter leaves and rejects with the abort error, then `onLeave` runs
 * (to hand on what the departure unblocks).
 */
export function enqueue<T>(
  queue: WaitQueue<T>,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  onTimeout: (waiter: Waiter<T>) => void,
  onLeave?: () => void,
  tag = 0,
): Promise<T> {
  const w = new Waiter<T>();
  w.tag = tag;
  const promise = new Promise<T>((resolve, reject) => {
    w.resolveFn = resolve;
    w.rejectFn = reject;
  });
  queue.push(w);
  if (timeout !== undefined && timeout !== Infinity) {
    w.timer = setLongTimeout(() => {
      w.timer = undefined;
      onTimeout(w);
    }, timeout);
  }
  if (signal !== undefined) {
    w.signal = signal;
    w.onAbort = (): void => {
      w.reject(abortError(signal));
      onLeave?.();
    };
    signal.addEventListener('abort', w.onAbort, { once: true });
  }
  return promise;
}

/** The usual timeout outcome: the wait resolves `false`. */
export function timedOutFalse(w: Waiter<boolean>): void {
  w.resolve(false);
}

/** Shared settled promises, so an uncontended acquire allocates nothing. */
export const TRUE: Promise<boolean> = Promise.resolve(true);
export const FALSE: Promise<boolean> = Promise.resolve(false);

/** A rejected promise for a synchronous validation error of a promise-returning method. */
export function rejected(error: Error): Promise<never> {
  return Promise.reject(error);
}
