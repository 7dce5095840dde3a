// Markdown report: metadata, comparison tables and per-lane timeline summaries, for PRs and READMEs.
import type { Comparison } from './comparison.js';
import { duration, percent, quantity, ratioText } from './internal/format.js';
import { bounds, summarizeLanes } from './internal/layout.js';
import { validateReport } from './internal/validate-report.js';
import type { ReportInput } from './report.js';
import type { Timeline } from './timeline.js';

const cell = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function mdTable(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(header),
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function comparisonTable(comparison: Comparison): string {
  const q = (v: number): string => quantity(v, comparison.unit);
  const table = mdTable(
    [
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
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    comparison.rows.map((r) => [
      r.isBaseline ? `**${r.label}**` : r.label,
      String(r.stats.n),
      q(r.stats.min),
      q(r.stats.median),
      `${q(r.stats.mean)} ± ${percent(r.stats.rme)}`,
      q(r.stats.p75),
      q(r.stats.p99),
      q(r.stats.max),
      String(r.stats.outliers),
      r.isBaseline ? 'baseline' : ratioText(r.ratio, r.ratioError),
    ]),
  );
  return comparison.better === 'higher' ? `${table}\n\n_Higher is better._` : table;
}

function laneTable(timeline: Timeline): string {
  return mdTable(
    ['lane', 'kind', 'spans', 'failed', 'busy', 'utilisation'],
    ['l', 'l', 'r', 'r', 'r', 'r'],
    summarizeLanes(timeline).map((s) => [
      s.lane.name,
      s.lane.kind,
      String(s.spans),
      String(s.failed),
      duration(s.busyMs),
      percent(s.utilization * 100),
    ]),
  );
}

/**
 * Renders a report as GitHub-flavoured Markdown: a title, the run metadata, the comparison table
 * with ratios and a per-lane summary of the timeline (spans, failures, busy time, utilisation),
 * then each section under its own heading.
 *
 * @param input - title, comparison, timeline, metadata, sections (any subset)
 * @returns the Markdown text, ending with a newline
 * @throws {@link ReportInputInvalidError} naming the field when a part is malformed
 * @example
 * ```ts
 * import { formatMarkdownReport } from '@weft/reporters';
 * process.stdout.write(formatMarkdownReport({ title: 'mandelbrot', comparison, metadata }));
 * ```
 */
export function formatMarkdownReport(input: ReportInput): string {
  const { title, comparison, timeline, metadata, sections } = validateReport(input);
  const parts: string[] = [];
  const heading = title ?? comparison?.title;
  if (heading !== undefined) parts.push(`# ${cell(heading)}`);
  if (metadata !== undefined) {
    const m = metadata.machine;
    const config = Object.entries(metadata.configuration)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    parts.push(
      [
        `- **Machine:** ${cell(m.cpuModel)}, ${m.cpuCount} CPUs, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
        `- **Runtime:** Node.js ${cell(m.node)} on ${cell(m.os.platform)} ${cell(m.os.release)} (${cell(m.os.arch)})`,
        `- **Date:** ${metadata.date}`,
        ...(config === '' ? [] : [`- **Configuration:** ${cell(config)}`]),
        ...(metadata.notes === undefined ? [] : [`- **Notes:** ${cell(metadata.notes)}`]),
      ].join('\n'),
    );
  }
  if (comparison !== undefined) {
    if (title !== undefined && comparison.title !== undefined) {
      parts.push(`## ${cell(comparison.title)}`);
    }
    parts.push(comparisonTable(comparison));
  }
  if (timeline !== undefined) {
    const b = bounds(timeline);
    parts.push(`## Timeline (${duration(b.end - b.start)})`, laneTable(timeline));
  }
  for (const section of sections ?? []) {
    parts.push(`## ${cell(section.title)}`);
    for (const note of section.notes ?? []) parts.push(note.replace(/\s*\n\s*/g, ' '));
    for (const l of section.listings ?? []) {
      const fence = '`'.repeat(
        Math.max(3, ...[...l.code.matchAll(/`+/g)].map((m) => m[0].length + 1)),
      );
      parts.push(
        `${cell(l.title)}:\n\n${fence}${l.language}\n${l.code.replace(/\n$/, '')}\n${fence}`,
      );
    }
    if (section.checks !== undefined && section.checks.length > 0) {
      parts.push(
        [
          '| | check | expected | got | |',
          '| - | - | -: | -: | - |',
          ...section.checks.map(
            (c) =>
              `| ${c.ok ? '✔' : '✘'} | ${cell(c.label)} | ${cell(c.expected)} | ${cell(c.actual)} | ${cell(c.detail ?? '')} |`,
          ),
        ].join('\n'),
      );
    }
    if (section.comparison !== undefined) parts.push(comparisonTable(section.comparison));
    if (section.timeline !== undefined) {
      const b = bounds(section.timeline);
      parts.push(`### Timeline (${duration(b.end - b.start)})`, laneTable(section.timeline));
    }
    if (section.verdict !== undefined) {
      parts.push(`**Verdict:** ${section.verdict.replace(/\s*\n\s*/g, ' ')}`);
    }
  }
  return `${parts.join('\n\n')}\n`;
}
