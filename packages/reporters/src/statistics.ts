// Sample statistics: median, mean ± relative margin of error at 95% (Student t), percentiles and
// MAD outliers, the summary tinybench, mitata and hyperfine print for a benchmark.
import { array, finite } from './internal/validate.js';
import { ReportInputInvalidError } from './errors.js';

/**
 * Summary statistics of one set of measurements.
 *
 * `rme` is in percent, as in tinybench: the half-width of the 95% confidence interval of the mean
 * divided by the mean. Fields that can only be known from raw samples (`sd`, `p999`, `mad`) are
 * optional so that pre-computed statistics can be reported too.
 *
 * @example
 * ```ts
 * import { summarize, type SampleStats } from '@weft/reporters';
 * const stats: SampleStats = summarize([10.2, 9.8, 10.1, 10.4, 9.9]);
 * console.log(`${stats.mean.toFixed(2)} ms ± ${stats.rme.toFixed(1)}%`);
 * ```
 */
export interface SampleStats {
  /** Number of samples. */
  readonly n: number;
  /** Smallest sample. */
  readonly min: number;
  /** Median (50th percentile). */
  readonly median: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Relative margin of error of the mean at 95% confidence, in percent (Student t). */
  readonly rme: number;
  /** 75th percentile. */
  readonly p75: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest sample. */
  readonly max: number;
  /** 99.9th percentile, when computed from samples. */
  readonly p999?: number;
  /** Sample standard deviation (n − 1), when computed from samples. */
  readonly sd?: number;
  /** Median absolute deviation, when computed from samples. */
  readonly mad?: number;
  /** Number of samples flagged as outliers by the MAD rule (0 when unknown). */
  readonly outliers: number;
}

// Two-tailed 95% critical values of Student's t for 1..30 degrees of freedom.
const T_TABLE_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/**
 * Two-tailed 95% critical value of Student's t distribution.
 *
 * Exact table values up to 30 degrees of freedom; beyond, the Cornish–Fisher expansion around the
 * normal quantile (Abramowitz & Stegun 26.7.5), accurate to 1e-3 there.
 *
 * @param degreesOfFreedom - sample size minus one; must be an integer >= 1
 * @returns the critical value t such that P(|T| < t) = 0.95
 * @throws {@link ReportInputInvalidError} when `degreesOfFreedom` is not an integer >= 1
 * @example
 * ```ts
 * import { studentT95 } from '@weft/reporters';
 * studentT95(9); // 2.262
 * ```
 */
export function studentT95(degreesOfFreedom: number): number {
  if (!Number.isSafeInteger(degreesOfFreedom) || degreesOfFreedom < 1) {
    throw new ReportInputInvalidError(
      'degreesOfFreedom',
      `got ${String(degreesOfFreedom)}; expected an integer >= 1`,
    );
  }
  const exact = T_TABLE_95[degreesOfFreedom - 1];
  if (exact !== undefined) return exact;
  const z = 1.959964;
  const d = degreesOfFreedom;
  return (
    z +
    (z ** 3 + z) / (4 * d) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * d ** 3)
  );
}

/**
 * Linear interpolation between closest ranks (Hyndman & Fan type 7, numpy's default). Written as
 * a weighted sum so that two finite neighbours never overflow (`b - a` can, for ±1.7e308).
 */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  const f = pos - lo;
  const step = b - a;
  return Number.isFinite(step) ? a + step * f : a * (1 - f) + b * f;
}

/**
 * A power of two at least the largest magnitude among `values` (1 when none reaches 1). Sums and
 * squares are computed on the values divided by it, all within [-2, 2], so finite samples cannot
 * overflow them; dividing by a power of two is exact, so ordinary samples give the very same
 * figures as an unscaled computation.
 */
function scaleOf(values: readonly number[]): number {
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  return largest < 1 ? 1 : 2 ** Math.min(1023, Math.ceil(Math.log2(largest)));
}

