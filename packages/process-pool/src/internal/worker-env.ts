// What a worker runtime needs to know about where it runs, thread or child process: how it
// talks to the pool, how it checks that a value can be sent, and its clocks.
import { performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { FromWorker } from './protocol.js';
import type { ThreadWorkerData } from './thread-channel.js';

/** This runtime is a worker thread (else a child process talking over IPC). */
export const isThread: boolean = !isMainThread && parentPort !== null;

/** Where a thread worker's messages go: the reply port the pool gave it (thread-channel.ts). */
const replies = isThread ? (workerData as ThreadWorkerData | undefined)?.replies : undefined;

/** Send a message to the pool. */
export const post: (message: FromWorker) => void = isThread
  ? (message) => (replies ?? parentPort!).postMessage(message)
  : (message) => {
      process.send!(message);
    };

/** Throws what sending `value` to the pool would throw (structured clone, or v8 serialization). */
export const clone: (value: unknown) => void = isThread
  ? (value) => void structuredClone(value)
  : (value) => void serialize(value);

// Constant for the life of the thread; read once (the getter computes it on every read).
const origin = performance.timeOrigin;

/** The shared clock: ms since the epoch, the same in every thread and process. */
export const now = (): number => origin + performance.now();

/**
 * A reading of the busy clock, ms: event-loop active time for a thread (which advances exactly
 * as `now()` while a task runs synchronously), CPU time (user + system) for a process.
 */
export const cpuNow: () => number = isThread
  ? () => performance.eventLoopUtilization().active
  : () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
