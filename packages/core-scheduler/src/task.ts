// The task model: a function plus its arguments and the options that decide where, when and how
// often it runs. Plain data so a task can be described, stored and retried.

/**
 * Where a task should run: `'cpu'` on the CPU executor (a pool of cores), `'io'` on the I/O
 * executor (this event loop), `'auto'` wherever its measured CPU time says it belongs.
 *
 * @example
 * ```ts
 * const kind: TaskKind = 'auto';
 * ```
 */
export type TaskKind = 'cpu' | 'io' | 'auto';

/**
 * What a new task does when `maxPending` tasks are already queued:
 * - `'wait'`: wait for room (Bottleneck's `BLOCK` without dropping anything).
 * - `'reject'`: the new task rejects with `QueueFullError` (Bottleneck's `OVERFLOW`).
 * - `'drop-oldest'`: the oldest queued task rejects with `TaskDroppedError` and the new one
 *   queues (Bottleneck's `LEAK`, ignoring priority).
 * - `'drop-lowest'`: the oldest of the lowest-priority queued tasks is dropped if its priority is
 *   lower than the new task's; else the new task rejects with `QueueFullError` (Bottleneck's
 *   `OVERFLOW_PRIORITY`).
 *
 * @example
 * ```ts
 * await scheduler.schedule({ fn: work, onFull: 'drop-oldest' });
 * ```
 */
export type OnFull = 'wait' | 'reject' | 'drop-oldest' | 'drop-lowest';

/**
 * Fixed delay between attempts.
 *
 * @example
 * ```ts
 * const backoff: FixedBackoff = { type: 'fixed', delay: 100 };
 * ```
 */
export interface FixedBackoff {
  readonly type: 'fixed';
  /** Delay before each retry, in ms. */
  readonly delay: number;
  /**
   * Fraction of the delay that is random: the delay is `delay × (1 − jitter × random())`.
   * @defaultValue `0`
   */
  readonly jitter?: number;
}

/**
 * Exponential delay between attempts, optionally with jitter ("full jitter" at 1, as in the AWS
 * Architecture Blog's *Exponential Backoff and Jitter*).
 *
 * @example
 * ```ts
 * const backoff: ExponentialBackoff = { type: 'exponential', delay: 100, factor: 2, maxDelay: 5000, jitter: 1 };
 * ```
 */
export interface ExponentialBackoff {
  readonly type: 'exponential';
  /**
   * Delay before the first retry, in ms; retry `n` waits `delay × factor^(n−1)` (any size is
   * honoured; a delay that grows to `Infinity` never retries, so only a deadline or signal ends it).
   */
  readonly delay: number;
  /**
   * Growth factor, at least 1.
   * @defaultValue `2`
   */
  readonly factor?: number;
  /**
   * Upper bound of the delay, in ms.
   * @defaultValue `Infinity`
   */
  readonly maxDelay?: number;
  /**
   * Fraction of the delay that is random: the delay is `delay × (1 − jitter × random())`.
   * @defaultValue `0`
   */
  readonly jitter?: number;
}

/**
 * How to wait between attempts.
 *
 * @example
 * ```ts
 * const backoff: Backoff = { type: 'exponential', delay: 50 };
 * ```
 */
export type Backoff = FixedBackoff | ExponentialBackoff;

/**
 * Retry policy of a task.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = {
 *   attempts: 5,
 *   backoff: { type: 'exponential', delay: 100, jitter: 1 },
 *   retryOn: (error) => !(error instanceof TypeError),
 * };
 * ```
 */
export interface RetryPolicy {
  /** Total attempts including the first, a positive integer. */
  readonly attempts: number;
  /**
   * Wait between attempts.
   * @defaultValue no wait
   */
  readonly backoff?: Backoff;
  /**
   * Whether to retry after `error` (thrown by attempt number `attempt`, counted from 1).
   * @defaultValue retry any error except `TaskCancelledError`, `DeadlineExceededError` and an
   *   executor's refusal for the caller's mistake (`isExecutorFailure === false`, see `Executor`)
   */
  readonly retryOn?: (error: unknown, attempt: number) => boolean;
}

