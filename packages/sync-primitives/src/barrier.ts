// Barrier: N threads meet, then all go on (Python's threading.Barrier). A tiny internal futex
// lock guards count/generation; waiters park on the generation word, whose low bit tells them
// whether their generation passed (0) or broke (1).
import { barrierParts, defineInspect, showState } from './internal/inspect.js';
import { BrokenBarrierError, InvalidArgumentError } from './errors.js';
import { CORE_WORDS, lockSlow, spinLock, unlock, type Fairness } from './internal/futex.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { brand } from './internal/tracking.js';
import {
  checkCount,
  checkLiveSignal,
  checkOptions,
  deadlineOf,
  describe,
} from './internal/validate.js';
import type { AsyncWaitOptions, PlacementOptions } from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';

const COUNT = CORE_WORDS;
const GEN = CORE_WORDS + 1;
const BROKEN = CORE_WORDS + 2;
const PARTIES = CORE_WORDS + 3;
/** Two words: the default timeout of `wait()`, a float64 split into its low and high halves. */
const TIMEOUT = CORE_WORDS + 4;
const WORDS = CORE_WORDS + 6;

// The default timeout lives in shared memory, beside `parties`, so that every thread that revives
// the barrier waits by the same rule (Python's Barrier keeps one `timeout` per barrier). A float64
// is written as two Int32 words through this scratch view; it is written once, before `parties`
// marks the memory as initialised, so a reader that sees `parties` sees the whole timeout.
const scratch = new Float64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

function storeTimeout(s: Int32Array, ms: number): void {
  scratch[0] = ms;
  Atomics.store(s, TIMEOUT, scratchWords[0]!);
  Atomics.store(s, TIMEOUT + 1, scratchWords[1]!);
}

function loadTimeout(s: Int32Array): number {
  scratchWords[0] = Atomics.load(s, TIMEOUT);
  scratchWords[1] = Atomics.load(s, TIMEOUT + 1);
  return scratch[0]!;
}

function nextGen(gen: number, broken: boolean): number {
  return ((((gen >>> 1) + 1) & 0x3fffffff) << 1) | (broken ? 1 : 0);
}

/**
 * Options of a {@link Barrier}.
 *
 * @example
 * ```ts
 * import { Barrier } from '@weft/sync-primitives';
 * const barrier = new Barrier(3, { action: () => console.log('all here'), timeout: 5000 });
 * ```
 */
export interface BarrierOptions extends PlacementOptions {
  /**
   * Run by the last thread to arrive, before the others are released. If it throws, the barrier
   * breaks. It is local to the thread that created or revived this object (functions do not cross
   * threads).
   * @defaultValue `undefined`
   */
  readonly action?: () => void;
  /**
   * Default timeout in ms of `wait()` and `waitAsync()`; a wait that times out breaks the barrier.
   * It is kept in the shared memory, so every thread that revives the barrier uses it.
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * A meeting point for a fixed number of threads (Python's `threading.Barrier`): each `wait()`
 * blocks until `parties` threads have called it, then all proceed; each gets a distinct arrival
 * index. It is reusable: a new generation starts as soon as one passes. A timeout, `abort()`, or a
 * throwing action breaks it, and every waiter gets {@link BrokenBarrierError}.
 *
 * @example
 * ```ts
 * import { Barrier } from '@weft/sync-primitives';
 * const start = new Barrier(4);
 * // in each of 4 threads:
 * const index = start.wait(); // 0..3, in arrival order
 * ```
 */
export class Barrier {
  /** Bytes one Barrier occupies in a shared buffer. */
  static readonly byteLength: number = WORDS * 4;

  readonly #placed: Placed;
  readonly #s: Int32Array;
  readonly #fair: Fairness = { next: Infinity };
  readonly #action: (() => void) | undefined;

  /**
   * Create a barrier for `parties` threads.
   *
   * @param parties - How many threads must call `wait()`; an integer ≥ 1.
   * @param options - `action`, default `timeout`, and placement.
   * @throws {@link InvalidArgumentError} for bad `parties`, `action` or `timeout`;
   *   {@link InvalidBufferError} for a bad region.
   */
  constructor(parties: number, options?: BarrierOptions) {
    checkCount(parties, 'Barrier: parties', 1);
    this.#init(options);
    this.#placed = place(options, Barrier.byteLength, 'Barrier');
    this.#s = this.#placed.i32;
    this.#action = options?.action;
    const s = this.#s;
    const stored = Atomics.load(s, PARTIES);
    if (stored === 0) {
      storeTimeout(s, options?.timeout ?? Infinity);
      Atomics.store(s, PARTIES, parties);
    } else {
      if (stored !== parties) {
        throw new InvalidArgumentError(
          `Barrier: this memory holds a barrier for ${stored} parties; got parties ${parties}`,
        );
      }
      const timeout = loadTimeout(s);
      if (options?.timeout !== undefined && options.timeout !== timeout) {
        throw new InvalidArgumentError(
          `Barrier: this memory holds a barrier whose default timeout is ${timeout} ms; got timeout ${describe(options.timeout)} (omit it to use the barrier's own)`,
        );
      }
    }
    brand(this);
  }

