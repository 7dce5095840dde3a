// CSV output (RFC 4180): one row per comparison row or per timeline span, raw numbers in ms.
import { validateComparison, type Comparison } from './comparison.js';
import { validateTimeline, type Timeline } from './timeline.js';

function field(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(rows: readonly (readonly (string | number | boolean | undefined)[])[]): string {
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/**
 * Writes a comparison as CSV: a header row, then one row per measurement with raw statistics in
 * the comparison's unit and the ratio to the baseline with its 95% error.
 *
 * Fields are quoted per RFC 4180 when they hold a comma, a quote or a line break; lines end with
 * CRLF.
 *
 * @param comparison - the output of {@link compare}
 * @returns the CSV text
 * @throws {@link ReportInputInvalidError} naming the field when the comparison is malformed
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { formatComparisonCsv } from '@weft/reporters';
 * writeFileSync('results.csv', formatComparisonCsv(comparison));
 * ```
 */
export function formatComparisonCsv(comparison: Comparison): string {
  const c = validateComparison(comparison);
  return csv([
    [
      'label',
      'baseline',
      'unit',
      'n',
      'min',
      'median',
      'mean',
      'rme_percent',
      'p75',
      'p99',
      'max',
      'outliers',
      'ratio',
      'ratio_error',
    ],
    ...c.rows.map((r) => [
      r.label,
      r.isBaseline,
      c.unit,
      r.stats.n,
      r.stats.min,
      r.stats.median,
      r.stats.mean,
      r.stats.rme,
      r.stats.p75,
      r.stats.p99,
      r.stats.max,
      r.stats.outliers,
      r.ratio,
      r.ratioError,
    ]),
  ]);
}

/**
 * Writes a timeline's spans as CSV, one row per span with its lane, times in ms, duration,
 * status, attempt and arguments (as compact JSON).
 *
 * @param timeline - the timeline; validated first
 * @returns the CSV text
 * @throws {@link ReportInputInvalidError} naming the field when the timeline is malformed
 * @example
 * ```ts
 * import { formatTimelineCsv } from '@weft/reporters';
 * process.stdout.write(formatTimelineCsv(timeline));
 * ```
 */
export function formatTimelineCsv(timeline: Timeline): string {
  const t = validateTimeline(timeline);
  const lanes = new Map(t.lanes.map((l) => [l.id, l]));
  return csv([
    [
      'lane',
      'lane_name',
      'lane_kind',
      'name',
      'start_ms',
      'end_ms',
      'duration_ms',
      'status',
      'attempt',
      'args',
    ],
    ...t.spans.map((s) => [
      s.lane,
      lanes.get(s.lane)?.name,
      lanes.get(s.lane)?.kind,
      s.name,
      s.start,
      s.end,
      s.end - s.start,
      s.status,
      s.attempt,
      s.args === undefined ? undefined : JSON.stringify(s.args),
    ]),
  ]);
}
