// What a scheduler can tell about its tasks while they run: state of one task by id, counts by
// state, queued tasks matching a filter, and the running ones.
import type { TaskId, TaskKind } from './task.js';

/**
 * Where an unsettled task is: waiting for room under `maxPending`, queued, running (an attempt is
 * with its executor), or in backoff before a retry.
 *
 * @example
 * ```ts
 * if (scheduler.jobStatus('invoice-42') === 'queued') scheduler.setPriority('invoice-42', 10);
 * ```
 */
export type TaskStatus = 'waiting' | 'queued' | 'running' | 'backoff';

/**
 * Tasks by state now, and `done`: tasks settled since the scheduler was made.
 *
 * @example
 * ```ts
 * const { queued, running, done } = scheduler.counts();
 * ```
 */
export interface TaskCounts {
  readonly waiting: number;
  readonly queued: number;
  readonly running: number;
  readonly backoff: number;
  readonly done: number;
}

/**
 * Which not-yet-started tasks {@link Scheduler.sizeBy} counts: those matching every given field.
 *
 * @example
 * ```ts
 * const urgent = scheduler.sizeBy({ priority: 10, executor: 'io' });
 * ```
 */
export interface SizeFilter {
  /** The task's current priority (as given or set, without aging). */
  readonly priority?: number;
  /** The kind the task was scheduled with (`'auto'` stays `'auto'`). */
  readonly kind?: TaskKind;
  /** The task's name. */
  readonly name?: string;
  /** The executor the task is queued for. */
  readonly executor?: 'cpu' | 'io';
}

/**
 * A task with an attempt running now.
 *
 * @example
 * ```ts
 * for (const task of scheduler.runningTasks) console.log(task.id, task.name, Date.now() - task.startTime);
 * ```
 */
export interface RunningTask {
  readonly id: TaskId;
  readonly name: string;
  readonly kind: TaskKind;
  readonly executor: 'cpu' | 'io';
  readonly priority: number;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** When this attempt started, ms since the epoch. */
  readonly startTime: number;
  /** The attempt's timeout in ms, if it has one. */
  readonly timeout?: number;
  /**
   * ms left until the attempt times out, if it has a timeout: on the monotonic clock, as the timeout
   * itself, so setting the wall clock does not change it.
   */
  readonly timeoutRemaining?: number;
}
