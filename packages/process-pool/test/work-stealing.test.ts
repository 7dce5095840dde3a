// Work stealing on thread workers (src/internal/claim-word.ts, the dispatcher's #steal): tasks a
// worker holds but has not started are taken back when another worker idles, so they do not wait
// behind a long task. Decided by what ran where and by latches on shared memory, never by time:
// without stealing, each pool test below deadlocks (the task that releases the long one waits
// behind it) and fails on the test timeout.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool, WorkerExitedError, type PoolOptions } from '@weft/process-pool';
import { ClaimWord, claimer } from '../src/internal/claim-word.js';
import { Dispatcher } from '../src/internal/dispatcher.js';
import type { ToWorker } from '../src/internal/protocol.js';
import { TaskRecord } from '../src/internal/task-record.js';
import type { WorkerChannel } from '../src/internal/worker-channel.js';
import { WorkerHandle } from '../src/internal/worker-handle.js';
import { splitAtClaimed } from '../src/internal/start-signal.js';
import type * as StealTasks from './fixtures/steal-tasks.mjs';

const stealUrl = new URL('./fixtures/steal-tasks.mjs', import.meta.url);
const steal = (await import(stealUrl.href)) as typeof StealTasks;

const live: Pool<typeof StealTasks>[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((pool) => pool.terminate()));
});

function makePool(options: Partial<PoolOptions> = {}): Pool<typeof StealTasks> {
  const pool = new Pool<typeof StealTasks>({
    module: stealUrl,
    kind: 'thread',
    maxWorkers: 2,
    minWorkers: 2,
    ...options,
  });
  live.push(pool);
  return pool;
}

/** `task:started` and `task:settled` as `started#id@worker` / `settled#id`, in order. */
function journal(pool: Pool<typeof StealTasks>): string[] {
  const log: string[] = [];
  pool.on('task:started', (p) => log.push(`started#${p.taskId}@${p.workerId}`));
  pool.on('task:settled', (p) => log.push(`settled#${p.taskId}`));
  return log;
}

/** Resolve with the id of the next task queued. */
function nextQueued(pool: Pool<typeof StealTasks>): Promise<number> {
  return new Promise((resolve) => pool.once('task:queued', (p) => resolve(p.taskId)));
}
function nextStarted(pool: Pool<typeof StealTasks>): Promise<number> {
  return new Promise((resolve) => pool.once('task:started', (p) => resolve(p.workerId)));
}

describe('the claim word', () => {
  it('a task is either claimed by the worker or taken back by the pool, never both (real threads, hammered)', async () => {
    const total = 100_000;
    const claims = new ClaimWord();
    const sent = new Int32Array(new SharedArrayBuffer(4));
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const won = new Uint8Array(new SharedArrayBuffer(total));
    const revoked = new Uint8Array(total);
    const worker = new Worker(new URL('./fixtures/claim-hammer.mjs', import.meta.url), {
      workerData: {
        module: new URL('../src/internal/claim-word.ts', import.meta.url).href,
        word: claims.buffer,
        sent: sent.buffer,
        progress: progress.buffer,
        won: won.buffer,
        total,
      },
    });
    await once(worker, 'message'); // ready
    const done = once(worker, 'message');
    let count = 0;
    let revokes = 0;
    for (let round = 0; count < total; round++) {
      const n = Math.min(1 + (round % 5), total - count);
      claims.sent(n);
      count += n;
      Atomics.store(sent, 0, count);
      Atomics.notify(sent, 0);
      if (round % 2 === 1) {
        // Take back the unclaimed tail just as the worker reaches it: the two exchanges race.
        while (Atomics.load(progress, 0) < count - 1 - (round % 3)) {
          /* the worker is claiming */
        }
        const back = claims.revoke();
        for (let s = count - back; s < count; s++) revoked[s] = 1;
        if (back > 0) revokes++;
      }
    }
    await done;
    await worker.terminate();
    let claimed = 0;
    for (let k = 0; k < total; k++) {
      if (won[k]! + revoked[k]! !== 1)
        expect.fail(`task ${String(k)}: claimed ${String(won[k])}, revoked ${String(revoked[k])}`);
      claimed += won[k]!;
    }
    // Both sides won some of the races.
    expect(claimed).toBeGreaterThan(total / 2);
    expect(revokes).toBeGreaterThan(0);
    expect(claims.unclaimed()).toBe(0);
  });

  it("a dead thread worker's tasks split at its claim word, after tasks were taken back", () => {
    const claims = new ClaimWord();
    const claim = claimer(claims.buffer);
    claims.sent(5); // tasks 0–4
    expect([claim(), claim()]).toEqual([true, true]); // it claims 0 and 1
    expect(claims.revoke()).toBe(3); // 2–4 taken back
    expect(claim()).toBe(false); // it meets 2, 3, 4: revoked
    expect(claim()).toBe(false);
    expect(claim()).toBe(false);
    claims.sent(2); // tasks 5, 6
    expect(claim()).toBe(true); // 5
    // It dies holding [0, 1, 5, 6] (2–4 left its list when taken back): 6 never started.
    const held = ['t0', 't1', 't5', 't6'];
    expect(splitAtClaimed(held, claims.unclaimed())).toEqual({
      ran: ['t0', 't1', 't5'],
      notStarted: ['t6'],
    });
  });
});

