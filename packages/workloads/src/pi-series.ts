// π by numerical integration: midpoint rule on ∫₀¹ 4/(1+x²) dx, split by ranges of intervals.
//
// Each part sums with Neumaier's compensated summation (Neumaier 1974, an improvement of Kahan's),
// and merge() combines the parts the same way, so the answer agrees with Math.PI to ~1e-12 whatever
// the split; it is checked to 1e-9.
import { runCpu } from './internal/cpu.js';
import {
  checkCoverage,
  intField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link piSeries}.
 *
 * @example
 * ```ts
 * import { piSeries, type PiSeriesParams } from '@weft/workloads';
 * const params: PiSeriesParams = piSeries.validate({ intervals: 1_000_000 });
 * ```
 */
export interface PiSeriesParams {
  /**
   * Number of midpoint-rule intervals on [0, 1].
   * @defaultValue 2_000_000
   */
  readonly intervals: number;
  /** The intervals this part sums (set by `split()`). @defaultValue all intervals */
  readonly range?: PartRange;
}

/**
 * Result of {@link piSeries}: a compensated partial sum of f(xᵢ)·h; for a whole run `value` is π.
 *
 * @example
 * ```ts
 * import { piSeries, type PiSeriesResult } from '@weft/workloads';
 * const result: PiSeriesResult = await piSeries.run({ intervals: 100_000 });
 * console.log(result.value);
 * ```
 */
export interface PiSeriesResult {
  /** Intervals covered. */
  readonly range: PartRange;
  /** Σ f(xᵢ)·h over the range (the estimate of π for a whole run). */
  readonly value: number;
  /** Neumaier compensation term still to be added to `value`. */
  readonly compensation: number;
}

const NAME = 'pi-series';
const TOLERANCE = 1e-9;

function neumaier(sum: number, compensation: number, x: number): [number, number] {
  const t = sum + x;
  const c =
    Math.abs(sum) >= Math.abs(x) ? compensation + (sum - t + x) : compensation + (x - t + sum);
  return [t, c];
}

/**
 * π as the midpoint-rule integral of 4/(1+x²) on [0, 1], split by ranges of intervals and merged with
 * compensated summation; checked against `Math.PI` to 1e-9. Demonstrates a perfectly divisible
 * floating-point CPU job (ideal scaling).
 *
 * @example
 * ```ts
 * import { piSeries } from '@weft/workloads';
 * const params = piSeries.sizes.small;
 * const merged = piSeries.merge(await Promise.all(piSeries.split(params, 3).map((p) => piSeries.run(p))), params);
 * console.log(Math.abs(merged.value - Math.PI) < 1e-9); // true
 * ```
 */
export const piSeries: Workload<PiSeriesParams, PiSeriesResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'π by midpoint-rule integration of 4/(1+x²), split by ranges of intervals.',
  sizes: {
    small: { intervals: 2_000_000 },
    medium: { intervals: 50_000_000 },
    large: { intervals: 500_000_000 },
  },
  defaults: { intervals: 2_000_000 },
  validate(params?: unknown): PiSeriesParams {
    const object = readObject(NAME, params, ['intervals', 'range']);
    const intervals = intField(NAME, object, 'intervals', 2_000_000, 10_000, 2 ** 40);
    return withRange({ intervals }, rangeField(NAME, object, intervals));
  },
  run(params: PiSeriesParams, options?: WorkloadRunOptions): Promise<PiSeriesResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = piSeries.validate(params);
      const range = valid.range ?? { start: 0, end: valid.intervals };
      const h = 1 / valid.intervals;
      let sum = 0;
      let compensation = 0;
      for (let block = range.start; block < range.end; block += 65_536) {
        checkIn();
        const stop = Math.min(range.end, block + 65_536);
        // Plain sum inside a block (≤ 65,536 terms of similar size), compensated across blocks.
        let partial = 0;
        for (let i = block; i < stop; i++) {
          const x = (i + 0.5) * h;
          partial += 4 / (1 + x * x);
        }
        [sum, compensation] = neumaier(sum, compensation, partial * h);
      }
      return { range, value: sum, compensation };
    });
  },
  verify(result: PiSeriesResult, params: PiSeriesParams): Verification {
    const value = result.value + result.compensation;
    const error = Math.abs(value - Math.PI);
    const whole = result.range.start === 0 && result.range.end === params.intervals;
    const ok = whole && error <= TOLERANCE;
    return {
      ok,
      against: 'reference',
      detail: whole
        ? `|${value} - π| = ${error.toExponential(2)} (tolerance ${TOLERANCE})`
        : 'result covers only part of the intervals',
    };
  },
  split(params: PiSeriesParams, parts: number): PiSeriesParams[] {
    return splitRanges(NAME, params.intervals, parts, params.range).map((range) => ({
      intervals: params.intervals,
      range,
    }));
  },
  merge(results: readonly PiSeriesResult[], params: PiSeriesParams): PiSeriesResult {
    checkCoverage(NAME, results, params.intervals);
    let sum = 0;
    let compensation = 0;
    for (const result of results) {
      [sum, compensation] = neumaier(sum, compensation, result.value);
      compensation += result.compensation;
    }
    return { range: { start: 0, end: params.intervals }, value: sum, compensation };
  },
};
