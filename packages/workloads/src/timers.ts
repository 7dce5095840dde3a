// Waiting workload: timers standing for waits on a person or a remote system.
import { WorkloadAbortedError } from './errors.js';
import { addChecksum } from './internal/bytes.js';
import { forEachConcurrent, runIo } from './internal/io.js';
import { mergeIo, verifyIo } from './internal/io-merge.js';
import { intField, rangeField, readObject, splitByRange, withRange } from './internal/params.js';
import type { IoResult } from './io-result.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link timers}.
 *
 * @example
 * ```ts
 * import { timers, type TimersParams } from '@weft/workloads';
 * const params: TimersParams = timers.validate({ waits: 100, delayMs: 20, concurrency: 10 });
 * ```
 */
export interface TimersParams {
  /**
   * How many waits.
   * @defaultValue 20
   */
  readonly waits: number;
  /**
   * Length of each wait (ms).
   * @defaultValue 5
   */
  readonly delayMs: number;
  /**
   * Waits in progress at once.
   * @defaultValue 10
   */
  readonly concurrency: number;
  /** The wait indices this part does (set by `split()`). @defaultValue all waits */
  readonly range?: PartRange;
}

const NAME = 'timers';

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new WorkloadAbortedError(NAME, { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new WorkloadAbortedError(NAME, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function expected(range: PartRange): IoResult {
  let checksum = 0;
  for (let i = range.start; i < range.end; i++) checksum = addChecksum(checksum, i + 1);
  return { range, items: range.end - range.start, bytes: 0, checksum };
}

/**
 * Timed waits standing for waits on a person or a remote system (`setTimeout`, so fake timers
 * control it), with bounded concurrency; split by ranges of wait indices. Demonstrates pure waiting:
 * total time ≈ ⌈waits / concurrency⌉ × delay on one event loop, whatever the CPU count.
 *
 * @example
 * ```ts
 * import { timers } from '@weft/workloads';
 * const params = timers.validate({ waits: 20, delayMs: 10, concurrency: 10 }); // ≈ 20 ms
 * console.log(timers.verify(await timers.run(params), params).ok); // true
 * ```
 */
export const timers: Workload<TimersParams, IoResult> = {
  name: NAME,
  kind: 'io',
  description:
    'Timed waits standing for waits on a person or remote system, with bounded concurrency.',
  sizes: {
    small: { waits: 20, delayMs: 5, concurrency: 10 },
    medium: { waits: 200, delayMs: 50, concurrency: 50 },
    large: { waits: 2000, delayMs: 100, concurrency: 100 },
  },
  defaults: { waits: 20, delayMs: 5, concurrency: 10 },
  validate(params?: unknown): TimersParams {
    const object = readObject(NAME, params, ['waits', 'delayMs', 'concurrency', 'range']);
    const waits = intField(NAME, object, 'waits', 20, 1, 10_000_000);
    const delayMs = intField(NAME, object, 'delayMs', 5, 0, 3_600_000);
    const concurrency = intField(NAME, object, 'concurrency', 10, 1, 100_000);
    return withRange({ waits, delayMs, concurrency }, rangeField(NAME, object, waits));
  },
  run(params: TimersParams, options?: WorkloadRunOptions): Promise<IoResult> {
    return runIo(NAME, options, async (io) => {
      const valid = timers.validate(params);
      const range = valid.range ?? { start: 0, end: valid.waits };
      const signal = options?.signal;
      let checksum = 0;
      await forEachConcurrent(range.start, range.end, valid.concurrency, signal, async (index) => {
        await io(() => sleep(valid.delayMs, signal));
        checksum = addChecksum(checksum, index + 1);
      });
      return { range, items: range.end - range.start, bytes: 0, checksum };
    });
  },
  verify(result: IoResult, params: TimersParams): Verification {
    const whole = { start: 0, end: params.waits };
    return verifyIo(result, expected(whole), whole);
  },
  split(params: TimersParams, parts: number): TimersParams[] {
    return splitByRange(NAME, params, params.waits, parts);
  },
  merge(results: readonly IoResult[], params: TimersParams): IoResult {
    return mergeIo(NAME, results, params.waits);
  },
};
