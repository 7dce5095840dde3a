// Shared plumbing for CPU kernels: abort checks and interpreter-lock check-ins at safe points.
import { WorkloadAbortedError, WorkloadError } from '../errors.js';
import type { WorkloadRunOptions } from '../workload.js';

/** Called by a kernel every few microseconds of work. */
export type CheckIn = () => void;

/**
 * Runs a synchronous kernel, holding the interpreter lock (if one is given and this thread does not
 * hold it yet) and checking in with it and with the signal at the kernel's check-in points.
 */
export function runCpu<T>(
  workload: string,
  options: WorkloadRunOptions | undefined,
  kernel: (checkIn: CheckIn) => T,
): Promise<T> {
  const signal = options?.signal;
  const lock = options?.interpreterLock;
  try {
    if (signal?.aborted === true)
      throw new WorkloadAbortedError(workload, { cause: signal.reason });
    const checkIn: CheckIn = () => {
      if (signal?.aborted === true)
        throw new WorkloadAbortedError(workload, { cause: signal.reason });
      lock?.checkIn();
    };
    const owns = lock !== undefined && !lock.isHeldByCurrentThread();
    if (owns) lock.acquire();
    try {
      return Promise.resolve(kernel(checkIn));
    } finally {
      if (owns) lock.release();
    }
  } catch (error) {
    return rejected(error);
  }
}

/** A rejected promise for a caught value (always an Error; a thrown non-Error becomes its cause). */
export function rejected(error: unknown): Promise<never> {
  return Promise.reject(
    error instanceof Error
      ? error
      : new WorkloadError(`a non-Error value was thrown: ${String(error)}`, { cause: error }),
  );
}

/** Rejects with the workload's abort error if the signal is aborted. */
export function throwIfAborted(workload: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new WorkloadAbortedError(workload, { cause: signal.reason });
}
