// Queue: a FIFO of serialized items in shared memory (Python's multiprocessing.Queue and
// queue.Queue), passed to worker threads like a lock. The algorithm lives in internal/ring.ts.
import { defineInspect, showState } from './internal/inspect.js';
import {
  InvalidArgumentError,
  InvalidHandleError,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
} from './errors.js';
import { decode, encode } from './internal/codec.js';
import { runAsync, runSync } from './internal/park.js';
import { CLOSED_RING, EMPTY, MAX_CAPACITY, MIN_CAPACITY, Ring } from './internal/ring.js';
import { brand } from './internal/tracking.js';
import {
  checkBoolean,
  checkCount,
  checkLiveSignal,
  checkOptions,
  deadlineOf,
  describe,
  waitDeadline,
} from './internal/validate.js';
import type { AsyncWaitOptions } from './options.js';
import { openHandle, type SharedHandle } from './shared-handle.js';

/** Ring bytes of a queue or pipe direction when `capacityBytes` is not given. */
export const DEFAULT_CAPACITY: number = 64 * 1024;

/**
 * Options of a {@link Queue} (and {@link JoinableQueue}).
 *
 * @example
 * ```ts
 * import { Queue } from '@weft/sync-primitives';
 * const jobs = new Queue<string>({ maxsize: 100, capacityBytes: 256 * 1024 });
 * ```
 */
export interface QueueOptions {
  /**
   * Most items the queue holds; a `put` waits while it is full. `0` means unbounded (Python's
   * `maxsize <= 0`).
   * @defaultValue `0`
   */
  readonly maxsize?: number;
  /**
   * Bytes of the shared ring that carries the serialized items (rounded up to a multiple of 8;
   * 64 B to 512 MiB). Items larger than the ring still pass, in pieces, while a reader takes them.
   * @defaultValue `65536` (64 KiB)
   */
  readonly capacityBytes?: number;
}

/**
 * Options of a blocking `put()`, Python style.
 *
 * @example
 * ```ts
 * import { Queue } from '@weft/sync-primitives';
 * const queue = new Queue({ maxsize: 1 });
 * queue.put('a', { timeout: 100 });
 * queue.put('b', { block: false }); // throws QueueFullError: the queue is full
 * ```
 */
