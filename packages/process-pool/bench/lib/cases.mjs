// The cases of issue 13's "Goals": what each measures, on whom, and the goal it checks. A case
// returns one sample per contender per round, an object of metrics (see `metrics`); run.mjs
// interleaves the rounds, and turns the samples into medians, ranges, ratios and goal lines.
import * as c from './contenders.mjs';
import { percentile } from './stats.mjs';

/** n tiny tasks at once; tasks/s. */
async function burst(contender, handle, n) {
  const t = performance.now();
  if (contender.burst !== undefined) await contender.burst(handle, n);
  else {
    const all = new Array(n);
    for (let i = 0; i < n; i++) all[i] = contender.call(handle, 'noop', i);
    await Promise.all(all);
  }
  return { rate: n / ((performance.now() - t) / 1000) };
}

/**
 * n tiny round trips one after the other; µs per round trip, and the process's CPU µs per round
 * trip (every thread: the main thread and the worker together). CPU near twice the wall time
 * means both sides polled (no thread slept between calls); near the wall time, they woke each
 * other.
 */
async function seq(contender, handle, n) {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  if (contender.seq !== undefined) await contender.seq(handle, n);
  else for (let i = 0; i < n; i++) await contender.call(handle, 'noop', i);
  const us = ((performance.now() - t) * 1000) / n;
  const cpu = process.cpuUsage(cpu0);
  return { us, cpu: (cpu.user + cpu.system) / n };
}

/**
 * A load of tasks submitted at once (`jobs[i]` = [op, arg, transfer?], made fresh per sample by
 * `make`); tasks/s and the p99 of the tasks' completion times (ms from the submission).
 */
async function load(contender, handle, jobs) {
  const n = jobs.length;
  const done = new Float64Array(n);
  const all = new Array(n);
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const [op, arg, transfer] = jobs[i];
    all[i] = contender.call(handle, op, arg, transfer).then(() => {
      done[i] = performance.now() - t;
    });
  }
  await Promise.all(all);
  const total = performance.now() - t;
  return { rate: n / (total / 1000), p99: percentile(done, 0.99) };
}

const RATE = { key: 'rate', unit: 'tasks/s', better: 'higher' };
const P99 = { key: 'p99', unit: 'p99 completion, ms', better: 'lower' };
const US = { key: 'us', unit: 'µs per round trip', better: 'lower' };
const CPU_US = { key: 'cpu', unit: 'CPU µs per round trip', better: 'lower' };

const bestOf = (summary, names, key, better) => {
  const xs = names.map((n) => summary[n]?.[key]?.median).filter(Number.isFinite);
  return better === 'higher' ? Math.max(...xs) : Math.min(...xs);
};

/** Goals comparing weft's median with the best of piscina/poolifier (throughput and p99). */
const mixedGoals = (weftName) => (s) => {
  const anchors = [c.piscina.name, c.poolifier.name];
  const rate = s[weftName].rate.median / bestOf(s, anchors, 'rate', 'higher');
  const p99 = s[weftName].p99.median / bestOf(s, anchors, 'p99', 'lower');
  return [
    { goal: 'throughput ≥ best of piscina/poolifier', value: rate, pass: rate >= 1 },
    { goal: 'p99 completion ≤ best of piscina/poolifier', value: p99, pass: p99 <= 1 },
  ];
};

const buffers = (n, size) => Array.from({ length: n }, () => new Uint8Array(size));

