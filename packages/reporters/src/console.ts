// Console renderers: an aligned comparison table with ratio columns and an ASCII timeline.
import { validateComparison, type Comparison, type ComparisonRow } from './comparison.js';
import { shouldUseColor } from './color.js';
import { ReporterOptionsInvalidError } from './errors.js';
import {
  colors,
  type Colors,
  duration,
  pad,
  percent,
  quantity,
  ratioText,
  visibleLength,
} from './internal/format.js';
import { graphemeLength, truncateGraphemes } from './internal/graphemes.js';
import { bounds, layoutLanes, rowName } from './internal/layout.js';
import { optionalBoolean, optionsObject } from './internal/options.js';
import type { SpanStatus, Timeline } from './timeline.js';
import { validateTimeline } from './timeline.js';

/**
 * Options shared by the console renderers.
 *
 * @example
 * ```ts
 * import { formatComparisonTable, type ConsoleOptions } from '@weft/reporters';
 * const options: ConsoleOptions = { color: false }; // e.g. when writing to a log file
 * console.log(formatComparisonTable(comparison, options));
 * ```
 */
export interface ConsoleOptions {
  /**
   * Whether to write ANSI colours.
   * @defaultValue `shouldUseColor()` for `process.stdout`
   */
  readonly color?: boolean;
}

/**
 * Options of {@link formatTimelineAscii}.
 *
 * @example
 * ```ts
 * import { formatTimelineAscii, type AsciiTimelineOptions } from '@weft/reporters';
 * const options: AsciiTimelineOptions = { width: process.stdout.columns ?? 100 };
 * console.log(formatTimelineAscii(timeline, options));
 * ```
 */
export interface AsciiTimelineOptions extends ConsoleOptions {
  /**
   * Total width in characters, lane names included; at least 40.
   * @defaultValue `100`
   */
  readonly width?: number;
}

/** Whether a row's interval at 95% excludes the baseline (ratio 1). */
function significance(row: ComparisonRow): 'better' | 'worse' | 'same' {
  if (row.ratio - row.ratioError > 1) return 'better';
  if (row.ratio + row.ratioError < 1) return 'worse';
  return 'same';
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[],
  c: Colors,
): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, align[i] ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    c.bold(line(header)),
    c.dim(widths.map((w) => '-'.repeat(w)).join('  ')),
    ...rows.map(line),
  ].join('\n');
}

/**
 * Renders a comparison as an aligned console table: n, min, median, mean ± relative error, p75,
 * p99, max, outliers and the ratio to the baseline ("1.93× ± 0.04").
 *
 * With colour, ratios whose 95% interval lies above 1 are green, below 1 red, and ratios that
 * are indistinguishable from the baseline yellow.
 *
 * @param input - the output of {@link compare}
 * @param options - colour on or off
 * @returns the table, lines joined with `\n`, without a trailing newline
 * @throws {@link ReportInputInvalidError} naming the field when the comparison is malformed
 * @throws {@link ReporterOptionsInvalidError} when `options` is not an object or `color` not a
 * boolean
 * @example
 * ```ts
 * import { compare, formatComparisonTable } from '@weft/reporters';
 * const comparison = compare({
 *   baseline: 'sequential',
 *   rows: [
 *     { label: 'sequential', samples: [100, 101, 99] },
 *     { label: '2 workers', samples: [52, 53, 51] },
 *   ],
 * });
 * console.log(formatComparisonTable(comparison));
 * ```
 */
export function formatComparisonTable(input: Comparison, options: ConsoleOptions = {}): string {
  const o = optionsObject(options);
  const color = optionalBoolean(o.color, 'color');
  const comparison = validateComparison(input);
  const c = colors(color ?? shouldUseColor());
  const q = (v: number): string => quantity(v, comparison.unit);
  const header = [
    '',
    'n',
    'min',
    'median',
    'mean ± rme',
    'p75',
    'p99',
    'max',
    'outliers',
    `vs ${comparison.baseline}`,
  ];
  const rows = comparison.rows.map((row) => {
    const s = row.stats;
    let ratio: string;
    if (row.isBaseline) ratio = c.dim('baseline');
    else {
      const text = ratioText(row.ratio, row.ratioError);
      const sign = significance(row);
      ratio = sign === 'better' ? c.green(text) : sign === 'worse' ? c.red(text) : c.yellow(text);
    }
    return [
      row.isBaseline ? c.bold(row.label) : row.label,
      String(s.n),
      q(s.min),
      q(s.median),
      `${q(s.mean)} ± ${percent(s.rme)}`,
      q(s.p75),
      q(s.p99),
      q(s.max),
      s.outliers > 0 ? c.yellow(String(s.outliers)) : '0',
      ratio,
    ];
  });
  const align = [
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ] as const;
  const body = table(header, rows, align, c);
  const unitNote = comparison.better === 'higher' ? ' (higher is better)' : '';
  return comparison.title === undefined ? body : `${c.bold(comparison.title)}${unitNote}\n${body}`;
}

const SPAN_CHAR: Record<SpanStatus, string> = {
  fulfilled: '=',
  rejected: 'x',
  cancelled: '-',
  timeout: 't',
};
const INSTANT_CHAR = { spawn: '^', exit: 'v', crash: '!', mark: '*' } as const;
const LEVELS = ' .:-=+*#';

