// HTML report: one self-contained offline file with a summary, a speedup bar chart, a Gantt
// timeline with hover details and a counter (queue-depth) chart, in light and dark mode.
import type { Comparison } from './comparison.js';
import { duration, percent, quantity, ratioText, tick, tickDuration } from './internal/format.js';
import { graphemeLength, truncateGraphemes } from './internal/graphemes.js';
import { bounds, layoutLanes, rowName, summarizeLanes, type Bounds } from './internal/layout.js';
import { validateReport, type ValidCheck } from './internal/validate-report.js';
import type { ReportInput } from './report.js';
import type { RunMetadata } from './run-metadata.js';
import type { Timeline } from './timeline.js';

const esc = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
// Chart geometry in viewBox units; every SVG is 1000 wide and scales to the page, so text in all
// charts comes out the same size.
const W = 1000;
const RIGHT = 40;
/** Average advance of a 12px system-ui character, in viewBox units, with a little to spare. */
const CHAR_W = 6.8;
/** The label column never takes more than this, so the plot keeps most of the width. */
const MAX_LABEL_W = 320;

/** A label column wide enough for the longest label (between `min` and {@link MAX_LABEL_W}). */
function labelWidth(labels: readonly string[], min: number): number {
  let longest = 0;
  for (const label of labels) longest = Math.max(longest, graphemeLength(label));
  return Math.min(MAX_LABEL_W, Math.max(min, Math.ceil(longest * CHAR_W) + 16));
}

/** `label`, cut between graphemes with an ellipsis when it would overflow a column `width` wide. */
function fit(label: string, width: number): string {
  return truncateGraphemes(label, Math.floor((width - 16) / CHAR_W));
}

/** The label column of a timeline's charts: the Gantt and counter charts share it, so they align. */
function timelineLabelWidth(t: Timeline): number {
  return labelWidth(layoutLanes(t).map(rowName), 150);
}

const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Tick step of 1, 2 or 5 × 10^k giving about `target` ticks over `span` (Heckbert, "Nice numbers for graph labels"). */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

const CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--grid:#d1d9e0;--panel:#f6f8fa;
--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--cancel:#818b98;--bar:#0969da;--base:#818b98;
--c0:#0969da;--c1:#bc4c00;--c2:#8250df;--c3:#1a7f37;--c4:#bf3989}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--grid:#3d444d;--panel:#151b23;
--ok:#3fb950;--bad:#f85149;--warn:#d29922;--cancel:#656c76;--bar:#4493f8;--base:#656c76;
--c0:#4493f8;--c1:#f0883e;--c2:#ab7df8;--c3:#3fb950;--c4:#f778ba}}
*{box-sizing:border-box}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:20px 0 8px}
.report-section{border-top:1px solid var(--grid);margin-top:32px}
a{color:var(--bar)}
.muted{color:var(--muted)}
.note{max-width:80ch}
.checks td:nth-child(2),.checks th:nth-child(2),.checks td:last-child{text-align:left;white-space:normal}
.listing{margin:8px 0;max-width:100ch}.listing figcaption{color:var(--muted);font-size:12px;margin-bottom:2px}
.listing pre{margin:0;padding:8px 12px;background:var(--panel);border-radius:6px;overflow-x:auto;font:12.5px/1.45 ui-monospace,monospace}
.verdict{max-width:80ch;margin:12px 0;padding:8px 12px;border-left:4px solid var(--bar);background:var(--panel)}
svg text.axis-title{fill:var(--muted);font-size:11px}
.check.ok{color:var(--ok);font-weight:700}.check.wrong{color:var(--bad);font-weight:700}
section{max-width:1100px}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid var(--grid);text-align:right;white-space:nowrap}
th:first-child,td:first-child,.lane-table td:nth-child(2),.lane-table th:nth-child(2){text-align:left}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dt{color:var(--muted)}dd{margin:0}
svg{display:block;width:100%;height:auto;background:var(--panel);border-radius:6px}
svg text{fill:var(--fg);font:12px system-ui,sans-serif}
svg .axis text,svg text.muted{fill:var(--muted)}
svg .grid{stroke:var(--grid);stroke-width:1}
.bar{fill:var(--bar)}.bar.worse{fill:var(--bad)}.bar.base{fill:var(--base)}.bar.same{fill:var(--bar);fill-opacity:.5}
.whisker{stroke:var(--fg);stroke-width:1.5}
.ref{stroke:var(--fg);stroke-dasharray:4 3}
.span{stroke:var(--bg);stroke-width:.5}
.span.fulfilled{fill:var(--ok)}.span.rejected{fill:var(--bad)}.span.timeout{fill:var(--warn)}.span.cancelled{fill:var(--cancel)}
.instant{stroke:var(--bg);stroke-width:1;fill:var(--fg)}.instant.crash{fill:var(--bad)}
[data-tip]:hover{opacity:.8}
.series{fill:none;stroke-width:2}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;vertical-align:-1px}
.legend i.mark{width:9px;height:9px;border-radius:0;transform:rotate(45deg);margin-left:16px}
#tooltip{position:fixed;pointer-events:none;z-index:10;max-width:360px;padding:6px 9px;border-radius:6px;
background:var(--fg);color:var(--bg);font:12px/1.4 ui-monospace,monospace;white-space:pre-line;box-shadow:0 2px 8px #0004}
`;

const SCRIPT = `
(function(){var tip=document.getElementById('tooltip');
function place(e){var x=e.clientX+14,y=e.clientY+14,r=tip.getBoundingClientRect();
if(x+r.width>innerWidth)x=e.clientX-r.width-14;if(y+r.height>innerHeight)y=e.clientY-r.height-14;
tip.style.left=x+'px';tip.style.top=y+'px'}
document.addEventListener('mouseover',function(e){var t=e.target&&e.target.closest?e.target.closest('[data-tip]'):null;
if(!t){tip.hidden=true;return}tip.textContent=t.getAttribute('data-tip');tip.hidden=false;place(e)});
document.addEventListener('mousemove',function(e){if(!tip.hidden)place(e)});})();
`;

function metadataSection(m: RunMetadata): string {
  const config = Object.entries(m.configuration)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const rows: [string, string][] = [
    [
      'Machine',
      `${m.machine.cpuModel}, ${m.machine.cpuCount} CPUs, ${(m.machine.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    ],
    [
      'Runtime',
      `Node.js ${m.machine.node} on ${m.machine.os.platform} ${m.machine.os.release} (${m.machine.os.arch})`,
    ],
    ['Date', m.date],
  ];
  if (config !== '') rows.push(['Configuration', config]);
  if (m.notes !== undefined) rows.push(['Notes', m.notes]);
  return `<dl id="metadata">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** A row's ratio; without `± 0.00` when a side has one sample and so no spread to show. */
function rowRatio(c: Comparison, r: Comparison['rows'][number]): string {
  const base = c.rows.find((x) => x.isBaseline);
  const single = r.stats.n === 1 || base?.stats.n === 1;
  return single && r.ratioError === 0 ? `${r.ratio.toFixed(2)}×` : ratioText(r.ratio, r.ratioError);
}

/** A row's mean for a tooltip: with its spread, or marked as one sample. */
function meanText(c: Comparison, r: Comparison['rows'][number]): string {
  const mean = quantity(r.stats.mean, c.unit);
  return r.stats.n === 1 ? `${mean} (one sample)` : `${mean} ± ${percent(r.stats.rme)}`;
}

function comparisonTable(c: Comparison): string {
  const q = (v: number): string => esc(quantity(v, c.unit));
  const head = [
    '',
    'n',
    'min',
    'median',
    'mean ± rme',
    'p75',
    'p99',
    'max',
    'outliers',
    `vs ${c.baseline}`,
  ];
  const body = c.rows
    .map((r) => {
      const s = r.stats;
      // One sample has no spread, percentiles or outliers to show: a dash, never "± 0.0%".
      const one = s.n === 1;
      const none = '<span class="muted" title="one sample">—</span>';
      const cells = [
        r.isBaseline ? `<strong>${esc(r.label)}</strong>` : esc(r.label),
        String(s.n),
        q(s.min),
        q(s.median),
        one ? `${q(s.mean)} (one sample)` : `${q(s.mean)} ± ${percent(s.rme)}`,
        one ? none : q(s.p75),
        one ? none : q(s.p99),
        q(s.max),
        one ? none : String(s.outliers),
        r.isBaseline ? 'baseline' : esc(rowRatio(c, r)),
      ];
      return `<tr>${cells.map((x) => `<td>${x}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table class="comparison-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function checksTable(checks: readonly ValidCheck[]): string {
  const body = checks
    .map((c) => {
      const mark = c.ok
        ? '<td class="check ok" aria-label="right">✔</td>'
        : '<td class="check wrong" aria-label="wrong">✘</td>';
      return `<tr class="${c.ok ? 'ok' : 'wrong'}">${mark}<td>${esc(c.label)}</td><td>${esc(c.expected)}</td><td>${esc(c.actual)}</td><td>${esc(c.detail ?? '')}</td></tr>`;
    })
    .join('');
  return `<table class="checks"><thead><tr><th></th><th>check</th><th>expected</th><th>got</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function speedupChart(c: Comparison): string {
  const labelW = labelWidth(
    c.rows.map((r) => r.label),
    170,
  );
  const valueW = 130;
  const rowH = 30;
  const top = 24;
  const plotW = W - labelW - valueW;
  const H = top + c.rows.length * rowH + 46;
  const max = Math.max(1.1, ...c.rows.map((r) => r.ratio + r.ratioError)) * 1.05;
  const x = (v: number): number => labelW + (Math.max(0, v) / max) * plotW;
  const step = niceStep(max, 5);
  const parts: string[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) {
    parts.push(
      `<line class="grid" x1="${n2(x(v))}" x2="${n2(x(v))}" y1="${top}" y2="${H - 40}"/>`,
      `<text class="axis muted" x="${n2(x(v))}" y="${H - 24}" text-anchor="middle">${tick(v)}×</text>`,
    );
  }
  const faster = c.better === 'lower' ? 'faster' : 'better';
  parts.push(
    `<text class="axis-title" text-anchor="end" x="${labelW - 8}" y="14">variant</text>`,
    `<text class="axis-title" x="${n2(labelW + plotW / 2)}" y="${H - 6}" text-anchor="middle">${esc(`speed vs ${c.baseline} (${c.better === 'lower' ? `${c.baseline}'s time ÷ this time` : `this ÷ ${c.baseline}`}; right of 1 is ${faster})`)}</text>`,
  );
  c.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const kind = r.isBaseline
      ? 'base'
      : r.ratio + r.ratioError < 1
        ? 'worse'
        : r.ratio - r.ratioError > 1
          ? 'better'
          : 'same';
    const tip = r.isBaseline
      ? `${r.label} (baseline)\nmean ${meanText(c, r)}`
      : `${r.label}\n${rowRatio(c, r)} vs ${c.baseline}\nmean ${meanText(c, r)}`;
    parts.push(
      `<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(fit(r.label, labelW))}</text>`,
      `<rect class="bar ${kind}" x="${labelW}" y="${y + 5}" width="${n2(Math.max(1, x(r.ratio) - labelW))}" height="${rowH - 10}" data-tip="${esc(tip)}"/>`,
    );
    if (r.ratioError > 0) {
      const cy = y + rowH / 2;
      parts.push(
        `<path class="whisker" d="M${n2(x(r.ratio - r.ratioError))} ${cy}H${n2(x(r.ratio + r.ratioError))}M${n2(x(r.ratio - r.ratioError))} ${cy - 5}v10M${n2(x(r.ratio + r.ratioError))} ${cy - 5}v10"/>`,
      );
    }
    parts.push(
      `<text x="${W - valueW + 8}" y="${y + rowH / 2 + 4}">${r.isBaseline ? 'baseline' : esc(rowRatio(c, r))}</text>`,
    );
  });
  parts.push(`<line class="ref" x1="${n2(x(1))}" x2="${n2(x(1))}" y1="${top}" y2="${H - 40}"/>`);
  const label = `Speedup versus ${c.baseline}; bars above 1 are ${c.better === 'lower' ? 'faster' : 'better'}`;
  return `<svg data-chart="speedup" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">${parts.join('')}</svg>`;
}

