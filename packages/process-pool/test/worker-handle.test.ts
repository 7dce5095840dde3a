// The worker handle's state table (src/internal/worker-handle.ts), checked as a unit and then move
// by move through real pools of both kinds, each move observed by its events and stats.
import { describe, expect, it, vi } from 'vitest';
import {
  ArgumentNotSendableError,
  Pool,
  PoolBrokenError,
  PoolTerminatedError,
  TaskTimeoutError,
  WorkerExitedError,
  WorkerStartError,
  type WorkerExitedEvent,
} from '@weft/process-pool';
import {
  WORKER_EVENTS,
  WORKER_STATES,
  workerMove,
  type WorkerEvent,
  type WorkerState,
} from '../src/internal/worker-handle.js';
import { itOn, kinds, makePool, next, tasks } from './helpers.js';

// The table as the README states it ([holding nothing, holding tasks] where they differ).
type Row = Partial<Record<WorkerEvent, WorkerState | [WorkerState, WorkerState]>>;
const expected: Record<WorkerState, Row> = {
  starting: {
    ready: ['idle', 'busy'],
    take: 'starting',
    drained: 'starting',
    retire: 'draining',
    kill: 'draining',
    exit: 'exited',
  },
  idle: { take: 'busy', drained: 'idle', retire: 'draining', kill: 'draining', exit: 'exited' },
  busy: { take: 'busy', drained: 'idle', kill: 'draining', exit: 'exited' },
  draining: { ready: 'draining', drained: 'draining', kill: 'draining', exit: 'exited' },
  exited: {},
};

describe('workerMove() (the state table)', () => {
  for (const state of WORKER_STATES) {
    for (const event of WORKER_EVENTS) {
      const to = expected[state][event];
      const [empty, holding] = Array.isArray(to) ? to : [to, to];
      it(`${state} --${event}--> ${Array.isArray(to) ? to.join(' | ') : (to ?? '(refused)')}`, () => {
        expect(workerMove(state, event, false)).toBe(empty);
        expect(workerMove(state, event, true)).toBe(holding);
      });
    }
  }
});

