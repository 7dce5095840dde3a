// JS heap bytes the pool's thread allocates to accept one tiny call (the submit side alone: the
// task record, its promise, checks, queueing), counted exactly: the workers are held in an
// initializer that never returns, so no result comes back and no batch goes out while it counts
// (the first 64 tasks per worker are assigned before the count starts; the rest only queue).
// Unlike tasks/s or bench/alloc.mjs's whole round trip, this does not move with machine load, so
// builds compare on a busy machine (same run, interleaved). The caller's own array of arguments
// (one `[i]` per call) is included.
// Usage: node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 \
//          bench/submit-bytes.mjs [--api apply|submit|applyAsync] [--kind thread|process]
//          [--n 50000] [--rounds 3] [--build <dist dir>]...
//   --build  a built copy of the package (its dist directory); several are measured in turns
//            (default: this package's dist)
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tasks from './tasks.mjs';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: 'apply' },
    kind: { type: 'string', default: 'thread' },
    n: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    build: { type: 'string', multiple: true },
  },
});
if (typeof globalThis.gc !== 'function') throw new Error('run submit-bytes.mjs with --expose-gc');
const n = Number(values.n);
const builds = values.build ?? [fileURLToPath(new URL('../dist', import.meta.url))];
const module = new URL('./tasks.mjs', import.meta.url);
const call = {
  apply: (pool, i) => pool.apply(tasks.noop, [i]),
  submit: (pool, i) => pool.submit(tasks.noop, i),
  applyAsync: (pool, i) => pool.applyAsync(tasks.noop, [i]).get(),
}[values.api];
if (call === undefined) throw new Error(`unknown --api ${values.api}`);
const ignore = () => {};

const Pools = [];
for (const dir of builds) Pools.push((await import(pathToFileURL(`${dir}/index.js`).href)).Pool);

async function measure(Pool) {
  const pool = new Pool({
    module,
    kind: values.kind,
    maxWorkers: 2,
    minWorkers: 0,
    initializer: tasks.holdStart,
  });
  // The first call loads the task modules in this thread; then warm up the JIT and grow the queue.
  call(pool, 0).catch(ignore);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let k = 0; k < 2; k++) for (let i = 0; i < n; i++) call(pool, i).catch(ignore);
  const held = new Array(n);
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) held[i] = call(pool, i);
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  for (const promise of held) promise.catch(ignore);
  pool.terminate();
  return bytes;
}

const samples = builds.map(() => []);
for (let r = 0; r < Number(values.rounds); r++) {
  for (let j = 0; j < builds.length; j++) {
    const i = (j + r) % builds.length;
    samples[i].push(await measure(Pools[i]));
  }
}
for (let i = 0; i < builds.length; i++) {
  const sorted = [...samples[i]].sort((a, b) => a - b);
  process.stdout.write(
    `${values.api} (${values.kind}) ${builds[i]}: ${sorted[sorted.length >> 1].toFixed(0)} B per call ` +
      `[${samples[i].map((b) => b.toFixed(0)).join(', ')}]\n`,
  );
}
process.exit(0);