/**
 * A task's id: the `id` you gave it (a string), else a number the scheduler assigned (unique per
 * scheduler, increasing). Events, `runningTasks` and errors' reports carry it.
 *
 * @example
 * ```ts
 * const id: TaskId = 'invoice-42';
 * ```
 */
export type TaskId = number | string;

/**
 * Options of one task: everything but the function and its arguments.
 *
 * @example
 * ```ts
 * const options: TaskOptions = { name: 'resize', kind: 'cpu', priority: 5, timeout: 2000 };
 * ```
 */
export interface TaskOptions {
  /**
   * Your id for the task, for `setPriority()`, `jobStatus()`, events and `runningTasks`; a
   * non-empty string no other unsettled task of the scheduler has.
   * @defaultValue a number the scheduler assigns
   */
  readonly id?: string;
  /**
   * Name used by `auto` routing, `explain()`, errors and the timeline.
   * @defaultValue the function's `name`, or `'anonymous'`
   */
  readonly name?: string;
  /**
   * Where the task runs.
   * @defaultValue the scheduler's `defaultKind` (`'io'` unless set)
   */
  readonly kind?: TaskKind;
  /**
   * Higher runs first; equal priorities run in submission order.
   * @defaultValue `0`
   */
  readonly priority?: number;
  /**
   * Per-attempt time limit in ms, counted from the attempt's dispatch to its executor; a positive
   * number, honoured at any size (also beyond setTimeout's 2^31−1 ms), or `Infinity` for none. On
   * expiry the attempt's signal aborts.
   * @defaultValue none
   */
  readonly timeout?: number;
  /**
   * Absolute time (ms since the epoch, as `Date.now()`) by which the task must have settled,
   * counting queueing, all attempts and backoff.
   * @defaultValue none
   */
  readonly deadline?: number;
  /** Cancels the task: before start it never runs; while running its attempt's signal aborts. */
  readonly signal?: AbortSignal;
  /**
   * Retry policy.
   * @defaultValue one attempt
   */
  readonly retry?: RetryPolicy;
  /**
   * Units this task takes: of the scheduler's `concurrency` while it runs, and of the `reservoir`
   * when it starts (Bottleneck's `weight`); a non-negative integer not above `concurrency`.
   * Executor limits count it as one.
   * @defaultValue `1`
   */
  readonly weight?: number;
  /**
   * What to do when `maxPending` tasks are already queued.
   * @defaultValue the scheduler's `onFull` (`'wait'` unless set)
   */
  readonly onFull?: OnFull;
}

/**
 * A task: a function, its arguments (required when the function takes any) and {@link TaskOptions}.
 * To run on a pool, `fn` must be an export of one of the pool's task modules and `args` must be
 * structured-clonable.
 *
 * @example
 * ```ts
 * const task: Task<[number], number> = { fn: fib, args: [30], kind: 'cpu' };
 * ```
 */
export type Task<A extends readonly unknown[], R> = TaskOptions & {
  readonly fn: (...args: A) => R;
} & (A extends readonly [] ? { readonly args?: A } : { readonly args: A });

/**
 * Any task, whatever its function's signature (for batch helpers).
 *
 * @example
 * ```ts
 * const tasks: AnyTask[] = [{ fn: fib, args: [20] }, { fn: ping }];
 * ```
 */
export type AnyTask = TaskOptions & {
  readonly fn: (...args: never) => unknown;
  readonly args?: readonly unknown[];
};

/**
 * The awaited result type of a task.
 *
 * @example
 * ```ts
 * type N = TaskResult<{ fn: () => Promise<number> }>; // number
 * ```
 */
export type TaskResult<T> = T extends { readonly fn: (...args: never) => infer R }
  ? Awaited<R>
  : never;
