// AsyncBarrier: N async tasks on one event loop meet, then all go on (Python's asyncio.Barrier).
import { barrierParts, defineInspect, showState } from './internal/inspect.js';
import { BrokenBarrierError, InvalidArgumentError } from './errors.js';
import {
  checkCount,
  checkLiveSignal,
  checkOptions,
  deadlineOf,
  describe,
} from './internal/validate.js';
import { enqueue, WaitQueue, type Waiter } from './internal/wait-queue.js';
import type { AsyncWaitOptions } from './options.js';

/**
 * Options of an {@link AsyncBarrier}.
 *
 * @example
 * ```ts
 * import { AsyncBarrier } from '@weft/sync-primitives';
 * const barrier = new AsyncBarrier(3, { action: () => console.log('all here'), timeout: 5000 });
 * ```
 */
export interface AsyncBarrierOptions {
  /**
   * Run by the last task to arrive, before the others are released; if it throws, the barrier breaks.
   * @defaultValue `undefined`
   */
  readonly action?: () => void;
  /**
   * Default timeout in ms of `wait()`; a wait that times out breaks the barrier (as Python's
   * `threading.Barrier` does).
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * A meeting point for `parties` async tasks: each `wait()` settles once all have arrived, with a
 * distinct arrival index. Reusable; a timeout, `abort()` or a throwing action breaks it. For
 * threads, use {@link Barrier}.
 *
 * @example
 * ```ts
 * import { AsyncBarrier } from '@weft/sync-primitives';
 * const barrier = new AsyncBarrier(2);
 * const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]); // 0 and 1
 * ```
 */
export class AsyncBarrier {
  /** How many tasks must meet. */
  readonly parties: number;
  /** The default timeout of `wait()` in ms (`Infinity`: none). */
  readonly timeout: number;
  readonly #action: (() => void) | undefined;
  #queue = new WaitQueue<number>();
  #count = 0;
  #broken = false;

  /**
   * Create a barrier.
   *
   * @param parties - How many tasks must call `wait()`, an integer ≥ 1.
   * @param options - `action` and default `timeout`.
   * @throws {@link InvalidArgumentError} for bad `parties`, `action` or `timeout`.
   */
  constructor(parties: number, options?: AsyncBarrierOptions) {
    this.parties = checkCount(parties, 'AsyncBarrier: parties', 1);
    checkOptions(options, 'AsyncBarrier');
    if (options?.action !== undefined && typeof options.action !== 'function') {
      throw new InvalidArgumentError(
        `AsyncBarrier: action must be a function; got ${describe(options.action)}`,
      );
    }
    deadlineOf(options?.timeout, 'AsyncBarrier');
    this.#action = options?.action;
    this.timeout = options?.timeout ?? Infinity;
  }

  /** How many tasks are waiting now. */
  get nWaiting(): number {
    return this.#count;
  }

  /** Whether the barrier is broken (until `reset()`). */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Wait for all parties.
   *
   * @param options - `timeout` (ms; defaults to the barrier's; timing out breaks the barrier) and
   *   `signal` (aborting withdraws this task only).
   * @returns This task's arrival index, 0 to `parties - 1`.
   * @throws {@link BrokenBarrierError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncBarrier } from '@weft/sync-primitives';
   * console.log(await new AsyncBarrier(1).wait()); // 0
   * ```
   */
  async wait(options?: AsyncWaitOptions): Promise<number> {
    checkOptions(options, 'AsyncBarrier.wait');
    const timeout = options?.timeout === undefined ? this.timeout : options.timeout;
    deadlineOf(timeout, 'AsyncBarrier.wait');
    const signal = checkLiveSignal(options?.signal, 'AsyncBarrier.wait');
    if (this.#broken)
      throw new BrokenBarrierError(
        'AsyncBarrier.wait: the barrier is broken; call reset() to use it again',
      );
    const index = this.#count++;
    if (index === this.parties - 1) {
      if (this.#action !== undefined) {
        try {
          this.#action();
        } catch (error) {
          this.#break(true);
          throw error;
        }
      }
      const queue = this.#queue;
      this.#queue = new WaitQueue<number>();
      this.#count = 0;
      for (let w = queue.head; w !== undefined; w = queue.head) w.resolve(w.tag);
      return index;
    }
    const queue = this.#queue;
    return enqueue(
      queue,
      timeout,
      signal,
      (w: Waiter<number>) => {
        w.reject(
          new BrokenBarrierError(
            `AsyncBarrier.wait: timed out after ${timeout} ms; the barrier is now broken`,
          ),
        );
        this.#break(true);
      },
      () => {
        if (queue === this.#queue) this.#count--;
      },
      index,
    );
  }

  /** Reject every waiter of the current generation; mark broken if `stay`. */
  #break(stay: boolean): void {
    this.#broken = stay;
    const queue = this.#queue;
    this.#queue = new WaitQueue<number>();
    this.#count = 0;
    for (let w = queue.head; w !== undefined; w = queue.head) {
      w.reject(
        new BrokenBarrierError('AsyncBarrier.wait: the barrier broke while this task waited'),
      );
    }
  }

  /**
   * Break the barrier: waiters and later callers get {@link BrokenBarrierError} until `reset()`.
   *
   * @example
   * ```ts
   * import { AsyncBarrier } from '@weft/sync-primitives';
   * const barrier = new AsyncBarrier(2);
   * barrier.abort();
   * ```
   */
  abort(): void {
    this.#break(true);
  }

  /**
   * Return to the empty, unbroken state; current waiters get {@link BrokenBarrierError}.
   *
   * @example
   * ```ts
   * import { AsyncBarrier } from '@weft/sync-primitives';
   * const barrier = new AsyncBarrier(2);
   * barrier.reset();
   * ```
   */
  reset(): void {
    this.#break(false);
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncBarrier [waiters=0/3]`:
    // the live state when printed.
    defineInspect(AsyncBarrier.prototype, function (this: AsyncBarrier): string {
      return showState('AsyncBarrier', barrierParts(this));
    });
  }
}
