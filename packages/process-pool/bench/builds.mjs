// Builds of the package against each other, in interleaved rounds (round r measures every build
// once, in an order rotated by r), so a change can be judged on a busy machine: on thread workers
// the sequential round trip (1 worker, one tiny task awaited at a time: µs per round trip and the
// process's CPU µs per round trip, both threads together) or a burst of tiny tasks at once
// (2 workers, tasks/s); on process workers, bench/run.mjs's tiny-processes case (a burst of 50,000
// tiny tasks on 2 child processes, tasks/s and the pool process's CPU µs per task), with the raw
// fork IPC floor (JSON, pipelined) measured in the same rounds so each build's ratio to it is
// per round too. Each build gets a fresh pool per measurement, warmed up as bench/run.mjs warms its
// contenders. The ratio is each build ÷ the first, per round, then the median.
// Usage: node bench/builds.mjs [--case latency|burst|tiny-processes] [--n 4000] [--rounds 11]
//          --build <dist dir> --build <dist dir>...
//   --build  a built copy of the package (its dist directory); place copies where they resolve
//            @weft/sync-primitives (e.g. under this package's node_modules)
// Example: cp -r dist node_modules/.before && (change, build) &&
//          node bench/builds.mjs --build node_modules/.before --build dist
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tasks from './tasks.mjs';
import { median, range } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'latency' },
    n: { type: 'string' },
    rounds: { type: 'string', default: '11' },
    build: { type: 'string', multiple: true, default: [] },
  },
});
const latency = values.case === 'latency';
const processes = values.case === 'tiny-processes';
if (!latency && !processes && values.case !== 'burst')
  throw new Error(`unknown --case ${values.case}`);
const n = Number(values.n ?? (latency ? 4000 : processes ? 50_000 : 100_000));
const rounds = Number(values.rounds);
const builds = values.build.map((dir) => resolve(dir));
if (builds.length === 0) throw new Error('give at least one --build');
const module = new URL('./tasks.mjs', import.meta.url);

const Pools = [];
for (const dir of builds) Pools.push((await import(pathToFileURL(`${dir}/index.js`).href)).Pool);

function burst(pool, count) {
  return new Promise((done) => {
    let left = count;
    const one = () => {
      if (--left === 0) done();
    };
    for (let i = 0; i < count; i++) pool.apply(tasks.noop, [i]).then(one);
  });
}

async function measure(Pool) {
  const pool = new Pool({
    module,
    kind: processes ? 'process' : 'thread',
    maxWorkers: latency ? 1 : 2,
    minWorkers: latency ? 1 : 2,
  });
  try {
    await pool.ready();
    await burst(pool, 200);
    for (let i = 0; i < 50; i++) await pool.apply(tasks.noop, [i]);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (latency) for (let i = 0; i < n; i++) await pool.apply(tasks.noop, [i]);
    else await burst(pool, n);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    return latency
      ? { value: (ms * 1000) / n, cpu: (cpu.user + cpu.system) / n }
      : { value: n / (ms / 1000), cpu: (cpu.user + cpu.system) / n };
  } finally {
    await pool.terminate();
  }
}

// The floor of the tiny-processes case: bench/run.mjs's raw fork IPC echo with JSON.
const floor = processes ? (await import('./lib/contenders.mjs')).rawFork('json') : undefined;
async function measureFloor() {
  const handle = await floor.open(2);
  try {
    await floor.burst(handle, 200);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await floor.burst(handle, n);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    return { value: n / (ms / 1000), cpu: (cpu.user + cpu.system) / n };
  } finally {
    await floor.close(handle);
  }
}

const runs = floor === undefined ? [...Pools] : [...Pools, undefined];
const samples = runs.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < runs.length; j++) {
    const i = (j + r) % runs.length;
    samples[i].push(runs[i] === undefined ? await measureFloor() : await measure(runs[i]));
  }
}
const unit = latency ? 'µs per round trip' : 'tasks/s';
const floorColumn = floor === undefined ? '' : ' ÷ raw fork IPC, JSON (median of rounds) |';
console.log(
  `| build | ${unit} (median) | range | ÷ first (median of rounds) | CPU µs per task |${floorColumn}`,
);
console.log(`| --- | ---: | ---: | ---: | ---: |${floor === undefined ? '' : ' ---: |'}`);
for (let i = 0; i < runs.length; i++) {
  const name = runs[i] === undefined ? floor.name : relative(process.cwd(), builds[i]) || '.';
  const xs = samples[i].map((s) => s.value);
  const [lo, hi] = range(xs);
  const ratio = median(xs.map((x, r) => x / samples[0][r].value));
  const cpu = median(samples[i].map((s) => s.cpu));
  const f = (x) => (latency ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
  const toFloor =
    floor === undefined
      ? ''
      : ` ${median(xs.map((x, r) => x / samples[runs.length - 1][r].value)).toFixed(2)}× |`;
  console.log(
    `| ${name} | ${f(median(xs))} | ${f(lo)}–${f(hi)} | ${ratio.toFixed(2)}× | ${cpu.toFixed(1)} |${toFloor}`,
  );
}
