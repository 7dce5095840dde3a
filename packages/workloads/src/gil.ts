// The GIL experiment: T real worker threads doing CPU work or I/O waits, with or without a shared
// InterpreterLock, to show what CPython's GIL does to threads and what Node's threads do without it.
import { InterpreterLock, type InterpreterLockStats } from './interpreter-lock.js';
import { booleanField, enumField, intField, numberField, readObject } from './internal/params.js';
import { mergeWhole, splitWhole } from './internal/indivisible.js';
import { runThreadsTogether, type BarrierHandle } from './internal/threads.js';
import type { InterpreterLockHandle } from './interpreter-lock.js';
import type { Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link gil}.
 *
 * @example
 * ```ts
 * import { gil, type GilParams } from '@weft/workloads';
 * const params: GilParams = gil.validate({ threads: 2, work: 'cpu', locked: true });
 * ```
 */
export interface GilParams {
  /**
   * Worker threads.
   * @defaultValue 2
   */
  readonly threads: number;
  /**
   * What each thread does: `cpu` integrates π over `units` intervals (pi-series); `io` does `units`
   * sequential timer waits of `delayMs`.
   * @defaultValue 'cpu'
   */
  readonly work: 'cpu' | 'io';
  /**
   * Whether the threads share an interpreter lock (the GIL simulation).
   * @defaultValue true
   */
  readonly locked: boolean;
  /**
   * Work per thread: intervals for `cpu`, waits for `io`.
   * @defaultValue 2_000_000
   */
  readonly units: number;
  /**
   * Length of each wait for `io` work (ms).
   * @defaultValue 5
   */
  readonly delayMs: number;
  /**
   * The lock's switch interval (ms), as `sys.setswitchinterval()`.
   * @defaultValue 5
   */
  readonly switchIntervalMs: number;
}

/**
 * Result of {@link gil}. Times are reported, never asserted: they depend on the machine.
 *
 * @example
 * ```ts
 * import { gil, type GilResult } from '@weft/workloads';
 * const result: GilResult = await gil.run(gil.sizes.small);
 * console.log(result.elapsedMs, result.lock?.switches);
 * ```
 */
export interface GilResult {
  /** Threads that ran. */
  readonly threads: number;
  /** Work they did. */
  readonly work: 'cpu' | 'io';
  /** Whether they shared an interpreter lock. */
  readonly locked: boolean;
  /** From the first thread's start to the last thread's end (ms, after the start barrier). */
  readonly elapsedMs: number;
  /** Each thread's own time (ms). */
  readonly threadMs: readonly number[];
  /** Whether every thread's answer verified. */
  readonly allVerified: boolean;
  /** The lock's hold statistics, when `locked`. */
  readonly lock?: InterpreterLockStats;
}

/** What the thread entry receives for this experiment (internal protocol). */
export interface GilThreadInput {
  readonly task: 'gil';
  readonly work: 'cpu' | 'io';
  readonly units: number;
  readonly delayMs: number;
  readonly barrier: BarrierHandle;
  readonly lock?: InterpreterLockHandle;
}

/** What a thread sends back (internal protocol). */
export interface GilThreadOutput {
  readonly start: number;
  readonly end: number;
  readonly verified: boolean;
}

const NAME = 'gil';

/**
 * The interpreter-lock experiment: T worker threads run CPU work (π integration, checking in with the
 * lock) or I/O waits (timers, releasing the lock while waiting), with or without a shared
 * {@link InterpreterLock}. Under the lock, T threads of CPU work take about T times one thread's time
 * while I/O waits still overlap; without it, Node's worker threads scale with the cores. Every
 * thread's answer is verified; times are reported, not checked. Not divisible: `split()` returns one
 * part.
 *
 * @example
 * ```ts
 * import { gil } from '@weft/workloads';
 * const one = await gil.run({ ...gil.sizes.medium, threads: 1 });
 * const two = await gil.run({ ...gil.sizes.medium, threads: 2 });
 * console.log(two.elapsedMs / one.elapsedMs); // ≈ 2 with the lock, ≈ 1 without on 2+ cores
 * ```
 */
