// The job an inline task is running for: its signal (aborted when the caller cancels or the worker
// hands the job back) and identity. Tasks on a pool read the pool's own `currentWorker()` instead.
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What an inline task can learn about the job it runs for.
 *
 * @example
 * ```ts
 * const job: JobInfo | undefined = currentJob();
 * ```
 */
export interface JobInfo {
  /** BullMQ job id. */
  readonly jobId: string;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** Queue name. */
  readonly queue: string;
  /** Aborts when the caller cancels the job or the worker stops and hands it back. */
  readonly signal: AbortSignal;
}

const storage = new AsyncLocalStorage<JobInfo>();

/**
 * The job the calling inline task runs for (`kind: 'inline'` workers), or `undefined` outside one.
 *
 * @returns The job's id, attempt, queue and signal, or `undefined`.
 * @example
 * ```ts
 * import { currentJob } from '@weft/distributed';
 *
 * export async function fetchAll(urls: string[]): Promise<number> {
 *   const signal = currentJob()?.signal;
 *   const bodies = await Promise.all(urls.map((u) => fetch(u, { signal }).then((r) => r.text())));
 *   return bodies.length;
 * }
 * ```
 */
export function currentJob(): JobInfo | undefined {
  return storage.getStore();
}

/** Run `fn` as the given job (internal: used by the worker's inline runner). */
export function runAsJob<T>(info: JobInfo, fn: () => T): T {
  return storage.run(info, fn);
}
