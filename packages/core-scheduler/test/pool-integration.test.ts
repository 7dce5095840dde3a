// Integration with a real @weft/process-pool Pool (threads and processes): the Pool fits the
// Executor interface as it is, and the scheduler routes, retries, cancels and records through it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import {
  ExecutorFailedError,
  Recorder,
  RetryExhaustedError,
  Scheduler,
  TaskCancelledError,
  type Executor,
} from '@weft/core-scheduler';
import * as tasks from './fixtures/tasks.mjs';
import { deferred } from './helpers.js';

const poolEntry = fileURLToPath(new URL('../../process-pool/dist/index.js', import.meta.url));
const poolReady = existsSync(poolEntry);
const taskModule = new URL('./fixtures/tasks.mjs', import.meta.url);

interface PoolLike extends Executor {
  readonly maxWorkers: number;
  terminate(): Promise<void>;
}
type PoolConstructor = new (options: {
  module: URL;
  kind: 'thread' | 'process';
  maxWorkers: number;
  abortGracePeriod?: number;
}) => PoolLike;

let Pool: PoolConstructor;

beforeAll(async () => {
  // Fail, never skip: a suite that silently skips proves nothing about the real pools.
  if (!poolReady)
    throw new Error(
      `@weft/process-pool is not built (${poolEntry} is missing): run pnpm --filter @weft/process-pool build`,
    );
  // A specifier typed as string: this suite needs the pool at run time only, not its types.
  const specifier: string = '@weft/process-pool';
  ({ Pool } = (await import(specifier)) as { Pool: PoolConstructor });
});

