// Scheduler: decides where (CPU executor or I/O executor) and when (priority, limits, rate,
// backpressure, pause) each task runs, retries it by policy, enforces timeouts and deadlines, and
// reports every transition as an event. This file is the public surface; the work is done by the
// run loop (internal/run-loop.ts) and the parts it uses.
import {
  InvalidOptionError,
  SchedulerClosedError,
  TaskClearedError,
  TaskIdNotFoundError,
} from './errors.js';
import type { SchedulerEvent, SchedulerEventMap, SchedulerEventName } from './events.js';
import { admit } from './internal/admission.js';
import { now } from './internal/clock.js';
import { EventHub } from './internal/event-hub.js';
import { countsOf, runningTasksOf, sizeBy } from './internal/introspect.js';
import { resolveOptions } from './internal/resolve-options.js';
import { Router } from './internal/router.js';
import { mapItems } from './internal/map-items.js';
import { RunLoop } from './internal/run-loop.js';
import type { StartLimits } from './internal/start-limits.js';
import { wrapFunction } from './internal/wrap-function.js';
import type { RunningTask, SizeFilter, TaskCounts, TaskStatus } from './introspection.js';
import { positiveInteger, positiveIntegerOrInfinity } from './internal/validate.js';
import type { RouteExplanation } from './routing.js';
import type { CloseOptions, MapOptions, SchedulerOptions } from './scheduler-options.js';
import type { AnyTask, Task, TaskResult } from './task.js';
import type { WrapOptions, WrappedFunction } from './wrap.js';

const EVENT_NAMES: ReadonlySet<string> = new Set<SchedulerEventName>([
  'add',
  'active',
  'completed',
  'error',
  'next',
  'empty',
  'idle',
  'routed',
  'retried',
  'ratelimit',
  'ratelimitcleared',
  'depleted',
  'listenererror',
]);

function checkListener(type: unknown, listener: unknown): void {
  if (typeof type !== 'string' || !EVENT_NAMES.has(type))
    throw new InvalidOptionError('type', type, [...EVENT_NAMES].map((n) => `'${n}'`).join(' | '));
  if (typeof listener !== 'function')
    throw new InvalidOptionError('listener', listener, 'a function (event) => void');
}

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
export class Scheduler {
  readonly #loop: RunLoop;
  readonly #hub = new EventHub();

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
    const resolved = resolveOptions(options);
    const router = new Router(options.auto ?? {}, resolved.cpu !== undefined, resolved.defaultKind);
    this.#loop = new RunLoop(resolved, router, this.#hub);
    const recorder = options.recorder;
    if (recorder !== undefined) {
      if (typeof recorder.record !== 'function')
        throw new InvalidOptionError('recorder', recorder, 'an object with a record(event) method');
      this.subscribe((event) => recorder.record(event));
    }
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
   * Attempts running at once across all executors, a positive integer or `Infinity`. Setting it
   * takes effect at once: raised, queued tasks start now; lowered, running ones go on and no
   * new one starts until fewer than the new limit run.
   *
   * @throws {@link InvalidOptionError} (on set) for anything but a positive integer or `Infinity`.
   *
   * @example
   * ```ts
   * scheduler.concurrency = 4; // e.g. when the downstream service reports overload
   * ```
   */
  get concurrency(): number {
    return this.#loop.concurrency;
  }

  set concurrency(value: number) {
    this.#loop.concurrency = positiveIntegerOrInfinity('concurrency', value);
    this.#loop.drain();
  }