const LEGEND =
  '<p class="legend muted"><i style="background:var(--ok)"></i>fulfilled<i style="background:var(--bad)"></i>rejected<i style="background:var(--warn)"></i>timeout<i style="background:var(--cancel)"></i>cancelled' +
  '<i class="mark" style="background:var(--fg)"></i>spawn, exit, mark<i class="mark" style="background:var(--bad)"></i>crash (hover for details)</p>';

function laneTable(timeline: Timeline): string {
  const b = bounds(timeline);
  const rows = summarizeLanes(timeline)
    .map(
      (s) =>
        `<tr><td>${esc(s.lane.name)}</td><td>${esc(s.lane.kind)}</td><td>${s.spans}</td><td>${s.failed}</td><td>${esc(duration(s.busyMs))}</td><td>${percent(s.utilization * 100)}</td></tr>`,
    )
    .join('');
  return (
    `<p class="muted">Timeline: ${timeline.lanes.length} lanes, ${timeline.spans.length} spans over ${esc(duration(b.end - b.start))}.</p>` +
    `<table class="lane-table"><thead><tr><th>lane</th><th>kind</th><th>spans</th><th>failed</th><th>busy</th><th>utilisation</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function timeAxis(b: Bounds, x: (t: number) => number, y1: number, y2: number): string {
  const span = b.end - b.start;
  const step = niceStep(span, 8);
  const out: string[] = [];
  for (let v = 0; v <= span + 1e-9; v += step) {
    out.push(
      `<line class="grid" x1="${n2(x(b.start + v))}" x2="${n2(x(b.start + v))}" y1="${y1}" y2="${y2}"/>`,
      `<text class="axis muted" x="${n2(x(b.start + v))}" y="${y2 + 14}" text-anchor="middle">${esc(tickDuration(v))}</text>`,
    );
  }
  return `<g class="axis">${out.join('')}</g>`;
}

/** Names of a chart's axes: the y axis above its labels, the x axis under its ticks. */
function axisTitles(labelW: number, plotW: number, H: number, y: string, x: string): string {
  return (
    `<text class="axis-title" text-anchor="end" x="${labelW - 8}" y="14">${esc(fit(y, labelW))}</text>` +
    `<text class="axis-title" x="${n2(labelW + plotW / 2)}" y="${H - 6}" text-anchor="middle">${esc(x)}</text>`
  );
}

function ganttChart(t: Timeline, b: Bounds): string {
  const rows = layoutLanes(t);
  const rowH = 22;
  const top = 22;
  const H = top + rows.length * rowH + 42;
  const labelW = timelineLabelWidth(t);
  const plotW = W - labelW - RIGHT;
  const x = (time: number): number => labelW + ((time - b.start) / (b.end - b.start)) * plotW;
  const laneY = new Map<string, number>();
  const parts: string[] = [
    timeAxis(b, x, top, H - 38),
    axisTitles(labelW, plotW, H, 'worker (lane)', 'time since the first event'),
  ];
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    if (row.sub === 0) laneY.set(row.lane.id, y);
    const ids = [
      row.lane.pid === undefined ? '' : `pid ${row.lane.pid}`,
      row.lane.threadId === undefined ? '' : `thread ${row.lane.threadId}`,
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(
      `<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" data-tip="${esc(`${row.lane.name} (${row.lane.kind}${ids ? `, ${ids}` : ''})`)}">${esc(fit(rowName(row), labelW))}</text>`,
    );
    row.spans.forEach((s, k) => {
      // Nested spans are drawn inset, so the span that contains them stays visible around them.
      const inset = 3 + Math.min(3, row.depths[k] ?? 0) * 3;
      const details = [
        s.name,
        `lane: ${rowName(row)}`,
        `start: +${duration(s.start - b.start)}`,
        `duration: ${duration(s.end - s.start)}`,
        `status: ${s.status}`,
        ...(s.attempt === undefined ? [] : [`attempt: ${s.attempt}`]),
        ...Object.entries(s.args ?? {}).map(([k, v]) => `${k}: ${String(v)}`),
      ].join('\n');
      parts.push(
        `<rect class="span ${s.status}" x="${n2(x(s.start))}" y="${y + inset}" width="${n2(Math.max(1, x(s.end) - x(s.start)))}" height="${rowH - 2 * inset}" data-tip="${esc(details)}"/>`,
      );
    });
  });
  for (const instant of t.instants) {
    const y = (laneY.get(instant.lane) ?? top) + rowH / 2;
    const cx = x(instant.time);
    parts.push(
      `<path class="instant ${instant.kind}" d="M${n2(cx)} ${y - 7}l5 7l-5 7l-5 -7z" data-tip="${esc(`${instant.name}\n${instant.kind} at +${duration(instant.time - b.start)}`)}"/>`,
    );
  }
  return `<svg data-chart="gantt" viewBox="0 0 ${W} ${H}" role="img" aria-label="Timeline of spans per lane">${parts.join('')}</svg>`;
}

