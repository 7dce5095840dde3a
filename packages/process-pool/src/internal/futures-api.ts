// The concurrent.futures layer: submit() as a Future over the one run path. The Future asks the
// task record for its state; cancel() succeeds only while the task is queued (Python's rule).
import { TaskCancelledError } from '../errors.js';
import { Future, bindFuture } from '../future.js';
import type { TaskOptions } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import type { RunPath } from './run-path.js';

const cancelledWhileQueued = (): TaskCancelledError =>
  new TaskCancelledError('The task was cancelled while queued');

/** Run `fn(...args)` on the run path behind a {@link Future}. */
export function submitFuture<T>(
  run: RunPath,
  fn: unknown,
  args: unknown,
  options: TaskOptions | undefined,
): Future<T> {
  // The task record exists once the call is queued (after the first call's module load).
  let task: PoolTask | undefined;
  let cancelledEarly = false;
  let resolveF!: (value: T) => void;
  let rejectF!: (error: unknown) => void;
  const future = new Future<T>((resolve, reject) => {
    resolveF = resolve;
    rejectF = reject;
  });
  bindFuture(future, {
    cancel: () => {
      if (task === undefined) {
        cancelledEarly = true;
        return true;
      }
      if (task.state === 'cancelled') return true;
      return run.cancel(task, cancelledWhileQueued());
    },
    state: () => {
      if (cancelledEarly) return 'cancelled';
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
    },
  });
  run
    .runFn(fn, args, 0, options, (t) => {
      task = t;
      if (cancelledEarly) run.cancel(t, cancelledWhileQueued());
    })
    .then(resolveF as (value: unknown) => void, rejectF);
  return future;
}
