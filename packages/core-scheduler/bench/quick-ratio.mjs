// Quick check while optimising: Weft against p-queue on N no-op async tasks at concurrency 16,
// alternating, gc() before each run. Usage: node --expose-gc bench/quick-ratio.mjs [rounds]
import PQueue from 'p-queue';
import { Scheduler } from '@weft/core-scheduler';

const N = 100_000;
const noop = async () => {};
async function timed(submit) {
  const t0 = performance.now();
  const all = new Array(N);
  for (let i = 0; i < N; i++) all[i] = submit();
  await Promise.all(all);
  return performance.now() - t0;
}
const weft = async () => {
  const scheduler = new Scheduler({ concurrency: 16 });
  const task = { fn: noop };
  const ms = await timed(() => scheduler.schedule(task));
  await scheduler.close();
  return ms;
};
const pqueue = () => {
  const queue = new PQueue({ concurrency: 16 });
  return timed(() => queue.add(noop));
};
const rounds = Number(process.argv[2] ?? 7);
await weft();
await pqueue();
const ratios = [];
for (let r = 0; r < rounds; r++) {
  globalThis.gc?.();
  const w = await weft();
  globalThis.gc?.();
  const p = await pqueue();
  ratios.push(p / w);
  console.log(`weft ${w.toFixed(0)} ms, p-queue ${p.toFixed(0)} ms, ${(p / w).toFixed(2)}×`);
}
ratios.sort((a, b) => a - b);
console.log(`median ${ratios[rounds >> 1].toFixed(2)}×, min ${ratios[0].toFixed(2)}×`);
