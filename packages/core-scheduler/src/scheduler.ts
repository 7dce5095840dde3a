// Scheduler: decides where (CPU executor or I/O executor) and when (priority, limits, rate,
// backpressure, pause) each task runs, retries it by policy, enforces timeouts and deadlines, and
// reports every transition as an event.
import diagnostics_channel from 'node:diagnostics_channel';
import { threadId } from 'node:worker_threads';
import {
  DeadlineExceededError,
  ExecutorFailedError,
  InvalidOptionError,
  QueueFullError,
  RetryExhaustedError,
  SchedulerClosedError,
  TaskCancelledError,
  TaskClearedError,
  TaskTimeoutError,
} from './errors.js';
import { schedulerChannels } from './events.js';
import type { LaneInfo, SchedulerEvent, TaskFinishedEvent } from './events.js';
import type { ExecutionSettle, ExecutionStart, Executor, ExecutorCallOptions } from './executor.js';
import { InlineExecutor } from './inline-executor.js';
import { backoffDelay } from './internal/backoff.js';
import { now } from './internal/clock.js';
import { LongTimer, MAX_TIMER } from './internal/long-timer.js';
import { PriorityQueue, type Queued } from './internal/priority-queue.js';
import { RateLimiter } from './internal/rate-limiter.js';
import { Router } from './internal/router.js';
import {
  oneOf,
  positiveInteger,
  positiveIntegerOrInfinity,
  positiveNumber,
  validateTaskOptions,
} from './internal/validate.js';
import type { AutoRoutingOptions, RouteExplanation } from './routing.js';
import type {
  AnyTask,
  OnFull,
  RetryPolicy,
  Task,
  TaskKind,
  TaskOptions,
  TaskResult,
} from './task.js';

/**
 * At most `limit` task starts in any window of `interval` ms.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ rateLimit: { limit: 10, interval: 1000 } }); // 10 per second
 * ```
 */
export interface RateLimit {
  /** Starts allowed per window, a positive integer. */
  readonly limit: number;
  /**
   * Window length in ms: a positive number, any size (waits beyond setTimeout's 2^31−1 ms are
   * honoured), or `Infinity` for at most `limit` starts ever.
   */
  readonly interval: number;
}

/**
 * An executor with its own limits.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ io: { executor: new InlineExecutor(), concurrency: 64, rateLimit: { limit: 100, interval: 1000 } } });
 * ```
 */
export interface ExecutorOptions {
  /** The executor. */
  readonly executor: Executor;
  /**
   * Attempts running on it at once, a positive integer or `Infinity`.
   * @defaultValue the executor's `maxWorkers` if it has one (a pool), an `InlineExecutor`'s
   * `concurrency`, else `Infinity`
   */
  readonly concurrency?: number;
  /**
   * Rate limit of starts on this executor.
   * @defaultValue none
   */
  readonly rateLimit?: RateLimit;
  /**
   * Whether an error the executor rejected with is the executor's own failure (wrapped in
   * {@link ExecutorFailedError} naming the executor, e.g. a worker crash) rather than the task's.
   * @defaultValue errors whose `code` starts with `'ERR_WEFT_POOL_'` (@weft/process-pool's errors)
   */
  readonly isFailure?: (error: unknown) => boolean;
}

/**
 * Anything that records scheduler events, such as {@link Recorder}.
 *
 * @example
 * ```ts
 * const sink: EventSink = { record: (event) => console.log(event.type) };
 * ```
 */
export interface EventSink {
  /**
   * Receives one event.
   * @param event - The event.
   */
  record(event: SchedulerEvent): void;
}

/**
 * Options of {@link Scheduler}.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({
 *   cpu: pool,                       // CPU-bound work: a @weft/process-pool Pool
 *   io: { executor: new InlineExecutor(), concurrency: 32 },
 *   concurrency: 64,
 *   maxPending: 10_000,
 *   defaultKind: 'auto',
 * });
 * ```
 */
export interface SchedulerOptions {
  /**
   * Executor for CPU-bound work (`kind: 'cpu'`, and `'auto'` tasks measured CPU-bound).
   * @defaultValue none: such tasks run on the I/O executor
   */
  readonly cpu?: Executor | ExecutorOptions;
  /**
   * Executor for I/O-bound work.
   * @defaultValue a new {@link InlineExecutor} with no limit of its own
   */
  readonly io?: Executor | ExecutorOptions;
  /**
   * Attempts running at once across all executors, a positive integer or `Infinity`.
   * @defaultValue `Infinity`
   */
  readonly concurrency?: number;
  /**
   * Rate limit of starts across all executors.
   * @defaultValue none
   */
  readonly rateLimit?: RateLimit;
  /**
   * Per-attempt timeout in ms of tasks that do not give their own `timeout` (see
   * {@link TaskOptions.timeout}); `Infinity` for none.
   * @defaultValue none
   */
  readonly timeout?: number;
  /**
   * Tasks that may wait in the queues (not yet started), a positive integer or `Infinity`.
   * @defaultValue `Infinity`
   */
  readonly maxPending?: number;
  /**
   * What a task does when `maxPending` is reached, unless it says otherwise.
   * @defaultValue `'wait'`
   */
  readonly onFull?: OnFull;
  /**
   * Waiting this many ms raises a queued task's priority by 1, so low priorities are not starved;
   * `Infinity` turns aging off.
   * @defaultValue `1000`
   */
  readonly agingInterval?: number;
  /**
   * Kind of tasks that do not give one.
   * @defaultValue `'io'`
   */
  readonly defaultKind?: TaskKind;
  /**
   * How `auto` routing learns.
   * @defaultValue see {@link AutoRoutingOptions}
   */
  readonly auto?: AutoRoutingOptions;
  /**
   * Start paused: tasks queue until `resume()`.
   * @defaultValue `false`
   */
  readonly paused?: boolean;
  /**
   * Receives every event (e.g. a {@link Recorder}).
   * @defaultValue none
   */
  readonly recorder?: EventSink;
}

