// The errors of the pool as a whole: closed, terminated, broken, full, and options it refuses.
import { ProcessPoolError } from './base.js';

/**
 * Work was submitted after {@link Pool.close} or while the pool is shutting down.
 *
 * @example
 * ```ts
 * pool.close();
 * await pool.apply(work, []).catch((e: PoolClosedError) => e.code); // 'ERR_WEFT_POOL_CLOSED'
 * ```
 */
export class PoolClosedError extends ProcessPoolError {
  override readonly name = 'PoolClosedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_CLOSED';
  override readonly code = 'ERR_WEFT_POOL_CLOSED';
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool no longer takes work; nothing is wrong with the call itself.
   */
  override readonly isExecutorFailure = true;
}

/**
 * Pending work was rejected because {@link Pool.terminate} was called.
 *
 * @example
 * ```ts
 * const pending = pool.apply(work, []);
 * await pool.terminate();
 * await pending.catch((e: PoolTerminatedError) => e.code); // 'ERR_WEFT_POOL_TERMINATED'
 * ```
 */
export class PoolTerminatedError extends ProcessPoolError {
  override readonly name = 'PoolTerminatedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TERMINATED';
  override readonly code = 'ERR_WEFT_POOL_TERMINATED';
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool was terminated under the call.
   */
  override readonly isExecutorFailure = true;
}

/**
 * The pool is broken (like Python's `BrokenProcessPool`): a worker died under
 * `onWorkerExit: 'break'`, or an initializer failed. All pending work fails and new work is refused.
 *
 * @example
 * ```ts
 * const pool = new Pool({ module: url, onWorkerExit: 'break' });
 * // after a worker crash:
 * await pool.apply(work, []).catch((e: PoolBrokenError) => e.cause);
 * ```
 */
export class PoolBrokenError extends ProcessPoolError {
  override readonly name = 'PoolBrokenError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_BROKEN';
  override readonly code = 'ERR_WEFT_POOL_BROKEN';
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool can run nothing until it is replaced.
   */
  override readonly isExecutorFailure = true;
}

/**
 * The queue already holds `maxQueue` tasks (and the pool was not asked to wait for room).
 *
 * The same name, for the same condition (a bounded queue has no room for one more item), is used
 * by `@weft/sync-primitives` (a `Queue`'s `maxsize`) and `@weft/core-scheduler` (its pending
 * tasks, `maxPending`); the `code` tells the three apart.
 *
 * @example
 * ```ts
 * const pool = new Pool({ module: url, maxQueue: 10 });
 * await pool.apply(work, []).catch((e: QueueFullError) => e.code);
 * ```
 */
export class QueueFullError extends ProcessPoolError {
  override readonly name = 'QueueFullError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_QUEUE_FULL';
  override readonly code = 'ERR_WEFT_POOL_QUEUE_FULL';
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool has no room now; the same call may fit later.
   */
  override readonly isExecutorFailure = true;
}

/**
 * An option has the wrong type (for example an initializer that is not a function).
 * It extends `TypeError`, as Node's own `ERR_INVALID_ARG_TYPE` does, not {@link ProcessPoolError}.
 *
 * @example
 * ```ts
 * try { new Pool({ module: url, initializer: 'x' as never }); } catch (e) { (e as PoolOptionTypeError).option; }
 * ```
 */
export class PoolOptionTypeError extends TypeError {
  override readonly name = 'PoolOptionTypeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_POOL_OPTION_TYPE';
  readonly code = 'ERR_WEFT_POOL_OPTION_TYPE';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave is invalid.
   */
  readonly isExecutorFailure = false;
  /** Name of the offending option. */
  readonly option: string;

  /**
   * @param option - option name.
   * @param message - what was given and what is allowed.
   */
  constructor(option: string, message: string) {
    super(`Invalid option ${option}: ${message}`);
    this.option = option;
  }
}

/**
 * An option is out of range (`maxWorkers: 0`, `minWorkers > maxWorkers`, a non-integer count, ...).
 * It extends `RangeError`, as Node's own `ERR_OUT_OF_RANGE` does, not {@link ProcessPoolError}.
 *
 * @example
 * ```ts
 * try { new Pool({ module: url, maxWorkers: 0 }); } catch (e) { (e as PoolOptionRangeError).option; }
 * ```
 */
export class PoolOptionRangeError extends RangeError {
  override readonly name = 'PoolOptionRangeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_POOL_OPTION_RANGE';
  readonly code = 'ERR_WEFT_POOL_OPTION_RANGE';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave is out of range.
   */
  readonly isExecutorFailure = false;
  /** Name of the offending option. */
  readonly option: string;

  /**
   * @param option - option name.
   * @param message - what was given and what is allowed.
   */
  constructor(option: string, message: string) {
    super(`Invalid option ${option}: ${message}`);
    this.option = option;
  }
}

/**
 * The runtime the pool runs on lacks something an option needs, so the pool refuses the option
 * instead of silently running without it. For example Bun does not enforce `worker_threads`
 * `resourceLimits`: a thread pool given `resourceLimits` on Bun throws this at construction.
 *
 * @example
 * ```ts
 * try {
 *   new Pool({ module: url, resourceLimits: { maxOldGenerationSizeMb: 256 } });
 * } catch (error) {
 *   if (error instanceof UnsupportedRuntimeError) console.error(error.feature, error.message);
 * }
 * ```
 */
export class UnsupportedRuntimeError extends ProcessPoolError {
  override readonly name = 'UnsupportedRuntimeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_UNSUPPORTED_RUNTIME';
  override readonly code = 'ERR_WEFT_POOL_UNSUPPORTED_RUNTIME';
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave needs a runtime feature this one lacks.
   */
  override readonly isExecutorFailure = false;
  /** The option or feature the runtime lacks, e.g. `'resourceLimits'`. */
  readonly feature: string;

  /**
   * @param feature - the option or feature the runtime lacks.
   * @param message - what is missing, on which runtime, and what to use instead.
   */
  constructor(feature: string, message: string) {
    super(message);
    this.feature = feature;
  }
}
