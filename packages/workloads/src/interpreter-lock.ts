// InterpreterLock: a simulated CPython GIL shared by worker threads through a SharedArrayBuffer.
//
// Modelled on CPython's "new GIL" (Antoine Pitrou, CPython 3.2, Python/ceval_gil.c): a thread must
// hold the lock to compute; after the switch interval (sys.getswitchinterval(), 5 ms) the holder
// drops it at its next check-in if another thread waits, and blocking I/O releases it. Fairness
// comes from a ticket lock (Mellor-Crummey & Scott, "Algorithms for scalable synchronization on
// shared-memory multiprocessors", 1991): waiters are served in arrival order, so a holder that
// hands off and asks again queues behind every thread already waiting and cannot grab it straight
// back (the convoy CPython's FORCE_SWITCHING prevents).
import { threadId } from 'node:worker_threads';
import { InterpreterLockStateError } from './errors.js';

const NEXT_TICKET = 0;
const NOW_SERVING = 1;
const HOLDER = 2; // threadId + 1 of the holder, 0 when free
const ACQUISITIONS = 3;
const SWITCHES = 4;
const IO_RELEASES = 5;
// Float64 slots (index into a Float64Array over the same buffer). They are written only by the
// holder, so the lock itself protects them.
const ACQUIRED_AT = 3;
const TOTAL_HELD = 4;
const MAX_HELD = 5;
const TOTAL_WAIT = 6;
const SWITCH_INTERVAL = 7;
const BYTES = 64;
const HANDLE_KIND = 'weft.workloads.InterpreterLock';

/**
 * Options of {@link InterpreterLock}.
 *
 * @example
 * ```ts
 * import { InterpreterLock, type InterpreterLockOptions } from '@weft/workloads';
 * const options: InterpreterLockOptions = { switchIntervalMs: 1 };
 * const gil = new InterpreterLock(options);
 * ```
 */
export interface InterpreterLockOptions {
  /**
   * How long the holder keeps the lock before a check-in hands it to a waiting thread, like
   * `sys.setswitchinterval()` (in ms).
   * @defaultValue 5
   */
  readonly switchIntervalMs?: number;
  /**
   * Clock used by this thread's instance (ms); injectable so tests control time.
   * @defaultValue `() => performance.timeOrigin + performance.now()`
   */
  readonly now?: () => number;
}

/**
 * Structured-clonable description of an {@link InterpreterLock}, to send to a worker thread.
 *
 * @example
 * ```ts
 * import { InterpreterLock, type InterpreterLockHandle } from '@weft/workloads';
 * const handle: InterpreterLockHandle = new InterpreterLock().toHandle();
 * // worker.postMessage(handle); then in the worker: InterpreterLock.from(handle)
 * ```
 */
export interface InterpreterLockHandle {
  /** Brand. */
  readonly kind: 'weft.workloads.InterpreterLock';
  /** The lock's shared state. */
  readonly buffer: SharedArrayBuffer;
}

/**
 * Hold statistics of an {@link InterpreterLock}, summed over all threads.
 *
 * @example
 * ```ts
 * import { InterpreterLock, type InterpreterLockStats } from '@weft/workloads';
 * const stats: InterpreterLockStats = new InterpreterLock().stats();
 * console.log(stats.acquisitions, stats.switches);
 * ```
 */
export interface InterpreterLockStats {
  /** Successful acquisitions. */
  readonly acquisitions: number;
  /** Forced hand-offs at a check-in because another thread waited past the switch interval. */
  readonly switches: number;
  /** Releases for an I/O wait (`releaseDuring`). */
  readonly ioReleases: number;
  /** Total time the lock was held (ms). */
  readonly totalHeldMs: number;
  /** Longest single hold (ms). */
  readonly maxHeldMs: number;
  /** Total time threads spent waiting to acquire (ms). */
  readonly totalWaitMs: number;
  /** Threads waiting right now. */
  readonly waiting: number;
  /** `threadId` of the holder, or `undefined` when free. */
  readonly holder: number | undefined;
}

const defaultNow = (): number => performance.timeOrigin + performance.now();

// Set only for the duration of InterpreterLock.from(), so the constructor attaches instead of allocating.
let attaching: SharedArrayBuffer | undefined;

/**
 * Whether a value is an {@link InterpreterLockHandle} (e.g. received in a worker message).
 *
 * @param value - anything
 * @returns true for a handle from `InterpreterLock#toHandle()`
 * @example
 * ```ts
 * import { InterpreterLock, isInterpreterLockHandle } from '@weft/workloads';
 * isInterpreterLockHandle(new InterpreterLock().toHandle()); // true
 * ```
 */
export function isInterpreterLockHandle(value: unknown): value is InterpreterLockHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === HANDLE_KIND &&
    (value as { buffer?: unknown }).buffer instanceof SharedArrayBuffer &&
    (value as { buffer: SharedArrayBuffer }).buffer.byteLength >= BYTES
  );
}

