// The worker side of the task lifecycle, driven directly (no pool): the runner's phase table
// (worker-runner.ts), each task's way from queued to sent or skipped, the start records the pool's
// at-most-once blame relies on, and how a process worker's CPU time is shared among the tasks of
// a stretch (worker-results.ts). The channel is replaced by a recorder of the messages posted.
import { AsyncLocalStorage } from 'node:async_hooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskContext } from '../src/internal/worker-context.js';

// A fake clock: 0.01 ms passes at each reading of the wall clock, and the CPU clock reads half the
// wall clock (each of its readings is kept).
const env = vi.hoisted(() => ({ posted: [] as unknown[], t: 0, cpuReadings: [] as number[] }));
vi.mock('../src/internal/worker-env.js', () => ({
  isThread: false,
  post: (message: unknown) => env.posted.push(message),
  clone: (value: unknown) => void structuredClone(value),
  now: () => (env.t += 0.01),
  cpuNow: () => {
    env.cpuReadings.push(env.t / 2);
    return env.t / 2;
  },
}));

const { TaskRunner } = await import('../src/internal/worker-runner.js');
const { loadModules } = await import('../src/internal/worker-modules.js');
const { FLAG_WATCHED, RESULT_STRIDE, STATUS_ERROR, STATUS_OK, STATUS_SKIPPED, TIMES_STRIDE } =
  await import('../src/internal/protocol.js');

const tasksUrl = new URL('./fixtures/tasks.mjs', import.meta.url).href;
await loadModules([tasksUrl]);

type Done = { t: 'done'; r: unknown[]; x: Float64Array };
/** The results posted so far, as [id, status, value, cpu] per task. */
function results(): [number, number, unknown, number][] {
  const out: [number, number, unknown, number][] = [];
  for (const m of env.posted as Done[]) {
    if (m.t !== 'done') continue;
    for (let i = 0, k = 0; i < m.r.length; i += RESULT_STRIDE, k += TIMES_STRIDE)
      out.push([m.r[i] as number, m.r[i + 1] as number, m.r[i + 2], m.x[k + 2]!]);
  }
  return out;
}
// Tasks name their export by its number in the pool's function table (function-table.ts): every
// runner here is given this table first, as the pool's first run message (`f`) gives it.
const FUNCTIONS = ['add', 'asyncAdd', 'square', 'waitForAbort'];
const batch = (...tasks: [number, string, unknown[], number?][]): unknown[] =>
  tasks.flatMap(([id, name, args, flags]) => [id, FUNCTIONS.indexOf(name), args, flags ?? 0]);

// What the worker runtime installs for currentWorker() (the fixtures' waitForAbort reads it).
const store = new AsyncLocalStorage<TaskContext>();
(globalThis as Record<symbol, unknown>)[Symbol.for('weft.process-pool.context')] = {
  workerId: 1,
  kind: 'process',
  pid: process.pid,
  threadId: 0,
  store,
};

function makeRunner(): { runner: InstanceType<typeof TaskRunner>; starts: number[] } {
  const runner = new TaskRunner(store, () => undefined);
  runner.functions(FUNCTIONS.flatMap((name) => [0, name]));
  const starts: number[] = [];
  runner.recordStart = (id) => {
    if (starts.at(-1) !== id) starts.push(id);
  };
  return { runner, starts };
}

beforeEach(() => {
  env.posted.length = 0;
  env.cpuReadings.length = 0;
});

