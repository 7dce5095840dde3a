// One measurement of runtime-bench.mjs on the runtime that runs this file; prints one JSON line.
//   measure.mjs throughput   tiny tasks per second through a 2-thread pool
//   measure.mjs round-trip   µs per sequential call on a 1-thread pool
//   measure.mjs mutex-race   ns per lock+unlock, 2 threads racing on one Mutex
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Pool } from '@weft/process-pool';
import { Barrier, Mutex } from '@weft/sync-primitives';
import * as tasks from '../fixtures/tasks.mjs';

const module = new URL('../fixtures/tasks.mjs', import.meta.url);

async function throughput() {
  const tasksPerRound = 20_000;
  const pool = new Pool({ module, maxWorkers: 2 });
  try {
    await pool.map(
      tasks.square,
      Array.from({ length: 2_000 }, (_, i) => i),
    ); // warm
    const started = performance.now();
    await Promise.all(
      Array.from({ length: tasksPerRound }, (_, i) => pool.apply(tasks.square, [i])),
    );
    return { value: tasksPerRound / ((performance.now() - started) / 1_000), unit: 'tasks/s' };
  } finally {
    await pool.terminate();
  }
}

async function roundTrip() {
  const calls = 2_000;
  const pool = new Pool({ module, maxWorkers: 1 });
  try {
    for (let i = 0; i < 200; i++) await pool.apply(tasks.square, [i]); // warm
    const started = performance.now();
    for (let i = 0; i < calls; i++) await pool.apply(tasks.square, [i]);
    return { value: ((performance.now() - started) * 1_000) / calls, unit: 'µs/call' };
  } finally {
    await pool.terminate();
  }
}

async function mutexRace() {
  const rounds = 200_000;
  const mutex = new Mutex();
  const start = new Barrier(3);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workerData = { mutex: mutex.toHandle(), start: start.toHandle(), counter, rounds };
  const workers = [0, 1].map(
    () => new Worker(new URL('./mutex-worker.mjs', import.meta.url), { workerData }),
  );
  const ended = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  await start.waitAsync();
  const started = performance.now();
  await Promise.all(ended);
  const ms = performance.now() - started;
  if (counter[0] !== 2 * rounds) throw new Error(`lost updates: ${counter[0]} of ${2 * rounds}`);
  return { value: (ms * 1e6) / (2 * rounds), unit: 'ns/lock' };
}

const cases = { throughput, 'round-trip': roundTrip, 'mutex-race': mutexRace };
const run = cases[process.argv[2]];
if (!run) {
  console.error(
    `measure.mjs: unknown case ${process.argv[2]}; known: ${Object.keys(cases).join(', ')}`,
  );
  process.exit(2);
}
console.log(JSON.stringify(await run()));
process.exit(0);