describe.each(kinds)('worker states through a real pool (%s workers)', (kind) => {
  it('starting --ready--> idle: a worker started for minWorkers idles once ready', async () => {
    const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
    await pool.ready();
    expect(pool.stats()).toMatchObject({ workers: 1, idleWorkers: 1, busyWorkers: 0 });
  });

  it('starting --take--> starting --ready--> busy: a task given to a starting worker runs once it is ready', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    const spawned = next(pool, 'worker:spawned');
    const task = pool.submit(tasks.add, 1, 2);
    const { workerId } = await spawned;
    // Same turn as the spawn: the worker cannot have reported ready, yet it holds the task.
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 1 });
    expect(task.cancel()).toBe(false);
    expect(task.running()).toBe(false);
    const started = next(pool, 'task:started');
    await expect(task).resolves.toBe(3);
    expect((await started).workerId).toBe(workerId);
  });

  it('idle --take--> busy --drained--> idle: the worker stays and takes the next task', async () => {
    const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
    await pool.ready();
    const controller = new AbortController();
    const started = next(pool, 'task:started');
    const running = pool.submitWith(tasks.waitForAbort, [], { signal: controller.signal });
    await started;
    expect(pool.stats()).toMatchObject({ workers: 1, busyWorkers: 1, idleWorkers: 0 });
    controller.abort();
    await expect(running).rejects.toThrow();
    // The worker reports the aborted task before the next result, so after it the worker is idle.
    const { workerId } = await pool.apply(tasks.whoami, []);
    expect(pool.stats()).toMatchObject({ workers: 1, busyWorkers: 0, idleWorkers: 1 });
    expect((await pool.apply(tasks.whoami, [])).workerId).toBe(workerId);
  });

  it('busy --take--> busy: with prefetch, a second task waits on the busy worker', async () => {
    const pool = makePool(kind, { maxWorkers: 1, prefetch: 2 });
    const controller = new AbortController();
    const started = next(pool, 'task:started');
    const running = pool.submitWith(tasks.waitForAbort, [], { signal: controller.signal });
    await started;
    const behind = pool.submit(tasks.add, 2, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats()).toMatchObject({ workers: 1, queued: 0, inFlight: 2 });
    controller.abort();
    await expect(running).rejects.toThrow();
    await expect(behind).resolves.toBe(4);
  });

  it('idle --retire--> draining --exit--> exited: maxTasksPerWorker retires it; the exit is expected', async () => {
    const pool = makePool(kind, { maxWorkers: 1, maxTasksPerWorker: 1 });
    const exited = next(pool, 'worker:exited');
    const first = await pool.apply(tasks.whoami, []);
    const event: WorkerExitedEvent = await exited;
    expect(event).toMatchObject({ workerId: first.workerId, expected: true });
    expect((await pool.apply(tasks.whoami, [])).workerId).not.toBe(first.workerId);
  });

  it('idle --retire--> draining: idleTimeout retires workers above minWorkers', async () => {
    const pool = makePool(kind, { maxWorkers: 1, idleTimeout: 0 });
    const exited = next(pool, 'worker:exited');
    const { workerId } = await pool.apply(tasks.whoami, []);
    expect(await exited).toMatchObject({ workerId, expected: true });
    expect(pool.stats().workers).toBe(0);
  });

  it('starting --retire--> draining: close() before the worker is ready', async () => {
    const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
    const exited = next(pool, 'worker:exited');
    pool.close();
    await pool.join();
    expect(await exited).toMatchObject({ expected: true });
    expect(pool.stats().workers).toBe(0);
  });

  it('starting --kill--> draining: startTimeout passes; the start fails and the pool breaks', async () => {
    const pool = makePool(kind, {
      maxWorkers: 1,
      initializer: tasks.hangingInit,
      startTimeout: 200,
    });
    const exited = next(pool, 'worker:exited');
    await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(WorkerStartError);
    expect(await exited).toMatchObject({ expected: true });
    await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolBrokenError);
  });

  it('starting --exit--> exited: a worker dying before ready is a crash and a start failure', async () => {
    const pool = new Pool<{ f(): void }>({
      module: new URL('./fixtures/exits-on-load.mjs', import.meta.url),
      kind,
      maxWorkers: 1,
    });
    try {
      const exited = next(pool, 'worker:exited');
      await expect(pool.run('f')).rejects.toBeInstanceOf(WorkerStartError);
      expect(await exited).toMatchObject({ expected: false, code: 3 });
    } finally {
      await pool.terminate();
    }
  });

  it('busy --kill--> draining: a task past its timeout takes its worker with it; a new one follows', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    const { workerId } = await pool.apply(tasks.whoami, []);
    const exited = next(pool, 'worker:exited');
    await expect(pool.apply(tasks.spin, [], { timeout: 100 })).rejects.toBeInstanceOf(
      TaskTimeoutError,
    );
    expect(await exited).toMatchObject({ workerId, expected: true });
    expect((await pool.apply(tasks.whoami, [])).workerId).not.toBe(workerId);
  });

  it('busy --exit--> exited: a crash mid-task is unexpected; the task fails, a new worker follows', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    const { workerId } = await pool.apply(tasks.whoami, []);
    const exited = next(pool, 'worker:exited');
    await expect(pool.apply(tasks.exit, [7])).rejects.toBeInstanceOf(WorkerExitedError);
    expect(await exited).toMatchObject({ workerId, expected: false, code: 7 });
    expect((await pool.apply(tasks.whoami, [])).workerId).not.toBe(workerId);
  });

  it('starting --drained--> starting: a batch the serializer refuses leaves a starting worker starting; it still reports ready', async () => {
    const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
    // Same turn as the spawn: the starting worker takes the task, and the serializer refuses it.
    const refused = pool.apply(tasks.echo, [new WeakMap()]);
    await expect(refused).rejects.toBeInstanceOf(ArgumentNotSendableError);
    // Still starting, and the same worker: had it moved to idle, its ready report would be
    // refused (idle --ready--> nothing) and ready() would never resolve.
    expect(pool.stats().workers).toBe(1);
    await pool.ready();
    await expect(pool.apply(tasks.add, [1, 2])).resolves.toBe(3);
    expect(pool.stats()).toMatchObject({ workers: 1, idleWorkers: 1, busyWorkers: 0 });
  });

  it('idle --kill--> draining --exit--> exited: terminate() kills an idle worker; the exit is expected', async () => {
    const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
    const { workerId } = await pool.apply(tasks.whoami, []);
    expect(pool.stats()).toMatchObject({ workers: 1, idleWorkers: 1, busyWorkers: 0 });
    const exited = next(pool, 'worker:exited');
    await pool.terminate();
    expect(await exited).toMatchObject({ workerId, expected: true });
    expect(pool.stats().workers).toBe(0);
  });

  itOn('process', kind)(
    'idle --retire--> draining --kill--> draining --exit--> exited: terminate() kills a worker that was asked to exit and does not',
    async () => {
      // The exit request's 5 s grace kill is a faked timer that never fires here: only the kill
      // that terminate() makes in the draining state can end the worker.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
        const { workerId, pid } = await pool.apply(tasks.whoami, []);
        // Stopped, it cannot act on the exit request close() sends it.
        process.kill(pid, 'SIGSTOP');
        const exited = next(pool, 'worker:exited');
        pool.close();
        expect(pool.stats().workers).toBe(1);
        void pool.terminate();
        expect(await exited).toMatchObject({ workerId, expected: true, signal: 'SIGKILL' });
      } finally {
        vi.useRealTimers();
      }
    },
  );

  itOn('process', kind)(
    'idle --exit--> exited: a worker killed while idle is a crash with nothing to recover',
    async () => {
      const pool = makePool(kind, { minWorkers: 1, maxWorkers: 1 });
      const { workerId, pid } = await pool.apply(tasks.whoami, []);
      const exited = next(pool, 'worker:exited');
      process.kill(pid, 'SIGKILL');
      expect(await exited).toMatchObject({ workerId, expected: false, signal: 'SIGKILL' });
      // minWorkers brings a replacement, and the pool works on.
      await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
    },
  );

  it('busy --kill--> draining --exit--> exited: terminate() kills busy workers; the exit is expected', async () => {
    const pool = makePool(kind, { maxWorkers: 1 });
    await pool.apply(tasks.noop, []);
    const started = next(pool, 'task:started');
    const running = pool.apply(tasks.hang, []).catch((error: unknown) => error);
    await started;
    const exited = next(pool, 'worker:exited');
    await pool.terminate();
    expect(await running).toBeInstanceOf(PoolTerminatedError);
    expect(await exited).toMatchObject({ expected: true });
    expect(pool.stats().workers).toBe(0);
  });
});