/** Set cell `index` of `sab` from this thread, waking its waiter. */
function release(sab: SharedArrayBuffer, index: number): void {
  const view = new Int32Array(sab);
  Atomics.store(view, index, 1);
  Atomics.notify(view, index);
}

/** A ready thread worker handle whose channel has a claim word and records the tasks sent. */
function claimingWorker(id: number): { worker: WorkerHandle; claims: ClaimWord; sent: number[] } {
  const claims = new ClaimWord();
  const sent: number[] = [];
  const channel = {
    claims,
    send(message: ToWorker) {
      if (message.t === 'run')
        for (let i = 0; i < message.b.length; i += 5) sent.push(message.b[i] as number);
    },
    ref() {},
    unref() {},
  } as unknown as WorkerChannel;
  const worker = new WorkerHandle(id, channel, 0);
  worker.markReady(true);
  return { worker, claims, sent };
}

describe('the dispatcher takes back (unit, real claim words)', () => {
  function setUp(transfer: boolean): {
    dispatcher: Dispatcher;
    busy: ReturnType<typeof claimingWorker>;
    idle: ReturnType<typeof claimingWorker>;
    behind: TaskRecord<WorkerHandle>;
  } {
    const busy = claimingWorker(1);
    const idle = claimingWorker(2);
    const dispatcher = new Dispatcher(
      {
        kind: 'thread',
        workers: [busy.worker, idle.worker],
        halted: () => false,
        canSpawn: () => false,
        spawn: () => undefined,
        markRunning: (task, time) => {
          task.move('start');
          task.started = true;
          task.startedAt = time;
        },
        fail: () => undefined,
        drained: () => undefined,
      },
      2,
      Infinity,
      Infinity,
    );
    const buffer = new ArrayBuffer(8);
    const long = new TaskRecord<WorkerHandle>(1, 0, 'waitForFlag', [], 0, undefined, 0);
    const behind = new TaskRecord<WorkerHandle>(
      2,
      0,
      'byteLength',
      [buffer],
      0,
      transfer ? { transfer: [buffer] } : undefined,
      0,
    );
    dispatcher.queue.push(long);
    dispatcher.dispatch(); // the long one goes to the first idle worker
    idle.worker.move('take'); // the second is busy for a moment...
    idle.worker.inflight.push(new TaskRecord<WorkerHandle>(3, 0, 'noop', [], 0, undefined, 0));
    dispatcher.queue.push(behind);
    dispatcher.dispatch(); // ...so this one goes behind the long one
    idle.worker.inflight.shift();
    idle.worker.move('drained'); // ...and now it idles
    claimer(busy.claims.buffer)(); // the first worker claims the long one
    long.startedAt = -1e9; // long overdue (the table's clock is not faked: the task is made old)
    return { dispatcher, busy, idle, behind };
  }

  it('behind an overdue task, for an idle worker', () => {
    const { dispatcher, busy, idle, behind } = setUp(false);
    expect(busy.sent).toEqual([1, 2]);
    dispatcher.dispatch();
    expect(idle.sent).toEqual([2]);
    expect(behind.worker).toBe(idle.worker);
    expect(busy.worker.inflight.length).toBe(1);
    expect(busy.claims.unclaimed()).toBe(0);
  });

  it('never a task that transferred memory to its worker (what it moved is gone from the pool)', () => {
    const { dispatcher, busy, idle, behind } = setUp(true);
    dispatcher.dispatch();
    expect(idle.sent).toEqual([]);
    expect(behind.worker).toBe(busy.worker);
    expect(busy.claims.unclaimed()).toBe(1);
  });
});

