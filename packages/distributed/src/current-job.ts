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

/**
 * Where every copy of this module in a process keeps the running job. A process can load the
 * package more than once: the `weft-worker` CLI runs from its own file, and a task module imports
 * `@weft/distributed` from wherever it resolves (the app's own install, another version). Each copy
 * would otherwise have its own store, and a task would see no job. The `v1` names the shape of
 * {@link JobInfo}; a change that older copies could not read takes a new key.
 */
const STORE_KEY: unique symbol = Symbol.for('weft.distributed.currentJob.v1');

function sharedStore(): AsyncLocalStorage<JobInfo> {
  const holder = globalThis as { [STORE_KEY]?: unknown };
  const existing = holder[STORE_KEY];
  if (existing instanceof AsyncLocalStorage) return existing as AsyncLocalStorage<JobInfo>;
  const store = new AsyncLocalStorage<JobInfo>();
  try {
    // Not enumerable, and not replaceable later: every copy loaded after this one finds this store.
    Object.defineProperty(globalThis, STORE_KEY, { value: store });
  } catch {
    // Something else holds the key for good: this copy keeps its own store rather than fail to load.
  }
  return store;
}

const storage = sharedStore();

/**
 * The job the calling inline task runs for (`kind: 'inline'` workers), or `undefined` outside one.
 * It works however the worker was started (`startWorker()` or the `weft-worker` CLI) and whichever
 * copy of `@weft/distributed` the task module imports.
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

/** Call `fn(...args)` as the given job (internal: used by the worker's inline runner). */
export function runAsJob<T>(
  info: JobInfo,
  fn: (...args: unknown[]) => T,
  args: readonly unknown[],
): T {
  return storage.run(info, fn, ...args);
}
