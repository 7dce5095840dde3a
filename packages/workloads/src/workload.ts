// The Workload shape: a named job with sizes, validated params, a checkable answer, and split/merge.
import type { InterpreterLock } from './interpreter-lock.js';

/**
 * What a workload mostly spends its time on.
 *
 * @example
 * ```ts
 * import type { WorkloadKind } from '@weft/workloads';
 * const kind: WorkloadKind = 'cpu';
 * ```
 */
export type WorkloadKind = 'cpu' | 'io' | 'race';

/**
 * Named sizes: `small` runs well under a second (tests), `medium` for demos, `large` for benchmarks.
 *
 * @example
 * ```ts
 * import type { WorkloadSize } from '@weft/workloads';
 * const size: WorkloadSize = 'small';
 * ```
 */
export type WorkloadSize = 'small' | 'medium' | 'large';

/**
 * A contiguous half-open range `[start, end)` of a workload's work units (rows, terms, files...),
 * used in the params of one part produced by `split()`.
 *
 * @example
 * ```ts
 * import type { PartRange } from '@weft/workloads';
 * const firstHalf: PartRange = { start: 0, end: 100 };
 * ```
 */
export interface PartRange {
  /** First unit of the part (inclusive). */
  readonly start: number;
  /** End of the part (exclusive). */
  readonly end: number;
}

/**
 * Per-run options.
 *
 * @example
 * ```ts
 * import { piSeries, InterpreterLock, type WorkloadRunOptions } from '@weft/workloads';
 * const options: WorkloadRunOptions = { signal: AbortSignal.timeout(5000), interpreterLock: new InterpreterLock() };
 * await piSeries.run(piSeries.sizes.small, options);
 * ```
 */
export interface WorkloadRunOptions {
  /**
   * Aborts the run; it rejects with `WorkloadAbortedError` (reason as `cause`). I/O, thread and async
   * workloads stop promptly (requests and timers cancelled, threads terminated). CPU kernels
   * check it when they start and at their check-in points, but a kernel computes synchronously, so a
   * signal aborted from the same thread only takes effect before the kernel starts: to stop a CPU
   * part mid-run, run it on a pool and pass the signal to the pool (which replaces the worker).
   * @defaultValue undefined (not abortable)
   */
  readonly signal?: AbortSignal;
  /**
   * A simulated interpreter lock (GIL): CPU work holds it and checks in with it as it computes; I/O
   * waits release it.
   * @defaultValue undefined (no lock: threads run truly in parallel)
   */
  readonly interpreterLock?: InterpreterLock;
}

/**
 * The outcome of checking a result.
 *
 * @example
 * ```ts
 * import { piDigits } from '@weft/workloads';
 * const params = piDigits.sizes.small;
 * const check = piDigits.verify(await piDigits.run(params), params);
 * console.log(check.ok, check.against, check.detail);
 * ```
 */
export interface Verification {
  /** Whether the result is right. */
  readonly ok: boolean;
  /**
   * What the result was checked against: a published `reference` value, a value `recomputed` locally
   * by other means, or only an `invariant` (e.g. energy conservation, no lost update).
   */
  readonly against: 'reference' | 'recomputed' | 'invariant';
  /** What was expected and what was found. */
  readonly detail: string;
}

/**
 * A real job with a checkable answer: sizes, validated params, `run`, `verify`, and `split`/`merge`
 * so it can be cut into parts for N workers and give the same verified answer for any N.
 *
 * @typeParam P - params (a part's params are the whole params plus a `range`)
 * @typeParam R - result (a part's result and the merged result share this type)
 *
 * @example
 * ```ts
 * import { mandelbrot } from '@weft/workloads';
 * const params = mandelbrot.validate({ size: 200 });
 * const parts = mandelbrot.split(params, 4);
 * const results = await Promise.all(parts.map((part) => mandelbrot.run(part)));
 * const merged = mandelbrot.merge(results, params);
 * console.log(mandelbrot.verify(merged, params).ok); // true
 * ```
 */
export interface Workload<P, R> {
  /** Registry name, as passed to `runWorkload`. */
  readonly name: string;
  /** What the workload mostly spends its time on. */
  readonly kind: WorkloadKind;
  /** One sentence: what it computes and what it demonstrates. */
  readonly description: string;
  /** Named sizes (all valid params). */
  readonly sizes: Readonly<Record<WorkloadSize, P>>;
  /** The params used for fields left out of `validate()`'s input. */
  readonly defaults: P;
  /**
   * Checks params and fills in defaults.
   * @param params - a (partial) params object; `undefined` means all defaults
   * @returns complete, valid params
   * @throws WorkloadParamsError naming the field and its allowed range
   */
  validate(params?: unknown): P;
  /**
   * Runs the workload (or one part of it, when `params.range` is set).
   * @param params - valid params (validated again)
   * @param options - signal and interpreter lock
   * @returns the result
   * @throws WorkloadParamsError, WorkloadAbortedError
   */
  run(params: P, options?: WorkloadRunOptions): Promise<R>;
  /**
   * Checks a whole (merged or unsplit) result.
   * @param result - the result of `run` or `merge`
   * @param params - the whole job's params
   * @returns whether the answer is right, and against what it was checked
   */
  verify(result: R, params: P): Verification;
  /**
   * Cuts the job into at most `parts` parts of near-equal size, in order.
   * @param params - the whole job's params
   * @param parts - the number of parts wanted (≥ 1)
   * @returns part params; fewer than `parts` when the job has fewer work units
   * @throws WorkloadParamsError when `parts` is not a positive integer
   */
  split(params: P, parts: number): P[];
  /**
   * Combines part results (in the order of `split()`) into the whole job's result.
   * @param results - one result per part, in split order
   * @param params - the whole job's params
   * @returns the merged result, equal to an unsplit run's result
   */
  merge(results: readonly R[], params: P): R;
}