describe('work stealing through a real pool (thread workers)', () => {
  // The dispatcher gives a task to an idle worker first, else to the least loaded one below its
  // limit, the first in spawn order on a tie. So: the long task goes to the first worker, a gate
  // task to the second, and the next task goes behind the long one on the first.
  async function longGateAndBehind(
    pool: Pool<typeof StealTasks>,
    sab: SharedArrayBuffer,
    long: () => Promise<unknown>,
  ): Promise<{
    longId: number;
    longWorker: number;
    long: Promise<unknown>;
    gate: Promise<unknown>;
  }> {
    await pool.ready();
    await pool.apply(steal.setFlag, [sab, 3]); // loads the task module in this thread
    const longQueued = nextQueued(pool);
    const longStarted = nextStarted(pool);
    const longRun = long().catch((error: unknown) => error);
    const longId = await longQueued;
    const longWorker = await longStarted;
    const gateStarted = nextStarted(pool);
    const gate = pool.apply(steal.waitForFlag, [sab, 1]);
    expect(await gateStarted).not.toBe(longWorker);
    return { longId, longWorker, long: longRun, gate };
  }

  it('a task prefetched behind a long one starts on the idle worker before the long one ends', async () => {
    const pool = makePool({ prefetch: 2 });
    const sab = new SharedArrayBuffer(16);
    const { longId, longWorker, long, gate } = await longGateAndBehind(pool, sab, () =>
      pool.apply(steal.waitForFlag, [sab, 0]),
    );
    const log = journal(pool);
    const queued = nextQueued(pool);
    const releaser = pool.apply(steal.setFlag, [sab, 0]); // behind the long one: only it can end it
    const releaserId = await queued;
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 3 });
    release(sab, 1); // the gate ends: its worker idles with nothing queued, and takes the task back
    await gate;
    const ranOn = await releaser;
    expect(await long).not.toBe(ranOn);
    const started = log.findIndex((l) => l.startsWith(`started#${String(releaserId)}@`));
    expect(log[started]).not.toBe(`started#${String(releaserId)}@${String(longWorker)}`);
    expect(started).toBeLessThan(log.indexOf(`settled#${String(longId)}`));
  });

  it('a worker that crashes after its tasks were taken back: they run once elsewhere, only its own task fails', async () => {
    const pool = makePool({ prefetch: 3 });
    const sab = new SharedArrayBuffer(64);
    const { long, gate } = await longGateAndBehind(pool, sab, () =>
      pool.apply(steal.waitForFlagThenExit, [sab, 0, 3]),
    );
    // Behind the long one (first worker): the releaser and a counted task; one more behind the gate.
    const releaser = pool.apply(steal.setFlag, [sab, 0]);
    const behindGate = pool.apply(steal.count, [sab, 8, 0]);
    const behindLong = pool.apply(steal.count, [sab, 9, 0]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 5 });
    release(sab, 1);
    await gate;
    expect(await releaser).toBeTypeOf('number');
    expect(await behindGate).toBe(8);
    expect(await behindLong).toBe(9);
    const error = await long;
    expect(error).toBeInstanceOf(WorkerExitedError);
    expect((error as WorkerExitedError).exitCode).toBe(3);
    const counts = new Int32Array(sab);
    expect([counts[8], counts[9]]).toEqual([1, 1]); // each ran exactly once
    // The pool goes on with a replacement worker.
    expect(await pool.apply(steal.count, [sab, 10, 0])).toBe(10);
  });

  it('hammered: every task runs exactly once and settles once while tasks are taken back', async () => {
    const pool = makePool();
    await pool.ready();
    const waves = 150;
    const perWave = 24;
    const sab = new SharedArrayBuffer(4 * waves * perWave);
    const settled = new Map<number, number>();
    pool.on('task:settled', (p) => settled.set(p.taskId, (settled.get(p.taskId) ?? 0) + 1));
    for (let w = 0; w < waves; w++) {
      // One task far longer than the rest (by a varying amount), so that the worker holding it
      // becomes overdue about when it finishes: the take-back races the worker's next claim.
      const calls: Promise<number>[] = [];
      for (let i = 0; i < perWave; i++) {
        const index = w * perWave + i;
        const spins = i === w % perWave ? 200_000 * (1 + (w % 7)) : 2_000;
        calls.push(pool.apply(steal.count, [sab, index, spins]));
      }
      const results = await Promise.all(calls);
      expect(results).toEqual(Array.from({ length: perWave }, (_, i) => w * perWave + i));
    }
    const counts = new Int32Array(sab);
    expect(counts.every((c) => c === 1)).toBe(true);
    expect([...settled.values()].every((n) => n === 1)).toBe(true);
    expect(settled.size).toBe(waves * perWave);
  });
});
