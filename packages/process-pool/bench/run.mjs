// Benchmark of @weft/process-pool for issue 13's goals: Weft, the anchors (piscina 5, tinypool 2,
// workerpool 10, poolifier 5) and the floors (bare postMessage / fork IPC loops between the same
// threads or processes, a SharedArrayBuffer queue hand-off) measured in the same run, in
// interleaved rounds (round r runs every contender once, in an order rotated by r), so load from
// elsewhere on a shared machine falls on all of them alike. Prints medians, ranges and ratios
// (weft ÷ it, per round, then the median and range of those), checks each goal, writes JSON.
//
// Usage: node bench/run.mjs [--case id[,id…]] [--rounds n] [--scale f] [--quick] [--out file] [--readme]
//   --case     tiny-threads, latency, tiny-processes, cpu-1ms, copy-16k, transfer-16k, mixed,
//              alloc (default: all of them)
//   --rounds   rounds per case (default 5; --quick: 3)
//   --scale    multiply every task count (default 1; --quick: 0.2)
//   --timeout  ms one measurement may take before it is given up as n/a (default 120000)
//   --warm     sequential calls in each contender's warm-up, after a burst of 200 (default 5000)
//   --out      JSON file (default bench/results/latest.json)
//   --readme   also write the tables into README.md, between its <!-- bench:start --> and
//              <!-- bench:end --> markers (only a run of every case, so the section is one run)
// Example: node bench/run.mjs --case tiny-threads --rounds 3 --scale 0.2
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cases } from './lib/cases.mjs';
import { fmt, fmtRatio, markdown, median, range } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    case: { type: 'string', default: 'all' },
    rounds: { type: 'string' },
    scale: { type: 'string' },
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    readme: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '120000' },
    warm: { type: 'string', default: '5000' },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('./results/latest.json', import.meta.url)),
    },
  },
});
const rounds = Number(args.rounds ?? (args.quick ? 3 : 5));
const scale = Number(args.scale ?? (args.quick ? 0.2 : 1));
const timeoutMs = Number(args.timeout);
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// A forced GC between measurements, so one contender's garbage is not collected on another's clock.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// Keep the event loop alive for the whole run: an anchor that unrefs its workers while a call is
// pending would otherwise let Node exit mid-benchmark (seen with poolifier).
const keepAlive = setInterval(() => {}, 1 << 30);

/** Give up after `ms` (the result is NaN), so one stuck library does not hang the run. */
function bounded(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve) => {
      timer = setTimeout(() => {
        log(`  watchdog: ${what} did not finish within ${ms} ms; recorded as n/a`);
        resolve(undefined);
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Every contender's fresh workers (and the floors' echo threads) get the same warm-up before a
// measurement: a burst of 200 calls, then --warm calls one after the other. A new worker's code
// runs slowly until V8 has optimized it, and on this VM a thread that sleeps between calls must be
// woken for each one, so the first few thousand sequential round trips on a fresh pool take several
// times the steady figure (weft's first 1,000: 130-240 µs each, then 30-60 µs by the 4,000th);
// the measurement is of the steady state, for all contenders alike.
const warmCalls = Number(args.warm);
async function warmUp(contender, handle) {
  if (contender.call !== undefined) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => contender.call(handle, 'noop', i)));
    for (let i = 0; i < warmCalls; i++) await contender.call(handle, 'noop', i);
  } else {
    if (contender.burst !== undefined) await contender.burst(handle, 200);
    if (contender.seq !== undefined) await contender.seq(handle, warmCalls);
  }
  return true;
}

/** One sample: open the contender, warm it up, measure once, close it. */
async function sample(kase, contender) {
  const input = kase.prepare?.();
  let handle;
  try {
    handle = await bounded(contender.open(kase.workers), 30_000, `${contender.name} start`);
    if (handle === undefined) return undefined;
    if ((await bounded(warmUp(contender, handle), 30_000, `${contender.name} warm-up`)) !== true)
      return undefined;
    gc();
    return await bounded(kase.measure(contender, handle, input), timeoutMs, contender.name);
  } catch (error) {
    log(`  ${contender.name} failed: ${error?.stack ?? error}`);
    return undefined;
  } finally {
    if (handle !== undefined)
      await bounded(Promise.resolve(contender.close(handle)), 10_000, `${contender.name} close`);
    gc();
  }
}

