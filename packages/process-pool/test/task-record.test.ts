// The task record's state table (src/internal/task-record.ts), checked as a unit and then move by
// move through real pools of both kinds: every transition a task can take, including the ones
// crash recovery takes.
import { describe, expect, it } from 'vitest';
import { TaskAbortedError, TaskCancelledError, WorkerExitedError } from '@weft/process-pool';
import {
  TASK_EVENTS,
  TASK_STATES,
  TaskRecord,
  taskMove,
  type TaskEvent,
  type TaskState,
} from '../src/internal/task-record.js';
import { itOn, kinds, makePool, next, tasks } from './helpers.js';

// The table as the README states it; every pair not listed must be refused.
const expected: Record<TaskState, Partial<Record<TaskEvent, TaskState>>> = {
  queued: { assign: 'sent', cancel: 'cancelled', settle: 'settled' },
  sent: { start: 'running', revoke: 'queued', requeue: 'queued', settle: 'settled' },
  running: { requeue: 'queued', settle: 'settled' },
  settled: {},
  cancelled: {},
};

/** One event-loop turn (no timer): lets the pool's queued dispatch run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Record `task:*` events as `event#taskId@workerId` strings, in order. */
function journal(pool: ReturnType<typeof makePool>): string[] {
  const log: string[] = [];
  pool.on('task:queued', (p) => log.push(`queued#${p.taskId}`));
  pool.on('task:started', (p) => log.push(`started#${p.taskId}@${p.workerId}`));
  pool.on('task:settled', (p) => log.push(`settled#${p.taskId}:${p.status}`));
  return log;
}

describe('task record', () => {
  describe('taskMove() (the state table)', () => {
    for (const state of TASK_STATES) {
      for (const event of TASK_EVENTS) {
        const to = expected[state][event];
        it(`${state} --${event}--> ${to ?? '(refused)'}`, () => {
          expect(taskMove(state, event)).toBe(to);
        });
      }
    }

    it('settled and cancelled are final', () => {
      for (const event of TASK_EVENTS) {
        expect(taskMove('settled', event)).toBeUndefined();
        expect(taskMove('cancelled', event)).toBeUndefined();
      }
    });
  });

  describe('TaskRecord.move()', () => {
    it('moves on allowed events and stays put on refused ones', () => {
      const task = new TaskRecord(1, 0, 'add', [1, 2], 0, undefined, 0);
      expect(task.state).toBe('queued');
      expect(task.move('start')).toBe(false);
      expect(task.state).toBe('queued');
      expect(task.move('assign')).toBe(true);
      expect(task.isOut()).toBe(true);
      expect(task.move('cancel')).toBe(false);
      expect(task.move('start')).toBe(true);
      expect(task.state).toBe('running');
      expect(task.move('requeue')).toBe(true);
      expect(task.state).toBe('queued');
      expect(task.move('assign')).toBe(true);
      expect(task.move('settle')).toBe(true);
      expect(task.isFinal()).toBe(true);
      // A second outcome is refused: this is what keeps a task from settling twice.
      expect(task.move('settle')).toBe(false);
    });
  });
});

