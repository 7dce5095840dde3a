// Benchmark: how long each output takes to render a large timeline, against JSON.stringify of
// the same data (the floor for any serialisation of it). Measures anchor and Weft in the same run.
// Usage: node bench/run.mjs [--quick]   (or BENCH_QUICK=1)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  collectRunMetadata,
  compare,
  formatChromeTrace,
  formatComparisonTable,
  formatJsonReport,
  formatMarkdownReport,
  formatTimelineAscii,
  formatTimelineCsv,
  renderHtmlReport,
  validateTimeline,
} from '@weft/reporters';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const SPANS = quick ? 5_000 : 20_000;
const SAMPLES = quick ? 15 : 40;

// A synthetic run: 4 workers with back-to-back tasks, an event loop with 3 overlapping tasks at a
// time (so sub-lanes are needed), a queue-depth counter sampled at every dispatch.
function makeTimeline(spans) {
  const t0 = performance.timeOrigin;
  const lanes = [
    { id: 'main', name: 'main', kind: 'main', pid: process.pid, threadId: 0 },
    { id: 'loop', name: 'event loop', kind: 'event-loop', pid: process.pid },
    ...[1, 2, 3, 4].map((i) => ({
      id: `w${i}`,
      name: `worker ${i}`,
      kind: 'worker',
      pid: process.pid,
      threadId: i,
    })),
  ];
  const out = [];
  const clock = { w1: 0, w2: 0, w3: 0, w4: 0 };
  const points = [];
  for (let i = 0; i < spans; i++) {
    if (i % 5 === 4) {
      const start = i * 0.4;
      out.push({
        lane: 'loop',
        name: `io ${i}`,
        start: t0 + start,
        end: t0 + start + 1.1,
        status: 'fulfilled',
      });
    } else {
      const lane = `w${(i % 4) + 1}`;
      const start = clock[lane];
      const dur = 0.5 + ((i * 7919) % 100) / 100;
      clock[lane] = start + dur + 0.02;
      out.push({
        lane,
        name: `task ${i}`,
        start: t0 + start,
        end: t0 + start + dur,
        status: i % 97 === 0 ? 'rejected' : 'fulfilled',
        args: { part: i },
      });
      points.push({ time: t0 + start, value: (spans - i) % 50 });
    }
  }
  return {
    lanes,
    spans: out,
    instants: lanes
      .slice(2)
      .map((l) => ({ lane: l.id, name: `${l.name} spawned`, time: t0, kind: 'spawn' })),
    counters: [{ name: 'queue depth', points }],
  };
}

// Samples are taken round-robin (anchor, case 1, case 2, ..., anchor, ...) rather than case after
// case: on a shared machine the load drifts during a run, and interleaving lets every case see the
// same drift as its anchor, so the ratios stay meaningful even when absolute figures swing.
// Forcing a GC between samples (--expose-gc) was tried and rejected: it made every JS renderer
// 3-4x slower against the native JSON.stringify, which is not how they run in real use.
function measureAll(cases) {
  let sink = 0;
  for (const [, fn] of cases) for (let i = 0; i < 3; i++) sink += fn().length; // warm-up
  const samples = cases.map(() => []);
  for (let i = 0; i < SAMPLES; i++) {
    cases.forEach(([, fn], k) => {
      const start = performance.now();
      sink += fn().length;
      samples[k].push(performance.now() - start);
    });
  }
  if (sink === 0) throw new Error('nothing rendered');
  return samples;
}

const timeline = makeTimeline(SPANS);
const anchor = 'JSON.stringify (anchor)';
const cases = [
  [anchor, () => JSON.stringify(timeline)],
  ['validateTimeline', () => JSON.stringify(validateTimeline(timeline).spans.length)],
  ['formatJsonReport', () => formatJsonReport({ timeline })],
  ['formatChromeTrace', () => formatChromeTrace(timeline)],
  ['formatTimelineCsv', () => formatTimelineCsv(timeline)],
  ['formatMarkdownReport', () => formatMarkdownReport({ timeline })],
  ['formatTimelineAscii', () => formatTimelineAscii(timeline, { color: false })],
  ['renderHtmlReport', () => renderHtmlReport({ timeline })],
];

const sizes = Object.fromEntries(cases.map(([label, fn]) => [label, fn().length]));
const loadBefore = os.loadavg()[0];
const samples = measureAll(cases);
const loadAfter = os.loadavg()[0];
const rows = cases.map(([label], k) => ({ label, samples: samples[k] }));
const comparison = compare({
  title: `render ${SPANS.toLocaleString('en')} spans on 6 lanes${quick ? ' (quick)' : ''}`,
  baseline: anchor,
  rows,
});
const metadata = collectRunMetadata({
  configuration: {
    spans: SPANS,
    samples: SAMPLES,
    quick,
    loadavg1Before: Number(loadBefore.toFixed(2)),
    loadavg1After: Number(loadAfter.toFixed(2)),
  },
  notes: 'ratio < 1: slower than JSON.stringify of the same timeline; samples interleaved',
});

console.log(formatComparisonTable(comparison));
console.log('\noutput size (characters):');
for (const [label, size] of Object.entries(sizes))
  console.log(`  ${label.padEnd(24)} ${size.toLocaleString('en')}`);
console.log(
  `\n${metadata.machine.cpuModel}, ${metadata.machine.cpuCount} vCPU, Node ${metadata.machine.node}, ` +
    `load average ${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after`,
);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const out = new URL('latest.json', dir);
writeFileSync(out, formatJsonReport({ title: comparison.title, comparison, metadata }));
console.log(`wrote ${out.pathname}`);
