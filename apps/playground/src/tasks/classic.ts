// Task module of the `processes` and `pool` experiments: Python's classic multiprocessing example.
// `counter` is a module global: every worker thread and every process that loads this module gets
// its own copy, starting at 100.
import { threadId } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AtomicInt32 } from '@weft/sync-primitives';

let counter = 100;

/** What one task reports back: where it ran and what it saw. */
export interface GreetingReport {
  readonly name: string;
  readonly pid: number;
  readonly threadId: number;
  readonly values: readonly number[];
}

/** This copy of the module-global counter. */
export function counterValue(): number {
  return counter;
}

/** Adds 1 to this worker's module-global counter three times, then sleeps. */
export async function greet(name: string, sleepMs: number): Promise<GreetingReport> {
  const values: number[] = [];
  for (let i = 0; i < 3; i++) {
    counter += 1;
    values.push(counter);
  }
  await sleep(sleepMs);
  return { name, pid: process.pid, threadId, values };
}

/** The same, on a counter in shared memory: every thread adds to the one value. */
export async function greetShared(
  name: string,
  shared: AtomicInt32,
  sleepMs: number,
): Promise<GreetingReport> {
  const values: number[] = [];
  for (let i = 0; i < 3; i++) values.push(shared.add(1) + 1);
  await sleep(sleepMs);
  return { name, pid: process.pid, threadId, values };
}

/** A short task for the `pool` experiment: reports which worker ran it. */
export async function job(
  index: number,
  sleepMs: number,
): Promise<{ index: number; pid: number; threadId: number }> {
  await sleep(sleepMs);
  return { index, pid: process.pid, threadId };
}
