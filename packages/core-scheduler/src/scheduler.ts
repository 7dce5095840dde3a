// Scheduler: decides where (CPU executor or I/O executor) and when (priority, limits, rate,
// backpressure, pause) each task runs, retries it by policy, enforces timeouts and deadlines, and
// reports every transition as an event. The public surface is built in layers, one job each:
// events (scheduler-events.ts), introspection (scheduler-inspection.ts), limits
// (scheduler-limits.ts), the queue (scheduler-queue.ts), and here scheduling and closing. The work
// is done by the run loop (internal/run-loop.ts) and the parts it uses.
import { InvalidOptionError, SchedulerClosedError } from './errors.js';
import { admit } from './internal/admission.js';
import { mapItems } from './internal/map-items.js';
import { loopOf, type RunLoop } from './internal/scheduler-parts.js';
import { wrapFunction } from './internal/wrap-function.js';
import type { CloseOptions, MapOptions, SchedulerOptions } from './scheduler-options.js';
import { SchedulerQueue } from './scheduler-queue.js';
import type { AnyTask, Task, TaskResult } from './task.js';
import type { WrapOptions, WrappedFunction } from './wrap.js';

/**
 * Routes tasks to a CPU executor (a pool of cores) or an I/O executor (this event loop) and runs
 * them by priority within global and per-executor limits, with rate limits, backpressure,
 * timeouts, deadlines, retries and cancellation; every transition is an event.
 *
 * - Routing: `kind: 'cpu'` → `cpu`, `'io'` → `io`, `'auto'` → learned per task name from measured
 *   CPU vs wall time ({@link AutoRoutingOptions}); {@link Scheduler.explain} says where and why.
 * - Order: per executor a priority queue, FIFO within a priority, with aging.
 * - Errors: {@link TaskTimeoutError}, {@link DeadlineExceededError}, {@link TaskCancelledError},
 *   {@link RetryExhaustedError}, {@link SchedulerClosedError}, {@link QueueFullError},
 *   {@link ExecutorFailedError}; anything the task itself throws comes back as it is.
 *
 * The scheduler does not own the executors you pass: close your pool after `close()`.
 *
 * @example
 * ```ts
 * import { Pool } from '@weft/process-pool';
 * import { Scheduler } from '@weft/core-scheduler';
 * import { render } from './tasks.js';
 *
 * await using pool = new Pool({ module: new URL('./tasks.js', import.meta.url) });
 * await using scheduler = new Scheduler({ cpu: pool });
 * const [image, page] = await Promise.all([
 *   scheduler.schedule({ fn: render, args: [scene], kind: 'cpu' }),            // a worker
 *   scheduler.schedule({ fn: fetchPage, args: ['https://example.com'], kind: 'io' }), // the event loop
 * ]);
 *
 * // 'auto': measured per name; after a couple of runs `render` goes to the pool by itself
 * for (const frame of frames) await scheduler.schedule({ fn: render, args: [frame], kind: 'auto' });
 * console.log(scheduler.explain('render').reason); // auto: CPU 99% of wall time over … : CPU-bound
 * ```
 */
export class Scheduler extends SchedulerQueue {
  readonly #loop: RunLoop;

  /**
   * @param options - See {@link SchedulerOptions}.
   * @throws {@link InvalidOptionError} naming the first invalid option, before any work starts.
   *
   * @example
   * ```ts
   * const scheduler = new Scheduler({ cpu: pool, concurrency: 32, rateLimit: { limit: 100, interval: 1000 } });
   * ```
   */
  constructor(options: SchedulerOptions = {}) {
    super(options);
    this.#loop = loopOf(this);
  }

  /**
   * Whether `close()` was called.
   *
   * @returns `true` once closing has begun.
   *
   * @example
   * ```ts
   * void scheduler.close();
   * console.log(scheduler.isClosed()); // true
   * ```
   */
  isClosed(): boolean {
    return this.#loop.closed;
  }

  /**
   * Schedules a task and settles with its result.
   *
   * @param task - The function, its arguments and {@link TaskOptions}.
   * @returns The task's awaited result.
   * @throws (rejects) {@link InvalidOptionError}, {@link TaskTimeoutError}, {@link DeadlineExceededError},
   * {@link TaskCancelledError}, {@link RetryExhaustedError}, {@link SchedulerClosedError},
   * {@link QueueFullError}, {@link ExecutorFailedError}, or what the task threw.
   *
   * @example
   * ```ts
   * const page = await scheduler.schedule({ fn: fetchText, args: ['https://example.com'], timeout: 5000, retry: { attempts: 3 } });
   * ```
   */
  schedule<A extends readonly unknown[], R>(task: Task<A, R>): Promise<Awaited<R>> {
    return admit(this.#loop, task);
  }

  /**
   * Makes a function with `fn`'s parameters that schedules each call as a task with `options`
   * (Bottleneck's `wrap`, p-limit's call style). Options are checked once, here. The returned
   * function's `withOptions(options, ...args)` schedules one call with options of its own on top
   * (e.g. a `signal` or `priority`). `fn` is called with `this` undefined: bind it first if needed.
   *
   * @param fn - The function to schedule.
   * @param options - Task options for every call (any but `id`, which must differ per task).
   * @returns The scheduling function.
   * @throws {@link InvalidOptionError} for bad options, before any call.
   *
   * @example
   * ```ts
   * const limitedFetch = scheduler.wrap(fetchText, { priority: 2, timeout: 5000 });
   * const page = await limitedFetch('https://example.com');
   * const urgent = await limitedFetch.withOptions({ priority: 9 }, 'https://example.org');
   * ```
   */
  wrap<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    options: WrapOptions = {},
  ): WrappedFunction<A, R> {
    return wrapFunction((task) => this.schedule(task), fn, options);
  }

