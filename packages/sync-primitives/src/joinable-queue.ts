// JoinableQueue: a Queue that counts unfinished tasks (Python's multiprocessing.JoinableQueue):
// every put adds one, taskDone() takes one away, join() waits for zero. The count is a word of the
// queue's shared header, so producers, consumers and joiners may all be different threads.
import { InvalidHandleError, JoinTimeoutError, TaskDoneOverflowError } from './errors.js';
import { runAsync, runSync } from './internal/park.js';
import { checkLiveSignal, waitDeadline } from './internal/validate.js';
import type { AsyncWaitOptions } from './options.js';
import { Queue, adoptRing, openRing, ringOf, type QueueOptions } from './queue.js';
import type { SharedHandle } from './shared-handle.js';

/**
 * A {@link Queue} whose consumers report each item done (Python's
 * `multiprocessing.JoinableQueue`): `join()` returns once every item ever put has been matched by
 * a `taskDone()`.
 *
 * @typeParam T - The items' type.
 * @example
 * ```ts
 * import { JoinableQueue } from '@weft/sync-primitives';
 * const jobs = new JoinableQueue<string>();
 * // consumer thread: for (;;) { const job = jobs.get(); handle(job); jobs.taskDone(); }
 * jobs.put('a');
 * jobs.put('b');
 * await jobs.joinAsync(); // both handled
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Create an empty joinable queue in a new SharedArrayBuffer.
   *
   * @param options - `maxsize` and `capacityBytes`; see {@link QueueOptions}.
   * @throws {@link InvalidArgumentError} for options out of range.
   */
  constructor(options?: QueueOptions) {
    super(options);
    const ring = ringOf(this);
    if (!ring.joinable) ring.makeJoinable(); // a fresh ring, not yet shared
  }

  /**
   * Revive a joinable queue from a handle made by `toHandle()` in another thread.
   *
   * @typeParam T - The items' type.
   * @param handle - The handle.
   * @returns The same queue.
   * @throws {@link InvalidHandleError} if it is not a JoinableQueue handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { JoinableQueue } from '@weft/sync-primitives';
   * const jobs = JoinableQueue.from<string>(workerData.jobs);
   * ```
   */
  static override from<T = unknown>(handle: SharedHandle): JoinableQueue<T> {
    const ring = openRing(handle, 'JoinableQueue');
    if (!ring.joinable) {
      throw new InvalidHandleError(
        "JoinableQueue.from: the handle's memory is a plain Queue; use Queue.from or reviveShared",
      );
    }
    return adoptRing(ring, () => new JoinableQueue<T>());
  }

  /**
   * Report that an item taken with `get()` has been handled (Python's `task_done`).
   *
   * @throws {@link TaskDoneOverflowError} if called more times than items were put.
   * @example
   * ```ts
   * import { JoinableQueue } from '@weft/sync-primitives';
   * const jobs = new JoinableQueue<string>();
   * jobs.put('a');
   * jobs.get();
   * jobs.taskDone();
   * ```
   */
  taskDone(): void {
    if (!ringOf(this).taskDone()) {
      throw new TaskDoneOverflowError(
        'JoinableQueue.taskDone: called more times than items were put (no unfinished task is left)',
      );
    }
  }

  /**
   * How many items were put and not yet reported done.
   *
   * @returns The unfinished-task count.
   * @example
   * ```ts
   * import { JoinableQueue } from '@weft/sync-primitives';
   * const jobs = new JoinableQueue();
   * jobs.put('a');
   * console.log(jobs.unfinishedTasks()); // 1
   * ```
   */
  unfinishedTasks(): number {
    return ringOf(this).unfinished();
  }

  /**
   * Block until every item put has been reported done (Python's `join`), or `timeout` ms pass.
   *
   * @param options - `{ timeout }` in ms.
   * @returns `true` when no task is unfinished, `false` on timeout.
   * @throws {@link InvalidArgumentError} for a negative timeout.
   * @example
   * ```ts
   * import { JoinableQueue } from '@weft/sync-primitives';
   * const jobs = new JoinableQueue();
   * console.log(jobs.join({ timeout: 100 })); // true: nothing was put
   * ```
   */
  join(options?: { readonly timeout?: number }): boolean {
    const deadline = waitDeadline(options, 'JoinableQueue.join');
    return runSync(ringOf(this).join(), deadline);
  }

  /**
   * Wait, without blocking the event loop, until every item put has been reported done.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns A promise that resolves when no task is unfinished.
   * @throws {@link JoinTimeoutError} on timeout, {@link WaitAbortedError} on abort (rejections).
   * @example
   * ```ts
   * import { JoinableQueue } from '@weft/sync-primitives';
   * const jobs = new JoinableQueue<string>();
   * jobs.put('a');
   * // …a consumer calls get() and taskDone()…
   * await jobs.joinAsync({ timeout: 10_000 });
   * ```
   */
  async joinAsync(options?: AsyncWaitOptions): Promise<void> {
    const deadline = waitDeadline(options, 'JoinableQueue.joinAsync');
    const signal = checkLiveSignal(options?.signal, 'JoinableQueue.joinAsync');
    const ring = ringOf(this);
    if (!(await runAsync(ring.join(), deadline, signal))) {
      throw new JoinTimeoutError(
        `JoinableQueue.joinAsync: ${ring.unfinished()} task(s) still unfinished after the ${options?.timeout} ms timeout`,
      );
    }
  }
}