describe('worker runner phases', () => {
  it('loading holds arriving tasks; ready drains them in order and goes idle', () => {
    const { runner, starts } = makeRunner();
    expect(runner.phase).toBe('loading');
    runner.tasks(batch([1, 'add', [1, 2]], [2, 'square', [3]]));
    expect(runner.phase).toBe('loading'); // loading: tasks wait
    expect(results()).toEqual([]);
    runner.on('ready'); // loading → draining → idle
    expect(runner.phase).toBe('idle');
    expect(results().map(([id, status, value]) => [id, status, value])).toEqual([
      [1, STATUS_OK, 3],
      [2, STATUS_OK, 9],
    ]);
    expect(starts).toEqual([1, 2]);
    runner.tasks(batch([3, 'add', [2, 2]])); // idle → draining → idle
    expect(runner.phase).toBe('idle');
    expect(results().at(-1)?.slice(0, 3)).toEqual([3, STATUS_OK, 4]);
  });

  it('a task that returns a promise holds the queue (awaiting) until it settles', async () => {
    const { runner, starts } = makeRunner();
    runner.on('ready');
    runner.tasks(batch([1, 'asyncAdd', [1, 1]], [2, 'add', [5, 5]]));
    expect(runner.phase).toBe('awaiting'); // draining → awaiting
    expect(starts).toEqual([1]); // task 2 has not started
    runner.tasks(batch([3, 'add', [1, 0]])); // awaiting: it waits in the queue
    expect(results()).toEqual([]);
    await vi.waitFor(() => expect(runner.phase).toBe('idle')); // awaiting → draining → idle
    expect(results().map(([id, , value]) => [id, value])).toEqual([
      [1, 2],
      [2, 10],
      [3, 1],
    ]);
    expect(starts).toEqual([1, 2, 3]);
  });

  it('a cancelled task is skipped without starting; an abort reaches the running task', async () => {
    const { runner, starts } = makeRunner();
    runner.on('ready');
    runner.cancel(2);
    runner.tasks(batch([1, 'add', [1, 1]], [2, 'add', [2, 2]]));
    expect(results().map(([id, status]) => [id, status])).toEqual([
      [1, STATUS_OK],
      [2, STATUS_SKIPPED],
    ]);
    expect(starts).toEqual([1]); // queued → skipped never records a start
    runner.tasks(batch([3, 'waitForAbort', []]));
    expect(runner.phase).toBe('awaiting');
    runner.abort(3);
    await vi.waitFor(() => expect(runner.phase).toBe('idle'));
    expect(results().at(-1)?.slice(0, 2)).toEqual([3, STATUS_ERROR]);
  });

  it('a cancel for a task that already ran is forgotten once the next batch is in; one ahead of its task is kept', () => {
    const { runner } = makeRunner();
    runner.on('ready');
    runner.tasks(batch([1, 'add', [1, 1]]));
    runner.cancel(1); // its result was on its way when the pool withdrew it
    runner.cancel(3); // assigned in the dispatch whose batch is still to come
    expect(runner.cancelledCount).toBe(2);
    runner.tasks(batch([2, 'add', [2, 2]], [3, 'add', [3, 3]]));
    expect(results().map(([id, status]) => [id, status])).toEqual([
      [1, STATUS_OK],
      [2, STATUS_OK],
      [3, STATUS_SKIPPED],
    ]);
    expect(runner.cancelledCount).toBe(0);
  });

  it('a watched task is reported at once, and the next start is recorded before its result', () => {
    const { runner, starts } = makeRunner();
    runner.on('ready');
    const startsWhenPosted: number[][] = [];
    runner.recordStart = (id) => {
      starts.push(id);
    };
    const post = env.posted.push.bind(env.posted);
    env.posted.push = (...m: unknown[]) => {
      startsWhenPosted.push([...starts]);
      return post(...m);
    };
    runner.tasks(batch([1, 'add', [1, 1], FLAG_WATCHED], [2, 'add', [2, 2]]));
    // One message for the watched task, sent once task 2's start was recorded; one for task 2.
    expect((env.posted as Done[]).map((m) => m.r.length / RESULT_STRIDE)).toEqual([1, 1]);
    expect(startsWhenPosted[0]).toContain(2);
  });

  it('a task the pool took back (its claim fails) is dropped: it does not run and sends no result', () => {
    const { runner, starts } = makeRunner();
    // The pool takes back tasks 2 and 3 (claim-word.ts); 3 was also cancelled.
    const claims = [true, false, false, true];
    runner.claim = () => claims.shift()!;
    runner.cancel(3);
    runner.on('ready');
    runner.tasks(
      batch([1, 'add', [1, 1]], [2, 'add', [2, 2]], [3, 'add', [3, 3]], [4, 'add', [4, 4]]),
    );
    expect(results().map(([id, status, value]) => [id, status, value])).toEqual([
      [1, STATUS_OK, 2],
      [4, STATUS_OK, 8],
    ]);
    expect(starts).toEqual([1, 4]);
    expect(claims).toEqual([]); // one claim per task, in order
  });

  it('sends each result as id, status, value, and its start, end and CPU time in a Float64Array beside them', () => {
    const { runner } = makeRunner();
    runner.on('ready');
    runner.tasks(batch([1, 'add', [1, 2]], [2, 'square', [3]]));
    const [done] = env.posted as Done[];
    expect(done!.r).toEqual([1, STATUS_OK, 3, 2, STATUS_OK, 9]);
    // Numbers copied as bytes: no heap number per time on the pool's side.
    expect(done!.x).toBeInstanceOf(Float64Array);
    expect(done!.x.length).toBe(2 * TIMES_STRIDE);
    for (let k = 0; k < done!.x.length; k += TIMES_STRIDE)
      expect(done!.x[k + 1]).toBeGreaterThan(done!.x[k]!); // the fake clock moves at each reading
  });

  it('a failed start (init-failed) runs nothing', () => {
    const { runner } = makeRunner();
    runner.tasks(batch([1, 'add', [1, 1]]));
    runner.on('init-failed'); // loading → failed
    runner.on('ready');
    runner.tasks(batch([2, 'add', [1, 1]]));
    expect(runner.phase).toBe('failed');
    expect(results()).toEqual([]);
  });
});