describe('Scheduler with a real @weft/process-pool Pool', () => {
  const pools: PoolLike[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.terminate()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function makePool(kind: 'thread' | 'process'): PoolLike {
    const pool = new Pool({ module: taskModule, kind, maxWorkers: 2, abortGracePeriod: 50 });
    pools.push(pool);
    return pool;
  }

  describe.each(['thread', 'process'] as const)('%s pool', (kind) => {
    it("runs 'cpu' tasks on pool workers and 'io' tasks on this event loop", async () => {
      const scheduler = new Scheduler({ cpu: makePool(kind) });
      const [onPool, inline] = await Promise.all([
        scheduler.schedule({ fn: tasks.whereAmI, kind: 'cpu' }),
        scheduler.schedule({ fn: tasks.whereAmI, kind: 'io' }),
      ]);
      expect(inline).toEqual({ pid: process.pid, threadId });
      if (kind === 'thread') {
        expect(onPool.pid).toBe(process.pid);
        expect(onPool.threadId).not.toBe(threadId);
      } else {
        expect(onPool.pid).not.toBe(process.pid);
      }
      await scheduler.close();
    });

    it("the cpu executor's concurrency changed while running holds on the real pool, both ways", async () => {
      const scheduler = new Scheduler({ cpu: makePool(kind) }); // 2 workers: cpu.concurrency 2
      let onCpu = 0;
      let most = 0;
      scheduler.on('active', (e) => {
        if (e.executor === 'cpu') most = Math.max(most, ++onCpu);
      });
      scheduler.on('next', () => {
        onCpu = scheduler.runningTasks.filter((t) => t.executor === 'cpu').length;
      });
      scheduler.setExecutorConcurrency('cpu', 1);
      const sleeps = () =>
        Array.from({ length: 4 }, () =>
          scheduler.schedule({ fn: tasks.sleep, args: [30], kind: 'cpu' }),
        );
      await Promise.all(sleeps());
      expect(most).toBe(1); // lowered: one at a time although the pool has two workers
      scheduler.updateLimits({ cpu: { concurrency: 2 } });
      const raised = sleeps();
      expect(scheduler.running).toBe(2); // raised: two start at once
      await Promise.all(raised);
      expect(most).toBe(2);
      await scheduler.close();
    });

    it("passes the task's own error through, typed as the pool reports it", async () => {
      const scheduler = new Scheduler({ cpu: makePool(kind) });
      const error = await scheduler
        .schedule({ fn: tasks.fail, args: ['bad input'], kind: 'cpu' })
        .catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ExecutorFailedError);
      expect(error).toMatchObject({ name: 'RangeError', message: 'bad input' });
    });

    it('turns a worker crash into ExecutorFailedError naming the executor, and retries it when allowed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'weft-scheduler-'));
      dirs.push(dir);
      const recorder = new Recorder();
      const scheduler = new Scheduler({ cpu: makePool(kind), recorder });
      const crashed = await scheduler
        .schedule({ fn: tasks.crash, kind: 'cpu' })
        .catch((e: unknown) => e);
      expect(crashed).toBeInstanceOf(ExecutorFailedError);
      expect(crashed).toMatchObject({ executor: 'cpu' });
      expect((crashed as Error).cause).toBeInstanceOf(Error);
      const marker = join(dir, 'marker');
      await expect(
        scheduler.schedule({
          fn: tasks.crashOnce,
          args: [marker],
          kind: 'cpu',
          retry: { attempts: 2 },
        }),
      ).resolves.toBe('recovered');
      const exhausted = await scheduler
        .schedule({ fn: tasks.crash, kind: 'cpu', retry: { attempts: 2 } })
        .catch((e: unknown) => e);
      expect(exhausted).toBeInstanceOf(RetryExhaustedError);
      expect(
        (exhausted as RetryExhaustedError).errors.every((e) => e instanceof ExecutorFailedError),
      ).toBe(true);
      expect(recorder.timeline().instants.filter((i) => i.kind === 'crash').length).toBe(4);
    });

    it('retries a crashed worker by default but not a function that is not a task export', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'weft-scheduler-'));
      dirs.push(dir);
      const scheduler = new Scheduler({ cpu: makePool(kind) });
      // Not an export of the pool's task module: the caller's mistake, the same on every attempt.
      let runs = 0;
      const notExported = (): number => ++runs;
      let retries = 0;
      scheduler.subscribe((event) => {
        if (event.type === 'task:retried') retries++;
      });
      const mistake = await scheduler
        .schedule({ fn: notExported, kind: 'cpu', retry: { attempts: 3 } })
        .catch((e: unknown) => e);
      expect(mistake).not.toBeInstanceOf(ExecutorFailedError);
      expect(mistake).not.toBeInstanceOf(RetryExhaustedError);
      expect(mistake).toMatchObject({
        code: 'ERR_WEFT_POOL_TASK_NOT_FOUND',
        isExecutorFailure: false,
      });
      expect(retries).toBe(0);
      expect(runs).toBe(0);
      // A worker that dies once is the pool's failure: retried by default, and the retry succeeds.
      await expect(
        scheduler.schedule({
          fn: tasks.crashOnce,
          args: [join(dir, 'marker')],
          kind: 'cpu',
          retry: { attempts: 3 },
        }),
      ).resolves.toBe('recovered');
      expect(retries).toBe(1);
    });

    it('cancels a running pool task: the task rejects at once and the pool stays usable', async () => {
      const scheduler = new Scheduler({ cpu: makePool(kind) });
      const controller = new AbortController();
      const started = deferred();
      scheduler.subscribe((event) => {
        if (event.type === 'task:started') started.resolve();
      });
      const running = scheduler.schedule({
        fn: tasks.sleep,
        args: [10_000],
        kind: 'cpu',
        signal: controller.signal,
      });
      await started.promise; // the worker reported the start
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(scheduler.schedule({ fn: tasks.whereAmI, kind: 'cpu' })).resolves.toHaveProperty(
        'pid',
      );
      await scheduler.close();
    });

    it('records one span per attempt on one lane per worker, on the shared clock', async () => {
      const recorder = new Recorder();
      const scheduler = new Scheduler({ cpu: makePool(kind), recorder });
      const before = performance.timeOrigin + performance.now();
      await Promise.all([
        ...Array.from({ length: 4 }, () =>
          scheduler.schedule({ fn: tasks.spin, args: [5], kind: 'cpu' }),
        ),
        ...Array.from({ length: 3 }, () =>
          scheduler.schedule({ fn: tasks.sleep, args: [5], kind: 'io' }),
        ),
      ]);
      const after = performance.timeOrigin + performance.now();
      const timeline = recorder.timeline();
      const workerLanes = timeline.lanes.filter(
        (lane) => lane.kind === (kind === 'thread' ? 'worker' : 'process'),
      );
      expect(workerLanes.length).toBeGreaterThanOrEqual(1);
      expect(workerLanes.length).toBeLessThanOrEqual(2);
      for (const lane of workerLanes) expect(lane.id).toMatch(/^cpu:worker-\d+$/);
      const spins = timeline.spans.filter((span) => span.name === 'spin');
      expect(spins).toHaveLength(4);
      expect(
        timeline.spans.filter((span) => span.name === 'sleep' && span.lane.startsWith('io:slot-')),
      ).toHaveLength(3);
      for (const span of timeline.spans) {
        expect(span.status).toBe('fulfilled');
        expect(span.start).toBeGreaterThanOrEqual(before - 1);
        expect(span.end).toBeLessThanOrEqual(after + 1);
        expect(span.end).toBeGreaterThanOrEqual(span.start);
      }
      for (const lane of workerLanes) {
        const onLane = spins
          .filter((span) => span.lane === lane.id)
          .sort((a, b) => a.start - b.start);
        for (let i = 1; i < onLane.length; i++)
          expect(onLane[i]!.start).toBeGreaterThanOrEqual(onLane[i - 1]!.end - 0.5);
      }
    });

    it("'auto' learns from the worker-reported CPU time: spinning stays on the pool, sleeping moves inline", async () => {
      const pool = makePool(kind);
      const scheduler = new Scheduler({
        cpu: pool,
        // spin uses 30 ms of CPU, sleep a few ms at most (a process worker's own message handling on
        // a loaded machine): minCpuMs tells them apart. The low threshold leaves room for a loaded
        // machine, where the spinning worker gets a small share of a core, so a low CPU-to-wall ratio.
        auto: { initial: 'cpu', minSamples: 2, minCpuMs: 10, threshold: 0.02 },
      });
      for (let run = 0; run < 3; run++) {
        await scheduler.schedule({ fn: tasks.spin, args: [30], kind: 'auto' });
        await scheduler.schedule({ fn: tasks.sleep, args: [30], kind: 'auto' });
      }
      expect(scheduler.explain('spin')).toMatchObject({ executor: 'cpu', samples: 3 });
      expect(scheduler.explain('sleep')).toMatchObject({ executor: 'io', samples: 3 });
      const where = await scheduler.schedule({ fn: tasks.whereAmI, kind: 'io' });
      expect(where.threadId).toBe(threadId);
    });
  });
});