function counterChart(t: Timeline, b: Bounds): string {
  const H = 236;
  const top = 22;
  const bottom = H - 40;
  const labelW = timelineLabelWidth(t);
  const plotW = W - labelW - RIGHT;
  const x = (time: number): number => labelW + ((time - b.start) / (b.end - b.start)) * plotW;
  // Loops, not Math.max(...spread): counters may hold more points than the call stack takes.
  let max = 1;
  let min = 0;
  for (const c of t.counters) {
    for (const p of c.points) {
      if (p.value > max) max = p.value;
      if (p.value < min) min = p.value;
    }
  }
  const ystep = niceStep(max - min, 4);
  const ymax = Math.ceil(max / ystep) * ystep;
  const ymin = Math.floor(min / ystep) * ystep;
  const y = (v: number): number => bottom - ((v - ymin) / (ymax - ymin)) * (bottom - top);
  const parts: string[] = [
    timeAxis(b, x, top, bottom),
    axisTitles(
      labelW,
      plotW,
      H,
      t.counters.map((c) => c.name).join(', '),
      'time since the first event',
    ),
  ];
  for (let v = ymin; v <= ymax + 1e-9; v += ystep) {
    parts.push(
      `<line class="grid" x1="${labelW}" x2="${W - RIGHT}" y1="${n2(y(v))}" y2="${n2(y(v))}"/>`,
      `<text class="axis muted" x="${labelW - 8}" y="${n2(y(v) + 4)}" text-anchor="end">${tick(v)}</text>`,
    );
  }
  t.counters.forEach((c, i) => {
    const points = [...c.points].sort((p, q) => p.time - q.time);
    const color = `var(--c${i % 5})`;
    if (points.length === 0) return;
    let d = `M${n2(x(points[0]?.time ?? b.start))} ${n2(y(points[0]?.value ?? 0))}`;
    for (const p of points.slice(1)) d += `H${n2(x(p.time))}V${n2(y(p.value))}`;
    d += `H${n2(x(b.end))}`;
    parts.push(
      `<path class="series" data-series="${esc(c.name)}" style="stroke:${color}" d="${d}"/>`,
    );
    if (points.length <= 400) {
      for (const p of points) {
        parts.push(
          `<circle cx="${n2(x(p.time))}" cy="${n2(y(p.value))}" r="3" style="fill:${color}" data-tip="${esc(`${c.name}: ${p.value}\nat +${duration(p.time - b.start)}`)}"/>`,
        );
      }
    }
  });
  const legend = t.counters
    .map((c, i) => `<i style="background:var(--c${i % 5})"></i>${esc(c.name)}`)
    .join('');
  return `<div class="legend">${legend}</div><svg data-chart="counters" viewBox="0 0 ${W} ${H}" role="img" aria-label="Counters over time">${parts.join('')}</svg>`;
}

