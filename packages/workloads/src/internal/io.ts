// Shared plumbing for I/O workloads: bounded concurrency, aborts, and releasing the interpreter
// lock while waiting.
import { WorkloadAbortedError } from '../errors.js';
import type { WorkloadRunOptions } from '../workload.js';

/** Wraps one wait (request, file operation, timer): releases the interpreter lock around it. */
export type IoWait = <T>(wait: () => Promise<T>) => Promise<T>;

/**
 * Runs an I/O body: holds the interpreter lock (if given and not yet held) while computing, releases
 * it around each wait, and turns aborts into the workload's abort error.
 */
export async function runIo<T>(
  workload: string,
  options: WorkloadRunOptions | undefined,
  body: (io: IoWait) => Promise<T>,
): Promise<T> {
  const signal = options?.signal;
  const lock = options?.interpreterLock;
  if (signal?.aborted === true) throw new WorkloadAbortedError(workload, { cause: signal.reason });
  const owns = lock !== undefined && !lock.isHeldByCurrentThread();
  if (owns) lock.acquire();
  const io: IoWait = lock === undefined ? (wait) => wait() : (wait) => lock.releaseDuring(wait);
  try {
    return await body(io);
  } catch (error) {
    // Re-read the signal: it may have been aborted during the awaits above.
    if (isAborted(signal) && !(error instanceof WorkloadAbortedError)) {
      throw new WorkloadAbortedError(workload, { cause: signal?.reason });
    }
    throw error;
  } finally {
    if (owns && lock.isHeldByCurrentThread()) lock.release();
  }
}

/** Runs `task(i)` for every i in [start, end) with at most `concurrency` in flight; first error wins. */
export async function forEachConcurrent(
  start: number,
  end: number,
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = start;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < end) {
      signal?.throwIfAborted();
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, end - start); i++) lanes.push(lane());
  // allSettled first so no lane is still running when we report the error.
  const settled = await Promise.allSettled(lanes);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