/**
 * Options of {@link Scheduler.map}: task options for every item, plus a limit of items in flight.
 *
 * @example
 * ```ts
 * await scheduler.map(resize, files, { kind: 'cpu', limit: 8 });
 * ```
 */
export interface MapOptions extends TaskOptions {
  /**
   * Items scheduled and not yet settled at once, a positive integer or `Infinity`; the iterable
   * is read only as fast as this allows.
   * @defaultValue `Infinity`
   */
  readonly limit?: number;
}

/**
 * Options of {@link Scheduler.close}.
 *
 * @example
 * ```ts
 * await scheduler.close({ cancelPending: true });
 * ```
 */
export interface CloseOptions {
  /**
   * Reject tasks not yet started with `SchedulerClosedError` instead of running them.
   * @defaultValue `false`
   */
  readonly cancelPending?: boolean;
}

const WAITING = 0;
const QUEUED = 1;
const RUNNING = 2;
const BACKOFF = 3;
const DONE = 4;

type Status = TaskFinishedEvent['status'];

class Lane {
  readonly queue: PriorityQueue<Entry>;
  running = 0;
  readonly slots: boolean[] = [];
  readonly laneInfos = new Map<string, LaneInfo>();

  constructor(
    readonly name: 'cpu' | 'io',
    readonly executor: Executor,
    readonly inline: boolean,
    public limit: number,
    readonly rate: RateLimiter | undefined,
    readonly isFailure: (error: unknown) => boolean,
    agingInterval: number,
  ) {
    this.queue = new PriorityQueue<Entry>(agingInterval);
  }

  takeSlot(): number {
    let slot = this.slots.indexOf(false);
    if (slot === -1) slot = this.slots.length;
    this.slots[slot] = true;
    return slot;
  }

  laneInfo(slot: number, start: ExecutionStart | undefined): LaneInfo {
    const workerId = start?.workerId;
    const key = workerId === undefined ? `slot-${slot}` : `worker-${workerId}`;
    let info = this.laneInfos.get(key);
    if (info === undefined) {
      const id = `${this.name}:${key}`;
      if (workerId === undefined) {
        const name = `${this.name} ${this.inline ? 'event-loop' : 'executor'} slot ${slot}`;
        info = this.inline
          ? { id, name, kind: 'event-loop', pid: process.pid, threadId }
          : { id, name, kind: 'remote' };
      } else {
        const kind = start?.pid !== undefined && start.pid !== process.pid ? 'process' : 'worker';
        info = { id, name: `${this.name} ${kind} ${workerId}`, kind };
        if (start?.pid !== undefined) info = { ...info, pid: start.pid };
        if (start?.threadId !== undefined) info = { ...info, threadId: start.threadId };
      }
      this.laneInfos.set(key, info);
    }
    return info;
  }
}

/** What only tasks with a signal, timeout, deadline or retry policy need (kept out of Entry to keep it small). */
class Extras {
  errors: unknown[] | undefined = undefined;
  current: Attempt | undefined = undefined;
  deadlineTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  backoffTimer: LongTimer | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly timeout: number | undefined,
    readonly deadline: number | undefined,
    readonly signal: AbortSignal | undefined,
    readonly retry: RetryPolicy | undefined,
  ) {}
}

// Fields are declared and assigned in the constructor (no class-field initializers): one entry
// per scheduled task, so the separate initializer call showed in profiles.
class Entry implements Queued {
  declare enqueuedAt: number;
  declare seq: number;
  declare removed: boolean;
  declare state: number;
  declare attempt: number;
  declare lane: Lane;
  declare resolve: (value: unknown) => void;
  declare reject: (error: unknown) => void;
  declare readonly id: number;
  declare readonly fn: (...args: readonly unknown[]) => unknown;
  declare readonly args: readonly unknown[];
  declare readonly name: string;
  declare readonly kind: TaskKind;
  declare readonly priority: number;
  declare readonly x: Extras | undefined;

  constructor(
    id: number,
    fn: (...args: readonly unknown[]) => unknown,
    args: readonly unknown[],
    name: string,
    kind: TaskKind,
    priority: number,
    x: Extras | undefined,
  ) {
    this.enqueuedAt = 0;
    this.seq = 0;
    this.removed = false;
    this.state = WAITING;
    this.attempt = 0;
    this.lane = undefined as unknown as Lane; // routed right after
    this.resolve = this.reject = unset; // set once the promise exists
    this.id = id;
    this.fn = fn;
    this.args = args;
    this.name = name;
    this.kind = kind;
    this.priority = priority;
    this.x = x;
  }
}