/** Every case; `scale` shrinks the task counts for a quick run. */
export function cases(scale) {
  const N = (n) => Math.max(100, Math.round(n * scale));
  const weftT = c.weft('thread');
  const weftP = c.weft('process');
  return [
    {
      id: 'tiny-threads',
      title: `${N(100_000).toLocaleString('en-US')} tiny tasks at once, 2 thread workers`,
      workers: 2,
      contenders: [weftT, c.rawThreads, c.poolifier, c.piscina, c.tinypool, c.workerpoolThreads],
      metrics: [RATE],
      measure: (k, h) => burst(k, h, N(100_000)),
      goals: (s) => {
        const floor = s[weftT.name].rate.ratio[c.rawThreads.name];
        const poolifier = s[weftT.name].rate.ratio[c.poolifier.name];
        return [
          { goal: 'weft ÷ floor (pipelined postMessage) ≥ 2×', value: floor, pass: floor >= 2 },
          { goal: 'weft ÷ poolifier ≥ 10×', value: poolifier, pass: poolifier >= 10 },
        ];
      },
    },
    {
      id: 'latency',
      title: `sequential round trip (${N(20_000).toLocaleString('en-US')} tiny tasks one after the other), 1 thread worker`,
      workers: 1,
      contenders: [weftT, c.piscina, c.rawThreads, c.sabQueue('async'), c.sabQueue('blocking')],
      metrics: [US, CPU_US],
      measure: (k, h) => seq(k, h, N(20_000)),
      goals: (s) => {
        const pis = s[weftT.name].us.ratio[c.piscina.name];
        const raw = s[weftT.name].us.ratio[c.rawThreads.name];
        return [
          { goal: 'weft ÷ piscina ≤ 0.5×', value: pis, pass: pis <= 0.5 },
          { goal: 'weft ÷ raw postMessage < 1×', value: raw, pass: raw < 1 },
        ];
      },
    },
    {
      id: 'tiny-processes',
      title: `${N(50_000).toLocaleString('en-US')} tiny tasks at once, 2 process workers`,
      workers: 2,
      contenders: [weftP, c.rawFork('json'), c.rawFork('advanced'), c.poolifierCluster],
      metrics: [RATE],
      measure: (k, h) => burst(k, h, N(50_000)),
      goals: (s) => {
        const raw = s[weftP.name].rate.ratio[c.rawFork('json').name];
        return [
          { goal: 'weft ÷ raw fork IPC (JSON, pipelined) ≥ 1.5×', value: raw, pass: raw >= 1.5 },
        ];
      },
    },
    {
      id: 'cpu-1ms',
      title: `${N(2_000).toLocaleString('en-US')} × 1 ms CPU tasks at once, 2 thread workers`,
      workers: 2,
      contenders: [weftT, c.piscina, c.poolifier],
      metrics: [RATE, P99],
      measure: (k, h) =>
        load(
          k,
          h,
          Array.from({ length: N(2_000) }, () => ['spin', 1]),
        ),
      goals: mixedGoals(weftT.name),
    },
    {
      id: 'copy-16k',
      title: `${N(20_000).toLocaleString('en-US')} × 16 KB buffers copied in, 2 thread workers`,
      workers: 2,
      contenders: [weftT, c.piscina, c.poolifier],
      metrics: [RATE, P99],
      // One buffer per task, made before the clock starts (structured clone copies each).
      prepare: () => buffers(N(20_000), 16 * 1024).map((b) => ['bytes', b]),
      measure: (k, h, jobs) => load(k, h, jobs),
      goals: mixedGoals(weftT.name),
    },
    {
      id: 'transfer-16k',
      title: `${N(10_000).toLocaleString('en-US')} × 16 KB buffers transferred, 2 thread workers`,
      workers: 2,
      contenders: [weftT, c.piscina, c.poolifier],
      metrics: [RATE, P99],
      prepare: () => buffers(N(10_000), 16 * 1024).map((b) => ['bytes', b, [b.buffer]]),
      measure: (k, h, jobs) => load(k, h, jobs),
      goals: mixedGoals(weftT.name),
    },
    {
      id: 'mixed',
      title: `one 200 ms task among ${N(300)} × 1 ms tasks (the long one submitted in the middle), 2 thread workers`,
      workers: 2,
      contenders: [weftT, c.piscina, c.poolifier],
      metrics: [RATE, P99],
      measure: (k, h) => {
        const jobs = Array.from({ length: N(300) }, () => ['spin', 1]);
        jobs.splice(jobs.length >> 1, 0, ['spin', 200]);
        return load(k, h, jobs);
      },
      goals: mixedGoals(weftT.name),
    },
  ];
}
