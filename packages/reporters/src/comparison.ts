// Comparison: rows of measurements against a baseline row, with ratios and propagated error.
import { ReportInputInvalidError } from './errors.js';
import { summarize, type SampleStats } from './statistics.js';
import {
  array,
  boolean,
  fail,
  finite,
  integer,
  isRecord,
  oneOf,
  optional,
  record,
  string,
} from './internal/validate.js';

/**
 * Pre-computed statistics for a row, when raw samples are not available.
 *
 * @example
 * ```ts
 * import { compare, type SampleStatsInput } from '@weft/reporters';
 * // Statistics measured elsewhere (e.g. by hyperfine), reported without the raw samples.
 * const stats: SampleStatsInput = {
 *   n: 10, min: 95, median: 99, mean: 100, rme: 1.2, p75: 101, p99: 108, max: 109,
 * };
 * const comparison = compare({ baseline: 'old', rows: [{ label: 'old', stats }] });
 * ```
 */
export interface SampleStatsInput {
  /** Number of samples, an integer >= 1. */
  readonly n: number;
  /** Smallest sample. */
  readonly min: number;
  /** Median, between `min` and `max`. */
  readonly median: number;
  /** Arithmetic mean, between `min` and `max`. */
  readonly mean: number;
  /** Relative margin of error at 95%, in percent. */
  readonly rme: number;
  /** 75th percentile. */
  readonly p75: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest sample. */
  readonly max: number;
  /** 99.9th percentile, if known. */
  readonly p999?: number | undefined;
  /** Sample standard deviation, if known. */
  readonly sd?: number | undefined;
  /** Median absolute deviation, if known. */
  readonly mad?: number | undefined;
  /**
   * Number of outlying samples, if known.
   * @defaultValue `0`
   */
  readonly outliers?: number | undefined;
}

/**
 * One measured row: give either raw `samples` or pre-computed `stats`.
 *
 * @example
 * ```ts
 * import type { ComparisonRowInput } from '@weft/reporters';
 * const row: ComparisonRowInput = { label: '2 workers', samples: [53.1, 52.4, 52.9] };
 * ```
 */
export interface ComparisonRowInput {
  /** Row label, unique within the comparison (e.g. `'4 workers'`). */
  readonly label: string;
  /** Raw measurements, in the comparison's unit. */
  readonly samples?: readonly number[] | undefined;
  /** Pre-computed statistics, used when `samples` is absent. */
  readonly stats?: SampleStatsInput | undefined;
}

/**
 * Whether smaller values are better (durations) or larger ones (throughput).
 *
 * @example
 * ```ts
 * import { compare, type Direction } from '@weft/reporters';
 * const better: Direction = 'higher'; // throughput: more is better
 * compare({ baseline: 'a', better, unit: 'ops/s', rows: [{ label: 'a', samples: [100, 104] }] });
 * ```
 */
export type Direction = 'lower' | 'higher';

/**
 * What {@link compare} takes: measured rows and the label of the baseline row.
 *
 * @example
 * ```ts
 * import { compare, type ComparisonInput } from '@weft/reporters';
 * const input: ComparisonInput = {
 *   baseline: 'sequential',
 *   rows: [
 *     { label: 'sequential', samples: [100, 101, 99] },
 *     { label: '2 workers', samples: [52, 53, 51] },
 *   ],
 * };
 * const comparison = compare(input);
 * ```
 */
export interface ComparisonInput {
  /** Title printed above tables and charts. */
  readonly title?: string | undefined;
  /** Label of the row every other row is compared with. */
  readonly baseline: string;
  /**
   * Unit of the samples; `'ms'` values are printed with an automatic ns/µs/ms/s scale.
   * @defaultValue `'ms'`
   */
  readonly unit?: string | undefined;
  /**
   * Whether lower values are better (durations) or higher (throughput).
   * @defaultValue `'lower'`
   */
  readonly better?: Direction | undefined;
  /** The measured rows, in display order; must include the baseline. */
  readonly rows: readonly ComparisonRowInput[];
}

/**
 * One row of a computed {@link Comparison}.
 *
 * @example
 * ```ts
 * import { compare, type ComparisonRow } from '@weft/reporters';
 * const rows: readonly ComparisonRow[] = compare(input).rows;
 * for (const row of rows) console.log(row.label, row.ratio.toFixed(2), '±', row.ratioError.toFixed(2));
 * ```
 */
export interface ComparisonRow {
  /** The row's label, as given. */
  readonly label: string;
  /** Statistics computed from the samples, or the pre-computed ones given. */
  readonly stats: SampleStats;
  /** Whether this row is the baseline. */
  readonly isBaseline: boolean;
  /**
   * How many times better than the baseline (above 1 is better): `baseline.mean / row.mean` for
   * durations, `row.mean / baseline.mean` for throughput. The baseline row has 1.
   */
  readonly ratio: number;
  /**
   * Absolute 95% error of `ratio`, propagated from both rows' relative errors in quadrature:
   * `ratio · √(rme_row² + rme_baseline²)`. The baseline row has 0.
   */
  readonly ratioError: number;
}

