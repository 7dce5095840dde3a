// The packages wired together as the playground wires them: every workload split over real thread
// and process pools gives its checked answer, and a real Pool is a core-scheduler Executor.
import { InlineExecutor, Scheduler, type Executor } from '@weft/core-scheduler';
import { Pool, type WorkerKind } from '@weft/process-pool';
import { getWorkload, piDigits, runSplit, runWorkload, workloadNames } from '@weft/workloads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');

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
    '%s: split in 2 parts, merged answer verified',
    async (name: string) => {
      const workload = getWorkload(name);
      const run = await runSplit(workload, workload.sizes.small, { parts: 2, executor: pool });
      expect(run.verification.ok, run.verification.detail).toBe(true);
    },
  );
});

describe('a real Pool as the scheduler’s CPU executor', () => {
  it('runs tasks routed to cpu on the pool’s workers and inline tasks on the event loop', async () => {
    await using pool = new Pool({ module: WORKLOADS_MODULE, kind: 'thread', maxWorkers: 2 });
    // The structural fit the scheduler relies on: no import of process-pool in core-scheduler.
    const executor: Executor = pool;
    const scheduler = new Scheduler({
      cpu: { executor, concurrency: 2 },
      io: { executor: new InlineExecutor({ concurrency: 4 }) },
    });
    const params = piDigits.validate({ digits: 200 });
    const [onPool, inline] = await Promise.all([
      scheduler.schedule({ fn: runWorkload, args: ['pi-digits', params], kind: 'cpu' }),
      scheduler.schedule({ fn: runWorkload, args: ['pi-digits', params], kind: 'io' }),
    ]);
    expect(onPool).toEqual(inline);
    expect(piDigits.verify(onPool as never, params).ok).toBe(true);
    expect(pool.stats().completed).toBe(1);
    await scheduler.close();
  });
});
