// Queue vs MessagePort between two threads, in one run: one-item round-trip latency (ping-pong)
// and stream throughput of small items. Prints a table with ratios and writes
// bench/results/queue-latest.json. Run it with `pnpm bench:queue` (tsx), after `pnpm build`;
// `--quick` (or BENCH_QUICK=1) runs smaller sizes.
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Barrier, Queue } from '@weft/sync-primitives';

const quick = process.argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';
const ROUNDS = quick ? 5_000 : 20_000;
const STREAM = quick ? 100_000 : 500_000;
const REPEATS = quick ? 3 : 5;
const WORKER = new URL('./queue-worker.mjs', import.meta.url);

interface Row {
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly ratio: number;
  readonly note: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function start(workerData: Record<string, unknown>): { worker: Worker; exited: Promise<void> } {
  const worker = new Worker(WORKER, { workerData });
  const exited = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  return { worker, exited };
}

/** Weft ping-pong: main puts into `ping`, the worker echoes into `pong`; µs per round trip. */
async function queueRoundTrip(async: boolean): Promise<number> {
  const ping = new Queue<number>();
  const pong = new Queue<number>();
  const { exited } = start({
    mode: 'queue-echo',
    n: ROUNDS,
    ping: ping.toHandle(),
    pong: pong.toHandle(),
  });
  // Warm-up rounds are part of the worker's n; time the second half.
  const half = ROUNDS / 2;
  let t0 = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (i === half) t0 = performance.now();
    ping.put(i);
    const back = async ? await pong.getAsync() : pong.get();
    if (back !== i) throw new Error(`round ${i} came back as ${back}`);
  }
  const us = ((performance.now() - t0) * 1000) / half;
  await exited;
  return us;
}

/** MessagePort ping-pong with the worker's parentPort; µs per round trip. */
async function portRoundTrip(): Promise<number> {
  const { worker, exited } = start({ mode: 'port-echo', n: ROUNDS });
  const half = ROUNDS / 2;
  let t0 = 0;
  await new Promise<void>((resolve) => {
    let i = 0;
    worker.on('message', (m: number) => {
      if (m !== i) throw new Error(`round ${i} came back as ${m}`);
      i++;
      if (i === half) t0 = performance.now();
      if (i === ROUNDS) resolve();
      else worker.postMessage(i);
    });
    worker.postMessage(0);
  });
  const us = ((performance.now() - t0) * 1000) / half;
  await worker.terminate();
  await exited;
  return us;
}

/** Worker streams STREAM small objects into a Weft Queue; items per second taken by main. */
async function queueStream(async: boolean): Promise<number> {
  const items = new Queue<{ id: number; name: string }>();
  const barrier = new Barrier(2);
  const { exited } = start({
    mode: 'queue-stream',
    n: STREAM,
    items: items.toHandle(),
    start: barrier.toHandle(),
  });
  barrier.wait();
  const t0 = performance.now();
  for (let i = 0; i < STREAM; i++) {
    const item = async ? await items.getAsync() : items.get();
    if (item.id !== i) throw new Error(`item ${i} arrived as ${item.id}`);
  }
  const perSecond = STREAM / ((performance.now() - t0) / 1000);
  await exited;
  return perSecond;
}

/** Worker posts STREAM small objects to main; items per second received. */
async function portStream(): Promise<number> {
  const { worker, exited } = start({ mode: 'port-stream', n: STREAM });
  let t0 = 0;
  await new Promise<void>((resolve) => {
    let i = 0;
    worker.on('message', (m: { id: number }) => {
      if (m.id !== i) throw new Error(`item ${i} arrived as ${m.id}`);
      if (++i === STREAM) resolve();
    });
    t0 = performance.now();
    worker.postMessage('go');
  });
  const perSecond = STREAM / ((performance.now() - t0) / 1000);
  await worker.terminate();
  await exited;
  return perSecond;
}

async function medianOf(fn: () => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await fn());
  return median(runs);
}

const rows: Row[] = [];

{
  const group = `one-item round trip between 2 threads (median of ${REPEATS} × ${(ROUNDS / 2).toLocaleString('en')} rounds)`;
  const port = await medianOf(portRoundTrip);
  const sync = await medianOf(() => queueRoundTrip(false));
  const async = await medianOf(() => queueRoundTrip(true));
  rows.push({
    group,
    name: 'MessagePort ping-pong (postMessage + on message)',
    value: port,
    unit: 'µs',
    ratio: 1,
    note: 'baseline',
  });
  rows.push({
    group,
    name: 'Weft Queue pair, put + blocking get()',
    value: sync,
    unit: 'µs',
    ratio: sync / port,
    note: 'goal ≤ 0.5×',
  });
  rows.push({
    group,
    name: 'Weft Queue pair, put + getAsync()',
    value: async,
    unit: 'µs',
    ratio: async / port,
    note: 'main thread stays on the event loop',
  });
}

{
  const group = `stream of ${STREAM.toLocaleString('en')} small objects, worker → main (median of ${REPEATS})`;
  const port = await medianOf(portStream);
  const sync = await medianOf(() => queueStream(false));
  const async = await medianOf(() => queueStream(true));
  rows.push({
    group,
    name: 'postMessage stream',
    value: port,
    unit: 'items/s',
    ratio: 1,
    note: 'baseline',
  });
  rows.push({
    group,
    name: 'Weft Queue, put + blocking get()',
    value: sync,
    unit: 'items/s',
    ratio: sync / port,
    note: 'goal ≥ 1×',
  });
  rows.push({
    group,
    name: 'Weft Queue, put + getAsync()',
    value: async,
    unit: 'items/s',
    ratio: async / port,
    note: '',
  });
}

const fmt = (v: number): string =>
  v >= 100 ? Math.round(v).toLocaleString('en') : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const lines = ['| benchmark | value | ratio | note |', '|---|---:|---:|---|'];
let group: string | undefined;
for (const r of rows) {
  if (r.group !== group) {
    group = r.group;
    lines.push(`| **${group}** | | | |`);
  }
  lines.push(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.note} |`);
}
const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}, ${quick ? 'quick' : 'full'} mode, median of ${REPEATS}`;
console.log(`\n${machine}\n`);
console.log(lines.join('\n'));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/queue-latest.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), machine, quick, rows }, null, 2),
);
