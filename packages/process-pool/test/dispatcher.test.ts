// The dispatcher's rule (src/internal/dispatcher.ts) seen from outside: batching and prefetch must
// not starve a task. Everything is asserted by event order, never by time; the long tasks run
// until the test aborts them.
import { describe, expect, it } from 'vitest';
import { TaskAbortedError } from '@weft/process-pool';
import { kinds, makePool, next, tasks } from './helpers.js';

describe.each(kinds)('dispatcher (%s workers)', (kind) => {
  /** `task:started` and `task:settled` as `started#id@worker` / `settled#id`, in order. */
  function journal(pool: ReturnType<typeof makePool>): string[] {
    const log: string[] = [];
    pool.on('task:started', (p) => log.push(`started#${p.taskId}@${p.workerId}`));
    pool.on('task:settled', (p) => log.push(`settled#${p.taskId}`));
    return log;
  }

  /** Submit through `submit` and learn the task id from its `task:queued` event. */
  async function submitted(
    pool: ReturnType<typeof makePool>,
    submit: () => Promise<unknown>,
  ): Promise<{ id: number; outcome: Promise<unknown> }> {
    const queued = next(pool, 'task:queued');
    const outcome = submit().catch((error: unknown) => error);
    return { id: (await queued).taskId, outcome };
  }

  it('a task queued behind a long batch starts on the first worker that frees, before the batch ends', async () => {
    // Two workers, three tasks each at most: each gets a long task with two behind it.
    const pool = makePool(kind, { maxWorkers: 2, minWorkers: 2, prefetch: 3 });
    await pool.ready();
    await pool.apply(tasks.noop, []);
    const log = journal(pool);
    const longA = new AbortController();
    const longB = new AbortController();
    const batch = [
      await submitted(pool, () => pool.apply(tasks.waitForAbort, [], { signal: longA.signal })),
      await submitted(pool, () => pool.apply(tasks.waitForAbort, [], { signal: longB.signal })),
    ];
    for (let i = 0; i < 4; i++)
      batch.push(await submitted(pool, () => pool.apply(tasks.add, [i, 1])));
    // Both workers hold their limit: the next task waits in the pool's queue, on no worker.
    const late = await submitted(pool, () => pool.apply(tasks.add, [40, 2]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats()).toMatchObject({ queued: 1, inFlight: 6 });
    // Free one worker: it runs what it holds, then the late task, while the other stays blocked.
    longB.abort();
    expect(await late.outcome).toBe(42);
    const lateStart = log.find((line) => line.startsWith(`started#${late.id}@`))!;
    const longAStart = log.find((line) => line.startsWith(`started#${batch[0]!.id}@`))!;
    expect(lateStart.split('@')[1]).not.toBe(longAStart.split('@')[1]);
    expect(log).not.toContain(`settled#${batch[0]!.id}`);
    longA.abort();
    expect(await batch[0]!.outcome).toBeInstanceOf(TaskAbortedError);
    const results = await Promise.all(batch.slice(2).map((t) => t.outcome));
    expect(results).toEqual([1, 2, 3, 4]);
  });

  it('a task goes to an idle worker, never behind a running one that still has room', async () => {
    const pool = makePool(kind, { maxWorkers: 2, minWorkers: 2, prefetch: 8 });
    await pool.ready();
    const log = journal(pool);
    const long = new AbortController();
    const started = next(pool, 'task:started');
    const blocker = await submitted(pool, () =>
      pool.apply(tasks.waitForAbort, [], { signal: long.signal }),
    );
    await started;
    const task = await submitted(pool, () => pool.apply(tasks.add, [1, 2]));
    expect(await task.outcome).toBe(3);
    const workerOf = (id: number): string =>
      log.find((line) => line.startsWith(`started#${id}@`))!.split('@')[1]!;
    expect(workerOf(task.id)).not.toBe(workerOf(blocker.id));
    expect(log).not.toContain(`settled#${blocker.id}`);
    long.abort();
    expect(await blocker.outcome).toBeInstanceOf(TaskAbortedError);
  });
});
