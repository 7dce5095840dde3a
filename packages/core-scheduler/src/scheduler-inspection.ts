// What a Scheduler can tell about its tasks, and the one change made to a task by id: task
// status and counts, queued tasks by filter, the running ones, routing explained, setPriority.
import { InvalidOptionError, TaskIdNotFoundError } from './errors.js';
import { countsOf, runningTasksOf, sizeBy } from './internal/introspect.js';
import { loopOf, type RunLoop } from './internal/scheduler-parts.js';
import type { RunningTask, SizeFilter, TaskCounts, TaskStatus } from './introspection.js';
import type { RouteExplanation } from './routing.js';
import type { SchedulerOptions } from './scheduler-options.js';
import { SchedulerEvents } from './scheduler-events.js';

/** The introspection methods of {@link Scheduler} (documented there). */
export class SchedulerInspection extends SchedulerEvents {
  readonly #loop: RunLoop;

  /** @param options - See {@link SchedulerOptions}. */
  constructor(options: SchedulerOptions) {
    super(options);
    this.#loop = loopOf(this);
  }

  /**
   * Changes the priority of an unsettled task given an `id` (p-queue's `setPriority`). A queued
   * task moves behind those already queued at its new priority; a waiting or backing-off one
   * takes it when queued; for a running one it applies to a retry.
   *
   * @param id - The task's `id`.
   * @param priority - A finite number; higher runs first.
   * @throws {@link TaskIdNotFoundError} if no unsettled task has this id;
   * {@link InvalidOptionError} for a priority that is not a finite number.
   *
   * @example
   * ```ts
   * void scheduler.schedule({ fn: render, args: [page], id: 'page-7' });
   * scheduler.setPriority('page-7', 10); // the user scrolled to it
   * ```
   */
  setPriority(id: string, priority: number): void {
    if (!(typeof priority === 'number' && Number.isFinite(priority)))
      throw new InvalidOptionError('priority', priority, 'a finite number');
    const record = this.#loop.byId.get(id);
    if (record === undefined) throw new TaskIdNotFoundError(String(id));
    this.#loop.setPriority(record, priority);
  }

  /**
   * Where the unsettled task with this `id` is (Bottleneck's `jobStatus`).
   *
   * @param id - The task's `id`.
   * @returns Its {@link TaskStatus}, or `undefined` if no unsettled task has this id.
   *
   * @example
   * ```ts
   * console.log(scheduler.jobStatus('invoice-42')); // 'queued'
   * ```
   */
  jobStatus(id: string): TaskStatus | undefined {
    const state = this.#loop.byId.get(id)?.state;
    return state === 'done' ? undefined : state;
  }

  /**
   * Tasks by state now, and how many settled so far (Bottleneck's `counts`).
   *
   * @returns A fresh {@link TaskCounts}.
   *
   * @example
   * ```ts
   * const { waiting, queued, running, backoff, done } = scheduler.counts();
   * ```
   */
  counts(): TaskCounts {
    return countsOf(this.#loop);
  }

  /**
   * Tasks not yet started that match every field of `filter` (p-queue's `sizeBy`).
   *
   * @param filter - Any of `priority`, `kind`, `name`, `executor`.
   * @returns How many match.
   * @throws {@link InvalidOptionError} for a filter field of the wrong type.
   *
   * @example
   * ```ts
   * const lowQueued = scheduler.sizeBy({ priority: 0 });
   * ```
   */
  sizeBy(filter: SizeFilter): number {
    return sizeBy(this.#loop, filter);
  }

  /**
   * The tasks with an attempt running now, with when it started (p-queue's `runningTasks`).
   *
   * @example
   * ```ts
   * for (const task of scheduler.runningTasks) console.log(task.id, task.name, task.timeoutRemaining);
   * ```
   */
  get runningTasks(): readonly RunningTask[] {
    return runningTasksOf(this.#loop);
  }

  /**
   * Says where the next task of this name goes and why.
   *
   * @param name - A task name (the `name` option, or the function's name).
   * @returns The executor and the reason, with the measurements behind `auto` routing.
   *
   * @example
   * ```ts
   * console.log(scheduler.explain('render').reason);
   * // auto: CPU 98% of wall time over 3 runs, 40.2 ms CPU per run (≥ 50%): CPU-bound
   * ```
   */
  explain(name: string): RouteExplanation {
    return this.#loop.router.explain(name);
  }
}
