// Live heap per queued task (paused / not started), for Weft and p-queue: what a queue of 100,000
// waiting tasks costs the garbage collector. Usage: node --expose-gc bench/live-bytes.mjs
import v8 from 'node:v8';
import PQueue from 'p-queue';
import { Scheduler } from '@weft/core-scheduler';

const N = 100_000;
const noop = async () => {};
function live(label, make) {
  const { submit, keep, release } = make();
  const all = new Array(N);
  globalThis.gc();
  globalThis.gc();
  const before = v8.getHeapStatistics().used_heap_size;
  for (let i = 0; i < N; i++) all[i] = submit();
  globalThis.gc();
  globalThis.gc();
  const after = v8.getHeapStatistics().used_heap_size;
  console.log(`${label}: ${((after - before) / N).toFixed(0)} bytes per queued task`);
  keep.push(all);
  return release(all);
}
const kept = [];
await live('@weft/core-scheduler', () => {
  const scheduler = new Scheduler({ concurrency: 16, paused: true });
  const task = { fn: noop };
  return {
    submit: () => scheduler.schedule(task),
    keep: kept,
    release: (all) => (scheduler.resume(), Promise.all(all)),
  };
});
await live('p-queue 9', () => {
  const queue = new PQueue({ concurrency: 16, autoStart: false });
  return {
    submit: () => queue.add(noop),
    keep: kept,
    release: (all) => (queue.start(), Promise.all(all)),
  };
});
