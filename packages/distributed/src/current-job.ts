// The job an inline task is running for: its signal (aborted when the caller cancels or the worker
// hands the job back) and identity. Tasks on a pool read the pool's own `currentWorker()` instead.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isThenable } from './internal/thenable.js';

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

/**
 * The store, with a slot for a job whose task runs synchronously (see {@link runAsJob}). Older
 * copies of this module read the store through `getStore()`, so they see the slot too.
 */
class JobStore extends AsyncLocalStorage<JobInfo> {
  /** The job whose task is running synchronously right now, outside the async context. */
  sync: JobInfo | undefined = undefined;
  /** Jobs entered by {@link runAsJob} and not yet left by {@link leaveJob}, of every copy. */
  inside = 0;

  override getStore(): JobInfo | undefined {
    return this.sync ?? super.getStore();
  }
}

function sharedStore(): AsyncLocalStorage<JobInfo> {
  const holder = globalThis as { [STORE_KEY]?: unknown };
  const existing = holder[STORE_KEY];
  if (existing instanceof AsyncLocalStorage) return existing as AsyncLocalStorage<JobInfo>;
  const store = new JobStore();
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
 * copy of `@weft/distributed` the task module imports. An `async` task, or one that returns a
 * promise, sees its job after every `await` until the job settles. A function that is not `async`
 * and returns a plain value on some calls and a promise on others should be made `async` if its
 * code after an `await` reads `currentJob()`: on the first call that returns a promise after one
 * that did not, that code sees `undefined`. Code a task leaves running after its job settled (a
 * timer, a promise nobody awaits) must not rely on it either; read the signal or id while the task
 * runs.
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

// Async context only where it is needed. On Node 20 and 22 an AsyncLocalStorage, once run, keeps
// async hooks on in the whole process until it is disabled: every promise anyone creates (BullMQ's
// and ioredis's, dozens per job) runs a hook that copies the store onto it. For a worker of tiny
// synchronous tasks that was about 40 µs of CPU per job, a tenth of all it spends (measured with
// bench/worker.mjs against a build without the store). So the store is used only while a job needs
// it, and disabled once no job is inside: a task that runs to its end synchronously needs none of
// it (none of its code runs after it returns), and a plain slot, set while it runs, tells
// currentJob() its job. A function runs in the async context until it has once returned a plain
// value, and again for good once it returns a promise.

/** Task functions that returned a plain value the last time they ran: they run in the slot. */
const returnsPlain = new WeakSet<(...args: never[]) => unknown>();

/**
 * Calls `fn(...args)` as the given job (internal: used by the worker's inline runner): in the
 * store's async context, or, for a function that returned a plain value when it last ran, in the
 * store's slot. The job is inside the store until {@link leaveJob} is called for it.
 */
export function runAsJob<T>(
  info: JobInfo,
  fn: (...args: unknown[]) => T,
  args: readonly unknown[],
): T {
  if (!(storage instanceof JobStore)) return storage.run(info, fn, ...args);
  storage.inside++;
  if (returnsPlain.has(fn)) {
    const outer = storage.sync;
    storage.sync = info;
    let out: T;
    try {
      out = fn(...args);
    } finally {
      storage.sync = outer;
    }
    // It returns promises after all: from its next call on, it runs in the async context.
    if (isThenable(out)) returnsPlain.delete(fn);
    return out;
  }
  const out = storage.run(info, fn, ...args);
  if (!isThenable(out)) returnsPlain.add(fn);
  return out;
}

/**
 * A job entered with {@link runAsJob} has settled (called once per job, however it ended; internal:
 * used by the worker's inline runner). With no job left inside, the store is disabled, which turns
 * the async hooks off until the next job needs them. (A runner of a copy older than this module
 * does not count its jobs here: two such copies running jobs in one process is not supported.)
 */
export function leaveJob(): void {
  if (!(storage instanceof JobStore)) return;
  if (--storage.inside === 0) storage.disable();
}
