// Thread entry for the race and GIL workloads (built to dist/race-thread.js; not a public export).
// It receives one job in workerData and posts back { ok, value } or { ok: false, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, Mutex } from '@weft/sync-primitives';
import type { GilThreadInput, GilThreadOutput } from './gil.js';
import { InterpreterLock } from './interpreter-lock.js';
import { now } from './internal/clock.js';
import { piSeries } from './pi-series.js';
import type { SharedCounterThreadInput } from './shared-counter.js';
import { timers } from './timers.js';

function count(input: SharedCounterThreadInput): number {
  const counter = new Int32Array(input.counter);
  const mutex = Mutex.from(input.mutex);
  const n = input.increments;
  Barrier.from(input.barrier).wait();
  const start = now();
  switch (input.mode) {
    case 'unsafe':
      for (let i = 0; i < n; i++) {
        // A read-modify-write split in two: another thread can write between the load and the store.
        const value = Atomics.load(counter, 0);
        Atomics.store(counter, 0, value + 1);
      }
      break;
    case 'atomic':
      for (let i = 0; i < n; i++) Atomics.add(counter, 0, 1);
      break;
    case 'mutex-scoped':
      for (let i = 0; i < n; i++) {
        using _guard = mutex.lock();
        Atomics.store(counter, 0, Atomics.load(counter, 0) + 1);
      }
      break;
    case 'mutex-manual':
      for (let i = 0; i < n; i++) {
        mutex.acquire();
        try {
          Atomics.store(counter, 0, Atomics.load(counter, 0) + 1);
        } finally {
          mutex.release();
        }
      }
      break;
  }
  return now() - start;
}

async function interpret(input: GilThreadInput): Promise<GilThreadOutput> {
  const lock = input.lock === undefined ? undefined : InterpreterLock.from(input.lock);
  const options = lock === undefined ? {} : { interpreterLock: lock };
  Barrier.from(input.barrier).wait();
  const start = now();
  let verified: boolean;
  if (input.work === 'cpu') {
    const params = piSeries.validate({ intervals: input.units });
    verified = piSeries.verify(await piSeries.run(params, options), params).ok;
  } else {
    const params = timers.validate({ waits: input.units, delayMs: input.delayMs, concurrency: 1 });
    verified = timers.verify(await timers.run(params, options), params).ok;
  }
  return { start, end: now(), verified };
}

async function main(): Promise<void> {
  const input = workerData as SharedCounterThreadInput | GilThreadInput;
  try {
    const value = input.task === 'shared-counter' ? count(input) : await interpret(input);
    parentPort?.postMessage({ ok: true, value });
  } catch (error) {
    parentPort?.postMessage({ ok: false, error });
  }
}

void main();
