// Shared-counter race: T real worker threads × M increments of one Int32 in a SharedArrayBuffer,
// all released together by a Barrier, in four modes (unsafe, atomic, mutex-scoped, mutex-manual).
import { Mutex } from '@weft/sync-primitives';
import { enumField, intField, readObject } from './internal/params.js';
import { mergeWhole, splitWhole } from './internal/indivisible.js';
import { runThreadsTogether, type BarrierHandle } from './internal/threads.js';
import type { Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * How the threads increment the shared counter.
 * - `unsafe`: `Atomics.load` then `Atomics.store(v + 1)`: a read-modify-write with a real race window
 *   (atomic loads and stores keep the JIT from folding the loop, but not the race).
 * - `atomic`: `Atomics.add`.
 * - `mutex-scoped`: `using guard = mutex.lock()` around the read-modify-write.
 * - `mutex-manual`: `mutex.acquire()` / `try … finally mutex.release()`.
 *
 * @example
 * ```ts
 * import type { CounterMode } from '@weft/workloads';
 * const mode: CounterMode = 'mutex-scoped';
 * ```
 */
export type CounterMode = 'unsafe' | 'atomic' | 'mutex-scoped' | 'mutex-manual';

/**
 * Params of {@link sharedCounter}.
 *
 * @example
 * ```ts
 * import { sharedCounter, type SharedCounterParams } from '@weft/workloads';
 * const params: SharedCounterParams = sharedCounter.validate({ threads: 2, increments: 100_000, mode: 'unsafe' });
 * ```
 */
export interface SharedCounterParams {
  /**
   * Worker threads incrementing the counter.
   * @defaultValue 2
   */
  readonly threads: number;
  /**
   * Increments per thread.
   * @defaultValue 10_000
   */
  readonly increments: number;
  /**
   * How each increment is done.
   * @defaultValue 'atomic'
   */
  readonly mode: CounterMode;
}

/**
 * Result of {@link sharedCounter}.
 *
 * @example
 * ```ts
 * import { sharedCounter, type SharedCounterResult } from '@weft/workloads';
 * const result: SharedCounterResult = await sharedCounter.run({ threads: 2, increments: 100_000, mode: 'unsafe' });
 * console.log(`${result.lostUpdates} updates lost`);
 * ```
 */
export interface SharedCounterResult {
  /** The mode that ran. */
  readonly mode: CounterMode;
  /** Threads that ran. */
  readonly threads: number;
  /** The counter's final value. */
  readonly finalValue: number;
  /** threads × increments. */
  readonly expected: number;
  /** expected − finalValue. */
  readonly lostUpdates: number;
  /** The slowest thread's time from the barrier to its last increment (ms). */
  readonly ms: number;
}

/** What the thread entry receives for this race (internal protocol). */
export interface SharedCounterThreadInput {
  readonly task: 'shared-counter';
  readonly mode: CounterMode;
  readonly increments: number;
  readonly counter: SharedArrayBuffer;
  readonly barrier: BarrierHandle;
  readonly mutex: ReturnType<Mutex['toHandle']>;
}

const NAME = 'shared-counter';
const MODES: readonly CounterMode[] = ['unsafe', 'atomic', 'mutex-scoped', 'mutex-manual'];

/**
 * The classic race: T worker threads × M increments of one Int32 in a SharedArrayBuffer, started
 * together at a Barrier, `unsafe` vs `atomic` vs `mutex-scoped` vs `mutex-manual`. Reports the final
 * value, the expected value and the lost updates; the safe modes must lose none, `unsafe` may (on two
 * or more cores it usually does at the medium size; on one core it may not). Not divisible: `split()`
 * returns the whole job as one part.
 *
 * @example
 * ```ts
 * import { sharedCounter } from '@weft/workloads';
 * for (const mode of ['unsafe', 'atomic', 'mutex-scoped', 'mutex-manual'] as const) {
 *   const result = await sharedCounter.run({ threads: 2, increments: 1_000_000, mode });
 *   console.log(mode, result.finalValue, result.expected, result.lostUpdates);
 * }
 * ```
 */
export const sharedCounter: Workload<SharedCounterParams, SharedCounterResult> = {
  name: NAME,
  kind: 'race',
  description:
    'T worker threads increment one shared Int32: unsafe vs atomic vs mutex; lost updates counted.',
  sizes: {
    small: { threads: 2, increments: 10_000, mode: 'atomic' },
    medium: { threads: 2, increments: 1_000_000, mode: 'atomic' },
    large: { threads: 4, increments: 10_000_000, mode: 'atomic' },
  },
  defaults: { threads: 2, increments: 10_000, mode: 'atomic' },
  validate(params?: unknown): SharedCounterParams {
    const object = readObject(NAME, params, ['threads', 'increments', 'mode']);
    const threads = intField(NAME, object, 'threads', 2, 1, 64);
    const increments = intField(
      NAME,
      object,
      'increments',
      10_000,
      1,
      Math.floor(2 ** 31 / 64) - 1,
    );
    const mode = enumField(NAME, object, 'mode', 'atomic', MODES);
    return { threads, increments, mode };
  },
  async run(
    params: SharedCounterParams,
    options?: WorkloadRunOptions,
  ): Promise<SharedCounterResult> {
    const valid = sharedCounter.validate(params);
    const counter = new SharedArrayBuffer(4);
    const mutex = new Mutex();
    const times = await runThreadsTogether<number>(
      valid.threads,
      (barrier): SharedCounterThreadInput => ({
        task: 'shared-counter',
        mode: valid.mode,
        increments: valid.increments,
        counter,
        barrier,
        mutex: mutex.toHandle(),
      }),
      { workload: NAME, signal: options?.signal },
    );
    const finalValue = Atomics.load(new Int32Array(counter), 0);
    const expected = valid.threads * valid.increments;
    return {
      mode: valid.mode,
      threads: valid.threads,
      finalValue,
      expected,
      lostUpdates: expected - finalValue,
      ms: Math.max(...times),
    };
  },
  verify(result: SharedCounterResult, params: SharedCounterParams): Verification {
    const expected = params.threads * params.increments;
    if (result.expected !== expected) {
      return {
        ok: false,
        against: 'invariant',
        detail: `expected ${expected}, result says ${result.expected}`,
      };
    }
    if (params.mode === 'unsafe') {
      const ok = result.finalValue >= 1 && result.finalValue <= expected;
      return {
        ok,
        against: 'invariant',
        detail: `unsafe: ${result.finalValue} of ${expected} (${result.lostUpdates} updates lost; must be in [1, ${expected}])`,
      };
    }
    return result.finalValue === expected
      ? {
          ok: true,
          against: 'invariant',
          detail: `${params.mode}: ${expected} of ${expected}, no update lost`,
        }
      : {
          ok: false,
          against: 'invariant',
          detail: `${params.mode}: ${result.finalValue} of ${expected} (${result.lostUpdates} lost)`,
        };
  },
  split(params: SharedCounterParams, parts: number): SharedCounterParams[] {
    return splitWhole(NAME, params, parts);
  },
  merge(
    results: readonly SharedCounterResult[],
    _params: SharedCounterParams,
  ): SharedCounterResult {
    return mergeWhole(NAME, results);
  },
};
