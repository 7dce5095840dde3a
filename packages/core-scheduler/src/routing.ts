// Public types of routing: how `auto` learns, and what `explain(name)` tells.
import type { TaskKind } from './task.js';

/**
 * How `kind: 'auto'` tasks learn where to run. Per task name the scheduler keeps a moving average
 * of measured CPU time and wall time; a name is CPU-bound when CPU time is at least `threshold`
 * of wall time AND at least `minCpuMs` per run (cheap work is cheaper on the event loop than a
 * round trip to a worker).
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ cpu: pool, auto: { threshold: 0.6, minSamples: 3 } });
 * ```
 */
export interface AutoRoutingOptions {
  /**
   * CPU time ÷ wall time from which a task is CPU-bound, in (0, 1].
   * @defaultValue `0.5`
   */
  readonly threshold?: number;
  /**
   * Average CPU ms per run below which a task stays on the I/O executor.
   * @defaultValue `1`
   */
  readonly minCpuMs?: number;
  /**
   * Runs measured before the measurements decide; until then `initial` applies.
   * @defaultValue `2`
   */
  readonly minSamples?: number;
  /**
   * Where a name runs before it has `minSamples` measurements.
   * @defaultValue `'io'`
   */
  readonly initial?: 'cpu' | 'io';
}

/**
 * Where tasks of one name are routed now, and why.
 *
 * @example
 * ```ts
 * const { executor, reason } = scheduler.explain('render');
 * console.log(`${executor}: ${reason}`); // cpu: auto: CPU 97% of wall time over 3 runs (≥ 50%), 41.2 ms per run
 * ```
 */
export interface RouteExplanation {
  /** The task name asked about. */
  readonly name: string;
  /** The kind last given for this name, if any task of this name was scheduled. */
  readonly kind?: TaskKind;
  /** The executor its next call goes to. */
  readonly executor: 'cpu' | 'io';
  /** Why, in words. */
  readonly reason: string;
  /** Runs measured for `auto` routing. */
  readonly samples: number;
  /** Smoothed CPU time ÷ wall time, once measured. */
  readonly cpuRatio?: number;
  /** Smoothed CPU ms per run, once measured. */
  readonly cpuMs?: number;
}
