import { Worker } from 'node:worker_threads';
import { AsyncMutex } from '@weft/sync-primitives';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  asyncCounter,
  gil,
  isolation,
  isolationCounter,
  sharedCounter,
  WorkloadAbortedError,
  WorkloadParamsError,
  type CounterMode,
} from '@weft/workloads';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sharedCounter', () => {
  it.each<CounterMode>(['atomic', 'mutex-scoped', 'mutex-manual'])(
    'loses no update in %s mode',
    async (mode) => {
      const params = sharedCounter.validate({ threads: 2, increments: 20_000, mode });
      const result = await sharedCounter.run(params);
      expect(result).toMatchObject({ finalValue: 40_000, expected: 40_000, lostUpdates: 0 });
      expect(sharedCounter.verify(result, params).ok).toBe(true);
    },
  );

  it('reports (never promises) lost updates in unsafe mode', async () => {
    const params = sharedCounter.validate({ threads: 2, increments: 20_000, mode: 'unsafe' });
    const result = await sharedCounter.run(params);
    // Whether updates are lost depends on true parallelism (CI may have one core): report it.
    console.info(`shared-counter unsafe: ${result.lostUpdates} of ${result.expected} updates lost`);
    expect(result.finalValue + result.lostUpdates).toBe(result.expected);
    expect(sharedCounter.verify(result, params).ok).toBe(true);
  });

  it('flags a safe mode that lost an update', () => {
    const params = sharedCounter.validate({ threads: 2, increments: 10, mode: 'atomic' });
    const result = {
      mode: 'atomic' as const,
      threads: 2,
      finalValue: 19,
      expected: 20,
      lostUpdates: 1,
      ms: 1,
    };
    expect(sharedCounter.verify(result, params).ok).toBe(false);
  });

  it('is one indivisible part', () => {
    expect(sharedCounter.split(sharedCounter.sizes.small, 4)).toEqual([sharedCounter.sizes.small]);
  });

  it('rejects when aborted, and terminates its threads', async () => {
    await expect(
      sharedCounter.run(sharedCounter.sizes.small, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED' });
    // The threads are real; the spy only counts the terminate() calls made on them.
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const controller = new AbortController();
    const run = sharedCounter.run(
      sharedCounter.validate({ threads: 2, increments: 30_000_000, mode: 'mutex-manual' }),
      {
        signal: controller.signal,
      },
    );
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED' });
    expect(terminate).toHaveBeenCalledTimes(2);
  });

  it('refuses to merge anything but the one part split() returns', async () => {
    const result = await sharedCounter.run(sharedCounter.sizes.small);
    expect(() => sharedCounter.merge([result, result], sharedCounter.sizes.small)).toThrow(
      WorkloadParamsError,
    );
    expect(() => sharedCounter.merge([], sharedCounter.sizes.small)).toThrow(WorkloadParamsError);
  });
});

describe('asyncCounter', () => {
  it('loses updates across an await without a lock (every task reads before any writes)', async () => {
    const params = asyncCounter.validate({ tasks: 50, increments: 4, mode: 'unsafe' });
    const result = await asyncCounter.run(params);
    expect(result).toMatchObject({ finalValue: 4, expected: 200, lostUpdates: 196 });
    expect(asyncCounter.verify(result, params).ok).toBe(true);
  });

  it('stops every task and rejects with WorkloadAbortedError when aborted mid-run', async () => {
    const withLock = vi.spyOn(AsyncMutex.prototype, 'withLockAsync');
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = asyncCounter.run(
      asyncCounter.validate({ tasks: 10, increments: 1000, mode: 'mutex' }),
      { signal: controller.signal },
    );
    controller.abort(reason);
    const error: unknown = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkloadAbortedError);
    expect(error).toMatchObject({ cause: reason });
    // Each task had started its first increment before the abort; none started another.
    expect(withLock).toHaveBeenCalledTimes(10);
  });

  it('loses none under AsyncMutex', async () => {
    const result = await asyncCounter.run(asyncCounter.sizes.small);
    expect(result).toMatchObject({ finalValue: 1000, lostUpdates: 0 });
    expect(asyncCounter.verify(result, asyncCounter.sizes.small).ok).toBe(true);
  });
});

describe('isolation', () => {
  it('increments this thread’s own copy of the module counter, starting at 100', async () => {
    const before = isolationCounter();
    const params = isolation.validate({ tasks: 2, increments: 3 });
    const result = await isolation.run(params);
    expect(result.reports.map((r) => r.values)).toEqual([
      [before + 1, before + 2, before + 3],
      [before + 4, before + 5, before + 6],
    ]);
    expect(isolationCounter()).toBe(before + 6);
    expect(isolation.verify(result, params).ok).toBe(true);
  });

  it('flags two tasks that saw the same value in one copy', () => {
    const params = isolation.validate({ tasks: 2, increments: 1 });
    const report = { pid: 1, threadId: 1, values: [101] };
    const result = {
      range: { start: 0, end: 2 },
      reports: [
        { ...report, task: 0 },
        { ...report, task: 1 },
      ],
      observer: {
        pid: process.pid,
        threadId: 0,
        value: isolationCounter(),
        ownIncrements: isolationCounter() - 100,
      },
    };
    expect(isolation.verify(result, params).ok).toBe(false);
  });
});

describe('gil', () => {
  it('runs CPU threads under the lock with every answer verified and forced switches counted', async () => {
    const params = gil.validate({
      threads: 2,
      work: 'cpu',
      locked: true,
      units: 2_000_000,
      switchIntervalMs: 1,
    });
    const result = await gil.run(params);
    expect(gil.verify(result, params)).toMatchObject({ ok: true });
    expect(result.lock!.acquisitions).toBeGreaterThanOrEqual(2);
    console.info(
      `gil cpu locked: ${result.elapsedMs.toFixed(1)} ms, ${result.lock!.switches} switches`,
    );
  });

  it('releases the lock during I/O waits in every thread', async () => {
    const params = gil.validate({ threads: 2, work: 'io', locked: true, units: 3, delayMs: 1 });
    const result = await gil.run(params);
    expect(gil.verify(result, params).ok).toBe(true);
    expect(result.lock!.ioReleases).toBe(6);
  });

  it('runs without the lock', async () => {
    const params = gil.validate({ threads: 2, work: 'cpu', locked: false, units: 100_000 });
    const result = await gil.run(params);
    expect(gil.verify(result, params).ok).toBe(true);
    expect(result.lock).toBeUndefined();
  });
});