async function runCase(kase) {
  const names = kase.contenders.map((k) => k.name);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no contender always runs first (or right after the slowest one).
    const order = kase.contenders.map((_, i) => kase.contenders[(i + r) % kase.contenders.length]);
    for (const contender of order) {
      const s = await sample(kase, contender);
      samples[contender.name][r] = s ?? {};
      log(
        `${kase.id} round ${r + 1}/${rounds} ${contender.name}: ${kase.metrics
          .map((m) => `${fmt(s?.[m.key])} ${m.unit}`)
          .join(', ')}`,
      );
    }
  }
  // Per metric: median and range of each contender, and weft's ratio to each other contender
  // taken round by round (they ran minutes apart at most, under the same load), then summarized.
  const weftName = kase.contenders.find((k) => k.role === 'weft').name;
  const summary = {};
  for (const name of names) {
    summary[name] = {};
    for (const { key } of kase.metrics) {
      const xs = samples[name].map((s) => s?.[key] ?? NaN);
      const [min, max] = range(xs);
      const entry = { samples: xs, median: median(xs), min, max, ratio: {}, ratioRange: {} };
      if (name === weftName) {
        for (const other of names) {
          if (other === weftName) continue;
          const per = xs.map((x, r) => x / (samples[other][r]?.[key] ?? NaN));
          entry.ratio[other] = median(per);
          entry.ratioRange[other] = range(per);
        }
      }
      summary[name][key] = entry;
    }
  }
  const goals = kase.goals(summary);
  return { id: kase.id, title: kase.title, workers: kase.workers, weft: weftName, summary, goals };
}

function render(result, metrics) {
  const { summary, weft } = result;
  const head = ['contender'];
  for (const m of metrics)
    head.push(`${m.unit} (median)`, 'range', `weft ÷ it (${m.better} is better)`);
  const rows = Object.entries(summary).map(([name, byKey]) => {
    const cells = [name];
    for (const m of metrics) {
      const e = byKey[m.key];
      const w = summary[weft][m.key];
      cells.push(
        fmt(e.median),
        `${fmt(e.min)}–${fmt(e.max)}`,
        name === weft
          ? '—'
          : `${fmtRatio(w.ratio[name])} (${fmtRatio(w.ratioRange[name][0])}–${fmtRatio(w.ratioRange[name][1])})`,
      );
    }
    return cells;
  });
  const goals = result.goals.map(
    (g) =>
      `- ${g.pass ? '✅' : '❌'} ${g.goal}: **${fmtRatio(g.value)}**${g.note ? ` (${g.note})` : ''}`,
  );
  return [`### ${result.id}: ${result.title}`, '', markdown(head, rows), '', ...goals].join('\n');
}

async function runAlloc() {
  // A child with a young generation large enough that no GC runs while it counts (alloc.mjs).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
      fileURLToPath(new URL('./alloc.mjs', import.meta.url)),
      '--rounds',
      String(rounds),
      '--n',
      String(Math.max(1000, Math.round(20_000 * Math.min(1, scale * 2)))),
    ],
    { maxBuffer: 1 << 24 },
  );
  return JSON.parse(stdout);
}

function renderAlloc(result) {
  const rows = result.rows.map((r) => [
    r.name,
    fmt(r.median),
    `${fmt(r.min)}–${fmt(r.max)}`,
    r.net === undefined ? '—' : fmt(r.net),
  ]);
  const goals = result.goals.map(
    (g) => `- ${g.pass ? '✅' : '❌'} ${g.goal}: **${fmt(g.value)} B**`,
  );
  return [
    `### alloc: ${result.title}`,
    '',
    markdown(['pool side of', 'bytes/task (median)', 'range', 'net of the caller’s loop'], rows),
    '',
    ...goals,
    '',
    result.method,
  ].join('\n');
}

const all = cases(scale);
const wanted = args.case === 'all' ? [...all.map((k) => k.id), 'alloc'] : args.case.split(',');
for (const id of wanted)
  if (id !== 'alloc' && !all.some((k) => k.id === id)) throw new Error(`unknown case ${id}`);
if (args.readme && args.case !== 'all')
  throw new Error('--readme writes the whole README section: run every case (no --case)');

const started = new Date();
const results = {
  machine: {
    cpus: availableParallelism(),
    model: cpus()[0]?.model,
    node: process.version,
    loadavgAtStart: loadavg(),
  },
  started: started.toISOString(),
  rounds,
  scale,
  cases: {},
};
const out = [];
for (const id of wanted) {
  if (id === 'alloc') {
    log('alloc: counting in a child process');
    const result = await runAlloc();
    results.cases.alloc = result;
    out.push(renderAlloc(result));
    continue;
  }
  const kase = all.find((k) => k.id === id);
  const result = await runCase(kase);
  results.cases[id] = result;
  out.push(render(result, kase.metrics));
}
results.loadavgAtEnd = loadavg();
const header =
  `Machine: ${results.machine.cpus} vCPU (${results.machine.model}), Node ${process.version}; ` +
  `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${rounds} interleaved rounds, ` +
  `task counts × ${scale}; load average ${loadavg()[0].toFixed(1)} at the end.`;
const section = [header, '', ...out.flatMap((s) => [s, ''])].join('\n');
console.log(section);
if (args.readme) writeReadme(section);
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');
log(`wrote ${args.out}`);
clearInterval(keepAlive);

/** Put `section` between the README's bench markers (the text around them stays as it is). */
function writeReadme(section) {
  const file = fileURLToPath(new URL('../README.md', import.meta.url));
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b < a) throw new Error(`README.md has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n\n${section}\n${text.slice(b)}`);
  log(`wrote the tables into ${file}`);
}
