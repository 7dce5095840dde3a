// Every workload of @weft/workloads cut into 1, 3 and 5 parts on a real thread pool and a real
// process pool (@weft/process-pool, the package itself as the task module): each part count merges
// to the same verified answer, and every part really ran on the pool.
import { threadId } from 'node:worker_threads';
import { Pool, type WorkerKind } from '@weft/process-pool';
import {
  fannkuch,
  getWorkload,
  isolation,
  isolationCounter,
  runSplit,
  workloadNames,
  WorkloadAbortedError,
  type Workload,
  type WorkloadName,
} from '@weft/workloads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');
const PART_COUNTS = [1, 3, 5] as const;

/**
 * Resolves once `condition()` holds, re-checking every event-loop turn (no timers, no sleeps). It
 * waits on the state, not on a count of turns (a loaded machine takes more turns); the test's
 * timeout bounds it.
 */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}

// Results that must be identical, not only verified, for every part count. pi-series sums floats
// (its last bits depend on the split; verify() checks it to 1e-9), isolation reports where each
// task ran, and the race and GIL workloads report times.
const SAME_FOR_ANY_SPLIT: ReadonlySet<WorkloadName> = new Set<WorkloadName>([
  'pi-digits',
  'n-body',
  'spectral-norm',
  'fannkuch',
  'mandelbrot',
  'sha256-chain',
  'http',
  'disk',
  'timers',
]);

describe.each<WorkerKind>(['thread', 'process'])('every workload on a %s pool', (kind) => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ module: WORKLOADS_MODULE, kind, maxWorkers: 2 });
  });
  afterAll(async () => {
    await pool.terminate();
    expect(pool.stats().workers).toBe(0);
  });

  it.each([...workloadNames])(
    '%s: 1, 3 and 5 parts merge to the same verified answer',
    async (name: WorkloadName) => {
      const workload: Workload<unknown, unknown> = getWorkload(name);
      const params = workload.validate(workload.sizes.small);
      const results: unknown[] = [];
      const ran: number[] = [];
      for (const parts of PART_COUNTS) {
        const expectedParts = workload.split(params, parts).length;
        const completedBefore = pool.stats().completed;
        const run = await runSplit(workload, params, { parts, executor: pool });
        expect(run.verification.ok, `${parts} parts: ${run.verification.detail}`).toBe(true);
        expect(run.parts).toBe(expectedParts);
        // Every part went through the pool, none ran inline.
        expect(pool.stats().completed - completedBefore).toBe(expectedParts);
        results.push(run.result);
        ran.push(run.parts);
      }
      // Divisible jobs were really cut (n-body and spectral-norm have 4 runs at the small size);
      // the race and GIL experiments are one indivisible part.
      const indivisible = ['shared-counter', 'async-counter', 'gil'].includes(name);
      if (indivisible) expect(ran).toEqual([1, 1, 1]);
      else {
        expect(ran.slice(0, 2)).toEqual([1, 3]);
        expect(ran[2]).toBeGreaterThanOrEqual(4);
      }
      if (SAME_FOR_ANY_SPLIT.has(name)) {
        expect(results[1], '3 parts vs 1').toEqual(results[0]);
        expect(results[2], '5 parts vs 1').toEqual(results[0]);
      }
    },
  );

  it('isolation: 5 parts count in the workers’ own copies; this thread’s copy stays 100', async () => {
    const params = isolation.validate({ tasks: 10, increments: 3 });
    const { result, verification } = await runSplit(isolation, params, {
      parts: 5,
      executor: pool,
    });
    expect(verification.ok, verification.detail).toBe(true);
    expect(result.reports).toHaveLength(10);
    for (const report of result.reports) {
      expect(report.values).toHaveLength(3);
      if (kind === 'thread') {
        expect(report.pid).toBe(process.pid);
        expect(report.threadId).not.toBe(threadId);
      } else {
        expect(report.pid).not.toBe(process.pid);
      }
    }
    // This file never runs isolation inline, so the main copy has never moved from 100.
    expect(isolationCounter()).toBe(100);
    expect(result.observer).toMatchObject({ value: 100, ownIncrements: 0 });
  });

  it('an aborted split rejects with WorkloadAbortedError (reason as cause) and the pool runs on', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const run = runSplit(
      fannkuch,
      { n: 10 },
      { parts: 3, executor: pool, signal: controller.signal },
    );
    await until(() => pool.stats().inFlight > 0);
    controller.abort(reason);
    const error: unknown = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkloadAbortedError);
    expect(error).toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED', cause: reason });
    const again = await runSplit(fannkuch, fannkuch.sizes.small, { parts: 3, executor: pool });
    expect(again.verification.ok, again.verification.detail).toBe(true);
  });
});
