import { describe, expect, it } from 'vitest';
import { fakeExecutor } from './helpers.js';
import {
  ExecutorFailedError,
  InlineExecutor,
  Scheduler,
  type Executor,
  type ExecutorCallOptions,
} from '@weft/core-scheduler';

/** An executor standing in for a pool: runs inline and reports start/settle like a pool would. */
function fakePool(): Executor & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async apply<A extends readonly unknown[], R>(
      fn: (...args: A) => R,
      args: A,
      options?: ExecutorCallOptions,
    ): Promise<Awaited<R>> {
      calls.push(fn.name);
      return new InlineExecutor().apply(fn, args, options ?? {});
    },
  };
}

/** Busy until the process has used `ms` of CPU time (a wall-time loop may get almost no CPU under load). */
function spin(ms: number): number {
  const before = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 1000; i++) x++;
    const used = process.cpuUsage(before);
    if (used.user + used.system >= ms * 1000) return x;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Scheduler routing', () => {
  it("sends 'cpu' to the cpu executor and 'io' to the io executor", async () => {
    const cpu = fakePool();
    const io = fakePool();
    const scheduler = new Scheduler({ cpu, io });
    const a = function cpuTask(): number {
      return 1;
    };
    const b = function ioTask(): number {
      return 2;
    };
    await scheduler.schedule({ fn: a, kind: 'cpu' });
    await scheduler.schedule({ fn: b, kind: 'io' });
    await scheduler.schedule({ fn: b }); // defaultKind is 'io'
    expect(cpu.calls).toEqual(['cpuTask']);
    expect(io.calls).toEqual(['ioTask', 'ioTask']);
    expect(scheduler.explain('cpuTask')).toMatchObject({
      executor: 'cpu',
      kind: 'cpu',
      reason: "declared kind 'cpu'",
    });
    expect(scheduler.explain('ioTask')).toMatchObject({ executor: 'io', kind: 'io' });
  });

  it("runs 'cpu' tasks on the io executor when no cpu executor is configured, and says so", async () => {
    const scheduler = new Scheduler();
    await expect(scheduler.schedule({ fn: () => 3, kind: 'cpu', name: 'lonely' })).resolves.toBe(3);
    expect(scheduler.explain('lonely')).toMatchObject({
      executor: 'io',
      reason: expect.stringContaining('no cpu executor') as unknown,
    });
  });

  it("'auto' learns a CPU-heavy task vs a sleeping one within a few runs", async () => {
    const cpu = fakePool();
    // A low threshold leaves room for a loaded CI machine, where a busy loop gets a small fraction of
    // a core; minCpuMs tells them apart: the busy loop uses 30 ms of CPU, the sleeping task about
    // none.
    const scheduler = new Scheduler({
      cpu,
      auto: { minSamples: 2, minCpuMs: 10, threshold: 0.02 },
    });
    const heavy = { fn: spin, args: [30] as [number], kind: 'auto' as const, name: 'heavy' };
    const sleepy = { fn: sleep, args: [30] as [number], kind: 'auto' as const, name: 'sleepy' };
    expect(scheduler.explain('heavy')).toMatchObject({ executor: 'io', samples: 0 });
    for (let run = 0; run < 4; run++) {
      await scheduler.schedule(heavy);
      await scheduler.schedule(sleepy);
    }
    const heavyWhy = scheduler.explain('heavy');
    const sleepyWhy = scheduler.explain('sleepy');
    expect(heavyWhy).toMatchObject({ executor: 'cpu', kind: 'auto', samples: 4 });
    expect(heavyWhy.cpuRatio).toBeGreaterThan(0.02);
    expect(heavyWhy.cpuMs).toBeGreaterThan(10);
    expect(heavyWhy.reason).toMatch(/CPU-bound/);
    expect(sleepyWhy).toMatchObject({ executor: 'io', samples: 4 });
    expect(sleepyWhy.cpuRatio).toBeLessThan(0.1);
    // The first two heavy runs were measured on the event loop, the rest went to the cpu executor.
    expect(cpu.calls.filter((name) => name === 'spin')).toHaveLength(2);
    expect(cpu.calls).not.toContain('sleep');
  });

  it("'auto' learns CPU-bound tasks that ran concurrently on the event loop, each waiting behind the others", async () => {
    const cpu = fakePool();
    // What the InlineExecutor reports for eight 10 ms busy loops started at once (its own test checks
    // the measuring): the i-th ran 10 ms of CPU but settled after 10·(i+1) ms, having waited
    // 10·i ms behind the others. Reported measurements keep this independent of the machine's load.
    let started = 0;
    const io = fakeExecutor(async (call, options) => {
      const i = started++;
      const value = await call();
      options?.onSettle?.({
        time: Date.now(),
        status: 'fulfilled',
        runMs: 10 * (i + 1),
        blockedMs: 10 * i,
        cpuMs: 10,
      });
      return value;
    });
    const scheduler = new Scheduler({
      cpu,
      io,
      auto: { minSamples: 2, minCpuMs: 1, threshold: 0.3 },
    });
    await Promise.all(
      Array.from({ length: 8 }, () =>
        scheduler.schedule({ fn: spin, args: [0] as [number], kind: 'auto', name: 'batch' }),
      ),
    );
    expect(cpu.calls).toHaveLength(0);
    // Counted against wall time, the later tasks would look like mostly waiting (10 of 80 ms);
    // counted against their own time, every one computed all the time it ran.
    const why = scheduler.explain('batch');
    expect(why).toMatchObject({ executor: 'cpu', samples: 8 });
    expect(why.cpuRatio).toBeCloseTo(1, 5);
  });

  it("'auto' keeps cheap CPU work on the event loop (below minCpuMs)", async () => {
    const cpu = fakePool();
    // An io executor that reports a fixed measurement: 2 ms of CPU in 2 ms of wall time.
    const io = fakeExecutor(async (call, options) => {
      const value = await call();
      options?.onSettle?.({ time: Date.now(), status: 'fulfilled', runMs: 2, cpuMs: 2 });
      return value;
    });
    const scheduler = new Scheduler({ cpu, io, auto: { minSamples: 1, minCpuMs: 50 } });
    for (let run = 0; run < 3; run++)
      await scheduler.schedule({ fn: spin, args: [0], kind: 'auto' });
    expect(cpu.calls).toEqual([]);
    expect(scheduler.explain('spin')).toMatchObject({
      executor: 'io',
      cpuRatio: 1,
      cpuMs: 2,
      samples: 3,
    });
    expect(scheduler.explain('spin').reason).toMatch(/cheaper on the event loop/);
  });

  it("'auto' follows a moving average: a name that turns CPU-heavy moves to the cpu executor", async () => {
    let report = { runMs: 10, cpuMs: 0.1 };
    const io = fakeExecutor(async (call, options) => {
      const value = await call();
      options?.onSettle?.({ time: Date.now(), status: 'fulfilled', ...report });
      return value;
    });
    const cpu = fakeExecutor(async (call, options) => {
      const value = await call();
      options?.onSettle?.({ time: Date.now(), status: 'fulfilled', ...report });
      return value;
    });
    const scheduler = new Scheduler({ cpu, io, auto: { minSamples: 2 } });
    const task = { fn: () => 0, kind: 'auto' as const, name: 'shifty' };
    await scheduler.schedule(task);
    await scheduler.schedule(task);
    expect(scheduler.explain('shifty')).toMatchObject({ executor: 'io', samples: 2 });
    expect(scheduler.explain('shifty').reason).toMatch(/I\/O-bound/);
    report = { runMs: 10, cpuMs: 10 };
    await scheduler.schedule(task);
    await scheduler.schedule(task);
    expect(scheduler.explain('shifty')).toMatchObject({ executor: 'cpu', samples: 4 });
  });

  it('explains a name never scheduled by the default kind', () => {
    const withPool = new Scheduler({ cpu: fakePool(), defaultKind: 'auto' });
    expect(withPool.explain('unseen')).toMatchObject({ executor: 'io', samples: 0 });
    expect(withPool.explain('unseen').reason).toMatch(
      /^no task of this name scheduled yet; by the default kind: auto: no runs measured yet/,
    );
    expect(withPool.explain('unseen')).not.toHaveProperty('kind');
    expect(new Scheduler().explain('unseen').reason).toMatch(/declared kind 'io'/);
  });

  it("'auto' starts on the cpu executor with initial: 'cpu'", async () => {
    const cpu = fakePool();
    const scheduler = new Scheduler({ cpu, defaultKind: 'auto', auto: { initial: 'cpu' } });
    await scheduler.schedule({ fn: spin, args: [1] });
    expect(cpu.calls).toEqual(['spin']);
  });

  describe('executor failures', () => {
    it('names the executor when it throws instead of running the task', async () => {
      const broken: Executor = {
        apply: () => {
          throw new Error('no workers');
        },
      };
      const scheduler = new Scheduler({ cpu: broken });
      const error = await scheduler
        .schedule({ fn: () => 1, kind: 'cpu', name: 'job' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutorFailedError);
      expect(error).toMatchObject({ code: 'ERR_WEFT_EXECUTOR_FAILED', executor: 'cpu' });
      expect((error as Error).message).toMatch(/"cpu".*"job".*no workers/);
    });

    it('names the executor when it rejects with its own error (a pool worker crash), and retries it', async () => {
      let calls = 0;
      const crashy = fakeExecutor(async (call, options) => {
        options?.onStart?.({ time: Date.now(), workerId: 1 });
        if (++calls === 1)
          throw Object.assign(new Error('worker exited with code 1'), {
            code: 'ERR_WEFT_POOL_WORKER_EXITED',
            isExecutorFailure: true,
          });
        const value = await call();
        options?.onSettle?.({ time: Date.now(), status: 'fulfilled', runMs: 0 });
        return value;
      });
      const scheduler = new Scheduler({ cpu: crashy });
      await expect(
        scheduler.schedule({ fn: () => 'survived', kind: 'cpu', retry: { attempts: 2 } }),
      ).resolves.toBe('survived');
      expect(calls).toBe(2);
      calls = 0;
      const crash = await scheduler
        .schedule({ fn: () => 'x', kind: 'cpu' })
        .catch((e: unknown) => e);
      expect(crash).toBeInstanceOf(ExecutorFailedError);
      expect((crash as ExecutorFailedError).cause).toMatchObject({
        message: 'worker exited with code 1',
      });
    });

    it('adopts a plain value or thenable returned by a non-conforming executor', async () => {
      const sloppy = { apply: (fn: () => unknown) => fn() } as unknown as Executor;
      const scheduler = new Scheduler({ cpu: sloppy });
      await expect(scheduler.schedule({ fn: () => 5, kind: 'cpu' })).resolves.toBe(5);
    });

    it('uses the isFailure option to tell executor failures from task errors', async () => {
      const remote = fakeExecutor(async (call) => {
        await call();
        throw Object.assign(new Error('connection reset'), { transport: true });
      });
      const scheduler = new Scheduler({
        cpu: {
          executor: remote,
          isFailure: (e) => (e as { transport?: boolean }).transport === true,
        },
      });
      const error = await scheduler.schedule({ fn: () => 1, kind: 'cpu' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutorFailedError);
      expect(error).toMatchObject({ executor: 'cpu', cause: { message: 'connection reset' } });
    });

    it("passes the task's own error through unchanged", async () => {
      const reporting = fakeExecutor(async (call, options) => {
        try {
          return await call();
        } catch (error) {
          options?.onSettle?.({ time: Date.now(), status: 'rejected', runMs: 0 });
          throw error;
        }
      });
      const scheduler = new Scheduler({ cpu: reporting });
      const boom = new RangeError('bad input');
      await expect(
        scheduler.schedule({
          fn: () => {
            throw boom;
          },
          kind: 'cpu',
        }),
      ).rejects.toBe(boom);
    });
  });
});