  #init(options: BarrierOptions | undefined): void {
    checkOptions(options, 'Barrier');
    if (options?.action !== undefined && typeof options.action !== 'function') {
      throw new InvalidArgumentError(
        `Barrier: action must be a function; got ${describe(options.action)}`,
      );
    }
    deadlineOf(options?.timeout, 'Barrier');
  }

  /**
   * Revive a barrier from a handle. Its `parties` and default `timeout` come from the shared
   * memory; `action` is local to each thread.
   *
   * @param handle - What `toHandle()` returned.
   * @param options - This thread's `action`; a `timeout`, if given, must equal the barrier's.
   * @returns The same barrier.
   * @throws {@link InvalidHandleError} if it is not a Barrier handle; {@link InvalidArgumentError}
   *   for a `timeout` other than the barrier's.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Barrier } from '@weft/sync-primitives';
   * const start = Barrier.from(workerData.start);
   * start.wait();
   * ```
   */
  static from(
    handle: SharedHandle,
    options?: Omit<BarrierOptions, 'buffer' | 'byteOffset'>,
  ): Barrier {
    checkOptions(options, 'Barrier.from');
    const p = openHandle(handle, 'Barrier', Barrier.byteLength);
    const parties = Atomics.load(p.i32, PARTIES);
    return new Barrier(parties, { ...options, buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this barrier as a structured-clonable handle (with its `parties`).
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * worker.postMessage(new Barrier(2).toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('Barrier', this.#placed, { parties: this.parties });
  }

  /** How many threads must meet. */
  get parties(): number {
    return Atomics.load(this.#s, PARTIES);
  }

  /**
   * The default timeout of `wait()` / `waitAsync()` in ms (`Infinity`: none), the same in every
   * thread: it is read from the shared memory.
   *
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * const barrier = new Barrier(2, { timeout: 5000 });
   * console.log(Barrier.from(barrier.toHandle()).timeout); // 5000
   * ```
   */
  get timeout(): number {
    return loadTimeout(this.#s);
  }

  /** How many threads are waiting now (Python's `n_waiting`). */
  get nWaiting(): number {
    return Atomics.load(this.#s, COUNT);
  }

  /** Whether the barrier is broken (until `reset()`). */
  get broken(): boolean {
    return Atomics.load(this.#s, BROKEN) === 1;
  }

  /**
   * Wait until `parties` threads have arrived (blocking the thread).
   *
   * @param timeout - Milliseconds; defaults to the barrier's `timeout`. Timing out breaks the barrier.
   * @returns This thread's arrival index, from 0 to `parties - 1`.
   * @throws {@link BrokenBarrierError} if the barrier is or becomes broken while waiting.
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * const barrier = new Barrier(1);
   * console.log(barrier.wait()); // 0
   * ```
   */
  wait(timeout?: number): number {
    const deadline = deadlineOf(
      timeout === undefined ? loadTimeout(this.#s) : timeout,
      'Barrier.wait',
    );
    const arrival = this.#arrive();
    if (arrival.last) return this.#complete(arrival.index, arrival.gen);
    return runSync(this.#await(arrival.index, arrival.gen), deadline);
  }

  /**
   * Wait until `parties` threads have arrived, without blocking the event loop.
   *
   * @param options - `timeout` (ms; defaults to the barrier's; timing out breaks the barrier) and
   *   `signal` (aborting rejects this wait only; it does not break the barrier).
   * @returns This thread's arrival index.
   * @throws {@link BrokenBarrierError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * const index = await new Barrier(1).waitAsync();
   * ```
   */
  async waitAsync(options?: AsyncWaitOptions): Promise<number> {
    checkOptions(options, 'Barrier.waitAsync');
    const timeout = options?.timeout;
    const deadline = deadlineOf(
      timeout === undefined ? loadTimeout(this.#s) : timeout,
      'Barrier.waitAsync',
    );
    const signal = checkLiveSignal(options?.signal, 'Barrier.waitAsync');
    const arrival = this.#arrive();
    if (arrival.last) return this.#complete(arrival.index, arrival.gen);
    return runAsync(this.#await(arrival.index, arrival.gen), deadline, signal);
  }

  /**
   * Break the barrier: current and future waiters get {@link BrokenBarrierError} until `reset()`.
   *
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * const barrier = new Barrier(2);
   * barrier.abort();
   * console.log(barrier.broken); // true
   * ```
   */
  abort(): void {
    this.#locked(() => this.#break());
  }

  /**
   * Return the barrier to its empty, unbroken state; threads waiting now get
   * {@link BrokenBarrierError}.
   *
   * @example
   * ```ts
   * import { Barrier } from '@weft/sync-primitives';
   * const barrier = new Barrier(2);
   * barrier.abort();
   * barrier.reset();
   * console.log(barrier.broken); // false
   * ```
   */
  reset(): void {
    this.#locked(() => {
      const s = this.#s;
      if (Atomics.load(s, COUNT) > 0) {
        Atomics.store(s, GEN, nextGen(Atomics.load(s, GEN), true));
      }
      Atomics.store(s, COUNT, 0);
      Atomics.store(s, BROKEN, 0);
    });
    Atomics.notify(this.#s, GEN);
  }

  #locked<T>(fn: () => T): T {
    const s = this.#s;
    if (!spinLock(s)) runSync(lockSlow(s), Infinity);
    try {
      return fn();
    } finally {
      unlock(s, this.#fair);
    }
  }

  /** Under the lock: mark broken, release this generation's waiters with the broken bit. */
  #break(): void {
    const s = this.#s;
    Atomics.store(s, BROKEN, 1);
    Atomics.store(s, GEN, nextGen(Atomics.load(s, GEN), true));
    Atomics.store(s, COUNT, 0);
    Atomics.notify(s, GEN);
  }

  #arrive(): { index: number; gen: number; last: boolean } {
    return this.#locked(() => {
      const s = this.#s;
      if (Atomics.load(s, BROKEN) === 1) {
        throw new BrokenBarrierError(
          'Barrier.wait: the barrier is broken; call reset() to use it again',
        );
      }
      const index = Atomics.add(s, COUNT, 1);
      return { index, gen: Atomics.load(s, GEN), last: index === Atomics.load(s, PARTIES) - 1 };
    });
  }

  /** The last arrival: run the action, then release everyone. */
  #complete(index: number, gen: number): number {
    if (this.#action !== undefined) {
      try {
        this.#action();
      } catch (error) {
        this.#locked(() => {
          if (Atomics.load(this.#s, GEN) === gen) this.#break();
        });
        throw error;
      }
    }
    const passed = this.#locked(() => {
      const s = this.#s;
      if (Atomics.load(s, GEN) !== gen) return false; // aborted or reset during the action
      Atomics.store(s, COUNT, 0);
      Atomics.store(s, GEN, nextGen(gen, false));
      return true;
    });
    if (!passed)
      throw new BrokenBarrierError('Barrier.wait: the barrier was broken while its action ran');
    Atomics.notify(this.#s, GEN);
    return index;
  }

  *#await(index: number, gen: number): Slow<number> {
    const s = this.#s;
    let aborted: Error | undefined;
    for (;;) {
      let r: string;
      try {
        r = yield { i32: s, index: GEN, expected: gen, swallowed: noop };
      } catch (error) {
        aborted = error as Error;
        r = 'aborted';
      }
      const now = Atomics.load(s, GEN);
      if (now !== gen) {
        if ((now & 1) === 1)
          throw new BrokenBarrierError('Barrier.wait: the barrier broke while this thread waited');
        return index;
      }
      if (aborted !== undefined) {
        // Leave without breaking: give our arrival back.
        const left = this.#locked(() => {
          if (Atomics.load(s, GEN) !== gen) return false;
          Atomics.sub(s, COUNT, 1);
          return true;
        });
        if (left) throw aborted;
        continue;
      }
      if (r === 'timed-out') {
        this.#locked(() => {
          if (Atomics.load(s, GEN) === gen) this.#break();
        });
        continue; // the generation word has changed now: report it above
      }
    }
  }

  static {
    // What util.inspect and console.log print, e.g. `Barrier [waiters=0/3]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Barrier.prototype, function (this: Barrier): string {
      return showState('Barrier', barrierParts(this));
    });
  }
}

function noop(): void {}