export interface QueuePutOptions {
  /**
   * `false` puts only if there is room at once, else throws `QueueFullError` (Python's
   * `put_nowait`); cannot be combined with `timeout`.
   * @defaultValue `true`
   */
  readonly block?: boolean;
  /**
   * Give up after this many milliseconds with `QueueFullError` (`Infinity` waits forever).
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * Options of a blocking `get()`, Python style.
 *
 * @example
 * ```ts
 * import { Queue } from '@weft/sync-primitives';
 * const queue = new Queue<number>();
 * queue.put(1);
 * queue.get({ timeout: 100 }); // 1
 * queue.get({ block: false }); // throws QueueEmptyError
 * ```
 */
export interface QueueGetOptions {
  /**
   * `false` takes an item only if one is there, else throws `QueueEmptyError` (Python's
   * `get_nowait`); cannot be combined with `timeout`.
   * @defaultValue `true`
   */
  readonly block?: boolean;
  /**
   * Give up after this many milliseconds with `QueueEmptyError` (`Infinity` waits forever).
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * What {@link Queue.tryGet} returns: the item, or why there was none.
 *
 * @example
 * ```ts
 * import { Queue } from '@weft/sync-primitives';
 * const queue = new Queue<number>();
 * const got = queue.tryGet();
 * if (got.ok) console.log(got.value);
 * else console.log(got.reason); // 'empty'
 * ```
 */
export type QueueTryGet<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'empty' | 'closed' };

/** Validate `{ block, timeout }` into a deadline; `-Infinity` means "try once". */
export function blockDeadline(
  options: { readonly block?: boolean; readonly timeout?: number } | undefined,
  what: string,
): number {
  if (options === undefined) return Infinity;
  checkOptions(options, what);
  checkBoolean(options.block, `${what}: block`);
  if (options.block === false) {
    if (options.timeout !== undefined) {
      throw new InvalidArgumentError(
        `${what}: timeout cannot be given with block: false (got timeout ${describe(options.timeout)}); pass one or the other`,
      );
    }
    return -Infinity;
  }
  return deadlineOf(options.timeout, what);
}

/** Validate `capacityBytes` and round it up to a multiple of 8. */
export function ringCapacity(capacityBytes: unknown, what: string): number {
  if (capacityBytes === undefined) return DEFAULT_CAPACITY;
  checkCount(capacityBytes, `${what}: capacityBytes`, MIN_CAPACITY, MAX_CAPACITY);
  return ((capacityBytes as number) + 7) & ~7;
}

/** Open a ring from a handle of `type`, checking the memory. */
export function openRing(handle: unknown, type: string, byteOffsetOf = 0): Ring {
  const p = openHandle(handle, type, 0); // the ring checks its own size below
  const at = p.byteOffset + byteOffsetOf;
  const capacity = Ring.capacityAt(p.buffer, at);
  if (typeof capacity === 'string')
    throw new InvalidHandleError(`${type}.from: the handle's memory is not a ${type}: ${capacity}`);
  return new Ring(p.buffer, at);
}

let adopted: Ring | undefined;

/** Construct a queue class over an existing ring (for `from(handle)`). */
export function adoptRing<Q>(ring: Ring, make: () => Q): Q {
  adopted = ring;
  try {
    return make();
  } finally {
    adopted = undefined;
  }
}

/** The ring under a queue (for JoinableQueue). */
export let ringOf: (queue: Queue<unknown>) => Ring;

/**
 * A first-in first-out queue shared by threads (Python's `multiprocessing.Queue`, and
 * `queue.Queue` for threads): items are serialized with `node:v8` into a ring in a
 * SharedArrayBuffer, so a `get()` in one thread wakes when a `put()` lands in another, with no
 * trip through the main thread. Pass it to a worker with `toHandle()` (or as a
 * `@weft/process-pool` task argument) and revive it with `Queue.from()`.
 *
 * Any number of threads may put and get. Items from one producer come out in the order it put
 * them; each item is taken exactly once. Items larger than the ring pass in pieces while a reader
 * takes them, and a reader never sees part of an item. Blocking `put()`/`get()` park the thread
 * (`Atomics.wait`); on the main thread prefer `putAsync()`/`getAsync()`, which never block the
 * event loop. Do not block a thread in `get()` while the same thread awaits `getAsync()` on the
 * same queue (the async get may hold the read side).
 *
 * @typeParam T - The items' type; items arrive as structured clones (class instances arrive as
 *   plain objects).
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { Queue } from '@weft/sync-primitives';
 * const results = new Queue<number>({ maxsize: 1000 });
 * new Worker('./worker.mjs', { workerData: results.toHandle() });
 * // worker.mjs: const results = Queue.from(workerData); results.put(42); results.close();
 * for await (const value of results) console.log(value);
 * ```
 */
export class Queue<T = unknown> {
  readonly #ring: Ring;

  static {
    ringOf = (queue) => queue.#ring;
  }

  /**
   * Create an empty queue in a new SharedArrayBuffer.
   *
   * @param options - `maxsize` and `capacityBytes`; see {@link QueueOptions}.
   * @throws {@link InvalidArgumentError} for a `maxsize` or `capacityBytes` out of range.
   */
  constructor(options?: QueueOptions) {
    const ring = adopted;
    adopted = undefined;
    if (ring !== undefined) {
      this.#ring = ring;
    } else {
      const what = new.target === Queue ? 'Queue' : new.target.name;
      checkOptions(options, what);
      const maxsize =
        options?.maxsize === undefined ? 0 : checkCount(options.maxsize, `${what}: maxsize`);
      const capacity = ringCapacity(options?.capacityBytes, what);
      const buffer = new SharedArrayBuffer(Ring.byteLength(capacity));
      Ring.init(buffer, 0, capacity, maxsize);
      this.#ring = new Ring(buffer, 0);
    }
    brand(this);
  }

  /**
   * Revive a queue from a handle made by `toHandle()` in another thread: the same queue.
   *
   * @typeParam T - The items' type.
   * @param handle - The handle, possibly after a structured clone.
   * @returns A Queue over the same memory.
   * @throws {@link InvalidHandleError} if `handle` is not a Queue handle of this package.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Queue } from '@weft/sync-primitives';
   * const jobs = Queue.from<string>(workerData.jobs);
   * ```
   */
  static from<T = unknown>(handle: SharedHandle): Queue<T> {
    return adoptRing(openRing(handle, 'Queue'), () => new Queue<T>());
  }

  /**
   * Describe this queue as a structured-clonable handle to send to another thread.
   *
   * @returns `{ kind: 'weft.sync', type: 'Queue', buffer, byteOffset }` (`type: 'JoinableQueue'`
   *   for a JoinableQueue).
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * worker.postMessage({ jobs: new Queue().toHandle() });
   * ```
   */
  toHandle(): SharedHandle {
    const ring = this.#ring;
    return {
      kind: 'weft.sync',
      type: ring.joinable ? 'JoinableQueue' : 'Queue',
      buffer: ring.buffer,
      byteOffset: ring.byteOffset,
    };
  }

