// The dispatcher's pipeline rules (src/internal/dispatcher.ts) that a pool cannot show without
// timing: how deep prefetch 'auto' lets a worker's pipeline grow, and what a batch message holds.
// The rule is checked on the dispatcher itself with a channel that records what it is sent; the
// eager dispatch of a long burst is checked on real pools of both kinds.
import { describe, expect, it } from 'vitest';
import { Dispatcher, EAGER_DISPATCH, MAX_DEPTH, START_DEPTH } from '../src/internal/dispatcher.js';
import { FLAG_ONE, TASK_STRIDE, type RunMessage, type ToWorker } from '../src/internal/protocol.js';
import { TaskRecord } from '../src/internal/task-record.js';
import type { WorkerChannel } from '../src/internal/worker-channel.js';
import { WorkerHandle } from '../src/internal/worker-handle.js';
import { kinds, makePool, tasks } from './helpers.js';

/** A ready worker whose channel records the messages it is sent. */
function recordingWorker(): { worker: WorkerHandle; sent: RunMessage[] } {
  const sent: RunMessage[] = [];
  const channel = {
    send(message: ToWorker) {
      // A real channel serializes at once: keep a copy, as the worker would receive it.
      if (message.t === 'run') sent.push({ t: 'run', b: [...message.b] });
    },
    ref() {},
    unref() {},
  } as unknown as WorkerChannel;
  const worker = new WorkerHandle(1, channel, 0);
  worker.markReady(true);
  return { worker, sent };
}

function dispatcherFor(worker: WorkerHandle, prefetch: number | 'auto'): Dispatcher {
  return new Dispatcher(
    {
      kind: 'thread',
      workers: [worker],
      halted: () => false,
      canSpawn: () => false,
      spawn: () => undefined,
      markRunning: (task) => void task.move('start'),
      fail: () => undefined,
      drained: () => undefined,
      traced: () => undefined,
    },
    prefetch,
    Infinity,
    Infinity,
  );
}

let nextId = 1;
function queue(dispatcher: Dispatcher, n: number): void {
  for (let i = 0; i < n; i++)
    dispatcher.queue.push(new TaskRecord(nextId++, 0, 'noop', [i], 0, undefined, 0));
}

/** Settle what the worker holds, as its results would. */
function finishAll(worker: WorkerHandle): void {
  for (let task = worker.inflight.shift(); task !== undefined; task = worker.inflight.shift())
    task.move('settle');
}

describe("prefetch 'auto' depth", () => {
  it('a worker holds START_DEPTH tiny tasks until it runs dry, then twice as many each time', () => {
    const { worker } = recordingWorker();
    const dispatcher = dispatcherFor(worker, 'auto');
    dispatcher.observeRun(0.0001); // tiny tasks: the 2 ms rule alone would allow MAX_DEPTH
    expect(dispatcher.limit()).toBe(MAX_DEPTH);
    queue(dispatcher, 3 * MAX_DEPTH);
    dispatcher.dispatch();
    expect(worker.inflight.length).toBe(START_DEPTH);
    for (let depth = START_DEPTH * 2; depth <= MAX_DEPTH; depth *= 2) {
      finishAll(worker);
      dispatcher.ranDry(worker);
      dispatcher.dispatch();
      expect(worker.inflight.length).toBe(depth);
    }
    finishAll(worker);
    dispatcher.ranDry(worker);
    dispatcher.dispatch();
    expect(worker.inflight.length).toBe(MAX_DEPTH);
  });

  it('the 2 ms rule still bounds a deep worker once tasks get longer (fairness)', () => {
    const { worker } = recordingWorker();
    const dispatcher = dispatcherFor(worker, 'auto');
    dispatcher.observeRun(0.0001);
    worker.depth = MAX_DEPTH;
    for (let i = 0; i < 40; i++) dispatcher.observeRun(1); // now about 1 ms a task
    queue(dispatcher, 100);
    dispatcher.dispatch();
    expect(worker.inflight.length).toBe(2);
  });

  it('running dry with nothing waiting in the pool, or with a fixed prefetch, deepens nothing', () => {
    const { worker } = recordingWorker();
    const auto = dispatcherFor(worker, 'auto');
    auto.ranDry(worker);
    expect(worker.depth).toBe(0);
    const fixed = dispatcherFor(worker, 3);
    queue(fixed, 10);
    fixed.ranDry(worker);
    expect(worker.depth).toBe(0);
    fixed.dispatch();
    expect(worker.inflight.length).toBe(3);
  });
});

describe('batch messages', () => {
  it('a send carries exactly the new tasks, and the worker keeps no reference to their args', () => {
    const { worker, sent } = recordingWorker();
    const dispatcher = dispatcherFor(worker, 100);
    queue(dispatcher, 7);
    dispatcher.dispatch();
    queue(dispatcher, 2);
    dispatcher.dispatch();
    expect(sent.map((m) => m.b.length)).toEqual([7 * TASK_STRIDE, 2 * TASK_STRIDE]);
    // A task's lone argument travels as itself, flagged FLAG_ONE (the worker calls fn(arg)).
    expect(sent[1]!.b[2]).toBe(0);
    expect((sent[1]!.b[3] as number) & FLAG_ONE).toBe(FLAG_ONE);
    expect(worker.batchLength).toBe(0);
    expect(worker.batch.filter((slot) => Array.isArray(slot))).toEqual([]);
    expect(worker.batch.filter((slot, i) => i % TASK_STRIDE === 2 && slot !== undefined)).toEqual(
      [],
    );
  });

  it(`every ${String(EAGER_DISPATCH)} queued tasks are sent at once, before the burst of submits ends`, () => {
    const { worker, sent } = recordingWorker();
    const dispatcher = dispatcherFor(worker, 1000);
    for (let i = 0; i < EAGER_DISPATCH * 2 + 3; i++) {
      queue(dispatcher, 1);
      dispatcher.schedule();
    }
    expect(sent.map((m) => m.b.length / TASK_STRIDE)).toEqual([EAGER_DISPATCH, EAGER_DISPATCH]);
    expect(dispatcher.queue.length).toBe(3);
  });
});

describe.each(kinds)('eager dispatch through a real pool (%s workers)', (kind) => {
  it('a long synchronous burst is on its way to the worker before the burst ends', async () => {
    const pool = makePool(kind, { maxWorkers: 1, minWorkers: 1, prefetch: 1000 });
    await pool.ready();
    await pool.apply(tasks.add, [0, 0]); // the first call loads the task modules in this thread
    const all: Promise<number>[] = [];
    for (let i = 0; i < EAGER_DISPATCH; i++) all.push(pool.apply(tasks.add, [i, 1]));
    // Still inside the synchronous burst: no microtask has run yet.
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: EAGER_DISPATCH });
    expect(await Promise.all(all)).toEqual(Array.from({ length: EAGER_DISPATCH }, (_, i) => i + 1));
  });
});
