// Benchmark of @weft/process-pool against piscina 5, tinypool 2, workerpool 10 and poolifier 5:
// the five scenarios of issue 4. Every anchor runs in the same process run as Weft and the table
// reports ratios, because absolute figures on a shared 2-vCPU machine swing by up to 2x.
// Usage: node bench/run.mjs [--quick]   (BENCH_QUICK=1 works too)
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool } from '@weft/process-pool';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { FixedThreadPool } from 'poolifier';
import * as tasks from './tasks.mjs';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const runs = quick ? 1 : 3;
const size = quick
  ? {
      throughput: 20_000,
      latency: 3_000,
      process: 10_000,
      cpuN: 15_000_000,
      imap: 200_000,
      map: 20_000,
    }
  : {
      throughput: 100_000,
      latency: 20_000,
      process: 100_000,
      cpuN: 40_000_000,
      imap: 1_000_000,
      map: 100_000,
    };

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const tasksUrl = new URL('./tasks.mjs', import.meta.url);
const esmWorker = here('./workers/anchor-esm.mjs');
const wpWorker = here('./workers/workerpool-worker.cjs');
const poolifierWorker = here('./workers/poolifier-worker.mjs');
const now = () => performance.timeOrigin + performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// Each "library" is { name, make(workers, kind), call(pool, x), close(pool) }.
const weft = (kind) => ({
  name: `weft (${kind})`,
  make: (n) => new Pool({ module: tasksUrl, kind, maxWorkers: n, minWorkers: n }),
  call: (p, x) => p.apply(tasks.noop, [x]),
  close: (p) => p.terminate(),
});
const piscina = {
  name: 'piscina 5',
  make: (n) => new Piscina({ filename: esmWorker, minThreads: n, maxThreads: n }),
  call: (p, x) => p.run(x),
  close: (p) => p.destroy(),
};
const tinypool = (runtime) => ({
  name: `tinypool 2 (${runtime === 'child_process' ? 'process' : 'thread'})`,
  make: (n) => new Tinypool({ filename: esmWorker, minThreads: n, maxThreads: n, runtime }),
  call: (p, x) => p.run(x),
  close: (p) => p.destroy(),
});
const wp = (workerType) => ({
  name: `workerpool 10 (${workerType})`,
  make: (n) => workerpool.pool(wpWorker, { minWorkers: n, maxWorkers: n, workerType }),
  call: (p, x) => p.exec('noop', [x]),
  close: (p) => p.terminate(true),
});
const poolifier = {
  name: 'poolifier 5',
  make: (n) => new FixedThreadPool(n, poolifierWorker),
  call: (p, x) => p.execute(x),
  close: (p) => p.destroy(),
};

// A measurement that does not finish within the watchdog is reported (NaN, and the library named
// on stderr) instead of hanging the whole run.
const WATCHDOG_MS = 120_000;

async function withPool(lib, workers, fn) {
  const pool = lib.make(workers);
  let timer;
  const watchdog = new Promise((resolve) => {
    timer = setTimeout(() => {
      log(`watchdog: ${lib.name} did not finish within ${WATCHDOG_MS} ms`);
      resolve(NaN);
    }, WATCHDOG_MS);
  });
  try {
    const run = (async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => lib.call(pool, i))); // warm up
      return await fn(pool);
    })();
    return await Promise.race([run, watchdog]);
  } finally {
    clearTimeout(timer);
    await Promise.race([lib.close(pool), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

async function throughput(lib, workers, n) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    samples.push(
      await withPool(lib, workers, async (pool) => {
        const t = performance.now();
        const all = new Array(n);
        for (let i = 0; i < n; i++) all[i] = lib.call(pool, i);
        await Promise.all(all);
        return n / ((performance.now() - t) / 1000);
      }),
    );
  }
  return median(samples);
}

async function latency(lib, n) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    samples.push(
      await withPool(lib, 1, async (pool) => {
        const t = performance.now();
        for (let i = 0; i < n; i++) await lib.call(pool, i);
        return ((performance.now() - t) * 1000) / n;
      }),
    );
  }
  return median(samples);
}

