// Isolation: a module-global counter that starts at 100 in every thread and process that loads this
// module; tasks increment their own copy, so workers never see each other's increments and the
// main thread's copy stays at 100 when the tasks run elsewhere.
import { threadId } from 'node:worker_threads';
import { rejected, throwIfAborted } from './internal/cpu.js';
import {
  checkCoverage,
  intField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/** The module-global counter of this thread's copy of the module. */
let moduleCounter = 100;
/** Increments made by tasks run in this thread (to tell them apart from other copies'). */
let localIncrements = 0;

/**
 * This thread's copy of the module-global counter used by {@link isolation} (starts at 100).
 *
 * @returns the current value in the calling thread
 * @example
 * ```ts
 * import { isolationCounter } from '@weft/workloads';
 * console.log(isolationCounter()); // 100 until an isolation task runs in this thread
 * ```
 */
export function isolationCounter(): number {
  return moduleCounter;
}

/**
 * Params of {@link isolation}.
 *
 * @example
 * ```ts
 * import { isolation, type IsolationParams } from '@weft/workloads';
 * const params: IsolationParams = isolation.validate({ tasks: 8 });
 * ```
 */
export interface IsolationParams {
  /**
   * Tasks (each increments the module-global counter of wherever it runs).
   * @defaultValue 8
   */
  readonly tasks: number;
  /**
   * Increments per task.
   * @defaultValue 3
   */
  readonly increments: number;
  /** The task indices this part runs (set by `split()`). @defaultValue all tasks */
  readonly range?: PartRange;
}

/**
 * One task's report: where it ran and the values it saw in its own copy of the counter.
 *
 * @example
 * ```ts
 * import { isolation, type IsolationReport } from '@weft/workloads';
 * const [report]: readonly IsolationReport[] = (await isolation.run({ tasks: 1, increments: 3 })).reports;
 * console.log(report?.pid, report?.threadId, report?.values); // e.g. 4242 0 [101, 102, 103]
 * ```
 */
export interface IsolationReport {
  /** Task index. */
  readonly task: number;
  /** Process that ran it. */
  readonly pid: number;
  /** Thread that ran it (0 = a process's main thread). */
  readonly threadId: number;
  /** The counter after each increment. */
  readonly values: readonly number[];
}

/**
 * Result of {@link isolation}.
 *
 * @example
 * ```ts
 * import { isolation, type IsolationResult } from '@weft/workloads';
 * const result: IsolationResult = await isolation.run(isolation.sizes.small);
 * ```
 */
export interface IsolationResult {
  /** Tasks covered. */
  readonly range: PartRange;
  /** One report per task, in task order. */
  readonly reports: readonly IsolationReport[];
  /**
   * The counter in the thread that produced this result (ran it, or merged the parts), with how
   * much of that came from tasks run in that very thread.
   */
  readonly observer: {
    readonly pid: number;
    readonly threadId: number;
    readonly value: number;
    readonly ownIncrements: number;
  };
}

const NAME = 'isolation';

function observe(): IsolationResult['observer'] {
  return { pid: process.pid, threadId, value: moduleCounter, ownIncrements: localIncrements };
}

/**
 * Isolation demo: a module-global counter starts at 100 in each thread and process; each task
 * increments its own copy `increments` times and reports its pid, threadId and values. Run on a pool,
 * workers count independently and the main thread's copy stays 100. Split by ranges of tasks.
 *
 * @example
 * ```ts
 * import { isolation, isolationCounter } from '@weft/workloads';
 * // e.g. with a pool: const parts = await Promise.all(isolation.split(params, 4).map((p) => pool.apply(runWorkload, ['isolation', p])));
 * const params = isolation.sizes.small;
 * const result = isolation.merge(await Promise.all(isolation.split(params, 2).map((p) => isolation.run(p))), params);
 * console.log(isolation.verify(result, params).detail, isolationCounter());
 * ```
 */
export const isolation: Workload<IsolationParams, IsolationResult> = {
  name: NAME,
  kind: 'race',
  description:
    'A module-global counter starting at 100 incremented by tasks in workers: each copy is separate.',
  sizes: {
    small: { tasks: 8, increments: 3 },
    medium: { tasks: 64, increments: 3 },
    large: { tasks: 1024, increments: 3 },
  },
  defaults: { tasks: 8, increments: 3 },
  validate(params?: unknown): IsolationParams {
    const object = readObject(NAME, params, ['tasks', 'increments', 'range']);
    const tasks = intField(NAME, object, 'tasks', 8, 1, 1_000_000);
    const increments = intField(NAME, object, 'increments', 3, 1, 1000);
    return withRange({ tasks, increments }, rangeField(NAME, object, tasks));
  },
  run(params: IsolationParams, options?: WorkloadRunOptions): Promise<IsolationResult> {
    try {
      throwIfAborted(NAME, options?.signal);
      const valid = isolation.validate(params);
      const range = valid.range ?? { start: 0, end: valid.tasks };
      const reports: IsolationReport[] = [];
      for (let task = range.start; task < range.end; task++) {
        const values: number[] = [];
        for (let i = 0; i < valid.increments; i++) values.push(++moduleCounter);
        localIncrements += valid.increments;
        reports.push({ task, pid: process.pid, threadId, values });
      }
      return Promise.resolve({ range, reports, observer: observe() });
    } catch (error) {
      return rejected(error);
    }
  },
  verify(result: IsolationResult, params: IsolationParams): Verification {
    if (
      result.range.start !== 0 ||
      result.range.end !== params.tasks ||
      result.reports.length !== params.tasks
    ) {
      return { ok: false, against: 'invariant', detail: 'result covers only part of the tasks' };
    }
    const copies = new Map<string, number[]>();
    for (const report of result.reports) {
      const { values } = report;
      const consecutive =
        values.length === params.increments &&
        values.every((v, i) => v > 100 && (i === 0 || v === values[i - 1]! + 1));
      if (!consecutive) {
        return {
          ok: false,
          against: 'invariant',
          detail: `task ${report.task} saw ${JSON.stringify(values)}, not ${params.increments} consecutive values above 100`,
        };
      }
      const where = `pid ${report.pid} thread ${report.threadId}`;
      copies.set(where, [...(copies.get(where) ?? []), ...values]);
    }
    for (const [where, values] of copies) {
      if (new Set(values).size !== values.length) {
        return {
          ok: false,
          against: 'invariant',
          detail: `two tasks in ${where} saw the same value: copies are not per thread`,
        };
      }
    }
    const { observer } = result;
    const ok = observer.value === 100 + observer.ownIncrements;
    const summary = [...copies]
      .map(([where, values]) => `${where}: ${Math.min(...values)}..${Math.max(...values)}`)
      .join('; ');
    return {
      ok,
      against: 'invariant',
      detail: `${copies.size} separate copies (${summary}); observer pid ${observer.pid} thread ${observer.threadId} holds ${observer.value} = 100 + ${observer.ownIncrements} of its own`,
    };
  },
  split(params: IsolationParams, parts: number): IsolationParams[] {
    return splitRanges(NAME, params.tasks, parts, params.range).map((range) => ({
      tasks: params.tasks,
      increments: params.increments,
      range,
    }));
  },
  merge(results: readonly IsolationResult[], params: IsolationParams): IsolationResult {
    checkCoverage(NAME, results, params.tasks);
    return {
      range: { start: 0, end: params.tasks },
      reports: results.flatMap((r) => r.reports),
      observer: observe(),
    };
  },
};