/**
 * Renders a timeline as ASCII art: one row per lane (lanes with overlapping spans split into
 * numbered sub-lanes), one row per counter as a sparkline of its maximum in each column, and a
 * time axis.
 *
 * Spans are drawn with `|` at their start and a fill by status (`=` fulfilled, `x` rejected,
 * `-` cancelled, `t` timeout); instants as `^` spawn, `v` exit, `!` crash, `*` mark.
 *
 * @param timeline - the timeline; validated first
 * @param options - total width and colour
 * @returns the drawing, lines joined with `\n`, without a trailing newline
 * @throws {@link ReportInputInvalidError} when the timeline is malformed
 * @throws {@link ReporterOptionsInvalidError} when `width` is not an integer >= 40, `color` not a
 * boolean, or `options` not an object
 * @example
 * ```ts
 * import { formatTimelineAscii } from '@weft/reporters';
 * console.log(formatTimelineAscii(timeline, { width: 80 }));
 * ```
 */
export function formatTimelineAscii(
  timeline: Timeline,
  options: AsciiTimelineOptions = {},
): string {
  const o = optionsObject(options);
  const color = optionalBoolean(o.color, 'color');
  const width = o.width ?? 100;
  if (!Number.isSafeInteger(width) || width < 40) {
    throw new ReporterOptionsInvalidError(
      'width',
      `got ${String(width)}; expected an integer >= 40`,
    );
  }
  const t = validateTimeline(timeline);
  const c = colors(color ?? shouldUseColor());
  const rows = layoutLanes(t);
  const names = [...rows.map(rowName), ...t.counters.map((k) => k.name)];
  const nameWidth = Math.min(24, Math.max(4, ...names.map(graphemeLength)));
  const cols = width - nameWidth - 3;
  const b = bounds(t);
  const dt = (b.end - b.start) / cols;
  const col = (time: number): number =>
    Math.min(cols - 1, Math.max(0, Math.floor((time - b.start) / dt)));
  const label = (n: string): string => pad(truncateGraphemes(n, nameWidth), nameWidth, 'left');
  const paint = (ch: string, kind: string): string => {
    switch (kind) {
      case 'fulfilled':
        return c.green(ch);
      case 'rejected':
      case 'crash':
        return c.red(ch);
      case 'timeout':
        return c.yellow(ch);
      case 'cancelled':
        return c.dim(ch);
      default:
        return c.cyan(ch);
    }
  };

  const lines: string[] = [];
  for (const row of rows) {
    const cells: { ch: string; kind: string }[] = Array.from({ length: cols }, () => ({
      ch: ' ',
      kind: '',
    }));
    for (const span of row.spans) {
      const from = col(span.start);
      const to = Math.max(from, Math.min(cols - 1, Math.ceil((span.end - b.start) / dt) - 1));
      for (let i = from; i <= to; i++) {
        cells[i] = {
          ch: i === from && to > from ? '|' : SPAN_CHAR[span.status],
          kind: span.status,
        };
      }
    }
    if (row.sub === 0) {
      for (const instant of t.instants) {
        if (instant.lane === row.lane.id)
          cells[col(instant.time)] = { ch: INSTANT_CHAR[instant.kind], kind: instant.kind };
      }
    }
    // One escape sequence per run of same-kind cells, not per cell.
    let drawn = '';
    for (let i = 0; i < cells.length;) {
      const kind = cells[i]?.kind ?? '';
      let run = '';
      while (i < cells.length && (cells[i]?.kind ?? '') === kind) run += cells[i++]?.ch ?? ' ';
      drawn += kind === '' ? run : paint(run, kind);
    }
    lines.push(`${label(rowName(row))} |${drawn}`.trimEnd());
  }
  for (const counter of t.counters) {
    const points = [...counter.points].sort((p, q) => p.time - q.time);
    // A loop, not Math.max(...spread): counters may hold more points than the call stack takes.
    const max = points.reduce((m, p) => Math.max(m, p.value), 0);
    const cells: string[] = [];
    let k = 0;
    let current = 0;
    for (let i = 0; i < cols; i++) {
      const cellEnd = b.start + (i + 1) * dt;
      let peak = current;
      while (k < points.length && (points[k]?.time ?? Infinity) < cellEnd) {
        current = points[k]?.value ?? 0;
        peak = Math.max(peak, current);
        k++;
      }
      const level = max === 0 ? 0 : Math.round((Math.max(0, peak) / max) * (LEVELS.length - 1));
      cells.push(LEVELS[level] ?? ' ');
    }
    lines.push(`${label(counter.name)} |${c.cyan(cells.join(''))} ${c.dim(`max ${max}`)}`);
  }
  const total = duration(b.end - b.start);
  const axis = `${' '.repeat(nameWidth)} +${'-'.repeat(cols)}`;
  const start = '0';
  const mid = duration((b.end - b.start) / 2);
  const midAt = Math.floor(cols / 2) - Math.floor(mid.length / 2);
  let ticks = start + ' '.repeat(Math.max(1, midAt - start.length)) + mid;
  ticks += ' '.repeat(Math.max(1, cols - ticks.length - total.length)) + total;
  lines.push(c.dim(axis), c.dim(`${' '.repeat(nameWidth + 2)}${ticks}`));
  lines.push(
    c.dim('= fulfilled  x rejected  - cancelled  t timeout  ^ spawn  v exit  ! crash  * mark'),
  );
  return lines.join('\n');
}