class Attempt {
  over = false;
  slot = -1;
  dispatched = 0;
  controller: AbortController | undefined = undefined;
  timer: LongTimer | undefined = undefined;
  startInfo: ExecutionStart | undefined = undefined;
  settleInfo: ExecutionSettle | undefined = undefined;

  constructor(
    readonly entry: Entry,
    readonly lane: Lane,
    readonly number: number,
  ) {}
}

/** An event-loop slot of the hot path: the task it runs now and its reusable settle handlers. */
interface Runner {
  entry: Entry | undefined;
  lane: Lane | undefined;
  readonly fulfilled: (value: unknown) => void;
  readonly rejected: (error: unknown) => void;
}

/** Idle runners kept for reuse (more run at once when the limit allows; the rest are collected). */
const MAX_IDLE_RUNNERS = 64;

const channels = {
  'task:queued': diagnostics_channel.channel(schedulerChannels['task:queued']),
  'task:routed': diagnostics_channel.channel(schedulerChannels['task:routed']),
  'task:started': diagnostics_channel.channel(schedulerChannels['task:started']),
  'task:finished': diagnostics_channel.channel(schedulerChannels['task:finished']),
  'task:retried': diagnostics_channel.channel(schedulerChannels['task:retried']),
  'task:settled': diagnostics_channel.channel(schedulerChannels['task:settled']),
};
const channelList = Object.values(channels);

function channelsObserved(): boolean {
  for (const channel of channelList) if (channel.hasSubscribers) return true;
  return false;
}

const EMPTY_ARGS: readonly unknown[] = Object.freeze([]);

const unset = (): void => undefined;
let capturedResolve: (value: unknown) => void = unset;
let capturedReject: (error: unknown) => void = unset;
function captureResolvers(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve as (value: unknown) => void;
  capturedReject = reject;
}

function defaultRetryOn(error: unknown): boolean {
  return !(error instanceof TaskCancelledError || error instanceof DeadlineExceededError);
}

/** @weft/process-pool's own errors (worker exited, pool broken, task not found, ...), matched by code. */
function isPoolFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_WEFT_POOL_');
}

