// The packages wired together as the playground wires them: a real Pool is a core-scheduler
// Executor. (Every workload on real pools is in workloads-part-counts.test.ts.)
import { InlineExecutor, Scheduler, type Executor } from '@weft/core-scheduler';
import { Pool } from '@weft/process-pool';
import { piDigits, runWorkload } from '@weft/workloads';
import { describe, expect, it } from 'vitest';

const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');

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