/**
 * A simulated interpreter lock (GIL) shared by worker threads: a thread must hold it to compute,
 * hands it to a waiting thread at the first check-in after the switch interval, and releases it
 * while waiting on I/O.
 *
 * Blocking: `acquire()` parks the calling thread with `Atomics.wait` (on the main thread this freezes
 * its event loop, as a thread blocked on the GIL would be frozen). Not re-entrant.
 *
 * @example
 * ```ts
 * import { InterpreterLock } from '@weft/workloads';
 * const gil = new InterpreterLock({ switchIntervalMs: 5 });
 * gil.acquire();
 * for (let i = 0; i < 1e6; i++) {
 *   if (i % 1000 === 0) gil.checkIn(); // hands over if someone waited past the interval
 * }
 * await gil.releaseDuring(() => fetch('http://127.0.0.1:8080/'));
 * gil.release();
 * // in a worker: InterpreterLock.from(handle) with handle = gil.toHandle()
 * ```
 */
export class InterpreterLock {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #buffer: SharedArrayBuffer;
  readonly #now: () => number;
  readonly #me: number = threadId + 1;
  #ioDepth = 0;
  #releasedForIo = false;

  /**
   * Creates a lock with its own shared memory (free, no statistics yet).
   * @param options - switch interval and clock
   * @throws RangeError when `switchIntervalMs` is not a finite number ≥ 0
   */
  constructor(options: InterpreterLockOptions = {}) {
    this.#now = options.now ?? defaultNow;
    if (attaching !== undefined) {
      this.#buffer = attaching;
      this.#i32 = new Int32Array(this.#buffer);
      this.#f64 = new Float64Array(this.#buffer);
      return;
    }
    const interval = options.switchIntervalMs ?? 5;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0) {
      throw new RangeError(
        `InterpreterLock: switchIntervalMs must be a finite number >= 0, got ${String(interval)}`,
      );
    }
    this.#buffer = new SharedArrayBuffer(BYTES);
    this.#i32 = new Int32Array(this.#buffer);
    this.#f64 = new Float64Array(this.#buffer);
    this.#f64[SWITCH_INTERVAL] = interval;
  }

  /**
   * Attaches to a lock created elsewhere (usually another thread).
   * @param handle - from `toHandle()`
   * @param options - this thread's clock (`switchIntervalMs` comes from the shared state)
   * @returns an instance sharing the same lock
   * @throws TypeError when `handle` is not an interpreter-lock handle
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const same = InterpreterLock.from(new InterpreterLock().toHandle());
   * ```
   */
  static from(
    handle: InterpreterLockHandle,
    options: Pick<InterpreterLockOptions, 'now'> = {},
  ): InterpreterLock {
    if (!isInterpreterLockHandle(handle)) {
      throw new TypeError(
        'InterpreterLock.from: expected a handle from InterpreterLock#toHandle()',
      );
    }
    attaching = handle.buffer;
    try {
      return new InterpreterLock(options.now === undefined ? {} : { now: options.now });
    } finally {
      attaching = undefined;
    }
  }

  /**
   * The switch interval in ms.
   * @returns the interval shared by all threads
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * new InterpreterLock({ switchIntervalMs: 2 }).switchIntervalMs; // 2
   * ```
   */
  get switchIntervalMs(): number {
    return this.#f64[SWITCH_INTERVAL]!;
  }

  /**
   * A structured-clonable description to post to a worker thread.
   * @returns the handle
   * @example
   * ```ts
   * import { Worker } from 'node:worker_threads';
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock();
   * new Worker(new URL('./worker.js', import.meta.url), { workerData: gil.toHandle() });
   * ```
   */
  toHandle(): InterpreterLockHandle {
    return { kind: HANDLE_KIND, buffer: this.#buffer };
  }

  /**
   * Whether the calling thread holds the lock.
   * @returns true when held by this thread
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock();
   * gil.acquire();
   * gil.isHeldByCurrentThread(); // true
   * gil.release();
   * ```
   */
  isHeldByCurrentThread(): boolean {
    return Atomics.load(this.#i32, HOLDER) === this.#me;
  }

  /**
   * Threads waiting to acquire right now.
   * @returns the count
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * new InterpreterLock().waiting(); // 0
   * ```
   */
  waiting(): number {
    const queued = Atomics.load(this.#i32, NEXT_TICKET) - Atomics.load(this.#i32, NOW_SERVING);
    return Math.max(0, queued - (Atomics.load(this.#i32, HOLDER) === 0 ? 0 : 1));
  }

  /**
   * Blocks until the calling thread holds the lock; threads are served in arrival order.
   * @throws InterpreterLockStateError when the calling thread already holds it
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock();
   * gil.acquire();
   * try {
   *   // compute, calling gil.checkIn() now and then
   * } finally {
   *   gil.release();
   * }
   * ```
   */
  acquire(): void {
    if (this.isHeldByCurrentThread()) {
      throw new InterpreterLockStateError(
        `InterpreterLock: thread ${threadId} already holds the lock (it is not re-entrant)`,
      );
    }
    const asked = this.#now();
    const ticket = Atomics.add(this.#i32, NEXT_TICKET, 1);
    for (;;) {
      const serving = Atomics.load(this.#i32, NOW_SERVING);
      if (serving === ticket) break;
      Atomics.wait(this.#i32, NOW_SERVING, serving);
    }
    Atomics.store(this.#i32, HOLDER, this.#me);
    const at = this.#now();
    this.#i32[ACQUISITIONS]!++;
    this.#f64[ACQUIRED_AT] = at;
    this.#f64[TOTAL_WAIT]! += at - asked;
  }

  /**
   * Releases the lock, waking the next thread in line.
   * @throws InterpreterLockStateError when the calling thread does not hold it
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock();
   * gil.acquire();
   * gil.release();
   * ```
   */
  release(): void {
    if (!this.isHeldByCurrentThread()) {
      throw new InterpreterLockStateError(
        `InterpreterLock: thread ${threadId} released a lock it does not hold (holder: ${this.#holderText()})`,
      );
    }
    const held = this.#now() - this.#f64[ACQUIRED_AT]!;
    this.#f64[TOTAL_HELD]! += held;
    if (held > this.#f64[MAX_HELD]!) this.#f64[MAX_HELD] = held;
    Atomics.store(this.#i32, HOLDER, 0);
    Atomics.add(this.#i32, NOW_SERVING, 1);
    // Every waiter parks on the same word; only the one whose ticket comes up proceeds.
    Atomics.notify(this.#i32, NOW_SERVING);
  }

  /**
   * The holder's periodic check-in (CPython's "eval breaker"): hands the lock to the next waiting
   * thread if one waits and the lock has been held for at least the switch interval, then queues
   * to take it back. Cheap when no one waits (two atomic loads, no clock read).
   * @returns true when the lock was handed over (and taken back)
   * @throws InterpreterLockStateError when the calling thread does not hold it
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock({ switchIntervalMs: 5 });
   * gil.acquire();
   * let switches = 0;
   * for (let i = 0; i < 10_000_000; i++) if (i % 10_000 === 0 && gil.checkIn()) switches++;
   * gil.release();
   * ```
   */
  checkIn(): boolean {
    if (Atomics.load(this.#i32, HOLDER) !== this.#me) {
      throw new InterpreterLockStateError(
        `InterpreterLock: checkIn() from thread ${threadId}, which does not hold the lock (holder: ${this.#holderText()})`,
      );
    }
    if (Atomics.load(this.#i32, NEXT_TICKET) - Atomics.load(this.#i32, NOW_SERVING) <= 1) {
      return false;
    }
    if (this.#now() - this.#f64[ACQUIRED_AT]! < this.#f64[SWITCH_INTERVAL]!) return false;
    this.#i32[SWITCHES]!++;
    this.release();
    this.acquire();
    return true;
  }

  /**
   * Runs an I/O wait without the lock: releases it (if this thread holds it), awaits `wait`, then
   * takes it back. Nested or concurrent calls in one thread release once and re-acquire when the
   * last one settles.
   * @param wait - starts the wait (a timer, a request, a file operation)
   * @returns what `wait` resolved to
   * @throws whatever `wait` throws (the lock is taken back first)
   * @example
   * ```ts
   * import { setTimeout as sleep } from 'node:timers/promises';
   * import { InterpreterLock } from '@weft/workloads';
   * const gil = new InterpreterLock();
   * gil.acquire();
   * await gil.releaseDuring(() => sleep(10)); // other threads may compute meanwhile
   * gil.release();
   * ```
   */
  async releaseDuring<T>(wait: () => PromiseLike<T> | T): Promise<T> {
    if (this.#ioDepth === 0 && this.isHeldByCurrentThread()) {
      this.#i32[IO_RELEASES]!++;
      this.release();
      this.#releasedForIo = true;
    }
    this.#ioDepth++;
    try {
      return await wait();
    } finally {
      this.#ioDepth--;
      if (this.#ioDepth === 0 && this.#releasedForIo) {
        this.#releasedForIo = false;
        this.acquire();
      }
    }
  }

  /**
   * Hold statistics, summed over every thread sharing the lock.
   * @returns a snapshot
   * @example
   * ```ts
   * import { InterpreterLock } from '@weft/workloads';
   * const { acquisitions, switches, maxHeldMs } = new InterpreterLock().stats();
   * ```
   */
  stats(): InterpreterLockStats {
    const holder = Atomics.load(this.#i32, HOLDER);
    return {
      acquisitions: Atomics.load(this.#i32, ACQUISITIONS),
      switches: Atomics.load(this.#i32, SWITCHES),
      ioReleases: Atomics.load(this.#i32, IO_RELEASES),
      totalHeldMs: this.#f64[TOTAL_HELD]!,
      maxHeldMs: this.#f64[MAX_HELD]!,
      totalWaitMs: this.#f64[TOTAL_WAIT]!,
      waiting: this.waiting(),
      holder: holder === 0 ? undefined : holder - 1,
    };
  }

  #holderText(): string {
    const holder = Atomics.load(this.#i32, HOLDER);
    return holder === 0 ? 'none' : `thread ${holder - 1}`;
  }
}
