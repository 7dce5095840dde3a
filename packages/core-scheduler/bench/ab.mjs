// Before/after check of a change to the scheduler, both builds in one process: copy `dist` aside
// before the change (cp -r dist /tmp/before), rebuild after it, then
//   node --expose-gc bench/ab.mjs /tmp/before [--rounds=N] [--mode=plain|group|reservoir]
// It runs N no-op async tasks at concurrency 16 with the build in the given directory (A), with
// this package's dist (B) and with p-queue, in rounds whose order rotates, and prints per round
// the CPU time of each (process.cpuUsage: steadier than wall time on a machine shared with other
// work) and B's speed against A; then the live heap per queued task of A and B (20,000 tasks
// queued, heap-statistics delta after gc). Run it twice with the same build for both (A/A) to see
// the noise of the machine before trusting a small difference.
import v8 from 'node:v8';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import PQueue from 'p-queue';

const option = (name, fallback) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const before = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
if (before === undefined || globalThis.gc === undefined)
  throw new Error('usage: node --expose-gc bench/ab.mjs <dir of the build before> [--rounds=N]');
const ROUNDS = Number(option('rounds', '7'));
const MODE = option('mode', 'plain');
if (!['plain', 'group', 'reservoir'].includes(MODE))
  throw new Error('--mode: plain|group|reservoir');
const N = 100_000;
const CONCURRENCY = 16;
const A = await import(pathToFileURL(path.resolve(before, 'index.js')).href);
const B = await import('@weft/core-scheduler');

const noop = async () => {};
const keys = Array.from({ length: 100 }, (_, k) => `key-${k}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** CPU ms to submit n tasks and await them all. */
async function cpuMs(submit, n = N) {
  const start = process.cpuUsage();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = submit(i);
  await Promise.all(all);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const weft = (M) => async () => {
  const task = { fn: noop };
  if (MODE === 'group') {
    const group = new M.SchedulerGroup({ concurrency: CONCURRENCY });
    const ms = await cpuMs((i) => group.key(keys[i % keys.length]).schedule(task));
    await group.close();
    return ms;
  }
  const options = {
    concurrency: CONCURRENCY,
    ...(MODE === 'reservoir' ? { reservoir: 2 * N } : {}),
  };
  const scheduler = new M.Scheduler(options);
  const ms = await cpuMs(() => scheduler.schedule(task));
  await scheduler.close();
  return ms;
};
const contenders = {
  A: weft(A),
  B: weft(B),
  'p-queue': () => {
    const queue = new PQueue({ concurrency: CONCURRENCY });
    return cpuMs(() => queue.add(noop));
  },
};
const names = Object.keys(contenders);
const times = Object.fromEntries(names.map((name) => [name, []]));
for (const name of names) await contenders[name](); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    globalThis.gc();
    globalThis.gc();
    times[name].push(await contenders[name]());
  }
  const [a, b, q] = names.map((name) => times[name][round]);
  console.log(
    `round ${round + 1}: CPU ms A ${a.toFixed(0)}, B ${b.toFixed(0)}, p-queue ${q.toFixed(0)}; ` +
      `B/A speed ${(a / b).toFixed(3)}; vs p-queue A ${(q / a).toFixed(2)}x, B ${(q / b).toFixed(2)}x`,
  );
}
const perRound = times.A.map((a, i) => a / times.B[i]);
console.log(
  `median B/A speed ${median(perRound).toFixed(3)} (rounds ${Math.min(...perRound).toFixed(3)}` +
    `–${Math.max(...perRound).toFixed(3)}); vs p-queue A ${(median(times['p-queue']) / median(times.A)).toFixed(2)}x, ` +
    `B ${(median(times['p-queue']) / median(times.B)).toFixed(2)}x`,
);

/** Live heap bytes per queued task: 20,000 tasks held queued (paused) until measured. */
async function liveBytes(M) {
  const n = 20_000;
  const scheduler = new M.Scheduler({ concurrency: CONCURRENCY, paused: true });
  const task = { fn: noop };
  const all = new Array(n);
  globalThis.gc();
  globalThis.gc();
  const start = v8.getHeapStatistics().used_heap_size;
  for (let i = 0; i < n; i++) all[i] = scheduler.schedule(task);
  globalThis.gc();
  globalThis.gc();
  const bytes = (v8.getHeapStatistics().used_heap_size - start) / n;
  scheduler.resume();
  await Promise.all(all);
  await scheduler.close();
  return bytes;
}
for (const [name, M] of [
  ['A', A],
  ['B', B],
]) {
  console.log(`live heap per queued task, ${name}: ${(await liveBytes(M)).toFixed(0)} B`);
}
