// currentWorker(): inside a task, who runs it and the task's own AbortSignal.
import { NotInWorkerError } from './errors.js';
import { CONTEXT_KEY } from './internal/protocol.js';
import type { WorkerGlobalContext } from './internal/worker-context.js';
import type { WorkerKind } from './pool-options.js';

/**
 * What {@link currentWorker} returns.
 *
 * @example
 * ```ts
 * const { workerId, pid, signal }: WorkerInfo = currentWorker();
 * ```
 */
export interface WorkerInfo {
  /** Pool worker id (small integer, stable for the worker's life). */
  readonly workerId: number;
  /** Kind of worker. */
  readonly kind: WorkerKind;
  /** Process id (the pool's own pid for thread workers). */
  readonly pid: number;
  /** Thread id (0 in process workers). */
  readonly threadId: number;
  /** The running task's signal: fires when the caller aborts. Never fires outside a task. */
  readonly signal: AbortSignal;
}

const never = new AbortController().signal;

/**
 * Inside a pool worker, describe the worker and give the running task's AbortSignal.
 *
 * @returns the worker's identity and the task's signal.
 * @throws {@link NotInWorkerError} when called outside a pool worker.
 * @example
 * ```ts
 * // tasks.ts
 * export async function poll(url: string): Promise<string> {
 *   const { signal, workerId } = currentWorker();
 *   const res = await fetch(url, { signal });
 *   return `${workerId}: ${res.status}`;
 * }
 * ```
 */
export function currentWorker(): WorkerInfo {
  const global = (globalThis as Record<symbol, unknown>)[CONTEXT_KEY] as
    WorkerGlobalContext | undefined;
  if (global === undefined)
    throw new NotInWorkerError('currentWorker() was called outside a pool worker');
  const task = global.store.getStore();
  let signal = never;
  if (task !== undefined && task.id >= 0) {
    if (task.controller === undefined) {
      task.controller = new AbortController();
      if (task.aborted) task.controller.abort(task.reason);
    }
    signal = task.controller.signal;
  }
  return {
    workerId: global.workerId,
    kind: global.kind,
    pid: global.pid,
    threadId: global.threadId,
    signal,
  };
}