function table(title, rows, unit, reference) {
  const ref = rows.find((r) => r.name === reference);
  const lines = [`### ${title}`, '', `| library | ${unit} | weft ÷ it |`, '|---|---:|---:|'];
  for (const row of rows) {
    // Always weft's figure over the row's, as the header says; the title tells which way is good.
    const ratio = ref.value / row.value;
    lines.push(
      `| ${row.name} | ${row.value.toFixed(unit.startsWith('µs') ? 1 : 0)} | ${row.name === reference ? '—' : `${ratio.toFixed(2)}×`} |`,
    );
  }
  return lines.join('\n');
}

// Keep the event loop alive for the whole run: an anchor that unrefs its workers while a call is
// pending would otherwise let Node exit mid-benchmark (seen with poolifier on this machine).
const keepAlive = setInterval(() => {}, 1 << 30);

const results = {
  machine: { cpus: availableParallelism(), node: process.version, quick },
  scenarios: {},
};
const out = [];

// 1. Throughput: n no-op calls submitted at once, 2 thread workers.
{
  const libs = [weft('thread'), piscina, tinypool('worker_threads'), wp('thread'), poolifier];
  const rows = [];
  for (const lib of libs) {
    log('throughput', lib.name);
    rows.push({ name: lib.name, value: await throughput(lib, 2, size.throughput) });
  }
  const best = Math.max(...rows.slice(1).map((r) => r.value));
  results.scenarios.throughput = {
    calls: size.throughput,
    rows,
    vsBestAnchor: rows[0].value / best,
    goal: '>= 2x best anchor',
  };
  out.push(
    table(
      `1. Throughput: ${size.throughput} no-op calls at once, 2 thread workers (tasks/s; weft ÷ it: higher is better)`,
      rows,
      'tasks/s',
      'weft (thread)',
    ),
  );
  out.push(`\nWeft ÷ best anchor: **${(rows[0].value / best).toFixed(2)}×** (goal ≥ 2×)`);
}

// 2. Latency: sequentially awaited no-op calls, 1 worker.
{
  const libs = [weft('thread'), piscina, tinypool('worker_threads'), wp('thread'), poolifier];
  const rows = [];
  for (const lib of libs) {
    log('latency', lib.name);
    rows.push({ name: lib.name, value: await latency(lib, size.latency) });
  }
  const pis = rows.find((r) => r.name === 'piscina 5').value;
  results.scenarios.latency = {
    calls: size.latency,
    rows,
    vsPiscina: rows[0].value / pis,
    goal: '<= 0.8x piscina',
  };
  out.push(
    table(
      `2. Latency: ${size.latency} sequential no-op calls, 1 worker (µs per round trip; weft ÷ it: lower is better)`,
      rows,
      'µs/call',
      'weft (thread)',
    ),
  );
  out.push(`\nWeft ÷ piscina: **${(rows[0].value / pis).toFixed(2)}×** (goal ≤ 0.8×)`);
}

// 3. Process workers: as 1, 2 child processes.
{
  const libs = [weft('process'), tinypool('child_process'), wp('process')];
  const rows = [];
  for (const lib of libs) {
    log('process throughput', lib.name);
    rows.push({ name: lib.name, value: await throughput(lib, 2, size.process) });
  }
  const best = Math.max(...rows.slice(1).map((r) => r.value));
  results.scenarios.processThroughput = {
    calls: size.process,
    rows,
    vsBestAnchor: rows[0].value / best,
    goal: '>= 2x best anchor',
  };
  out.push(
    table(
      `3. Process workers: ${size.process} no-op calls at once, 2 child processes (tasks/s)`,
      rows,
      'tasks/s',
      'weft (process)',
    ),
  );
  out.push(`\nWeft ÷ best anchor: **${(rows[0].value / best).toFixed(2)}×** (goal ≥ 2×)`);
}