  /**
   * Put an item at the end, waiting for room (Python's `put`). The item is serialized first, so
   * an item that cannot be serialized is refused before anything is written.
   *
   * @param item - Any structured-clonable value.
   * @param options - `{ block: false }` or `{ timeout }` (ms) for the wait for room.
   * @throws {@link QueueFullError} if no room came free in time (or at once with `block: false`).
   * @throws {@link QueueClosedError} if the queue is closed.
   * @throws {@link ItemNotSerializableError} if `item` cannot be serialized.
   * @throws {@link InvalidArgumentError} for bad options.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<{ id: number }>({ maxsize: 10 });
   * queue.put({ id: 1 });
   * queue.put({ id: 2 }, { timeout: 500 });
   * ```
   */
  put(item: T, options?: QueuePutOptions): void {
    const deadline = blockDeadline(options, 'Queue.put');
    this.#settlePut(runSync(this.#writer(item, deadline, false), deadline), options?.timeout);
  }

  /**
   * Put an item without blocking the event loop (`Atomics.waitAsync`) while waiting for room.
   *
   * @param item - Any structured-clonable value.
   * @param options - `timeout` (ms) and `signal`.
   * @returns A promise that resolves once the item is in the queue.
   * @throws {@link QueueFullError} on timeout, {@link WaitAbortedError} on abort,
   *   {@link QueueClosedError}, {@link ItemNotSerializableError} (rejections).
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<string>({ maxsize: 1 });
   * await queue.putAsync('job', { timeout: 1000, signal: AbortSignal.timeout(5000) });
   * ```
   */
  async putAsync(item: T, options?: AsyncWaitOptions): Promise<void> {
    const deadline = waitDeadline(options, 'Queue.putAsync');
    const signal = checkLiveSignal(options?.signal, 'Queue.putAsync');
    const writer = this.#writer(item, deadline, true);
    this.#settlePut(await runAsync(writer, deadline, signal), options?.timeout);
  }

