// Async counter race: many concurrent tasks on one event loop each read a counter, `await`, and
// write back value + 1; unsafe loses updates across the await, AsyncMutex does not.
import { AsyncMutex } from '@weft/sync-primitives';
import { throwIfAborted } from './internal/cpu.js';
import { now } from './internal/clock.js';
import { enumField, intField, readObject } from './internal/params.js';
import { mergeWhole, splitWhole } from './internal/indivisible.js';
import type { Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link asyncCounter}.
 *
 * @example
 * ```ts
 * import { asyncCounter, type AsyncCounterParams } from '@weft/workloads';
 * const params: AsyncCounterParams = asyncCounter.validate({ tasks: 100, increments: 10, mode: 'unsafe' });
 * ```
 */
export interface AsyncCounterParams {
  /**
   * Concurrent async tasks.
   * @defaultValue 100
   */
  readonly tasks: number;
  /**
   * Increments per task.
   * @defaultValue 10
   */
  readonly increments: number;
  /**
   * `unsafe`: read, `await`, write back; `mutex`: the same under `AsyncMutex#withLockAsync`.
   * @defaultValue 'mutex'
   */
  readonly mode: 'unsafe' | 'mutex';
}

/**
 * Result of {@link asyncCounter}.
 *
 * @example
 * ```ts
 * import { asyncCounter, type AsyncCounterResult } from '@weft/workloads';
 * const result: AsyncCounterResult = await asyncCounter.run({ tasks: 100, increments: 10, mode: 'unsafe' });
 * console.log(result.lostUpdates); // most of them: every task read the same value before writing
 * ```
 */
export interface AsyncCounterResult {
  /** The mode that ran. */
  readonly mode: 'unsafe' | 'mutex';
  /** The counter's final value. */
  readonly finalValue: number;
  /** tasks × increments. */
  readonly expected: number;
  /** expected − finalValue. */
  readonly lostUpdates: number;
  /** Time from the first task's start to the last task's end (ms). */
  readonly ms: number;
}

const NAME = 'async-counter';

/**
 * The event-loop race: `tasks` concurrent async functions each do `increments` times
 * `v = counter; await …; counter = v + 1`. Without a lock every task reads before any writes and
 * updates are lost (deterministically, on any machine); under `AsyncMutex` none are. Not divisible:
 * `split()` returns one part.
 *
 * @example
 * ```ts
 * import { asyncCounter } from '@weft/workloads';
 * const unsafe = await asyncCounter.run({ tasks: 100, increments: 10, mode: 'unsafe' });
 * const locked = await asyncCounter.run({ tasks: 100, increments: 10, mode: 'mutex' });
 * console.log(unsafe.finalValue, locked.finalValue); // 10 1000
 * ```
 */
export const asyncCounter: Workload<AsyncCounterParams, AsyncCounterResult> = {
  name: NAME,
  kind: 'race',
  description:
    'Concurrent async tasks read, await, and write back a counter: unsafe vs AsyncMutex.',
  sizes: {
    small: { tasks: 100, increments: 10, mode: 'mutex' },
    medium: { tasks: 1000, increments: 100, mode: 'mutex' },
    large: { tasks: 10_000, increments: 100, mode: 'mutex' },
  },
  defaults: { tasks: 100, increments: 10, mode: 'mutex' },
  validate(params?: unknown): AsyncCounterParams {
    const object = readObject(NAME, params, ['tasks', 'increments', 'mode']);
    const tasks = intField(NAME, object, 'tasks', 100, 1, 1_000_000);
    const increments = intField(NAME, object, 'increments', 10, 1, 1_000_000);
    const mode = enumField(NAME, object, 'mode', 'mutex', ['unsafe', 'mutex'] as const);
    return { tasks, increments, mode };
  },
  async run(params: AsyncCounterParams, options?: WorkloadRunOptions): Promise<AsyncCounterResult> {
    throwIfAborted(NAME, options?.signal);
    const valid = asyncCounter.validate(params);
    const state = { counter: 0 };
    const mutex = new AsyncMutex();
    const increment = async (): Promise<void> => {
      const value = state.counter;
      // Any await lets the other tasks run between this read and the write below.
      await Promise.resolve();
      state.counter = value + 1;
    };
    const signal = options?.signal;
    const task = async (): Promise<void> => {
      for (let i = 0; i < valid.increments; i++) {
        // Checked before every increment so an abort stops all tasks within one turn each.
        throwIfAborted(NAME, signal);
        if (valid.mode === 'mutex') await mutex.withLockAsync(increment);
        else await increment();
      }
    };
    const start = now();
    const outcomes = await Promise.allSettled(Array.from({ length: valid.tasks }, task));
    throwIfAborted(NAME, signal);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    const expected = valid.tasks * valid.increments;
    return {
      mode: valid.mode,
      finalValue: state.counter,
      expected,
      lostUpdates: expected - state.counter,
      ms: now() - start,
    };
  },
  verify(result: AsyncCounterResult, params: AsyncCounterParams): Verification {
    const expected = params.tasks * params.increments;
    if (params.mode === 'unsafe') {
      const ok =
        result.expected === expected &&
        result.finalValue >= params.increments &&
        result.finalValue <= expected;
      return {
        ok,
        against: 'invariant',
        detail: `unsafe: ${result.finalValue} of ${expected} (${result.lostUpdates} updates lost; must be in [${params.increments}, ${expected}])`,
      };
    }
    return result.finalValue === expected
      ? {
          ok: true,
          against: 'invariant',
          detail: `mutex: ${expected} of ${expected}, no update lost`,
        }
      : {
          ok: false,
          against: 'invariant',
          detail: `mutex: ${result.finalValue} of ${expected} (${result.lostUpdates} lost)`,
        };
  },
  split(params: AsyncCounterParams, parts: number): AsyncCounterParams[] {
    return splitWhole(NAME, params, parts);
  },
  merge(results: readonly AsyncCounterResult[], _params: AsyncCounterParams): AsyncCounterResult {
    return mergeWhole(NAME, results);
  },
};