/**
 * A validated comparison with statistics and ratios computed; the input of every renderer.
 *
 * @example
 * ```ts
 * import { compare, formatComparisonTable, type Comparison } from '@weft/reporters';
 * const comparison: Comparison = compare(input);
 * console.log(formatComparisonTable(comparison));
 * ```
 */
export interface Comparison {
  /** Title printed above tables and charts. */
  readonly title?: string;
  /** Label of the baseline row. */
  readonly baseline: string;
  /** Unit of the statistics (`'ms'` unless another was given). */
  readonly unit: string;
  /** Whether lower or higher values are better. */
  readonly better: Direction;
  /** The rows, in input order, with ratios to the baseline. */
  readonly rows: readonly ComparisonRow[];
}

/**
 * Units in which a value is a duration: samples in them must be >= 0. Other units (e.g. `'ops/s'`,
 * `'°C'`) allow negative samples, but a ratio needs positive means (see {@link compare}).
 */
const DURATION_UNITS: ReadonlySet<string> = new Set(['ns', 'µs', 'us', 'ms', 's', 'min', 'h']);

/** Rejects the first negative sample (or a negative `stats.min`) of a row measured in a duration unit. */
function checkDuration(
  row: Record<string, unknown>,
  field: string,
  label: string,
  unit: string,
): void {
  if (!DURATION_UNITS.has(unit)) return;
  const negative = (value: unknown, path: string): void => {
    if (typeof value === 'number' && value < 0) {
      throw new ReportInputInvalidError(
        path,
        `row "${label}" got the number ${value}; expected a duration >= 0 ${unit} ` +
          '(durations cannot be negative; use a unit that is not a duration for signed values)',
      );
    }
  };
  if (Array.isArray(row['samples'])) {
    row['samples'].forEach((v: unknown, j) => negative(v, `${field}.samples[${j}]`));
  } else if (row['samples'] === undefined && isRecord(row['stats'])) {
    negative(row['stats']['min'], `${field}.stats.min`);
  }
}

function statsInput(value: unknown, field: string): SampleStats {
  const obj = record(value, field);
  const n = integer(obj['n'], `${field}.n`, 1);
  const num = (key: string): number => finite(obj[key], `${field}.${key}`);
  const min = num('min');
  const max = num('max');
  const stats: SampleStats = {
    n,
    min,
    median: num('median'),
    mean: num('mean'),
    rme: finite(obj['rme'], `${field}.rme`, 0),
    p75: num('p75'),
    p99: num('p99'),
    max,
    outliers: optional(obj['outliers'], `${field}.outliers`, (v, f) => integer(v, f, 0)) ?? 0,
  };
  if (max < min) fail(`${field}.max`, max, `a value >= min (${min})`);
  for (const key of ['median', 'mean', 'p75', 'p99'] as const) {
    if (stats[key] < min || stats[key] > max) {
      fail(`${field}.${key}`, stats[key], `a value between min (${min}) and max (${max})`);
    }
  }
  const extra: { p999?: number; sd?: number; mad?: number } = {};
  const p999 = optional(obj['p999'], `${field}.p999`, finite);
  const sd = optional(obj['sd'], `${field}.sd`, (v, f) => finite(v, f, 0));
  const mad = optional(obj['mad'], `${field}.mad`, (v, f) => finite(v, f, 0));
  if (p999 !== undefined) extra.p999 = p999;
  if (sd !== undefined) extra.sd = sd;
  if (mad !== undefined) extra.mad = mad;
  return { ...stats, ...extra };
}

/**
 * Validates measured rows and computes, for each, its statistics and its ratio to the baseline
 * with the error propagated from both rows.
 *
 * @param input - the rows and the baseline label; also accepts untrusted data (e.g. parsed JSON)
 * @returns the computed comparison, accepted by every renderer of this package
 * @throws {@link ReportInputInvalidError} naming the field when the input is malformed: no rows,
 * duplicate labels, a baseline that names no row, a row with neither samples nor stats, a
 * non-finite sample, a baseline mean of zero
 * @example
 * ```ts
 * import { compare } from '@weft/reporters';
 * const comparison = compare({
 *   title: 'mandelbrot 400',
 *   baseline: 'sequential',
 *   rows: [
 *     { label: 'sequential', samples: [102, 99, 101, 100] },
 *     { label: '2 workers', samples: [55, 52, 53, 54] },
 *   ],
 * });
 * comparison.rows[1]?.ratio; // ≈ 1.88
 * ```
 */