/** `value` when finite; else a typed error: a statistic of finite samples is not representable. */
function representable(value: number, field: string, what: string): number {
  if (!Number.isFinite(value)) {
    throw new ReportInputInvalidError(
      field,
      `the samples' ${what} exceeds the largest finite number (±${Number.MAX_VALUE}); ` +
        'expected samples whose spread fits in a double (rescale them, e.g. to a larger unit)',
    );
  }
  return value;
}

/**
 * Flags outliers by the modified z-score on the median absolute deviation (Iglewicz & Hoaglin,
 * 1993): a sample is an outlier when `0.6745 · |x − median| / MAD > 3.5`.
 *
 * A MAD of zero (more than half the samples identical) flags nothing: the rule is undefined there
 * and flagging every differing sample would be noise.
 *
 * @param samples - the measurements
 * @returns the indices of the outlying samples, in input order
 * @throws {@link ReportInputInvalidError} when `samples` holds a non-finite number
 * @example
 * ```ts
 * import { madOutliers } from '@weft/reporters';
 * madOutliers([10, 11, 10, 12, 11, 95]); // [5]
 * ```
 */
export function madOutliers(samples: readonly number[]): number[] {
  const values = array(samples, 'samples').map((v, i) => finite(v, `samples[${i}]`));
  if (values.length === 0) return [];
  const scale = scaleOf(values);
  const scaled = values.map((v) => v / scale);
  const sorted = [...scaled].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const deviations = scaled.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const mad = quantile(deviations, 0.5);
  if (mad === 0) return [];
  const out: number[] = [];
  scaled.forEach((v, i) => {
    if ((0.6745 * Math.abs(v - median)) / mad > 3.5) out.push(i);
  });
  return out;
}

/**
 * Summarises raw samples: min, max, mean, median, p75/p99/p999, standard deviation, relative
 * margin of error at 95% (Student t) and MAD outliers.
 *
 * Outliers are counted, not removed: dropping them silently would hide what the machine did.
 * Sums are computed on the samples scaled by a power of two into [-2, 2], so finite samples never give
 * an `Infinity` mean or deviation (two samples of 1.7e308 have mean 1.7e308 and deviation 0).
 *
 * @param samples - the measurements (any unit; reporters treat them as milliseconds by default)
 * @param field - path used in error messages (default `'samples'`)
 * @returns the statistics
 * @throws {@link ReportInputInvalidError} when `samples` is empty or holds a non-finite number,
 *   or when a statistic of them is not a finite number (e.g. the standard deviation of
 *   -1.7e308 and 1.7e308)
 * @example
 * ```ts
 * import { summarize } from '@weft/reporters';
 * const stats = summarize([10.2, 9.8, 10.1, 10.4, 9.9]);
 * stats.median; // 10.1
 * ```
 */
export function summarize(samples: readonly number[], field = 'samples'): SampleStats {
  const values = array(samples, field).map((v, i) => finite(v, `${field}[${i}]`));
  if (values.length === 0) {
    throw new ReportInputInvalidError(field, 'got an empty array; expected at least one sample');
  }
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const scale = scaleOf(values);
  let sum = 0;
  for (const v of sorted) sum += v / scale;
  const meanS = sum / n;
  let squares = 0;
  for (const v of sorted) squares += (v / scale - meanS) ** 2;
  const sdS = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const moeS = n > 1 ? (sdS / Math.sqrt(n)) * studentT95(n - 1) : 0;
  const median = quantile(sorted, 0.5);
  const madS = quantile(
    sorted.map((v) => Math.abs(v / scale - median / scale)).sort((a, b) => a - b),
    0.5,
  );
  const back = (v: number, what: string): number => representable(v * scale, field, what);
  return {
    n,
    min: sorted[0] ?? 0,
    median,
    mean: back(meanS, 'mean'),
    rme: meanS === 0 ? 0 : representable((moeS / Math.abs(meanS)) * 100, field, 'margin of error'),
    p75: quantile(sorted, 0.75),
    p99: quantile(sorted, 0.99),
    max: sorted[n - 1] ?? 0,
    p999: quantile(sorted, 0.999),
    sd: back(sdS, 'standard deviation'),
    mad: back(madS, 'median absolute deviation'),
    outliers: madOutliers(values).length,
  };
}
