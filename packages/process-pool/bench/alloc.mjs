// Allocations per tiny task on the pool side (the main thread's JS heap), for bench/run.mjs's
// `alloc` case. Run with --expose-gc and a young generation large enough (--min/max-semi-space-size)
// that no GC runs while it counts: then the growth of heapUsed over a burst of n tasks is every
// byte the main thread allocated for them, garbage included. A GC observed inside the window voids
// that sample (reported as n/a). The caller's own loop (a promise per task and a .then counting it)
// is measured alone and subtracted: "net" is what the pool allocates beyond the promise it returns.
// Usage: node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 bench/alloc.mjs [--n 20000] [--rounds 5]
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as c from './lib/contenders.mjs';
import { median, range } from './lib/stats.mjs';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } },
});
const n = Number(values.n);
const rounds = Number(values.rounds);
if (typeof globalThis.gc !== 'function') throw new Error('run alloc.mjs with --expose-gc');
const keepAlive = setInterval(() => {}, 1 << 30);

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({
  entryTypes: ['gc'],
});
// GC entries reach the observer a little later than the GC itself.
const settleObservers = () => new Promise((r) => setTimeout(r, 50));

/** The caller's loop alone: one promise per task and a .then counting it. */
const harness = {
  name: 'the caller’s loop alone (Promise.resolve + .then)',
  open: async () => ({}),
  call: (_h, _op, x) => Promise.resolve(x),
  close: () => undefined,
};

function burst(contender, handle, count) {
  if (contender.burst !== undefined) return contender.burst(handle, count);
  return new Promise((resolve) => {
    let left = count;
    const one = () => {
      if (--left === 0) resolve();
    };
    for (let i = 0; i < count; i++) contender.call(handle, 'noop', i).then(one);
  });
}

async function measure(contender, workers) {
  const handle = await contender.open(workers);
  try {
    for (let i = 0; i < 3; i++) await burst(contender, handle, Math.min(n, 5000)); // warm up, JIT
    // A library that allocates so much that a GC runs anyway is counted over fewer tasks.
    for (let count = n; count >= n / 16; count /= 4) {
      globalThis.gc();
      globalThis.gc();
      await settleObservers();
      const before = gcs;
      const h0 = process.memoryUsage().heapUsed;
      await burst(contender, handle, count);
      const h1 = process.memoryUsage().heapUsed;
      await settleObservers();
      if (gcs === before) return (h1 - h0) / count;
    }
    return NaN;
  } finally {
    await contender.close(handle);
  }
}

const contenders = [
  [{ ...harness, role: 'caller' }, 1],
  [c.weft('thread'), 2],
  [c.weft('process'), 2],
  [c.rawThreads, 2],
  [c.piscina, 2],
];
const samples = contenders.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < contenders.length; i++) {
    const j = (i + r) % contenders.length;
    const [contender, workers] = contenders[j];
    samples[j].push(await measure(contender, workers));
    process.stderr.write(
      `alloc round ${r + 1}/${rounds} ${contender.name}: ${samples[j].at(-1).toFixed(0)} B/task\n`,
    );
  }
}
const base = median(samples[0]);
const rows = contenders.map(([contender], i) => {
  const [min, max] = range(samples[i]);
  const m = median(samples[i]);
  return {
    name: contender.name,
    samples: samples[i],
    median: m,
    min,
    max,
    ...(contender.role === 'weft' || contender.role === 'anchor' ? { net: m - base } : {}),
  };
});
const weftThread = rows[1].net;
const weftProcess = rows[2].net;
process.stdout.write(
  JSON.stringify({
    title: `JS heap bytes the main thread allocates per tiny task (${n.toLocaleString('en-US')} at once)`,
    n,
    rounds,
    rows,
    goals: [
      { goal: 'weft (thread) net ≤ 200 B per task', value: weftThread, pass: weftThread <= 200 },
      { goal: 'weft (process) net ≤ 200 B per task', value: weftProcess, pass: weftProcess <= 200 },
    ],
    method:
      'How: a child process with a 64 MB young generation (so no GC runs while counting), GC forced before each burst, ' +
      'heapUsed growth over the burst ÷ tasks; a sample during which a GC ran is void. Net = minus the caller’s loop ' +
      '(one promise + one .then per task), so it is what the pool allocates beyond the promise it returns. ' +
      'The floor row is a bare postMessage echo (per message, main side).',
  }) + '\n',
);
clearInterval(keepAlive);
process.exit(0);