describe('CPU time of a process worker', () => {
  const adds = (from: number, n: number): unknown[] =>
    batch(
      ...Array.from({ length: n }, (_, i): [number, string, unknown[]] => [
        from + i,
        'add',
        [i, 1],
      ]),
    );

  it('is read about once per ms of tasks, not twice per task, and shared out in full', () => {
    const { runner } = makeRunner();
    runner.on('ready'); // one reading: the CPU spent before is no task's
    const n = 100;
    runner.tasks(adds(1, n));
    const cpu = results().map(([, , , c]) => c);
    expect(cpu).toHaveLength(n);
    // 100 tasks of 0.02 ms (2 ms): the reading at ready, one after the first ms and one when the
    // results are sent (the old runtime read the clock at each task's start and end: 200 readings).
    expect(env.cpuReadings.length).toBeLessThanOrEqual(4);
    for (const c of cpu) expect(c).toBeGreaterThanOrEqual(0);
    const total = cpu.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(env.cpuReadings.at(-1)! - env.cpuReadings[0]!, 9);
  });

  it('sends results of less than a ms with their run time, and the next reading makes up the difference', async () => {
    const { runner } = makeRunner();
    runner.on('ready');
    runner.tasks(adds(1, 5)); // 0.1 ms: sent without a reading
    expect(env.cpuReadings).toHaveLength(1);
    const first = results().map(([, , , c]) => c);
    for (const c of first) expect(c).toBeCloseTo(0.01, 9); // its run time on the fake clock
    runner.tasks(adds(6, 100));
    runner.tasks(batch([200, 'asyncAdd', [1, 1]])); // read at both ends
    await vi.waitFor(() => expect(runner.phase).toBe('idle'));
    const total = results().reduce((sum, [, , , c]) => sum + c, 0);
    // Over the stretches, up to the last reading, exactly what the CPU clock moved.
    expect(total).toBeCloseTo(env.cpuReadings.at(-1)! - env.cpuReadings[0]!, 9);
  });

  it('charges an async task from its start to its end', async () => {
    const { runner } = makeRunner();
    runner.on('ready');
    runner.tasks(batch([1, 'asyncAdd', [1, 1]]));
    await vi.waitFor(() => expect(runner.phase).toBe('idle'));
    const [id, status, value, cpu] = results()[0]!;
    expect([id, status, value]).toEqual([1, STATUS_OK, 2]);
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(env.cpuReadings.at(-1)! - env.cpuReadings[0]! + 1e-9);
  });
});
