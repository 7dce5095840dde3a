// runSplit: cut a job into parts, run them inline or on an executor (a pool), merge and verify.
import { WorkloadAbortedError, WorkloadOptionError, WorkloadVerificationError } from './errors.js';
import { rejected } from './internal/cpu.js';
import { runWorkload } from './registry.js';
import type { Verification, Workload } from './workload.js';

/**
 * Anything that runs a function of a task module with arguments, such as a `Pool` from
 * `@weft/process-pool` (the same shape as `Executor` in `@weft/core-scheduler`).
 *
 * @example
 * ```ts
 * import type { WorkloadExecutor } from '@weft/workloads';
 * const inline: WorkloadExecutor = {
 *   apply: (fn, args) => Promise.resolve(fn(...args)),
 * };
 * ```
 */
export interface WorkloadExecutor {
  /**
   * Runs `fn(...args)` somewhere and resolves with its result.
   * @param fn - an export of a task module (here: `runWorkload`)
   * @param args - its arguments
   * @param options - cancellation
   * @returns what `fn` resolved to
   */
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: { readonly signal?: AbortSignal },
  ): Promise<Awaited<R>>;
}

/**
 * Options of {@link runSplit}.
 *
 * @example
 * ```ts
 * import type { RunSplitOptions } from '@weft/workloads';
 * const options: RunSplitOptions = { parts: 4 };
 * ```
 */
export interface RunSplitOptions {
  /**
   * Parts to cut the job into (fewer when the job has fewer units).
   * @defaultValue 1
   */
  readonly parts?: number;
  /**
   * Where to run the parts, e.g. a `Pool` (parts go through `runWorkload` by name).
   * @defaultValue undefined (inline, all parts concurrently on this thread)
   */
  readonly executor?: WorkloadExecutor;
  /**
   * Aborts the parts.
   * @defaultValue undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Throw `WorkloadVerificationError` when the merged result is wrong.
   * @defaultValue true
   */
  readonly throwOnWrongAnswer?: boolean;
}

/**
 * What {@link runSplit} returns.
 *
 * @typeParam R - the workload's result type
 * @example
 * ```ts
 * import { runSplit, fannkuch, type SplitRun, type FannkuchResult } from '@weft/workloads';
 * const run: SplitRun<FannkuchResult> = await runSplit(fannkuch, fannkuch.sizes.small, { parts: 2 });
 * ```
 */
export interface SplitRun<R> {
  /** The merged result. */
  readonly result: R;
  /** Its check. */
  readonly verification: Verification;
  /** How many parts actually ran. */
  readonly parts: number;
}

/**
 * Cuts a job into parts, runs them (inline, or on an executor such as a thread or process pool),
 * merges the results in order and verifies the answer.
 *
 * @param workload - the workload
 * @param params - the whole job's params, complete or partial (validated, defaults filled in)
 * @param options - parts, executor, signal
 * @returns the merged result and its verification
 * @throws WorkloadParamsError for bad params or part count; WorkloadOptionError for an executor
 *   without `apply`; WorkloadAbortedError (reason as `cause`) when `signal` aborts;
 *   WorkloadVerificationError for a wrong answer; otherwise the first error a part threw, once every
 *   part has settled
 * @example
 * ```ts
 * import { runSplit, mandelbrot } from '@weft/workloads';
 * const { result, verification } = await runSplit(mandelbrot, mandelbrot.sizes.small, { parts: 4 });
 * // with a pool: runSplit(mandelbrot, params, { parts: 8, executor: pool })
 * console.log(verification.ok, result.range);
 * ```
 */
export async function runSplit<P, R>(
  workload: Workload<P, R>,
  params: P | Partial<P>,
  options: RunSplitOptions = {},
): Promise<SplitRun<R>> {
  const valid = workload.validate(params);
  const parts = workload.split(valid, options.parts ?? 1);
  const { executor, signal } = options;
  if (
    executor !== undefined &&
    typeof (executor as Partial<WorkloadExecutor>).apply !== 'function'
  ) {
    throw new WorkloadOptionError(
      'runSplit',
      'executor',
      executor,
      'an object with apply(fn, args, options), such as a Pool, or undefined',
    );
  }
  if (signal?.aborted === true) {
    throw new WorkloadAbortedError(workload.name, { cause: signal.reason });
  }
  const runOptions = signal === undefined ? {} : { signal };
  // Wait for every part, as Python's Pool.map does, so no part is still running (holding a server,
  // a temp folder or a worker) once runSplit has settled; then report the first failure.
  const start = (part: P): Promise<R> => {
    try {
      return executor === undefined
        ? workload.run(part, runOptions)
        : (executor.apply(runWorkload, [workload.name, part] as const, runOptions) as Promise<R>);
    } catch (error) {
      // An executor that throws instead of rejecting must not leave the parts already sent behind.
      return rejected(error);
    }
  };
  const settled = await Promise.allSettled(parts.map(start));
  if (isAborted(signal)) {
    // The executor's own abort error (a pool's) becomes this package's, with the reason as cause.
    throw new WorkloadAbortedError(workload.name, { cause: signal?.reason });
  }
  const results: R[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    results.push(outcome.value);
  }
  const result = workload.merge(results, valid);
  const verification = workload.verify(result, valid);
  if (!verification.ok && options.throwOnWrongAnswer !== false) {
    throw new WorkloadVerificationError(workload.name, verification.detail);
  }
  return { result, verification, parts: parts.length };
}

/**
 * Verifies a result and throws when it is wrong.
 *
 * @param workload - the workload
 * @param result - a whole (merged or unsplit) result
 * @param params - the whole job's params
 * @returns the verification, when it passed
 * @throws WorkloadVerificationError with what was expected and found
 * @example
 * ```ts
 * import { assertVerified, fannkuch } from '@weft/workloads';
 * const params = fannkuch.sizes.small;
 * assertVerified(fannkuch, await fannkuch.run(params), params);
 * ```
 */
export function assertVerified<P, R>(workload: Workload<P, R>, result: R, params: P): Verification {
  const verification = workload.verify(result, params);
  if (!verification.ok) throw new WorkloadVerificationError(workload.name, verification.detail);
  return verification;
}

// A function, not an inline test: TypeScript would keep the narrowing from the check before the awaits.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
