// The one run path the pool's APIs share: the Python layer (apply, map, imap…) and the futures
// layer (submit) are thin functions over it, and pool-core.ts implements it.
import type { WorkerKind, TaskOptions } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import type { RemoteRegistry } from './remote-host.js';

export interface RunPath {
  readonly kind: WorkerKind;
  readonly maxWorkers: number;
  /** Holds the queues and pipe ends passed in arguments (process workers). */
  readonly registry: RemoteRegistry;
  /**
   * Run export `fn` (a function of a task module) with `args`; `onTask` sees the task record as it
   * is queued. Resolves or rejects with the task's outcome.
   */
  runFn(
    fn: unknown,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: (task: PoolTask) => void,
  ): Promise<unknown>;
  /** queued --cancel--> cancelled, rejecting it with `error`; `false` if a worker has it. */
  cancel(task: PoolTask, error: Error): boolean;
}
