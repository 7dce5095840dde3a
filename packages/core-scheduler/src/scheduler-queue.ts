// The queue of a Scheduler: how many tasks wait and run, dropping the queued ones, pausing, and
// the promises that wait for the queue (empty, idle, nothing running, fewer than n, room).
import { TaskClearedError } from './errors.js';
import { loopOf, type RunLoop } from './internal/scheduler-parts.js';
import { positiveInteger } from './internal/validate.js';
import type { SchedulerOptions } from './scheduler-options.js';
import { SchedulerLimits } from './scheduler-limits.js';

/** The queue methods of {@link Scheduler} (documented there). */
export class SchedulerQueue extends SchedulerLimits {
  readonly #loop: RunLoop;

  /** @param options - See {@link SchedulerOptions}. */
  constructor(options: SchedulerOptions) {
    super(options);
    this.#loop = loopOf(this);
  }

  /**
   * Tasks queued and not yet started (including those waiting for room under `maxPending`).
   *
   * @example
   * ```ts
   * if (scheduler.pending > 1000) console.warn('falling behind');
   * ```
   */
  get pending(): number {
    return this.#loop.pending;
  }

  /**
   * Tasks queued and not yet started: the same number as {@link Scheduler.pending}, under
   * p-queue's name for it (p-queue's own `pending` is Weft's {@link Scheduler.running}).
   *
   * @example
   * ```ts
   * if (scheduler.size > 1000) console.warn('falling behind');
   * ```
   */
  get size(): number {
    return this.pending;
  }

  /**
   * Attempts running now (handed to an executor and not yet settled there).
   *
   * @example
   * ```ts
   * console.log(`${scheduler.running} running, ${scheduler.pending} queued`);
   * ```
   */
  get running(): number {
    return this.#loop.running;
  }

  /**
   * Drops every task not yet started; each rejects with {@link TaskClearedError}. Running tasks go
   * on, and the scheduler stays open (unlike `close({ cancelPending: true })`).
   *
   * @returns How many tasks were dropped.
   *
   * @example
   * ```ts
   * const dropped = scheduler.clear();
   * console.log(`${dropped} queued tasks dropped`);
   * ```
   */
  clear(): number {
    const dropped = this.#loop.notStarted();
    for (const record of dropped)
      this.#loop.cancel(record, new TaskClearedError(record.name), 'cancelled');
    return dropped.length;
  }

  /**
   * Resolves when fewer than `limit` tasks are queued (p-queue's `onSizeLessThan`).
   *
   * @param limit - A positive integer.
   * @returns A promise that resolves once `size < limit`.
   * @throws (rejects) {@link InvalidOptionError} if `limit` is not a positive integer.
   *
   * @example
   * ```ts
   * for (const url of urls) {
   *   await scheduler.onSizeLessThan(100);
   *   void scheduler.schedule({ fn: fetchText, args: [url] });
   * }
   * ```
   */
  onSizeLessThan(limit: number): Promise<void> {
    try {
      positiveInteger('limit', limit);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an InvalidOptionError
      return Promise.reject(error);
    }
    if (this.pending < limit) return Promise.resolve();
    return this.#loop.waiters.sizeLessThan(limit);
  }

  /**
   * Resolves when no attempt is running; tasks may still be queued (e.g. while paused).
   * p-queue's `onPendingZero` (p-queue counts running tasks as `pending`).
   *
   * @returns A promise that resolves once `running` is 0.
   *
   * @example
   * ```ts
   * scheduler.pause();
   * await scheduler.onPendingZero(); // in-flight work finished; the queue is kept
   * ```
   */
  onPendingZero(): Promise<void> {
    if (this.#loop.running === 0) return Promise.resolve();
    return this.#loop.waiters.runningZero();
  }

  /**
   * Whether the scheduler is paused.
   *
   * @returns `true` between `pause()` and `resume()`.
   *
   * @example
   * ```ts
   * scheduler.pause();
   * console.log(scheduler.isPaused()); // true
   * ```
   */
  isPaused(): boolean {
    return this.#loop.paused;
  }

  /**
   * Stops starting tasks; running ones continue and new ones queue.
   *
   * @example
   * ```ts
   * scheduler.pause();
   * for (const url of urls) void scheduler.schedule({ fn: fetchText, args: [url] });
   * scheduler.resume();
   * ```
   */
  pause(): void {
    this.#loop.paused = true;
  }

  /**
   * Starts tasks again after `pause()`.
   *
   * @example
   * ```ts
   * scheduler.resume();
   * ```
   */
  resume(): void {
    if (!this.#loop.paused) return;
    this.#loop.paused = false;
    this.#loop.drain();
  }

  /**
   * Resolves when no task is queued (running ones may remain).
   *
   * @returns A promise that resolves once the queues are empty.
   *
   * @example
   * ```ts
   * await scheduler.onEmpty();
   * ```
   */
  onEmpty(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return this.#loop.waiters.empty();
  }

  /**
   * Resolves when every task has settled and no executor call is still running.
   *
   * @returns A promise that resolves once idle.
   *
   * @example
   * ```ts
   * await scheduler.onIdle();
   * ```
   */
  onIdle(): Promise<void> {
    if (this.#loop.isIdle()) return Promise.resolve();
    return this.#loop.waiters.idle();
  }

  /**
   * Resolves when a new task would enter the queue without waiting for room (`maxPending`): the
   * producer's side of backpressure.
   *
   * @returns A promise that resolves once there is room.
   *
   * @example
   * ```ts
   * for await (const job of jobs) {
   *   await scheduler.ready();
   *   void scheduler.schedule({ fn: handle, args: [job] });
   * }
   * ```
   */
  ready(): Promise<void> {
    if (this.#loop.hasRoom()) return Promise.resolve();
    return this.#loop.waiters.ready();
  }
}