  /**
   * Runs `fn(item)` for every item as a task and settles with the results in input order. On the
   * first failure it stops reading items, waits for those in flight, and rejects with that error.
   *
   * @param fn - The function applied to each item.
   * @param items - An iterable or async iterable of items.
   * @param options - Task options for every item, and `limit` of items in flight.
   * @returns The results, in input order.
   * @throws (rejects) the first task error (or what the items' iterator threw), or
   * {@link InvalidOptionError} for bad options or items that are not iterable.
   *
   * @example
   * ```ts
   * const sizes = await scheduler.map(statSize, paths, { kind: 'io', limit: 16 });
   * ```
   */
  map<T, R>(
    fn: (item: T) => R,
    items: Iterable<T> | AsyncIterable<T>,
    options: MapOptions = {},
  ): Promise<Awaited<R>[]> {
    return mapItems((task) => this.schedule(task), fn, items, options);
  }

  /**
   * Schedules every task and settles like `Promise.all`: with all results in order, or with the
   * first rejection (the other tasks keep running).
   *
   * @param tasks - The tasks.
   * @returns Their results, typed per position.
   * @throws (rejects) the first task error, or {@link InvalidOptionError} if `tasks` is not an array.
   *
   * @example
   * ```ts
   * const [count, page] = await scheduler.all([{ fn: countLines, args: [file] }, { fn: fetchText, args: [url] }] as const);
   * ```
   */
  all<const T extends readonly AnyTask[]>(
    tasks: T,
  ): Promise<{ -readonly [K in keyof T]: TaskResult<T[K]> }> {
    if (!Array.isArray(tasks))
      return Promise.reject(new InvalidOptionError('tasks', tasks, 'an array of tasks'));
    return Promise.all(
      tasks.map((task) => this.schedule(task as unknown as Task<[], unknown>)),
    ) as Promise<{
      -readonly [K in keyof T]: TaskResult<T[K]>;
    }>;
  }

  /**
   * Schedules every task and settles like `Promise.allSettled`, once all have settled.
   *
   * @param tasks - The tasks.
   * @returns One settled result per task, typed per position.
   * @throws (rejects) {@link InvalidOptionError} if `tasks` is not an array; task errors are in the results.
   *
   * @example
   * ```ts
   * const outcomes = await scheduler.allSettled(urls.map((url) => ({ fn: fetchText, args: [url] })));
   * const failed = outcomes.filter((o) => o.status === 'rejected').length;
   * ```
   */
  allSettled<const T extends readonly AnyTask[]>(
    tasks: T,
  ): Promise<{ -readonly [K in keyof T]: PromiseSettledResult<TaskResult<T[K]>> }> {
    if (!Array.isArray(tasks))
      return Promise.reject(new InvalidOptionError('tasks', tasks, 'an array of tasks'));
    return Promise.allSettled(
      tasks.map((task) => this.schedule(task as unknown as Task<[], unknown>)),
    ) as Promise<{
      -readonly [K in keyof T]: PromiseSettledResult<TaskResult<T[K]>>;
    }>;
  }

  /**
   * Stops accepting tasks and resolves once all accepted tasks have settled (a paused scheduler
   * resumes so its queue can drain). With `cancelPending`, tasks not yet started are rejected
   * with {@link SchedulerClosedError} instead (also when an earlier `close()` is still draining).
   * Executors you passed are not closed.
   *
   * @param options - See {@link CloseOptions}.
   * @returns A promise that resolves once idle.
   * @throws (rejects) {@link InvalidOptionError} for bad options (the scheduler stays open).
   *
   * @example
   * ```ts
   * await scheduler.close();
   * await pool.close();
   * ```
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('options', options, 'an object { cancelPending? }');
    const cancelPending = options.cancelPending ?? false;
    if (typeof cancelPending !== 'boolean')
      throw new InvalidOptionError('cancelPending', cancelPending, 'true or false');
    const loop = this.#loop;
    loop.closed = true;
    if (cancelPending) {
      for (const record of loop.notStarted())
        loop.cancel(record, new SchedulerClosedError(record.name), 'cancelled');
    }
    loop.paused = false;
    loop.drain();
    await this.onIdle();
    loop.clearRateTimer();
    loop.telemetry?.close();
  }

  /**
   * `await using scheduler = new Scheduler()` closes it (gracefully) at the end of the scope.
   *
   * @returns A promise that resolves once closed.
   *
   * @example
   * ```ts
   * {
   *   await using scheduler = new Scheduler();
   *   void scheduler.schedule({ fn: flushLogs });
   * } // here: close() has drained the queue
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