describe.each(kinds)('task states through a real pool (%s workers)', (kind) => {
  /**
   * A pool of one worker that may hold two tasks, kept busy by a task that runs until aborted:
   * the next task submitted waits on that worker, sent but not started.
   */
  async function busyPool(): Promise<{
    pool: ReturnType<typeof makePool>;
    log: string[];
    release: () => Promise<void>;
  }> {
    const pool = makePool(kind, { maxWorkers: 1, prefetch: 2 });
    const log = journal(pool);
    const controller = new AbortController();
    const started = next(pool, 'task:started');
    const blocker = pool.submitWith(tasks.waitForAbort, [], { signal: controller.signal });
    await started;
    return {
      pool,
      log,
      release: async () => {
        controller.abort();
        await expect(blocker).rejects.toBeInstanceOf(TaskAbortedError);
      },
    };
  }

  it('queued --assign--> sent --start--> running --settle--> settled', async () => {
    const { pool, log, release } = await busyPool();
    const task = pool.submit(tasks.add, 2, 3);
    // queued: nothing has it yet.
    expect(pool.stats().queued).toBe(1);
    await turn();
    // sent: the worker holds it, so it can no longer be cancelled, and it is not running.
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 2 });
    expect(task.cancel()).toBe(false);
    expect(task.running()).toBe(false);
    expect(task.done()).toBe(false);
    const started = next(pool, 'task:started');
    await release();
    const { taskId, workerId } = await started;
    await expect(task).resolves.toBe(5);
    expect(task.done()).toBe(true);
    expect(log.filter((line) => line.startsWith(`queued#${taskId}`))).toHaveLength(1);
    expect(log.indexOf(`started#${taskId}@${workerId}`)).toBeLessThan(
      log.indexOf(`settled#${taskId}:fulfilled`),
    );
  });

  it('queued --cancel--> cancelled: Future.cancel() while queued; it never starts', async () => {
    const { pool, log, release } = await busyPool();
    // A second task fills the worker (it holds two): the next one stays queued.
    const held = pool.submit(tasks.add, 0, 0);
    const queued = next(pool, 'task:queued');
    const task = pool.submit(tasks.add, 1, 1);
    const id = (await queued).taskId;
    expect(pool.stats().queued).toBe(1);
    expect(task.cancel()).toBe(true);
    expect(task.cancelled()).toBe(true);
    expect(task.done()).toBe(true);
    await expect(task).rejects.toBeInstanceOf(TaskCancelledError);
    // Cancelling again is still true; the settled event was rejected, and no start followed.
    expect(task.cancel()).toBe(true);
    await release();
    await expect(held).resolves.toBe(0);
    expect(log).toContain(`settled#${id}:rejected`);
    expect(log.some((line) => line.startsWith(`started#${id}@`))).toBe(false);
  });

  it('queued --settle--> settled: aborted while queued; it never starts', async () => {
    const { pool, log, release } = await busyPool();
    const controller = new AbortController();
    // A third task cannot go on the worker (it holds two): it stays queued.
    const held = pool.submit(tasks.add, 0, 0);
    const queued = next(pool, 'task:queued');
    const task = pool.submitWith(tasks.add, [1, 1], { signal: controller.signal });
    const id = (await queued).taskId;
    await turn();
    expect(pool.stats().queued).toBe(1);
    controller.abort();
    await expect(task).rejects.toBeInstanceOf(TaskAbortedError);
    expect(pool.stats().queued).toBe(0);
    await release();
    await expect(held).resolves.toBe(0);
    expect(log).toContain(`settled#${id}:rejected`);
    expect(log.some((line) => line.startsWith(`started#${id}@`))).toBe(false);
  });

  it('sent --settle--> settled: aborted while its worker holds it; the worker skips it', async () => {
    const { pool, log, release } = await busyPool();
    const controller = new AbortController();
    const queued = next(pool, 'task:queued');
    const task = pool.submitWith(tasks.add, [1, 1], { signal: controller.signal });
    const id = (await queued).taskId;
    await turn();
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 2 });
    controller.abort();
    await expect(task).rejects.toBeInstanceOf(TaskAbortedError);
    await release();
    // The worker lives on and takes new work; the aborted task was never started.
    await expect(pool.apply(tasks.add, [2, 2])).resolves.toBe(4);
    expect(log.some((line) => line.startsWith(`started#${id}@`))).toBe(false);
    expect(log.filter((line) => line === `settled#${id}:rejected`)).toHaveLength(1);
  });

  it('running --settle--> settled, and sent --requeue--> queued: its worker dies (crash recovery)', async () => {
    // One worker holds both: the first exits the worker, the second had not started.
    const pool = makePool(kind, { maxWorkers: 1, prefetch: 2 });
    await pool.apply(tasks.noop, []);
    const log = journal(pool);
    const dying = pool.apply(tasks.exit, [3]);
    const behind = pool.apply(tasks.add, [4, 5]);
    await expect(dying).rejects.toBeInstanceOf(WorkerExitedError);
    await expect(behind).resolves.toBe(9);
    const [dyingId, behindId] = log
      .filter((line) => line.startsWith('queued#'))
      .map((line) => Number(line.slice('queued#'.length)));
    const startsOf = (id: number): string[] =>
      log.filter((line) => line.startsWith(`started#${id}@`));
    // The dying task ran once (at most once: it is not run again) and settled rejected.
    expect(startsOf(dyingId!)).toHaveLength(1);
    expect(log).toContain(`settled#${dyingId}:rejected`);
    // The task behind it went back to the queue and ran once, on the replacement worker.
    const behindStarts = startsOf(behindId!);
    expect(behindStarts).toHaveLength(1);
    expect(behindStarts[0]).not.toBe(`started#${behindId}@${startsOf(dyingId!)[0]!.split('@')[1]}`);
    expect(log.filter((line) => line === `queued#${behindId}`)).toHaveLength(1);
  });
  it('sent --requeue--> queued for each task prefetched behind a crash: each runs once, in order, on the new worker', async () => {
    const pool = makePool(kind, { maxWorkers: 1, prefetch: 3 });
    await pool.apply(tasks.noop, []);
    const log = journal(pool);
    const dying = pool.apply(tasks.exit, [3]);
    const behind = [pool.apply(tasks.whoami, []), pool.apply(tasks.whoami, [])];
    await expect(dying).rejects.toBeInstanceOf(WorkerExitedError);
    const [first, second] = await Promise.all(behind);
    const ids = log
      .filter((line) => line.startsWith('queued#'))
      .map((line) => Number(line.slice('queued#'.length)));
    expect(ids).toHaveLength(3);
    const starts = log.filter((line) => line.startsWith('started#'));
    const dyingWorker = starts.find((line) => line.startsWith(`started#${ids[0]}@`))!.split('@')[1];
    // Each task behind started exactly once, after the crash, on the replacement, in submit order.
    const behindStarts = starts.filter((line) => !line.startsWith(`started#${ids[0]}@`));
    expect(behindStarts).toEqual([
      `started#${ids[1]}@${first!.workerId}`,
      `started#${ids[2]}@${second!.workerId}`,
    ]);
    expect(String(first!.workerId)).not.toBe(dyingWorker);
    expect(first!.workerId).toBe(second!.workerId);
    expect(log.filter((line) => line.startsWith('settled#'))).toEqual([
      `settled#${ids[0]}:rejected`,
      `settled#${ids[1]}:fulfilled`,
      `settled#${ids[2]}:fulfilled`,
    ]);
  });

  itOn('process', kind)(
    'running --requeue--> queued: counted as running on an idle worker that died before reading it; it runs once elsewhere',
    async () => {
      const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
      const { workerId, pid } = await pool.apply(tasks.whoami, []);
      // Stopped, the idle worker cannot read what it is sent (nor record a start).
      process.kill(pid, 'SIGSTOP');
      const log = journal(pool);
      const started = next(pool, 'task:started');
      const task = pool.submit(tasks.whoami);
      // First in line on a ready worker: the pool counts it as running as it sends it.
      expect((await started).workerId).toBe(workerId);
      expect(task.running()).toBe(true);
      process.kill(pid, 'SIGKILL');
      const result = await task;
      expect(result.workerId).not.toBe(workerId);
      // Its worker's start record shows it never began: back to the queue, then started again
      // (the start on the replacement is a real move: running --requeue--> queued --assign--> sent
      // --start--> running), and it settles once.
      const id = Number(log[0]!.slice('queued#'.length));
      expect(log.filter((line) => line.startsWith(`started#${id}@`))).toEqual([
        `started#${id}@${workerId}`,
        `started#${id}@${result.workerId}`,
      ]);
      expect(log.filter((line) => line.startsWith(`settled#${id}:`))).toEqual([
        `settled#${id}:fulfilled`,
      ]);
    },
  );
});
