// The one run path the pool's APIs share: the Python layer (apply, map, imap…) and the futures
// layer (submit) are thin functions over it, and pool-core.ts implements it.
import type { WorkerKind, TaskOptions } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import type { RemoteRegistry } from './remote-host.js';

/** A Promise class the run path makes a task's promise with (Promise, or Future for submit). */
export type PromiseMaker = new (
  executor: (resolve: (value: unknown) => void, reject: (error: unknown) => void) => void,
) => Promise<unknown>;

/**
 * Told of a call's task record as the run path queues it: an object with a method, not a callback,
 * so that submit passes the Future's link itself rather than a closure per call.
 */
export interface TaskObserver {
  queued(task: PoolTask): void;
}

export interface RunPath {
  readonly kind: WorkerKind;
  readonly maxWorkers: number;
  /** Holds the queues and pipe ends passed in arguments (process workers). */
  readonly registry: RemoteRegistry;
  /**
   * Run export `fn` (a function of a task module) with `args`; `onTask` is told of the task record
   * as it is queued. Resolves or rejects with the task's outcome. The task's promise is made with `make`
   * (submit passes Future); a call refused at once, or waiting for the first module load, gets a
   * plain Promise.
   */
  runFn(
    fn: unknown,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: TaskObserver,
    make?: PromiseMaker,
  ): Promise<unknown>;
  /** queued --cancel--> cancelled, rejecting it with `error`; `false` if a worker has it. */
  cancel(task: PoolTask, error: Error): boolean;
}
