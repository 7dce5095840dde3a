// The Executor contract: anything that can run `fn(...args)` somewhere and report when it started
// and settled. A @weft/process-pool `Pool` satisfies it structurally; this package never imports it.

/**
 * What an executor reports when a task starts running (for a pool: when a worker picks it up).
 *
 * @example
 * ```ts
 * const onStart = (info: ExecutionStart): void => console.log(info.workerId, info.time);
 * ```
 */
export interface ExecutionStart {
  /** Start time, ms on `performance.timeOrigin + performance.now()`. */
  readonly time: number;
  /** Pool worker id (a stable small integer per worker instance). */
  readonly workerId?: number | undefined;
  /** Process id of the process that ran the task. */
  readonly pid?: number | undefined;
  /** `worker_threads` thread id of the thread that ran the task. */
  readonly threadId?: number | undefined;
}

/**
 * What an executor reports when a task settles on it, before its returned promise settles.
 *
 * @example
 * ```ts
 * const onSettle = (info: ExecutionSettle): void => console.log(info.status, info.cpuMs);
 * ```
 */
export interface ExecutionSettle {
  /** Settle time, ms on `performance.timeOrigin + performance.now()`. */
  readonly time: number;
  /** How the task's own code settled. */
  readonly status: 'fulfilled' | 'rejected';
  /** Time from start to settle, in ms. */
  readonly runMs: number;
  /** CPU (event-loop-active) time spent on this task, in ms, if the executor knows it. */
  readonly cpuMs?: number | undefined;
  /**
   * Of `runMs`, the time this task's thread spent running OTHER tasks' synchronous code, in ms,
   * when the executor shares one thread between tasks (the inline executor does). Without it, a
   * CPU-bound task that waited behind its neighbours would look like it spent that time waiting.
   */
  readonly blockedMs?: number | undefined;
}

/**
 * Per-call options every executor accepts.
 *
 * @example
 * ```ts
 * await executor.apply(work, [1], { signal: AbortSignal.timeout(1000), onSettle: (i) => console.log(i.runMs) });
 * ```
 */
export interface ExecutorCallOptions {
  /** Aborting it asks the executor to stop the task and reject. */
  readonly signal?: AbortSignal;
  /** Called when the task starts running; must not throw into the executor. */
  readonly onStart?: (info: ExecutionStart) => void;
  /** Called when the task settles, before the returned promise settles. */
  readonly onSettle?: (info: ExecutionSettle) => void;
}

/**
 * Runs functions somewhere: on this event loop ({@link InlineExecutor}), on a pool of worker
 * threads or processes (`Pool` from `@weft/process-pool` fits as it is), or anywhere else.
 *
 * **Telling failures apart.** When `apply` rejects, the scheduler reads the error's
 * `isExecutorFailure` property (own or inherited; the error's `code` and class do not matter):
 * - `true`: the executor itself failed (a worker crashed or could not start, the pool broke or was
 *   terminated, a connection dropped). The task gets {@link ExecutorFailedError} with the error as
 *   `cause`, and the default `retryOn` retries it.
 * - `false`: the executor refused the call for the caller's mistake (a function it cannot run, an
 *   argument it cannot send, a bad option). The error reaches the task as it is and the default
 *   `retryOn` does not retry it, since the same call would fail the same way.
 * - absent (or anything else): the task's own error, passed through as it is and retried by the
 *   default `retryOn`. An `apply` that throws instead of returning a promise has failed itself,
 *   unless the thrown error is marked `false`.
 *
 * A lane's `isFailure` option replaces the first rule for executors that cannot set the property.
 *
 * @example
 * ```ts
 * import { Pool } from '@weft/process-pool';
 * const pool = new Pool({ module: new URL('./tasks.js', import.meta.url) });
 * const scheduler = new Scheduler({ cpu: pool }); // a Pool is an Executor
 * ```
 * @example
 * ```ts
 * // An executor of your own marks its failures so the scheduler can tell them from the task's.
 * class ConnectionLostError extends Error {
 *   readonly isExecutorFailure = true; // retried by default, reaches the task as ExecutorFailedError
 * }
 * class NotRegisteredError extends Error {
 *   readonly isExecutorFailure = false; // the caller's mistake: never retried by default
 * }
 * const remote: Executor = {
 *   async apply(fn, args) {
 *     if (!registry.has(fn)) throw new NotRegisteredError(`${fn.name} is not registered`);
 *     return await send(registry.get(fn), args).catch((cause: unknown) => {
 *       throw new ConnectionLostError('the connection dropped', { cause });
 *     });
 *   },
 * };
 * ```
 */
export interface Executor {
  /**
   * Runs `fn(...args)` and settles with its result.
   *
   * @param fn - The function (for a pool: an export of one of its task modules).
   * @param args - Its arguments.
   * @param options - Signal and start/settle callbacks.
   * @returns The function's awaited result.
   */
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: ExecutorCallOptions,
  ): Promise<Awaited<R>>;
}