// 4. CPU scaling: 8 equal CPU tasks on N workers vs N independent processes doing the same work.
{
  const N = 2;
  const execFileP = promisify(execFile);
  const ceilingSamples = [];
  for (let r = 0; r < runs; r++) {
    const children = await Promise.all(
      Array.from({ length: N }, () =>
        execFileP(process.execPath, [
          here('./workers/cpu-child.mjs'),
          String(8 / N),
          String(size.cpuN),
        ]),
      ),
    );
    const spans = children.map((c) => JSON.parse(c.stdout));
    ceilingSamples.push(
      Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start)),
    );
  }
  const ceiling = median(ceilingSamples);
  const rows = [{ name: `${N} independent processes (ceiling)`, value: ceiling }];
  for (const kind of ['thread', 'process']) {
    log('cpu', kind);
    const samples = [];
    for (let r = 0; r < runs; r++) {
      const pool = new Pool({ module: tasksUrl, kind, maxWorkers: N, minWorkers: N });
      await pool.ready();
      await Promise.all([pool.apply(tasks.cpu, [1000]), pool.apply(tasks.cpu, [1000])]);
      const t = now();
      await Promise.all(Array.from({ length: 8 }, () => pool.apply(tasks.cpu, [size.cpuN])));
      samples.push(now() - t);
      await pool.terminate();
    }
    rows.push({ name: `weft (${kind}), ${N} workers`, value: median(samples) });
  }
  results.scenarios.cpuScaling = {
    tasks: 8,
    workers: N,
    n: size.cpuN,
    rows: rows.map((r) => ({ ...r, ofCeiling: ceiling / r.value })),
    goal: '>= 95% of ceiling',
  };
  const lines = [
    '### 4. CPU scaling: 8 equal CPU tasks on 2 workers vs 2 independent processes (ms; share of the ceiling)',
    '',
    '| setup | ms | % of ceiling |',
    '|---|---:|---:|',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.name} | ${row.value.toFixed(0)} | ${((ceiling / row.value) * 100).toFixed(0)}% |`,
    );
  out.push(lines.join('\n'));
}

// 5. imap over many small items (RSS growth) and map (default chunksize) vs one apply per item.
{
  const pool = new Pool({ module: tasksUrl, kind: 'thread', maxWorkers: 2, minWorkers: 2 });
  await pool.ready();
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let count = 0;
  const t = performance.now();
  function* items() {
    for (let i = 0; i < size.imap; i++) yield i;
  }
  let checksum = 0;
  for await (const value of pool.imap(tasks.small, items())) {
    checksum += value;
    if (++count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  if (checksum !== (size.imap * (size.imap + 1)) / 2)
    throw new Error(`imap checksum ${checksum} is wrong`);
  const imapMs = performance.now() - t;
  const growthMb = (peak - rss0) / 2 ** 20;
  log('imap done', count);

  const input = Array.from({ length: size.map }, (_, i) => i);
  let t0 = performance.now();
  await pool.map(tasks.small, input);
  const mapRate = size.map / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await Promise.all(input.map((x) => pool.apply(tasks.small, [x])));
  const applyRate = size.map / ((performance.now() - t0) / 1000);
  await pool.terminate();
  results.scenarios.imapMap = {
    imapItems: size.imap,
    imapMs,
    rssGrowthMb: growthMb,
    mapItems: size.map,
    mapRate,
    applyRate,
    mapVsApply: mapRate / applyRate,
    goal: 'RSS growth < 64 MB; map >= 5x apply',
  };
  out.push(
    [
      `### 5. imap over ${size.imap} items, map vs apply per item (${size.map} items), 2 thread workers`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| imap: items/s | ${((size.imap / imapMs) * 1000).toFixed(0)} |`,
      `| imap: peak RSS growth | ${growthMb.toFixed(1)} MB (goal < 64 MB) |`,
      `| map, default chunksize: items/s | ${mapRate.toFixed(0)} |`,
      `| one apply per item: items/s | ${applyRate.toFixed(0)} |`,
      `| map ÷ apply | **${(mapRate / applyRate).toFixed(1)}×** (goal ≥ 5×) |`,
    ].join('\n'),
  );
}

const header = `Machine: ${availableParallelism()} vCPU, Node ${process.version}${quick ? ', quick mode' : ''}; median of ${runs} run(s).`;
console.log([header, '', ...out.flatMap((s) => [s, ''])].join('\n'));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  JSON.stringify(results, null, 2) + '\n',
);
clearInterval(keepAlive);