export function compare(input: ComparisonInput): Comparison {
  const obj = record(input, 'comparison');
  const title = optional(obj['title'], 'comparison.title', (v, f) => string(v, f, false));
  const baseline = string(obj['baseline'], 'comparison.baseline');
  const unit = optional(obj['unit'], 'comparison.unit', string) ?? 'ms';
  const better =
    optional(obj['better'], 'comparison.better', (v, f) =>
      oneOf(v, f, ['lower', 'higher'] as const),
    ) ?? 'lower';
  const rowsIn = array(obj['rows'], 'comparison.rows');
  if (rowsIn.length === 0) fail('comparison.rows', rowsIn, 'at least one row');

  const seen = new Set<string>();
  const measured = rowsIn.map((rowValue, i) => {
    const field = `comparison.rows[${i}]`;
    const row = record(rowValue, field);
    const label = string(row['label'], `${field}.label`);
    if (seen.has(label)) fail(`${field}.label`, label, 'a label not used by an earlier row');
    seen.add(label);
    checkDuration(row, field, label, unit);
    let stats: SampleStats;
    if (row['samples'] !== undefined)
      stats = summarize(row['samples'] as number[], `${field}.samples`);
    else if (row['stats'] !== undefined) stats = statsInput(row['stats'], `${field}.stats`);
    else fail(`${field}.samples`, undefined, 'an array of samples (or a stats object)');
    return { label, stats };
  });

  const base = measured.find((r) => r.label === baseline);
  if (base === undefined) {
    fail(
      'comparison.baseline',
      baseline,
      `the label of a row (${[...seen].map((s) => `"${s}"`).join(', ')})`,
    );
  }
  if (base.stats.mean <= 0) {
    throw new ReportInputInvalidError(
      `comparison.rows[${measured.indexOf(base)}]`,
      `the baseline row "${baseline}" has a mean of ${base.stats.mean}; ` +
        'ratios are defined only against a positive mean',
    );
  }
  const rows = measured.map(({ label, stats }, i): ComparisonRow => {
    const isBaseline = label === baseline;
    if (isBaseline) return { label, stats, isBaseline, ratio: 1, ratioError: 0 };
    if (stats.mean < 0) {
      throw new ReportInputInvalidError(
        `comparison.rows[${i}]`,
        `row "${label}" has a mean of ${stats.mean}; a ratio to the baseline is defined only ` +
          'for a mean >= 0 (a negative ratio is not a speedup)',
      );
    }
    if (stats.mean === 0 && better === 'lower') {
      throw new ReportInputInvalidError(
        `comparison.rows[${i}]`,
        `row "${label}" has a mean of 0; a duration ratio against it is undefined`,
      );
    }
    const ratio = better === 'lower' ? base.stats.mean / stats.mean : stats.mean / base.stats.mean;
    const relative = Math.hypot(stats.rme / 100, base.stats.rme / 100);
    const ratioError = ratio * relative;
    if (!Number.isFinite(ratio) || !Number.isFinite(ratioError)) {
      throw new ReportInputInvalidError(
        `comparison.rows[${i}]`,
        `row "${label}": its ratio to the baseline (${base.stats.mean} vs ${stats.mean}) ` +
          'exceeds the largest finite number; expected means of comparable magnitude',
      );
    }
    return { label, stats, isBaseline, ratio, ratioError };
  });
  return title === undefined
    ? { baseline, unit, better, rows }
    : { title, baseline, unit, better, rows };
}

/**
 * Checks that a value is a well-formed computed {@link Comparison} (e.g. read back from a JSON
 * report) and returns a clean copy. Renderers call it on their input.
 *
 * @param value - the candidate comparison
 * @param field - root path used in error messages (default `'comparison'`)
 * @returns the validated comparison
 * @throws {@link ReportInputInvalidError} naming the first malformed field
 * @example
 * ```ts
 * import { validateComparison } from '@weft/reporters';
 * const comparison = validateComparison(JSON.parse(text).comparison);
 * ```
 */
export function validateComparison(value: unknown, field = 'comparison'): Comparison {
  const obj = record(value, field);
  const title = optional(obj['title'], `${field}.title`, (v, f) => string(v, f, false));
  const baseline = string(obj['baseline'], `${field}.baseline`);
  const unit = string(obj['unit'], `${field}.unit`);
  const better = oneOf(obj['better'], `${field}.better`, ['lower', 'higher'] as const);
  const rowsIn = array(obj['rows'], `${field}.rows`);
  if (rowsIn.length === 0) fail(`${field}.rows`, rowsIn, 'at least one row');
  let baselines = 0;
  const rows = rowsIn.map((rowValue, i): ComparisonRow => {
    const f = `${field}.rows[${i}]`;
    const row = record(rowValue, f);
    const label = string(row['label'], `${f}.label`);
    const isBaseline = boolean(row['isBaseline'], `${f}.isBaseline`);
    if (isBaseline !== (label === baseline)) {
      fail(`${f}.isBaseline`, isBaseline, `${String(!isBaseline)} (baseline is "${baseline}")`);
    }
    if (isBaseline) baselines++;
    return {
      label,
      stats: statsInput(row['stats'], `${f}.stats`),
      isBaseline,
      ratio: finite(row['ratio'], `${f}.ratio`, 0),
      ratioError: finite(row['ratioError'], `${f}.ratioError`, 0),
    };
  });
  if (baselines !== 1) fail(`${field}.baseline`, baseline, 'the label of exactly one row');
  return title === undefined
    ? { baseline, unit, better, rows }
    : { title, baseline, unit, better, rows };
}
