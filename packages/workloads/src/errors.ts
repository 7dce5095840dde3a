// Error classes of @weft/workloads: one base class, one subclass per condition, stable codes.
import { describeValue } from '@weft/sync-primitives';

/**
 * Base class of every error thrown by `@weft/workloads`.
 *
 * @example
 * ```ts
 * import { WorkloadError, getWorkload } from '@weft/workloads';
 * try {
 *   getWorkload('nope');
 * } catch (error) {
 *   if (error instanceof WorkloadError) console.log(error.code);
 * }
 * ```
 */
export class WorkloadError extends Error {
  /** The class name. */
  override readonly name: string = 'WorkloadError';
  /** Stable machine-readable code. */
  readonly code: string = 'ERR_WEFT_WORKLOAD';
}

/**
 * Thrown when a workload parameter is missing its allowed type or range; names the field and the
 * allowed values.
 *
 * @example
 * ```ts
 * import { mandelbrot, WorkloadParamsError } from '@weft/workloads';
 * try {
 *   mandelbrot.validate({ size: -1 });
 * } catch (error) {
 *   if (error instanceof WorkloadParamsError) console.log(error.field, error.allowed);
 * }
 * ```
 */
export class WorkloadParamsError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'WorkloadParamsError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_PARAMS' as const;
  /** Name of the workload whose params were rejected. */
  readonly workload: string;
  /** Name of the offending field (dotted for nested fields). */
  readonly field: string;
  /** Human-readable description of the allowed values. */
  readonly allowed: string;

  /**
   * @param workload - the workload name
   * @param field - the offending field
   * @param given - the value that was given
   * @param allowed - what is allowed, e.g. `an integer in [1, 100]`
   */
  constructor(workload: string, field: string, given: unknown, allowed: string) {
    super(`${workload}: params.${field} must be ${allowed}, got ${describeValue(given)}`);
    this.workload = workload;
    this.field = field;
    this.allowed = allowed;
  }
}

/**
 * Thrown when an option of a package function (not a workload param) has a value it does not
 * allow; names the option and the allowed values.
 *
 * @example
 * ```ts
 * import { runWorkload, WorkloadOptionError } from '@weft/workloads';
 * await runWorkload('pi-series', {}, { interpreterLock: {} as never }).catch((error: unknown) => {
 *   if (error instanceof WorkloadOptionError) console.log(error.option, error.allowed);
 * });
 * ```
 */
export class WorkloadOptionError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'WorkloadOptionError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_OPTION' as const;
  /** The function whose option was rejected, e.g. `runWorkload`. */
  readonly fn: string;
  /** Name of the offending option. */
  readonly option: string;
  /** Human-readable description of the allowed values. */
  readonly allowed: string;

  /**
   * @param fn - the function that received the option
   * @param option - the offending option
   * @param given - the value that was given
   * @param allowed - what is allowed
   */
  constructor(fn: string, option: string, given: unknown, allowed: string) {
    super(`${fn}: options.${option} must be ${allowed}, got ${describeValue(given)}`);
    this.fn = fn;
    this.option = option;
    this.allowed = allowed;
  }
}

/**
 * Thrown when a workload name is not one of the registered workloads.
 *
 * @example
 * ```ts
 * import { runWorkload, UnknownWorkloadError } from '@weft/workloads';
 * await runWorkload('nope', {}).catch((error: unknown) => {
 *   if (error instanceof UnknownWorkloadError) console.log(error.allowed);
 * });
 * ```
 */
export class UnknownWorkloadError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'UnknownWorkloadError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_UNKNOWN' as const;
  /** The registered names. */
  readonly allowed: readonly string[];

  /**
   * @param given - the name that was asked for
   * @param allowed - the registered names
   */
  constructor(given: unknown, allowed: readonly string[]) {
    super(`Unknown workload ${describeValue(given)}; allowed: ${allowed.join(', ')}`);
    this.allowed = allowed;
  }
}

/**
 * Thrown (as a rejection) when a workload run is aborted through its `signal`; the signal's reason is
 * the `cause`.
 *
 * @example
 * ```ts
 * import { timers, WorkloadAbortedError } from '@weft/workloads';
 * const controller = new AbortController();
 * const run = timers.run(timers.sizes.small, { signal: controller.signal });
 * controller.abort();
 * await run.catch((error: unknown) => console.log(error instanceof WorkloadAbortedError));
 * ```
 */
export class WorkloadAbortedError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'WorkloadAbortedError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_ABORTED' as const;

  /**
   * @param workload - the workload that was aborted
   * @param options - `cause` carries the signal's reason
   */
  constructor(workload: string, options?: ErrorOptions) {
    super(`${workload}: aborted`, options);
  }
}

/**
 * Thrown by {@link runSplit} (and {@link assertVerified}) when a result fails its check.
 *
 * @example
 * ```ts
 * import { assertVerified, piSeries, WorkloadVerificationError } from '@weft/workloads';
 * try {
 *   assertVerified(piSeries, { range: { start: 0, end: 2_000_000 }, value: 3, compensation: 0 }, piSeries.sizes.small);
 * } catch (error) {
 *   if (error instanceof WorkloadVerificationError) console.log(error.detail);
 * }
 * ```
 */
export class WorkloadVerificationError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'WorkloadVerificationError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_VERIFICATION' as const;
  /** What the check found. */
  readonly detail: string;

  /**
   * @param workload - the workload whose result failed
   * @param detail - what was expected and what was found
   */
  constructor(workload: string, detail: string) {
    super(`${workload}: wrong answer: ${detail}`);
    this.detail = detail;
  }
}

/**
 * Thrown when a worker thread started by a race or interpreter-lock workload fails or exits early.
 *
 * @example
 * ```ts
 * import { sharedCounter, WorkloadThreadError } from '@weft/workloads';
 * await sharedCounter.run(sharedCounter.sizes.small).catch((error: unknown) => {
 *   if (error instanceof WorkloadThreadError) console.log(error.cause);
 * });
 * ```
 */
export class WorkloadThreadError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'WorkloadThreadError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_WORKLOAD_THREAD' as const;

  /**
   * @param message - what happened to the thread
   * @param options - `cause` carries the thread's error
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Thrown when an {@link InterpreterLock} is used in a way its state does not allow (e.g. released by
 * a thread that does not hold it).
 *
 * @example
 * ```ts
 * import { InterpreterLock, InterpreterLockStateError } from '@weft/workloads';
 * try {
 *   new InterpreterLock().release();
 * } catch (error) {
 *   if (error instanceof InterpreterLockStateError) console.log(error.code);
 * }
 * ```
 */
export class InterpreterLockStateError extends WorkloadError {
  /** The class name. */
  override readonly name: string = 'InterpreterLockStateError';
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_INTERPRETER_LOCK_STATE' as const;

  /**
   * @param message - what was attempted and why it is not allowed
   */
  constructor(message: string) {
    super(message);
  }
}
