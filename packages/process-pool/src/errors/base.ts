// The base class of @weft/process-pool's own errors.

/**
 * Base class of every error the pool raises itself (not the errors thrown by your tasks), except
 * the two option errors: {@link PoolOptionTypeError} and {@link PoolOptionRangeError} extend
 * `TypeError` and `RangeError`, as Node's own argument errors do. Every one has a `code`.
 *
 * @example
 * ```ts
 * try {
 *   await pool.apply(work, []);
 * } catch (error) {
 *   if (error instanceof ProcessPoolError) console.error(error.code);
 * }
 * ```
 */
export class ProcessPoolError extends Error {
  override readonly name: string = 'ProcessPoolError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code: string = 'ERR_WEFT_POOL';
  /** Stable machine-readable code. */
  readonly code: string = 'ERR_WEFT_POOL';
  /**
   * Whether the pool itself failed (`true`: a worker died or could not start, the pool broke, was
   * closed or terminated, its queue is full) or refused the call for the caller's mistake
   * (`false`: a function that is not a task export, an argument or result it cannot send, a module
   * that does not load, a bad option). `undefined` for the call's own outcome (its timeout, abort or
   * cancellation) and for errors that do not come from running a call. `@weft/core-scheduler`
   * reads it: `true` becomes its `ExecutorFailedError` and is retried by default; `false` passes
   * through and is never retried by default.
   */
  readonly isExecutorFailure: boolean | undefined = undefined;
}
