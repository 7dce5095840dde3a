// The errors of one task or call: timed out, aborted, cancelled, not sendable, not found, not
// ready, or called outside a worker.
import { ProcessPoolError } from './base.js';

/**
 * The task ran longer than its `timeout` (run time only; queue time does not count). Its worker
 * was terminated and replaced.
 *
 * `@weft/core-scheduler` uses the same name for the same condition (a task outran its `timeout`)
 * in a scheduler; the `code` tells them apart.
 *
 * @example
 * ```ts
 * await pool.apply(slow, [], { timeout: 100 }).catch((e: TaskTimeoutError) => e.timeout);
 * ```
 */
export class TaskTimeoutError extends ProcessPoolError {
  override readonly name = 'TaskTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_TIMEOUT';
  override readonly code = 'ERR_WEFT_POOL_TASK_TIMEOUT';
  /** The timeout that expired, in ms. */
  readonly timeout: number;

  /** @param timeout - the expired timeout in ms. */
  constructor(timeout: number) {
    super(`Task did not settle within its timeout of ${String(timeout)} ms of run time`);
    this.timeout = timeout;
  }
}

/**
 * The task's `signal` was aborted; `cause` is `signal.reason`.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * const p = pool.apply(work, [], { signal: ac.signal });
 * ac.abort();
 * await p.catch((e: TaskAbortedError) => e.code); // 'ERR_WEFT_POOL_TASK_ABORTED'
 * ```
 */
export class TaskAbortedError extends ProcessPoolError {
  override readonly name = 'TaskAbortedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_ABORTED';
  override readonly code = 'ERR_WEFT_POOL_TASK_ABORTED';
}

/**
 * A {@link Future} was cancelled with `cancel()` while it was still queued.
 *
 * `@weft/core-scheduler` uses the same name for the same condition (the caller cancelled the task)
 * in a scheduler; the `code` tells them apart.
 *
 * @example
 * ```ts
 * const future = pool.submit(work);
 * if (future.cancel()) await future.catch((e: TaskCancelledError) => e.code);
 * ```
 */
export class TaskCancelledError extends ProcessPoolError {
  override readonly name = 'TaskCancelledError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_CANCELLED';
  override readonly code = 'ERR_WEFT_POOL_TASK_CANCELLED';
}

/**
 * An argument cannot be sent to the worker kind (a function, a socket, shared memory to a process
 * worker, ...). Raised at submit; nothing was sent.
 *
 * @example
 * ```ts
 * await pool.apply(work, [() => 1]).catch((e: ArgumentNotSendableError) => e.position); // 'args[0]'
 * ```
 */
export class ArgumentNotSendableError extends ProcessPoolError {
  override readonly name = 'ArgumentNotSendableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_ARGUMENT_NOT_SENDABLE';
  override readonly code = 'ERR_WEFT_POOL_ARGUMENT_NOT_SENDABLE';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the caller's arguments cannot be sent; sending them again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** Where the offending value sits, such as `args[1].socket`. */
  readonly position: string;

  /**
   * @param position - path of the value, such as `args[1].socket`.
   * @param what - what the value is and why it cannot go.
   * @param options - `cause`: the serializer's error, if any.
   */
  constructor(position: string, what: string, options?: ErrorOptions) {
    super(`Cannot send ${position} to the worker: ${what}`, options);
    this.position = position;
  }
}

/**
 * The task finished but what it returned (or the error it threw) cannot be sent back to the pool:
 * a function, a symbol, a `WeakMap`, a class instance holding a native handle (Python's
 * `MaybeEncodingError`). `cause` is the serializer's error; `position` is `'result'` or `'error'`.
 * The task did run (it is not retried) and the worker lives on.
 *
 * @example
 * ```ts
 * await pool.apply(makeCallback, []).catch((e: ResultNotSendableError) => [e.code, e.position]);
 * // ['ERR_WEFT_POOL_RESULT_NOT_SENDABLE', 'result']
 * ```
 */
export class ResultNotSendableError extends ProcessPoolError {
  override readonly name = 'ResultNotSendableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_SENDABLE';
  override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_SENDABLE';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the task's result cannot be sent back; running it again returns the same kind of value.
   */
  override readonly isExecutorFailure = false;
  /** What could not be sent: the task's `'result'` or the `'error'` it threw. */
  readonly position: 'result' | 'error';

  /**
   * @param position - `'result'` or `'error'`.
   * @param options - `cause`: the serializer's error.
   */
  constructor(position: 'result' | 'error', options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `The task's ${position} cannot be sent back to the pool (only structured-clone data can)${reason}`,
      options,
    );
    this.position = position;
  }
}

/**
 * The function or export name is not an export of any of the pool's task modules.
 *
 * @example
 * ```ts
 * await pool.run('nope' as never).catch((e: TaskNotFoundError) => e.task);
 * ```
 */
export class TaskNotFoundError extends ProcessPoolError {
  override readonly name = 'TaskNotFoundError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_NOT_FOUND';
  override readonly code = 'ERR_WEFT_POOL_TASK_NOT_FOUND';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the caller passed a function that is not a task export; no retry can find it.
   */
  override readonly isExecutorFailure = false;
  /** The name (or function name) that was looked up. */
  readonly task: string;

  /**
   * @param task - the export name or function name looked up.
   * @param modules - the pool's task module URLs.
   */
  constructor(task: string, modules: readonly string[]) {
    super(
      `"${task}" is not an exported function of the pool's task modules (${modules.join(', ')})`,
    );
    this.task = task;
  }
}

/**
 * A bounded wait ({@link AsyncResult.get}, {@link wait}, {@link asCompleted}) ran out of time. The
 * work itself goes on (as in Python's `multiprocessing.TimeoutError`).
 *
 * @example
 * ```ts
 * await pool.applyAsync(slow, []).get(10).catch((e: WaitTimeoutError) => e.code);
 * ```
 */
export class WaitTimeoutError extends ProcessPoolError {
  override readonly name = 'WaitTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WAIT_TIMEOUT';
  override readonly code = 'ERR_WEFT_POOL_WAIT_TIMEOUT';
}

/**
 * {@link AsyncResult.successful} was asked before the result was ready (Python raises `ValueError`).
 *
 * @example
 * ```ts
 * try { pool.applyAsync(work, []).successful(); } catch (e) { (e as ResultNotReadyError).code; }
 * ```
 */
export class ResultNotReadyError extends ProcessPoolError {
  override readonly name = 'ResultNotReadyError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_READY';
  override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_READY';
}

/**
 * {@link currentWorker} was called outside a pool worker.
 *
 * @example
 * ```ts
 * try { currentWorker(); } catch (e) { (e as NotInWorkerError).code; }
 * ```
 */
export class NotInWorkerError extends ProcessPoolError {
  override readonly name = 'NotInWorkerError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_NOT_IN_WORKER';
  override readonly code = 'ERR_WEFT_POOL_NOT_IN_WORKER';
}
