#!/usr/bin/env node
// The screenshot of docs/guides/tracing-with-opentelemetry.md: runs the playground's mixed CPU/I-O
// demo (`cpu-vs-io`) with `--otlp` pointed at an OTLP/HTTP receiver started here on 127.0.0.1,
// draws the spans it received as a waterfall (a small self-contained HTML page), and screenshots
// that page with the system's headless Chromium.
//
//   pnpm --filter @weft/playground build && node scripts/trace-screenshot.mjs [out.png]
//
// Default output: docs/guides/img/trace-cpu-vs-io.png (the page itself is written beside it as
// trace-cpu-vs-io.html in a temporary folder). CHROMIUM names the browser (default: chromium).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/guides/img/trace-cpu-vs-io.png'));
const cli = path.join(root, 'apps/playground/dist/cli.js');
/** Rows drawn at most: the first round of each step, with its tasks, fits a screen. */
const MAX_ROWS = 70;

// ---- the receiver: OTLP/HTTP JSON, traces only (metrics are acknowledged and dropped)
const spans = [];
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const r of body.resourceSpans ?? [])
        for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- the run
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, [cli, 'cpu-vs-io', '--workers', '2', '--otlp', base], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (c) => resolve(c ?? 1));
});
server.closeAllConnections();
server.close();
if (code !== 0) {
  console.error(`trace-screenshot: the playground exited with ${code}`);
  process.exit(1);
}

// ---- the waterfall: the root span's tree, children by start time, each step name's first run only
const ns = (s) => BigInt(s);
const rootSpan = spans.find((s) => s.name === 'weft-playground cpu-vs-io');
if (rootSpan === undefined) {
  console.error('trace-screenshot: no root span received');
  process.exit(1);
}
const children = new Map();
for (const s of spans) {
  if (s.traceId !== rootSpan.traceId) continue;
  const list = children.get(s.parentSpanId) ?? [];
  list.push(s);
  children.set(s.parentSpanId, list);
}
for (const list of children.values())
  list.sort((a, b) => (ns(a.startTimeUnixNano) < ns(b.startTimeUnixNano) ? -1 : 1));
const rows = [];
const seenSteps = new Set();
const walk = (span, depth) => {
  if (rows.length >= MAX_ROWS) return;
  rows.push({ span, depth });
  for (const child of children.get(span.spanId) ?? []) {
    if (depth === 0) {
      if (seenSteps.has(child.name)) continue;
      seenSteps.add(child.name);
    }
    walk(child, depth + 1);
  }
};
walk(rootSpan, 0);
// The time axis covers the steps drawn (the root span also spans the pools' start-up before them).
const steps = rows.slice(1);
const t0 = steps.reduce(
  (m, r) => (ns(r.span.startTimeUnixNano) < m ? ns(r.span.startTimeUnixNano) : m),
  ns(rootSpan.endTimeUnixNano),
);
const t1 = steps.reduce(
  (m, r) => (ns(r.span.endTimeUnixNano) > m ? ns(r.span.endTimeUnixNano) : m),
  t0,
);
const total = Number(t1 - t0) || 1;
const esc = (t) =>
  String(t).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
const colour = (name) =>
  name.startsWith('weft.run')
    ? '#e8833a'
    : name.startsWith('weft.task')
      ? '#3a7be8'
      : name.startsWith('weft.')
        ? '#8a5cd6'
        : /(pi-digits|mandelbrot)/.test(name)
          ? '#c0392b'
          : /(http|disk)/.test(name)
            ? '#27ae60'
            : '#7f8c8d';
const html = `<!doctype html><html><head><meta charset="utf-8"><title>cpu-vs-io trace</title><style>
body{font:13px/1.2 system-ui,sans-serif;margin:16px;background:#fff;color:#222}
h1{font-size:16px;margin:0 0 4px} p{margin:0 0 10px;color:#555}
.row{display:flex;align-items:center;height:17px;border-bottom:1px solid #f0f0f0}
.name{width:360px;flex:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lane{position:relative;flex:1;height:12px}
.bar{position:absolute;top:0;height:12px;border-radius:2px;min-width:2px}
.ms{position:absolute;top:0;font-size:10px;color:#444;padding-left:3px;white-space:nowrap}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
</style></head><body>
<h1>weft-playground cpu-vs-io --otlp: the spans received over OTLP/HTTP</h1>
<p>The first round of each step (CPU-bound: π digits, Mandelbrot; I/O-bound: HTTP, disk), with the Weft spans of its tasks. ${rows.length} of ${spans.length} spans shown; time axis ${(total / 1e6).toFixed(0)} ms.</p>
<p class="legend"><span><i style="background:#c0392b"></i>CPU-bound step</span><span><i style="background:#27ae60"></i>I/O-bound step</span><span><i style="background:#3a7be8"></i>weft.task</span><span><i style="background:#e8833a"></i>weft.run</span><span><i style="background:#8a5cd6"></i>other weft.*</span></p>
${rows
  .map(({ span, depth }) => {
    const start = Math.max(0, Number(ns(span.startTimeUnixNano) - t0));
    const end = Math.min(total, Number(ns(span.endTimeUnixNano) - t0));
    const left = (start / total) * 100;
    const width = Math.max(0, ((end - start) / total) * 100);
    const ms = (Number(ns(span.endTimeUnixNano) - ns(span.startTimeUnixNano)) / 1e6).toFixed(1);
    return `<div class="row"><div class="name" style="padding-left:${depth * 14}px">${esc(span.name)}</div><div class="lane"><div class="bar" style="left:${left}%;width:${width}%;background:${colour(span.name)}"></div><div class="ms" style="left:${Math.min(left + width, 92)}%">${ms} ms</div></div></div>`;
  })
  .join('\n')}
</body></html>`;
const dir = mkdtempSync(path.join(tmpdir(), 'weft-trace-'));
const page = path.join(dir, 'trace-cpu-vs-io.html');
writeFileSync(page, html);
const height = 150 + rows.length * 18;
execFileSync(
  process.env.CHROMIUM ?? 'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--window-size=1400,${height}`,
    `--screenshot=${out}`,
    `file://${page}`,
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
rmSync(dir, { recursive: true, force: true });
console.log(
  `trace-screenshot: ${rows.length} spans drawn (${spans.length} received) → ${path.relative(process.cwd(), out)}`,
);