function isExecutorFailure(lane: Lane, error: unknown): boolean {
  try {
    return lane.isFailure(error) === true;
  } catch {
    return false;
  }
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value === 'string';
  if (value === null) return false;
  return (
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function' ||
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

function isExecutor(value: unknown): value is Executor {
  return (
    typeof value === 'object' && value !== null && typeof (value as Executor).apply === 'function'
  );
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
  readonly #lanes: Lane[];
  readonly #io: Lane;
  readonly #cpu: Lane | undefined;
  readonly #router: Router;
  #concurrency: number;
  readonly #timeout: number | undefined;
  readonly #rate: RateLimiter | undefined;
  readonly #maxPending: number;
  readonly #onFull: OnFull;
  readonly #aging: boolean;
  readonly #agingInterval: number;
  readonly #defaultKind: TaskKind;
  readonly #base: number;
  readonly #listeners = new Set<(event: SchedulerEvent) => void>();
  #paused: boolean;
  #closed = false;
  #nextId = 0;
  #seq = 0;
  #running = 0;
  #pending = 0;
  #active = 0;
  #waiting: Entry[] = [];
  #waitingHead = 0;
  #waitingCount = 0;
  #draining = false;
  #again = false;
  #rateTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #rateTimerAt = Infinity;
  #runners: Runner[] = [];
  #idleWaiters: (() => void)[] = [];
  #emptyWaiters: (() => void)[] = [];
  #runningZeroWaiters: (() => void)[] = [];
  #sizeWaiters: { limit: number; resolve: () => void }[] = [];
  #readyWaiters: (() => void)[] = [];

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
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('options', options, 'an object of SchedulerOptions');
    const agingInterval = options.agingInterval ?? 1000;
    positiveNumber('agingInterval', agingInterval);
    this.#aging = agingInterval !== Infinity;
    this.#agingInterval = agingInterval;
    this.#io = this.#makeLane('io', options.io ?? new InlineExecutor(), agingInterval);
    this.#cpu =
      options.cpu === undefined ? undefined : this.#makeLane('cpu', options.cpu, agingInterval);
    this.#lanes = this.#cpu === undefined ? [this.#io] : [this.#io, this.#cpu];
    this.#concurrency = positiveIntegerOrInfinity('concurrency', options.concurrency ?? Infinity);
    this.#timeout =
      options.timeout === undefined || options.timeout === Infinity
        ? undefined
        : positiveNumber('timeout', options.timeout);
    this.#rate =
      options.rateLimit === undefined ? undefined : makeRate('rateLimit', options.rateLimit);
    this.#maxPending = positiveIntegerOrInfinity('maxPending', options.maxPending ?? Infinity);
    this.#onFull = oneOf('onFull', options.onFull ?? 'wait', ['wait', 'reject'] as const);
    this.#defaultKind = oneOf('defaultKind', options.defaultKind ?? 'io', [
      'cpu',
      'io',
      'auto',
    ] as const);
    this.#router = new Router(options.auto ?? {}, this.#cpu !== undefined, this.#defaultKind);
    const paused = options.paused ?? false;
    if (typeof paused !== 'boolean')
      throw new InvalidOptionError('paused', paused, 'true or false');
    this.#paused = paused;
    this.#base = performance.now();
    const recorder = options.recorder;
    if (recorder !== undefined) {
      if (typeof recorder.record !== 'function')
        throw new InvalidOptionError('recorder', recorder, 'an object with a record(event) method');
      this.subscribe((event) => recorder.record(event));
    }
  }

  #makeLane(name: 'cpu' | 'io', given: Executor | ExecutorOptions, agingInterval: number): Lane {
    const config: ExecutorOptions = isExecutor(given) ? { executor: given } : given;
    if (typeof config !== 'object' || config === null || !isExecutor(config.executor)) {
      throw new InvalidOptionError(
        name,
        given,
        'an Executor (with apply(fn, args, options)) or { executor, concurrency?, rateLimit? }',
      );
    }
    // Default to the executor's own capacity, so tasks wait in this scheduler's priority queue
    // rather than in the executor's FIFO.
    const capacity =
      config.executor instanceof InlineExecutor
        ? config.executor.concurrency
        : (config.executor as { maxWorkers?: unknown }).maxWorkers;
    const fallback =
      typeof capacity === 'number' && Number.isInteger(capacity) && capacity > 0
        ? capacity
        : Infinity;
    const limit = positiveIntegerOrInfinity(`${name}.concurrency`, config.concurrency ?? fallback);
    const rate =
      config.rateLimit === undefined ? undefined : makeRate(`${name}.rateLimit`, config.rateLimit);
    const isFailure = config.isFailure ?? isPoolFailure;
    if (typeof isFailure !== 'function')
      throw new InvalidOptionError(`${name}.isFailure`, isFailure, 'a function (error) => boolean');
    return new Lane(
      name,
      config.executor,
      config.executor instanceof InlineExecutor,
      limit,
      rate,
      isFailure,
      agingInterval,
    );
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
    return this.#pending + this.#waitingCount;
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
    return this.#concurrency;
  }

  set concurrency(value: number) {
    this.#concurrency = positiveIntegerOrInfinity('concurrency', value);
    this.#drain();
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
    const lane = executor === 'io' ? this.#io : executor === 'cpu' ? this.#cpu : undefined;
    if (lane === undefined)
      throw new InvalidOptionError(
        'executor',
        executor,
        "'io', or 'cpu' when a cpu executor is set",
      );
    lane.limit = positiveIntegerOrInfinity(`${executor}.concurrency`, value);
    this.#drain();
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
    let dropped = 0;
    for (const entry of this.#allQueued()) {
      this.#cancel(entry, new TaskClearedError(entry.name), 'cancelled');
      dropped++;
    }
    return dropped;
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
    return new Promise((resolve) => this.#sizeWaiters.push({ limit, resolve }));
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
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#runningZeroWaiters.push(resolve));
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
    return this.#running;
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
    return this.#paused;
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
    return this.#closed;
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
    try {
      if (typeof task !== 'object' || task === null)
        throw new InvalidOptionError('task', task, 'an object { fn, args?, ...TaskOptions }');
      validateTaskOptions(task);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an InvalidOptionError
      return Promise.reject(error);
    }
    const fn = task.fn as (...args: readonly unknown[]) => unknown;
    const name = task.name ?? (fn.name || 'anonymous');
    if (this.#closed) return Promise.reject(new SchedulerClosedError(name));
    const signal = task.signal;
    if (signal?.aborted)
      return Promise.reject(new TaskCancelledError(name, { cause: signal.reason }));
    const deadline = task.deadline;
    // Deadlines are wall-clock (epoch ms, like Date.now()); the performance clock drifts from it.
    if (deadline !== undefined && deadline <= Date.now())
      return Promise.reject(new DeadlineExceededError(name, deadline));
    const givenTimeout = task.timeout ?? this.#timeout;
    const timeout = givenTimeout === Infinity ? undefined : givenTimeout;
    const retry = task.retry !== undefined && task.retry.attempts > 1 ? task.retry : undefined;
    const finiteDeadline = deadline === Infinity ? undefined : deadline;
    const extras =
      timeout === undefined &&
      finiteDeadline === undefined &&
      signal === undefined &&
      retry === undefined
        ? undefined
        : new Extras(timeout, finiteDeadline, signal, retry);
    const entry = new Entry(
      ++this.#nextId,
      fn,
      (task.args as readonly unknown[] | undefined) ?? EMPTY_ARGS,
      name,
      task.kind ?? this.#defaultKind,
      task.priority ?? 0,
      extras,
    );
    if (this.#pending >= this.#maxPending && (task.onFull ?? this.#onFull) === 'reject') {
      return Promise.reject(new QueueFullError(name, this.#maxPending));
    }
    const observed = this.#observed();
    entry.lane = this.#route(entry, observed);
    // One shared executor function instead of a closure per task (Node 20 lacks
    // Promise.withResolvers): it runs synchronously, so the captured pair is this promise's.
    const promise = new Promise<Awaited<R>>(captureResolvers);
    entry.resolve = capturedResolve;
    entry.reject = capturedReject;
    capturedResolve = capturedReject = unset; // hold no settled task's promise
    this.#active++;
    if (this.#pending >= this.#maxPending) {
      entry.state = WAITING;
      this.#waiting.push(entry);
      this.#waitingCount++;
    } else {
      this.#enqueue(entry, observed);
    }
    if (extras !== undefined) {
      if (signal !== undefined) {
        extras.onAbort = () =>
          this.#cancel(entry, new TaskCancelledError(name, { cause: signal.reason }), 'cancelled');
        signal.addEventListener('abort', extras.onAbort, { once: true });
      }
      if (finiteDeadline !== undefined) this.#armDeadline(entry, extras, finiteDeadline);
    }
    this.#drain();
    return promise;
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
  async map<T, R>(
    fn: (item: T) => R,
    items: Iterable<T> | AsyncIterable<T>,
    options: MapOptions = {},
  ): Promise<Awaited<R>[]> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('options', options, 'an object of MapOptions');
    const { limit: givenLimit, ...taskOptions } = options;
    const limit = positiveIntegerOrInfinity('limit', givenLimit ?? Infinity);
    validateTaskOptions({ ...taskOptions, fn });
    if (!isIterable(items))
      throw new InvalidOptionError('items', items, 'an iterable or async iterable');
    const results: Awaited<R>[] = [];
    const inFlight = new Set<Promise<void>>();
    let failed = false;
    let firstError: unknown;
    let index = 0;
    try {
      for await (const item of items) {
        if (failed) break;
        const at = index++;
        const task = { ...taskOptions, fn, args: [item] as [T] } as Task<[T], R>;
        const settled: Promise<void> = this.schedule(task).then(
          (value) => {
            results[at] = value;
            inFlight.delete(settled);
          },
          (error: unknown) => {
            if (!failed) {
              failed = true;
              firstError = error;
            }
            inFlight.delete(settled);
          },
        );
        inFlight.add(settled);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    } catch (error) {
      // The items' iterator threw: that is the first error unless a task failed before.
      if (!failed) {
        failed = true;
        firstError = error;
      }
    }
    await Promise.all(inFlight);
    if (failed) throw firstError;
    return results;
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
    return this.#router.explain(name);
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
    this.#paused = true;
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
    if (!this.#paused) return;
    this.#paused = false;
    this.#drain();
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
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
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
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
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
    if (this.#hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /**
   * Subscribes to every event (see {@link SchedulerEvent}); events are also published on
   * `node:diagnostics_channel` (see {@link schedulerChannels}). A throwing listener is ignored.
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
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
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
    this.#closed = true;
    if (cancelPending) {
      for (const entry of this.#allQueued())
        this.#cancel(entry, new SchedulerClosedError(entry.name), 'cancelled');
    }
    this.#paused = false;
    this.#drain();
    await this.onIdle();
    if (this.#rateTimer !== undefined) {
      clearTimeout(this.#rateTimer);
      this.#rateTimer = undefined;
      this.#rateTimerAt = Infinity;
    }
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

  // ---- internals ---------------------------------------------------------------------------

  #observed(): boolean {
    return this.#listeners.size !== 0 || channelsObserved();
  }

  #emit(event: SchedulerEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing observer must not break scheduling.
      }
    }
    const channel = channels[event.type];
    if (channel.hasSubscribers) channel.publish(event);
  }

  #route(entry: Entry, observed: boolean): Lane {
    const target = this.#router.route(entry.name, entry.kind);
    const lane = target === 'cpu' && this.#cpu !== undefined ? this.#cpu : this.#io;
    if (observed) {
      this.#emit({
        type: 'task:routed',
        time: now(),
        id: entry.id,
        name: entry.name,
        pending: this.pending,
        running: this.#running,
        kind: entry.kind,
        executor: lane.name,
        reason: this.#router.explain(entry.name).reason,
      });
    }
    return lane;
  }

  #enqueue(entry: Entry, observed: boolean): void {
    entry.state = QUEUED;
    entry.removed = false;
    entry.seq = ++this.#seq;
    // Only differences of enqueue times matter, so the bare performance clock does (the
    // timeOrigin getter cost as much again per task).
    if (this.#aging) entry.enqueuedAt = performance.now() - this.#base;
    entry.lane.queue.push(entry);
    this.#pending++;
    if (observed) {
      this.#emit({
        type: 'task:queued',
        time: now(),
        id: entry.id,
        name: entry.name,
        pending: this.pending,
        running: this.#running,
        priority: entry.priority,
        attempt: entry.attempt + 1,
        executor: entry.lane.name,
      });
    }
  }

  #drain(): void {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#again = false;
        while (this.#startNext()) {
          // Keep starting while there is capacity.
        }
      } while (this.#again);
    } finally {
      this.#draining = false;
    }
    this.#notify();
  }

  #startNext(): boolean {
    if (this.#paused || this.#pending === 0 || this.#running >= this.#concurrency) return false;
    let time = NaN;
    if (this.#rate !== undefined) {
      const at = this.#rate.allowedAt();
      if (at > (time = now())) {
        this.#armRateTimer(at, time);
        return false;
      }
    }
    let best: Lane | undefined;
    let bestHead: Entry | undefined;
    for (const lane of this.#lanes) {
      if (lane.queue.size === 0 || lane.running >= lane.limit) continue;
      if (lane.rate !== undefined) {
        const at = lane.rate.allowedAt();
        if (Number.isNaN(time)) time = now();
        if (at > time) {
          this.#armRateTimer(at, time);
          continue;
        }
      }
      // The heads are compared only when two executors could start one: with one candidate,
      // its pop() below finds the head by itself (peeking too cost a second search per task).
      if (best === undefined) {
        best = lane;
        continue;
      }
      const head = lane.queue.peek()!;
      bestHead ??= best.queue.peek()!;
      if (this.#before(head, bestHead)) {
        best = lane;
        bestHead = head;
      }
    }
    if (best === undefined) return false;
    const entry = best.queue.pop()!;
    this.#pending--;
    if (this.#rate !== undefined || best.rate !== undefined) {
      if (Number.isNaN(time)) time = now();
      this.#rate?.record(time);
      best.rate?.record(time);
    }
    this.#admitWaiting();
    this.#start(entry, best);
    return true;
  }

  /** Whether queued `a` goes before queued `b` (heads of two executors' queues); see PriorityQueue. */
  #before(a: Entry, b: Entry): boolean {
    const ka = this.#aging ? a.priority - a.enqueuedAt / this.#agingInterval : a.priority;
    const kb = this.#aging ? b.priority - b.enqueuedAt / this.#agingInterval : b.priority;
    return ka > kb || (ka === kb && a.seq < b.seq);
  }

  #armDeadline(entry: Entry, extras: Extras, deadline: number): void {
    // Timers count monotonic time but the deadline is wall-clock time (Date.now()): when the timer
    // fires, look at the wall clock again and wait for the rest if it was set back meanwhile.
    // setTimeout fires at once beyond 2^31−1 ms, so long waits go in steps.
    const left = deadline - Date.now();
    if (left <= 0) {
      extras.deadlineTimer = undefined;
      this.#cancel(entry, new DeadlineExceededError(entry.name, deadline), 'timeout');
      return;
    }
    extras.deadlineTimer = setTimeout(
      () => this.#armDeadline(entry, extras, deadline),
      Math.min(left, MAX_TIMER),
    );
  }

  #armRateTimer(at: number, time: number): void {
    // A window of Infinity never reopens; a wait beyond setTimeout's range wakes at its limit and
    // the next drain arms the rest.
    if (at === Infinity) return;
    if (this.#rateTimer !== undefined && this.#rateTimerAt <= at) return;
    if (this.#rateTimer !== undefined) clearTimeout(this.#rateTimer);
    this.#rateTimerAt = at;
    this.#rateTimer = setTimeout(
      () => {
        this.#rateTimer = undefined;
        this.#rateTimerAt = Infinity;
        this.#drain();
      },
      Math.min(Math.max(0, at - time), MAX_TIMER),
    );
  }

  #admitWaiting(): void {
    while (this.#waitingCount > 0 && this.#pending < this.#maxPending) {
      const entry = this.#waiting[this.#waitingHead]!;
      this.#waiting[this.#waitingHead++] = undefined as unknown as Entry;
      if (this.#waitingHead === this.#waiting.length) {
        this.#waiting = [];
        this.#waitingHead = 0;
      }
      if (entry.removed) continue;
      this.#waitingCount--;
      this.#enqueue(entry, this.#observed());
    }
  }

  #start(entry: Entry, lane: Lane): void {
    entry.attempt++;
    entry.state = RUNNING;
    lane.running++;
    this.#running++;
    const observed = this.#observed();
    const extras = entry.x;
    if (!observed && extras === undefined && lane.inline && entry.kind !== 'auto') {
      // Hot path: nothing to watch, measure or report.
      let result: Promise<unknown>;
      try {
        result = lane.executor.apply(entry.fn, entry.args);
        // A subclass's apply may return a thenable: adopt it, so the handlers run once.
        if (!(result instanceof Promise)) result = Promise.resolve(result);
      } catch (error) {
        result = Promise.reject(new ExecutorFailedError(entry.name, lane.name, { cause: error }));
      }
      // A runner is one event-loop slot: its settle handlers are made once and reused by every
      // task it runs, instead of two closures per task (garbage collection dominated this path).
      const runner = this.#runners.pop() ?? this.#newRunner();
      runner.entry = entry;
      runner.lane = lane;
      result.then(runner.fulfilled, runner.rejected);
      return;
    }
    const attempt = new Attempt(entry, lane, entry.attempt);
    if (extras !== undefined) extras.current = attempt;
    const needsSignal =
      extras !== undefined &&
      (extras.signal !== undefined ||
        extras.deadline !== undefined ||
        extras.timeout !== undefined);
    if (observed) {
      attempt.slot = lane.takeSlot();
      attempt.dispatched = now();
    }
    const signal = needsSignal ? (attempt.controller = new AbortController()).signal : undefined;
    let options: ExecutorCallOptions | undefined;
    if (observed || entry.kind === 'auto' || !lane.inline) {
      // Start/settle reports feed the timeline, auto routing and executor-failure detection.
      const callbacks = {
        onStart: (info: ExecutionStart) => this.#onStart(attempt, info),
        onSettle: (info: ExecutionSettle) => {
          attempt.settleInfo = info;
        },
      };
      options = signal === undefined ? callbacks : { ...callbacks, signal };
    } else if (signal !== undefined) {
      options = { signal };
    }
    if (extras?.timeout !== undefined) {
      const timeout = extras.timeout;
      attempt.timer = new LongTimer(
        () => this.#endAttempt(attempt, new TaskTimeoutError(entry.name, timeout), 'timeout', true),
        timeout,
      );
    }
    let result: Promise<unknown>;
    try {
      result = lane.executor.apply(entry.fn, entry.args, options);
      // A misbehaving executor must not break the scheduler: adopt whatever it returned.
      if (!(result instanceof Promise)) result = Promise.resolve(result);
    } catch (error) {
      result = Promise.reject(new ExecutorFailedError(entry.name, lane.name, { cause: error }));
    }
    result.then(
      (value) => this.#attemptSettled(attempt, true, value),
      (error: unknown) => this.#attemptSettled(attempt, false, error),
    );
  }

  #onStart(attempt: Attempt, info: ExecutionStart): void {
    if (attempt.startInfo !== undefined) return;
    attempt.startInfo = info;
    if (attempt.over || attempt.slot < 0) return;
    const entry = attempt.entry;
    const lane = attempt.lane.laneInfo(attempt.slot, info);
    const event = {
      type: 'task:started' as const,
      time: info.time,
      id: entry.id,
      name: entry.name,
      pending: this.pending,
      running: this.#running,
      attempt: attempt.number,
      executor: attempt.lane.name,
      lane,
    };
    this.#emit(info.workerId === undefined ? event : { ...event, workerId: info.workerId });
  }

  #newRunner(): Runner {
    const runner: Runner = {
      entry: undefined,
      lane: undefined,
      fulfilled: (value: unknown) => this.#plainSettled(runner, true, value),
      rejected: (error: unknown) => this.#plainSettled(runner, false, error),
    };
    return runner;
  }

  /** Settlement of a hot-path attempt: no retry policy, no observers, inline executor. */
  #plainSettled(runner: Runner, ok: boolean, value: unknown): void {
    const entry = runner.entry!;
    const lane = runner.lane!;
    runner.entry = runner.lane = undefined;
    // Keep a few idle runners for the next tasks; an unlimited burst must not pin them all.
    if (this.#runners.length < MAX_IDLE_RUNNERS) this.#runners.push(runner);
    lane.running--;
    this.#running--;
    this.#finish(entry, ok ? 'fulfilled' : 'rejected', value);
    this.#drain();
  }

  #attemptSettled(attempt: Attempt, ok: boolean, value: unknown): void {
    const lane = attempt.lane;
    lane.running--;
    this.#running--;
    if (attempt.slot >= 0) lane.slots[attempt.slot] = false;
    if (!attempt.over) {
      const entry = attempt.entry;
      const info = attempt.settleInfo;
      if (entry.kind === 'auto' && info?.cpuMs !== undefined)
        this.#router.learn(entry.name, info.runMs - (info.blockedMs ?? 0), info.cpuMs);
      if (ok) {
        this.#endAttempt(attempt, value, 'fulfilled', false);
      } else {
        const error =
          !lane.inline && !(value instanceof ExecutorFailedError) && isExecutorFailure(lane, value)
            ? new ExecutorFailedError(entry.name, lane.name, { cause: value })
            : value;
        this.#endAttempt(attempt, error, 'rejected', false);
      }
    }
    this.#drain();
  }

  /** Ends an attempt by its settlement or its timeout, then settles or retries its task. */
  #endAttempt(
    attempt: Attempt,
    valueOrError: unknown,
    status: 'fulfilled' | 'rejected' | 'timeout',
    abort: boolean,
  ): void {
    if (attempt.over) return;
    this.#closeAttempt(attempt, valueOrError, status, abort);
    const entry = attempt.entry;
    if (status === 'fulfilled') this.#finish(entry, status, valueOrError);
    else this.#failAttempt(entry, attempt, valueOrError, status);
  }

  /** Marks an attempt over (once), aborts its signal if asked, and reports its span. */
  #closeAttempt(attempt: Attempt, valueOrError: unknown, status: Status, abort: boolean): void {
    attempt.over = true;
    attempt.timer?.clear();
    if (abort) attempt.controller?.abort(valueOrError);
    const entry = attempt.entry;
    if (entry.x !== undefined) entry.x.current = undefined;
    if (attempt.slot >= 0 && this.#observed()) {
      const info = attempt.settleInfo;
      const event: TaskFinishedEvent = {
        type: 'task:finished',
        time: status === 'fulfilled' || status === 'rejected' ? (info?.time ?? now()) : now(),
        id: entry.id,
        name: entry.name,
        pending: this.pending,
        running: this.#running,
        attempt: attempt.number,
        executor: attempt.lane.name,
        lane: attempt.lane.laneInfo(attempt.slot, attempt.startInfo),
        start: attempt.startInfo?.time ?? attempt.dispatched,
        status,
        ...(info?.cpuMs === undefined ? {} : { cpuMs: info.cpuMs }),
        ...(status === 'fulfilled' ? {} : { error: valueOrError }),
      };
      this.#emit(event);
    }
  }

  #failAttempt(
    entry: Entry,
    attempt: Attempt,
    error: unknown,
    status: 'rejected' | 'timeout',
  ): void {
    const extras = entry.x;
    const retry = extras?.retry;
    if (
      extras !== undefined &&
      retry !== undefined &&
      entry.attempt < retry.attempts &&
      this.#shouldRetry(retry, error, entry.attempt)
    ) {
      (extras.errors ??= []).push(error);
      const delay = backoffDelay(retry.backoff, entry.attempt);
      if (this.#observed()) {
        const event = {
          type: 'task:retried' as const,
          time: now(),
          id: entry.id,
          name: entry.name,
          pending: this.pending,
          running: this.#running,
          attempt: attempt.number,
          delay,
          error,
        };
        this.#emit(
          attempt.slot >= 0
            ? { ...event, lane: attempt.lane.laneInfo(attempt.slot, attempt.startInfo) }
            : event,
        );
      }
      if (delay > 0) {
        entry.state = BACKOFF;
        extras.backoffTimer = new LongTimer(() => {
          extras.backoffTimer = undefined;
          this.#requeue(entry);
        }, delay);
      } else {
        this.#requeue(entry);
      }
      return;
    }
    const final =
      retry !== undefined && entry.attempt >= retry.attempts
        ? new RetryExhaustedError(entry.name, [...(extras?.errors ?? []), error])
        : error;
    this.#finish(entry, status, final);
  }

  #shouldRetry(retry: RetryPolicy, error: unknown, attempt: number): boolean {
    try {
      return (retry.retryOn ?? defaultRetryOn)(error, attempt);
    } catch {
      return false;
    }
  }

  #requeue(entry: Entry): void {
    if (entry.state === DONE) return;
    const observed = this.#observed();
    if (entry.kind === 'auto') entry.lane = this.#route(entry, observed);
    this.#enqueue(entry, observed);
    this.#drain();
  }

  /** Cancels a task at whatever stage it is (signal, deadline, close). */
  #cancel(entry: Entry, error: Error, status: 'cancelled' | 'timeout'): void {
    switch (entry.state) {
      case DONE:
        return;
      case WAITING:
        entry.removed = true;
        this.#waitingCount--;
        break;
      case QUEUED:
        entry.lane.queue.remove(entry);
        this.#pending--;
        this.#admitWaiting();
        break;
      case RUNNING:
        if (entry.x?.current !== undefined && !entry.x.current.over)
          this.#closeAttempt(entry.x.current, error, status, true);
        break;
      case BACKOFF:
        break;
    }
    this.#finish(entry, status, error);
    this.#drain();
  }

  #finish(entry: Entry, status: Status, valueOrError: unknown): void {
    if (entry.state === DONE) return;
    entry.state = DONE;
    const extras = entry.x;
    if (extras !== undefined) {
      extras.current = undefined;
      if (extras.deadlineTimer !== undefined) clearTimeout(extras.deadlineTimer);
      extras.backoffTimer?.clear();
      if (extras.onAbort !== undefined) extras.signal?.removeEventListener('abort', extras.onAbort);
    }
    this.#active--;
    if (this.#observed()) {
      const event = {
        type: 'task:settled' as const,
        time: now(),
        id: entry.id,
        name: entry.name,
        pending: this.pending,
        running: this.#running,
        status,
        attempts: entry.attempt,
      };
      this.#emit(status === 'fulfilled' ? event : { ...event, error: valueOrError });
    }
    if (status === 'fulfilled') entry.resolve(valueOrError);
    else entry.reject(valueOrError);
  }

  *#allQueued(): Generator<Entry> {
    const found: Entry[] = [];
    for (let i = this.#waitingHead; i < this.#waiting.length; i++) {
      const entry = this.#waiting[i]!;
      if (!entry.removed && entry.state === WAITING) found.push(entry);
    }
    for (const lane of this.#lanes) {
      for (let entry = lane.queue.peek(); entry !== undefined; entry = lane.queue.peek()) {
        found.push(entry);
        lane.queue.pop();
        this.#pending--;
        entry.state = BACKOFF; // out of the queue; #cancel only needs to settle it
      }
    }
    yield* found;
  }

  #isIdle(): boolean {
    return this.#active === 0 && this.#running === 0;
  }

  #hasRoom(): boolean {
    return this.#waitingCount === 0 && this.#pending < this.#maxPending;
  }

  #notify(): void {
    if (this.#emptyWaiters.length !== 0 && this.pending === 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.#idleWaiters.length !== 0 && this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.#runningZeroWaiters.length !== 0 && this.#running === 0) {
      const waiters = this.#runningZeroWaiters;
      this.#runningZeroWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.#sizeWaiters.length !== 0) {
      const size = this.pending;
      const waiters = this.#sizeWaiters;
      this.#sizeWaiters = waiters.filter((waiter) => size >= waiter.limit);
      for (const waiter of waiters) if (size < waiter.limit) waiter.resolve();
    }
    if (this.#readyWaiters.length !== 0 && this.#hasRoom()) {
      const waiters = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

function makeRate(option: string, rate: RateLimit): RateLimiter {
  if (typeof rate !== 'object' || rate === null)
    throw new InvalidOptionError(option, rate, 'an object { limit, interval }');
  const limit = rate.limit;
  if (!(typeof limit === 'number' && Number.isInteger(limit) && limit > 0))
    throw new InvalidOptionError(`${option}.limit`, limit, 'a positive integer');
  if (!(typeof rate.interval === 'number' && rate.interval > 0)) {
    throw new InvalidOptionError(
      `${option}.interval`,
      rate.interval,
      'a number of ms greater than 0, or Infinity',
    );
  }
  return new RateLimiter(limit, rate.interval);
}
