// The concurrent.futures layer: submit() as a Future over the one run path. The Future asks the
// task record for its state; cancel() succeeds only while the task is queued (Python's rule).
import { TaskCancelledError } from '../errors.js';
import { Future, bindFuture, type FutureControl } from '../future.js';
import type { TaskOptions } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import type { RunPath, TaskObserver } from './run-path.js';

const cancelledWhileQueued = (): TaskCancelledError =>
  new TaskCancelledError('The task was cancelled while queued');

/**
 * A Future's view of its task: one object per submit (no closures of its own), told of the task
 * record by the run path as it queues it.
 */
class TaskLink implements FutureControl, TaskObserver {
  /** The task record, once the call is queued (after the first call's module load). */
  task: PoolTask | undefined = undefined;
  cancelledEarly = false;

  constructor(readonly run: RunPath) {}

  cancel(): boolean {
    const task = this.task;
    if (task === undefined) {
      this.cancelledEarly = true;
      return true;
    }
    if (task.state === 'cancelled') return true;
    return this.run.cancel(task, cancelledWhileQueued());
  }

  state(): ReturnType<FutureControl['state']> {
    if (this.cancelledEarly) return 'cancelled';
    const task = this.task;
    if (task === undefined) return 'queued';
    switch (task.state) {
      case 'queued':
      case 'sent':
      case 'running':
      case 'cancelled':
        return task.state;
      case 'settled':
        return 'done';
    }
  }

  queued(task: PoolTask): void {
    this.task = task;
    if (this.cancelledEarly) this.run.cancel(task, cancelledWhileQueued());
  }
}

/**
 * Run `fn(...args)` on the run path behind a {@link Future}. The run path makes the task's own
 * promise a Future, so a submit costs one promise, as `apply` does; only a call the run path
 * answers with a plain promise (refused at once, or the first call, which waits for the task
 * modules to load) is wrapped in a second one.
 */
export function submitFuture<T>(
  run: RunPath,
  fn: unknown,
  args: unknown,
  options: TaskOptions | undefined,
): Future<T> {
  const link = new TaskLink(run);
  const promise = run.runFn(fn, args, 0, options, link, Future);
  const future = promise instanceof Future ? (promise as Future<T>) : inFuture<T>(promise);
  bindFuture(future, link);
  return future;
}

// A plain promise's outcome, in a Future. A function of its own: its closures would otherwise
// cost every submit a context.
function inFuture<T>(promise: Promise<unknown>): Future<T> {
  let resolveF!: (value: T) => void;
  let rejectF!: (error: unknown) => void;
  const future = new Future<T>((resolve, reject) => {
    resolveF = resolve;
    rejectF = reject;
  });
  promise.then(resolveF as (value: unknown) => void, rejectF);
  return future;
}