  /**
   * Changes one executor's concurrency while running, with the same effect as setting
   * {@link Scheduler.concurrency} (raised: queued tasks start now; lowered: running ones go on).
   *
   * @param executor - `'cpu'` or `'io'`.
   * @param value - A positive integer or `Infinity`.
   * @throws {@link InvalidOptionError} for an executor not configured or a bad value.
   *
   * @example
   * ```ts
   * scheduler.setExecutorConcurrency('cpu', 2);
   * ```
   */
  setExecutorConcurrency(executor: 'cpu' | 'io', value: number): void {
    const loop = this.#loop;
    const lane = executor === 'io' ? loop.io : executor === 'cpu' ? loop.cpu : undefined;
    if (lane === undefined)
      throw new InvalidOptionError(
        'executor',
        executor,
        "'io', or 'cpu' when a cpu executor is set",
      );
    lane.limit = positiveIntegerOrInfinity(`${executor}.concurrency`, value);
    loop.drain();
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
   * Whether tasks are queued and a rate rule (`rateLimit`, an executor's `rateLimit`, `minTime`,
   * the `reservoir`) holds them back now (p-queue's `isRateLimited`).
   *
   * @returns `true` while rate-limited.
   *
   * @example
   * ```ts
   * if (scheduler.isRateLimited()) console.log('waiting for the rate limit');
   * ```
   */
  isRateLimited(): boolean {
    return this.#loop.rateLimited;
  }

  /**
   * Units left in the reservoir (Bottleneck's `currentReservoir`), after any refresh or increase
   * due by now; `Infinity` without a `reservoir`.
   *
   * @returns The units left.
   *
   * @example
   * ```ts
   * console.log(`${scheduler.currentReservoir()} calls left this minute`);
   * ```
   */
  currentReservoir(): number {
    return this.#loop.limits?.units(now()) ?? Infinity;
  }

  /**
   * Adds units to the reservoir (negative to take some) and starts tasks it now allows
   * (Bottleneck's `incrementReservoir`).
   *
   * @param units - A finite integer.
   * @returns The units left after the change.
   * @throws {@link InvalidOptionError} without a `reservoir` option, or for a non-integer.
   *
   * @example
   * ```ts
   * scheduler.incrementReservoir(10); // the API granted 10 more calls
   * ```
   */
  incrementReservoir(units: number): number {
    const limits = this.#reservoir(units);
    const left = limits.add(units, now());
    this.#loop.drain();
    return left;
  }

  /**
   * Sets the units left in the reservoir and starts tasks it now allows (Bottleneck's
   * `updateSettings({ reservoir })`).
   *
   * @param units - An integer ≥ 0.
   * @throws {@link InvalidOptionError} without a `reservoir` option, or for a bad value.
   *
   * @example
   * ```ts
   * scheduler.setReservoir(100); // e.g. from the API's X-RateLimit-Remaining header
   * ```
   */
  setReservoir(units: number): void {
    const limits = this.#reservoir(units);
    if (units < 0) throw new InvalidOptionError('units', units, 'an integer ≥ 0');
    limits.set(units);
    this.#loop.drain();
  }

  #reservoir(units: number): StartLimits {
    const limits = this.#loop.limits;
    if (limits === undefined || limits.units(now()) === Infinity)
      throw new InvalidOptionError('reservoir', undefined, 'a reservoir set in SchedulerOptions');
    if (!Number.isInteger(units)) throw new InvalidOptionError('units', units, 'an integer');
    return limits;
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
   * Changes the priority of an unsettled task given an `id` (p-queue's `setPriority`). A queued
   * task moves behind those already queued at its new priority; a waiting or backing-off one
   * takes it when queued; for a running one it applies to a retry.
   *
   * @param id - The task's `id`.
   * @param priority - A finite number; higher runs first.
   * @throws {@link TaskIdNotFoundError} if no unsettled task has this id;
   * {@link InvalidOptionError} for a priority that is not a finite number.
   *
   * @example
   * ```ts
   * void scheduler.schedule({ fn: render, args: [page], id: 'page-7' });
   * scheduler.setPriority('page-7', 10); // the user scrolled to it
   * ```
   */
  setPriority(id: string, priority: number): void {
    if (!(typeof priority === 'number' && Number.isFinite(priority)))
      throw new InvalidOptionError('priority', priority, 'a finite number');
    const record = this.#loop.byId.get(id);
    if (record === undefined) throw new TaskIdNotFoundError(String(id));
    this.#loop.setPriority(record, priority);
  }

  /**
   * Where the unsettled task with this `id` is (Bottleneck's `jobStatus`).
   *
   * @param id - The task's `id`.
   * @returns Its {@link TaskStatus}, or `undefined` if no unsettled task has this id.
   *
   * @example
   * ```ts
   * console.log(scheduler.jobStatus('invoice-42')); // 'queued'
   * ```
   */
  jobStatus(id: string): TaskStatus | undefined {
    const state = this.#loop.byId.get(id)?.state;
    return state === 'done' ? undefined : state;
  }

  /**
   * Tasks by state now, and how many settled so far (Bottleneck's `counts`).
   *
   * @returns A fresh {@link TaskCounts}.
   *
   * @example
   * ```ts
   * const { waiting, queued, running, backoff, done } = scheduler.counts();
   * ```
   */
  counts(): TaskCounts {
    return countsOf(this.#loop);
  }

  /**
   * Tasks not yet started that match every field of `filter` (p-queue's `sizeBy`).
   *
   * @param filter - Any of `priority`, `kind`, `name`, `executor`.
   * @returns How many match.
   * @throws {@link InvalidOptionError} for a filter field of the wrong type.
   *
   * @example
   * ```ts
   * const lowQueued = scheduler.sizeBy({ priority: 0 });
   * ```
   */
  sizeBy(filter: SizeFilter): number {
    return sizeBy(this.#loop, filter);
  }

  /**
   * The tasks with an attempt running now, with when it started (p-queue's `runningTasks`).
   *
   * @example
   * ```ts
   * for (const task of scheduler.runningTasks) console.log(task.id, task.name, task.timeoutRemaining);
   * ```
   */
  get runningTasks(): readonly RunningTask[] {
    return runningTasksOf(this.#loop);
  }

  /**
   * Says where the next task of this name goes and why.
   *
   * @param name - A task name (the `name` option, or the function's name).
   * @returns The executor and the reason, with the measurements behind `auto` routing.
   *
   * @example
   * ```ts
   * console.log(scheduler.explain('render').reason);
   * // auto: CPU 98% of wall time over 3 runs, 40.2 ms CPU per run (≥ 50%): CPU-bound
   * ```
   */
  explain(name: string): RouteExplanation {
    return this.#loop.router.explain(name);
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

  /**
   * Subscribes to every event (see {@link SchedulerEvent}); events are also published on
   * `node:diagnostics_channel` (see {@link schedulerChannels}). A listener that throws does not
   * disturb scheduling; what it threw goes to `listenererror` (see {@link Scheduler.on}).
   *
   * @param listener - Called synchronously with each event.
   * @returns A function that unsubscribes.
   * @throws {@link InvalidOptionError} if `listener` is not a function.
   *
   * @example
   * ```ts
   * const unsubscribe = scheduler.subscribe((event) => console.log(event.type, event.name));
   * ```
   */
  subscribe(listener: (event: SchedulerEvent) => void): () => void {
    if (typeof listener !== 'function')
      throw new InvalidOptionError('listener', listener, 'a function (event) => void');
    return this.#hub.subscribe(listener);
  }

  /**
   * Listens to one named event (see {@link SchedulerEventMap}): p-queue's `add`, `active`,
   * `completed`, `error`, `next`, `empty`, `idle`, and Weft's `routed`, `retried` and
   * `listenererror`. Listeners run synchronously; one that throws does not disturb scheduling,
   * and what it threw is passed to `listenererror` listeners, or, with none, reported as a
   * process warning (code `WEFT_SCHEDULER_LISTENER_ERROR`). With no listener, events cost nothing.
   *
   * @param type - The event name.
   * @param listener - Called with the event's object.
   * @returns A function that removes the listener.
   * @throws {@link InvalidOptionError} for an unknown event name or a listener that is not a function.
   *
   * @example
   * ```ts
   * scheduler.on('completed', (e) => console.log(e.name, e.result));
   * scheduler.on('error', (e) => console.error(e.name, e.error));
   * const off = scheduler.on('idle', () => console.log('all done'));
   * off();
   * ```
   */
  on<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): () => void {
    checkListener(type, listener);
    // While nobody listened, `idle` was not tracked: start from the present state.
    if (this.#hub.named === 0) this.#loop.idleFired = this.#loop.isIdle();
    return this.#hub.on(type, listener);
  }

  /**
   * Like {@link Scheduler.on}, but the listener is removed after its first call.
   *
   * @param type - The event name.
   * @param listener - Called once with the event's object.
   * @returns A function that removes the listener before it was called.
   * @throws {@link InvalidOptionError} for an unknown event name or a listener that is not a function.
   *
   * @example
   * ```ts
   * scheduler.once('empty', () => console.log('queue drained'));
   * ```
   */
  once<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): () => void {
    checkListener(type, listener);
    const off = this.on(type, (event) => {
      off();
      listener(event);
    });
    return off;
  }

  /**
   * Removes a listener added with {@link Scheduler.on} (a listener of `once` is removed by the
   * function `once` returned).
   *
   * @param type - The event name.
   * @param listener - The listener given to `on`.
   *
   * @example
   * ```ts
   * const log = (e: SchedulerEventMap['completed']) => console.log(e.result);
   * scheduler.on('completed', log);
   * scheduler.off('completed', log);
   * ```
   */
  off<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): void {
    this.#hub.off(type, listener);
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