  /**
   * Put an item if there is room at once (Python's `put_nowait`, returning a boolean).
   *
   * @param item - Any structured-clonable value.
   * @returns `true` if the item was put, `false` if the queue was full (or the item does not fit in
   *   the ring's free bytes right now).
   * @throws {@link QueueClosedError} if the queue is closed; {@link ItemNotSerializableError}.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue({ maxsize: 1 });
   * queue.tryPut('a'); // true
   * queue.tryPut('b'); // false
   * ```
   */
  tryPut(item: T): boolean {
    const outcome = runSync(this.#writer(item, -Infinity, false), -Infinity);
    if (outcome === 'full') return false;
    this.#settlePut(outcome, undefined);
    return true;
  }

  /**
   * Remove and return the first item, waiting for one (Python's `get`).
   *
   * @param options - `{ block: false }` or `{ timeout }` (ms).
   * @returns The item.
   * @throws {@link QueueEmptyError} if none arrived in time (or at once with `block: false`).
   * @throws {@link QueueClosedError} once the queue is closed and every item has been taken.
   * @throws {@link InvalidArgumentError} for bad options.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<number>();
   * queue.put(1);
   * console.log(queue.get({ timeout: 100 })); // 1
   * ```
   */
  get(options?: QueueGetOptions): T {
    const deadline = blockDeadline(options, 'Queue.get');
    return this.#settleGet(
      runSync(this.#ring.read(deadline === -Infinity, decode), deadline),
      options?.timeout,
    );
  }

  /**
   * Remove and return the first item without blocking the event loop. An aborted or timed-out
   * get leaves no trace: the next item goes to a live getter. Once the first piece of a large item
   * has been taken, the get completes with that item even if its signal aborts meanwhile
   * (abandoning it would lose the item).
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The item.
   * @throws {@link QueueEmptyError} on timeout, {@link WaitAbortedError} on abort,
   *   {@link QueueClosedError} once closed and drained (rejections).
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = Queue.from<string>(handle);
   * const job = await queue.getAsync({ signal: AbortSignal.timeout(1000) });
   * ```
   */
  async getAsync(options?: AsyncWaitOptions): Promise<T> {
    const deadline = waitDeadline(options, 'Queue.getAsync');
    const signal = checkLiveSignal(options?.signal, 'Queue.getAsync');
    return this.#settleGet(
      await runAsync(this.#ring.read(false, decode), deadline, signal),
      options?.timeout,
    );
  }

  /**
   * Take the first item if one is there, without waiting and without throwing for "empty".
   *
   * @returns `{ ok: true, value }`, or `{ ok: false, reason: 'empty' | 'closed' }`.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<number>();
   * queue.put(7);
   * const got = queue.tryGet();
   * if (got.ok) console.log(got.value); // 7
   * ```
   */
  tryGet(): QueueTryGet<T> {
    const got = runSync(this.#ring.read(true, decode), -Infinity);
    if (got === EMPTY) return { ok: false, reason: 'empty' };
    if (got === CLOSED_RING) return { ok: false, reason: 'closed' };
    return { ok: true, value: got as T };
  }

  /**
   * How many items are in the queue: approximate, as Python says, since other threads put and get
   * at the same time.
   *
   * @returns The number of complete items not yet taken.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue();
   * queue.put('a');
   * console.log(queue.size()); // 1
   * ```
   */
  size(): number {
    return this.#ring.items();
  }

  /**
   * Whether the queue is empty (approximate, as {@link Queue.size}).
   *
   * @returns `true` if no complete item is in the queue.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * console.log(new Queue().empty()); // true
   * ```
   */
  empty(): boolean {
    return this.#ring.items() === 0;
  }

  /**
   * Whether the queue holds `maxsize` items (approximate; always `false` when unbounded).
   *
   * @returns `true` if a put would wait for room.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue({ maxsize: 1 });
   * queue.put('a');
   * console.log(queue.full()); // true
   * ```
   */
  full(): boolean {
    const max = this.#ring.maxsize;
    return max > 0 && this.#ring.items() >= max;
  }

  /**
   * Close the queue for every thread: later puts throw {@link QueueClosedError}; getters take
   * what is left, then get {@link QueueClosedError}; puts waiting for room fail (a large item
   * half-written is withdrawn). Idempotent. (Python's `close()` only closes the calling
   * process's end; here the queue is one shared object.)
   *
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<number>();
   * queue.put(1);
   * queue.close();
   * queue.get(); // 1
   * queue.get(); // throws QueueClosedError
   * ```
   */
  close(): void {
    this.#ring.close();
  }

  /**
   * Whether {@link Queue.close} was called (by any thread).
   *
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue();
   * queue.close();
   * console.log(queue.closed); // true
   * ```
   */
  get closed(): boolean {
    return this.#ring.closed();
  }

  /**
   * Iterate over items as they arrive (with `getAsync()`); the loop ends when the queue is closed
   * and drained.
   *
   * @returns An async iterator of the items.
   * @example
   * ```ts
   * import { Queue } from '@weft/sync-primitives';
   * const queue = new Queue<number>();
   * queue.put(1);
   * queue.close();
   * for await (const n of queue) console.log(n); // 1
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      let item: T;
      try {
        item = await this.getAsync();
      } catch (error) {
        if (error instanceof QueueClosedError) return;
        throw error;
      }
      yield item;
    }
  }

  #writer(item: T, deadline: number, copy: boolean): ReturnType<Ring['write']> {
    if (this.#ring.closed()) throw this.#closedError('put');
    return this.#ring.write(encode(item, 'Queue.put', copy), deadline === -Infinity);
  }

  #settlePut(outcome: 'ok' | 'full' | 'closed', timeout: number | undefined): void {
    if (outcome === 'ok') return;
    if (outcome === 'closed') throw this.#closedError('put');
    const max = this.#ring.maxsize;
    const room = max > 0 ? `maxsize ${max}` : `a ${this.#ring.capacity}-byte ring`;
    throw new QueueFullError(
      timeout === undefined
        ? `Queue.put: the queue (${room}) had no room for the item at once`
        : `Queue.put: the queue (${room}) had no room for the item within the ${timeout} ms timeout`,
    );
  }

  #settleGet(got: unknown, timeout: number | undefined): T {
    if (got === CLOSED_RING) throw this.#closedError('get');
    if (got === EMPTY) {
      throw new QueueEmptyError(
        timeout === undefined
          ? 'Queue.get: the queue was empty'
          : `Queue.get: no item arrived within the ${timeout} ms timeout`,
      );
    }
    return got as T;
  }

  #closedError(op: 'put' | 'get'): QueueClosedError {
    return new QueueClosedError(
      op === 'put'
        ? 'Queue.put: the queue is closed; nothing more can be put'
        : 'Queue.get: the queue is closed and every item has been taken',
    );
  }

  static {
    // What util.inspect and console.log print, e.g. `Queue [size=0, maxsize=8]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Queue.prototype, function (this: Queue): string {
      const ring = this.#ring;
      return showState(ring.joinable ? 'JoinableQueue' : 'Queue', [
        `size=${this.size()}`,
        ring.maxsize > 0 && `maxsize=${ring.maxsize}`,
        ring.joinable && `unfinished=${ring.unfinished()}`,
        this.closed && 'closed',
      ]);
    });
  }
}
