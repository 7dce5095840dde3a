// Starts real worker threads running the package's built thread entry (dist/race-thread.js) and
// collects one message from each; on any failure or abort every thread is terminated.
import { Worker } from 'node:worker_threads';
import { Barrier } from '@weft/sync-primitives';
import { WorkloadAbortedError, WorkloadThreadError } from '../errors.js';

/** The built thread entry sits next to this module's bundle in dist/. */
const ENTRY = new URL('./race-thread.js', import.meta.url);

export interface ThreadsOptions {
  readonly workload: string;
  readonly signal?: AbortSignal | undefined;
  /** Called when a thread fails, before terminating the others (e.g. break a barrier). */
  readonly onFailure?: () => void;
}

/** The start barrier's handle, as each thread's input carries it. */
export type BarrierHandle = ReturnType<Barrier['toHandle']>;

/**
 * Starts `count` threads on the same input and releases them together at a Barrier (which the
 * input must carry), breaking the barrier if any thread fails so the others do not wait forever.
 */
export function runThreadsTogether<T>(
  count: number,
  inputWith: (barrier: BarrierHandle) => unknown,
  options: Omit<ThreadsOptions, 'onFailure'>,
): Promise<T[]> {
  // The timeout only guards against a thread that never arrives (its failure also breaks it).
  const barrier = new Barrier(count, { timeout: 60_000 });
  const input = inputWith(barrier.toHandle());
  return runThreads<T>(
    Array.from({ length: count }, () => input),
    { ...options, onFailure: () => barrier.abort() },
  );
}

export async function runThreads<T>(
  inputs: readonly unknown[],
  options: ThreadsOptions,
): Promise<T[]> {
  const { workload, signal } = options;
  if (signal?.aborted === true) throw new WorkloadAbortedError(workload, { cause: signal.reason });
  const workers: Worker[] = [];
  const results: T[] = [];
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    if (failure !== undefined) return;
    failure = error;
    try {
      options.onFailure?.();
    } catch {
      // Failure hooks are best effort; terminating the threads below is what guarantees progress.
    }
    for (const worker of workers) void worker.terminate();
  };
  const onAbort = (): void => fail(new WorkloadAbortedError(workload, { cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      inputs.map(
        (input, index) =>
          new Promise<void>((resolve) => {
            let worker: Worker;
            try {
              worker = new Worker(ENTRY, { workerData: input });
            } catch (error) {
              // e.g. workerData that cannot be cloned: stop the threads already started.
              fail(
                new WorkloadThreadError(`${workload}: thread ${index} could not start`, {
                  cause: error,
                }),
              );
              resolve();
              return;
            }
            if (failure !== undefined) void worker.terminate();
            workers.push(worker);
            let received = false;
            worker.once(
              'message',
              (message: { ok: true; value: T } | { ok: false; error: unknown }) => {
                received = true;
                if (message.ok) results[index] = message.value;
                else
                  fail(
                    new WorkloadThreadError(`${workload}: thread ${index} failed`, {
                      cause: message.error,
                    }),
                  );
              },
            );
            worker.once('error', (error) => {
              fail(
                new WorkloadThreadError(`${workload}: thread ${index} crashed`, { cause: error }),
              );
            });
            worker.once('exit', (code) => {
              if (!received)
                fail(
                  new WorkloadThreadError(
                    `${workload}: thread ${index} exited (code ${code}) without a result`,
                  ),
                );
              resolve();
            });
          }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure;
  return results;
}