export const gil: Workload<GilParams, GilResult> = {
  name: NAME,
  kind: 'cpu',
  description:
    'Threads doing CPU work or I/O waits with or without a simulated interpreter lock (GIL).',
  sizes: {
    small: {
      threads: 2,
      work: 'cpu',
      locked: true,
      units: 2_000_000,
      delayMs: 5,
      switchIntervalMs: 5,
    },
    medium: {
      threads: 2,
      work: 'cpu',
      locked: true,
      units: 50_000_000,
      delayMs: 5,
      switchIntervalMs: 5,
    },
    large: {
      threads: 4,
      work: 'cpu',
      locked: true,
      units: 200_000_000,
      delayMs: 5,
      switchIntervalMs: 5,
    },
  },
  defaults: {
    threads: 2,
    work: 'cpu',
    locked: true,
    units: 2_000_000,
    delayMs: 5,
    switchIntervalMs: 5,
  },
  validate(params?: unknown): GilParams {
    const object = readObject(NAME, params, [
      'threads',
      'work',
      'locked',
      'units',
      'delayMs',
      'switchIntervalMs',
    ]);
    const threads = intField(NAME, object, 'threads', 2, 1, 64);
    const work = enumField(NAME, object, 'work', 'cpu', ['cpu', 'io'] as const);
    const locked = booleanField(NAME, object, 'locked', true);
    const units = intField(NAME, object, 'units', 2_000_000, work === 'cpu' ? 10_000 : 1, 2 ** 40);
    const delayMs = intField(NAME, object, 'delayMs', 5, 0, 60_000);
    const switchIntervalMs = numberField(NAME, object, 'switchIntervalMs', 5, 0, 10_000);
    return { threads, work, locked, units, delayMs, switchIntervalMs };
  },
  async run(params: GilParams, options?: WorkloadRunOptions): Promise<GilResult> {
    const valid = gil.validate(params);
    const lock = valid.locked
      ? new InterpreterLock({ switchIntervalMs: valid.switchIntervalMs })
      : undefined;
    const outputs = await runThreadsTogether<GilThreadOutput>(
      valid.threads,
      (barrier): GilThreadInput => ({
        task: 'gil',
        work: valid.work,
        units: valid.units,
        delayMs: valid.delayMs,
        barrier,
        ...(lock ? { lock: lock.toHandle() } : {}),
      }),
      { workload: NAME, signal: options?.signal },
    );
    const start = Math.min(...outputs.map((o) => o.start));
    const end = Math.max(...outputs.map((o) => o.end));
    return {
      threads: valid.threads,
      work: valid.work,
      locked: valid.locked,
      elapsedMs: end - start,
      threadMs: outputs.map((o) => o.end - o.start),
      allVerified: outputs.every((o) => o.verified),
      ...(lock ? { lock: lock.stats() } : {}),
    };
  },
  verify(result: GilResult, params: GilParams): Verification {
    if (!result.allVerified)
      return { ok: false, against: 'reference', detail: 'a thread computed a wrong answer' };
    if (result.threadMs.length !== params.threads) {
      return {
        ok: false,
        against: 'invariant',
        detail: `${result.threadMs.length} threads reported, expected ${params.threads}`,
      };
    }
    if (params.locked) {
      const stats = result.lock;
      const ok =
        stats !== undefined && stats.acquisitions >= params.threads && stats.holder === undefined;
      return {
        ok,
        against: 'invariant',
        detail: ok
          ? `every thread verified; lock taken ${stats.acquisitions} times, ${stats.switches} forced switches, ${stats.ioReleases} I/O releases`
          : 'the lock was not taken by every thread, or is still held',
      };
    }
    return { ok: true, against: 'reference', detail: 'every thread verified' };
  },
  split(params: GilParams, parts: number): GilParams[] {
    return splitWhole(NAME, params, parts);
  },
  merge(results: readonly GilResult[], _params: GilParams): GilResult {
    return mergeWhole(NAME, results);
  },
};