/**
 * Renders a report as one self-contained HTML file that opens offline: a summary (metadata,
 * comparison table, per-lane utilisation), a speedup bar chart with error whiskers, a Gantt
 * timeline per lane with hover details, and a chart of the counters (queue depth, busy workers).
 *
 * Charts are hand-written SVG styled by CSS variables that follow `prefers-color-scheme`, so the
 * page is readable in light and dark mode. A Content-Security-Policy forbids every network load.
 * All text from the input is escaped.
 *
 * @param input - title, comparison, timeline, metadata, sections (any subset; each part given gets
 *   its charts, each section its own block with a heading)
 * @returns the HTML document
 * @throws {@link ReportInputInvalidError} naming the field when a part is malformed
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { collectRunMetadata, renderHtmlReport } from '@weft/reporters';
 * writeFileSync('report.html', renderHtmlReport({ title: 'mandelbrot', comparison, timeline, metadata: collectRunMetadata() }));
 * ```
 */
export function renderHtmlReport(input: ReportInput): string {
  const { title, comparison, timeline, metadata, sections } = validateReport(input);
  const heading = title ?? comparison?.title ?? 'Weft report';
  const blocks: string[] = [];
  const summary: string[] = [];
  if (metadata !== undefined) summary.push(metadataSection(metadata));
  if (comparison !== undefined) summary.push(comparisonTable(comparison));
  if (timeline !== undefined) summary.push(laneTable(timeline));
  if (sections !== undefined && sections.length > 0) {
    const items = sections
      .map((sec, i) => `<li><a href="#section-${i + 1}">${esc(sec.title)}</a></li>`)
      .join('');
    summary.push(`<ol id="contents">${items}</ol>`);
  }
  blocks.push(
    `<section id="summary"><h2>Summary</h2>${summary.join('') || '<p class="muted">Nothing to report.</p>'}</section>`,
  );
  if (comparison !== undefined) {
    blocks.push(
      `<section id="speedup"><h2>Speedup vs ${esc(comparison.baseline)}</h2>${speedupChart(comparison)}</section>`,
    );
  }
  if (timeline !== undefined) {
    const b = bounds(timeline);
    blocks.push(
      `<section id="timeline"><h2>Timeline</h2>${LEGEND}${ganttChart(timeline, b)}</section>`,
    );
    if (timeline.counters.length > 0) {
      blocks.push(
        `<section id="counters"><h2>${esc(timeline.counters.map((c) => c.name).join(', '))}</h2>${counterChart(timeline, b)}</section>`,
      );
    }
  }
  (sections ?? []).forEach((sec, i) => {
    const parts: string[] = [`<h2>${esc(sec.title)}</h2>`];
    for (const note of sec.notes ?? []) parts.push(`<p class="note">${esc(note)}</p>`);
    for (const l of sec.listings ?? []) {
      parts.push(
        `<figure class="listing"><figcaption>${esc(l.title)} (${esc(l.language)})</figcaption><pre><code class="language-${esc(l.language)}">${esc(l.code)}</code></pre></figure>`,
      );
    }
    if (sec.checks !== undefined && sec.checks.length > 0) parts.push(checksTable(sec.checks));
    if (sec.comparison !== undefined) {
      parts.push(
        comparisonTable(sec.comparison),
        `<h3>Speedup vs ${esc(sec.comparison.baseline)}</h3>`,
        speedupChart(sec.comparison),
      );
    }
    if (sec.timeline !== undefined) {
      const b = bounds(sec.timeline);
      parts.push(laneTable(sec.timeline), `<h3>Timeline</h3>`, LEGEND, ganttChart(sec.timeline, b));
      if (sec.timeline.counters.length > 0) {
        parts.push(
          `<h3>${esc(sec.timeline.counters.map((c) => c.name).join(', '))}</h3>`,
          counterChart(sec.timeline, b),
        );
      }
    }
    if (sec.verdict !== undefined) {
      parts.push(`<p class="verdict"><strong>Verdict:</strong> ${esc(sec.verdict)}</p>`);
    }
    blocks.push(
      `<section class="report-section" id="section-${i + 1}">${parts.join('')}</section>`,
    );
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="@weft/reporters">
<title>${esc(heading)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(heading)}</h1>${metadata === undefined ? '' : `<p class="muted">${esc(metadata.date)}</p>`}</header>
${blocks.join('\n')}
<div id="tooltip" role="tooltip" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
