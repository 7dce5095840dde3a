// Integration with @weft/workloads (a real pool task module) on a real thread pool: split CPU work
// goes to the workers through the scheduler, and 'auto' tells a CPU workload from an I/O one.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Scheduler, type Executor } from '@weft/core-scheduler';

const poolEntry = fileURLToPath(new URL('../../process-pool/dist/index.js', import.meta.url));
const workloadsEntry = fileURLToPath(new URL('../../workloads/dist/index.js', import.meta.url));
const ready = existsSync(poolEntry) && existsSync(workloadsEntry);

interface PoolLike extends Executor {
  terminate(): Promise<void>;
}
interface WorkloadLike<P> {
  readonly sizes: { readonly small: P };
  split(params: P, parts: number): P[];
  merge(results: readonly unknown[], params: P): unknown;
  verify(result: unknown, params: P): { readonly ok: boolean; readonly detail: string };
}
interface WorkloadsModule {
  readonly mandelbrot: WorkloadLike<object>;
  readonly timers: WorkloadLike<object>;
  readonly runWorkload: (name: string, params: unknown) => Promise<unknown>;
}

let Pool: new (options: { module: string; kind: 'thread'; maxWorkers: number }) => PoolLike;
let workloads: WorkloadsModule;

beforeAll(async () => {
  // Fail, never skip: a suite that silently skips proves nothing about the real pool.
  if (!ready)
    throw new Error(
      '@weft/process-pool or @weft/workloads is not built: run pnpm --filter @weft/process-pool --filter @weft/workloads build',
    );
  // Specifiers typed as string: these suites need the packages at run time only.
  const poolSpecifier: string = '@weft/process-pool';
  const workloadsSpecifier: string = '@weft/workloads';
  ({ Pool } = (await import(poolSpecifier)) as { Pool: typeof Pool });
  workloads = (await import(workloadsSpecifier)) as WorkloadsModule;
});

describe('Scheduler with @weft/workloads on a thread pool', () => {
  let pool: PoolLike | undefined;

  afterEach(async () => {
    await pool?.terminate();
    pool = undefined;
  });

  function makePool(): PoolLike {
    pool = new Pool({
      module: import.meta.resolve('@weft/workloads'),
      kind: 'thread',
      maxWorkers: 2,
    });
    return pool;
  }

  it('runs a split mandelbrot on the workers and the merged image verifies', async () => {
    const { mandelbrot, runWorkload } = workloads;
    const scheduler = new Scheduler({ cpu: makePool() });
    const params = mandelbrot.sizes.small;
    const parts = mandelbrot.split(params, 4);
    const results = await scheduler.all(
      parts.map((part) => ({
        fn: runWorkload,
        args: ['mandelbrot', part] as [string, unknown],
        kind: 'cpu' as const,
        name: 'mandelbrot',
      })),
    );
    const verification = mandelbrot.verify(mandelbrot.merge(results, params), params);
    expect(verification.ok, verification.detail).toBe(true);
    await scheduler.close();
  });

  it("'auto' learns mandelbrot is CPU-bound and timers is I/O-bound, by task name", async () => {
    const { mandelbrot, timers, runWorkload } = workloads;
    const scheduler = new Scheduler({
      cpu: makePool(),
      defaultKind: 'auto',
      auto: { minSamples: 2, minCpuMs: 1, threshold: 0.1 },
    });
    const parts = mandelbrot.split(mandelbrot.sizes.small, 4);
    // Waits long enough (about 50 ms a run) that the few milliseconds of CPU its synchronous
    // start costs on a loaded machine stay far below the threshold.
    const waits = { ...timers.sizes.small, delayMs: 25 };
    for (const part of parts) {
      await scheduler.schedule({ fn: runWorkload, args: ['mandelbrot', part], name: 'mandelbrot' });
      await scheduler.schedule({
        fn: runWorkload,
        args: ['timers', waits],
        name: 'timers',
      });
    }
    expect(scheduler.explain('mandelbrot')).toMatchObject({ executor: 'cpu', samples: 4 });
    expect(scheduler.explain('timers')).toMatchObject({ executor: 'io', samples: 4 });
    await scheduler.close();
  });
});
