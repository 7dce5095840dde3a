import { describe, expect, it } from 'vitest';
import {
  getWorkload,
  InterpreterLock,
  piSeries,
  runSplit,
  runWorkload,
  UnknownWorkloadError,
  workloadNames,
  workloads,
  WorkloadAbortedError,
  WorkloadOptionError,
  WorkloadVerificationError,
  assertVerified,
  type WorkloadExecutor,
} from '@weft/workloads';

describe('workloads registry', () => {
  it('lists every workload under its own name with valid sizes and defaults', () => {
    expect(workloadNames).toEqual(Object.keys(workloads));
    expect(workloadNames.length).toBeGreaterThanOrEqual(14);
    for (const name of workloadNames) {
      const workload = getWorkload(name);
      expect(workload.name).toBe(name);
      expect(['cpu', 'io', 'race']).toContain(workload.kind);
      for (const size of ['small', 'medium', 'large'] as const) {
        expect(workload.validate(workload.sizes[size]), `${name} ${size}`).toEqual(
          workload.sizes[size],
        );
      }
      expect(workload.validate()).toEqual(workload.defaults);
      expect(workload.validate({})).toEqual(workload.defaults);
    }
  });

  it('throws UnknownWorkloadError listing the names', () => {
    expect(() => getWorkload('nope')).toThrow(UnknownWorkloadError);
    try {
      getWorkload('nope');
    } catch (error) {
      expect((error as UnknownWorkloadError).allowed).toEqual(workloadNames);
      expect((error as UnknownWorkloadError).code).toBe('ERR_WEFT_WORKLOAD_UNKNOWN');
    }
  });
});

describe('runWorkload()', () => {
  it('runs a part by name with validated params', async () => {
    const params = piSeries.validate({ intervals: 100_000 });
    const [part] = piSeries.split(params, 1);
    expect(await runWorkload('pi-series', part)).toEqual(await piSeries.run(part!));
  });

  it('rejects unknown names and bad params', async () => {
    await expect(runWorkload('nope', {})).rejects.toBeInstanceOf(UnknownWorkloadError);
    await expect(runWorkload('fannkuch', { n: 99 })).rejects.toMatchObject({
      code: 'ERR_WEFT_WORKLOAD_PARAMS',
      field: 'n',
    });
  });

  it('rejects an interpreter lock that is neither a lock nor a handle, naming the option', async () => {
    const error: unknown = await runWorkload(
      'pi-series',
      { intervals: 100_000 },
      { interpreterLock: { kind: 'something else' } as never },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkloadOptionError);
    expect(error).toMatchObject({
      code: 'ERR_WEFT_WORKLOAD_OPTION',
      fn: 'runWorkload',
      option: 'interpreterLock',
    });
  });

  it('accepts an interpreter lock as a handle', async () => {
    const lock = new InterpreterLock();
    await runWorkload('pi-series', { intervals: 100_000 }, { interpreterLock: lock.toHandle() });
    expect(lock.stats().acquisitions).toBe(1);
  });
});

describe('runSplit()', () => {
  it('splits, runs inline, merges and verifies', async () => {
    const run = await runSplit(getWorkload('fannkuch'), { n: 7 }, { parts: 4 });
    expect(run).toMatchObject({
      parts: 4,
      verification: { ok: true },
      result: { checksum: 228, maxFlips: 16 },
    });
  });

  it('sends parts through an executor as runWorkload calls', async () => {
    const calls: unknown[] = [];
    const executor: WorkloadExecutor = {
      apply: (fn, args) => {
        calls.push(args);
        return Promise.resolve(fn(...args));
      },
    };
    const run = await runSplit(
      getWorkload('mandelbrot'),
      { size: 64, frames: 2 },
      { parts: 3, executor },
    );
    expect(run.verification.ok).toBe(true);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual([
      'mandelbrot',
      { size: 64, frames: 2, iterations: 50, zoom: 0.75, range: { start: 0, end: 42 } },
    ]);
  });

  it('throws WorkloadVerificationError on a wrong answer', async () => {
    const executor: WorkloadExecutor = {
      apply: async (fn, args) => {
        const result = (await fn(...args)) as { checksum: number };
        return { ...result, checksum: result.checksum + 1 } as never;
      },
    };
    await expect(
      runSplit(getWorkload('fannkuch'), { n: 7 }, { parts: 2, executor }),
    ).rejects.toBeInstanceOf(WorkloadVerificationError);
    const lenient = await runSplit(
      getWorkload('fannkuch'),
      { n: 7 },
      { parts: 2, executor, throwOnWrongAnswer: false },
    );
    expect(lenient.verification.ok).toBe(false);
    expect(() => assertVerified(getWorkload('fannkuch'), lenient.result, { n: 7 })).toThrow(
      WorkloadVerificationError,
    );
  });

  it('waits for every part before reporting the first failure', async () => {
    const boom = new Error('part 0 failed');
    let release!: () => void;
    let lateSettled = false;
    const executor: WorkloadExecutor = {
      apply: (fn, args) => {
        const [, part] = args as unknown as [string, { range: { start: number } }];
        if (part.range.start === 0) return Promise.reject(boom);
        return new Promise<void>((resolve) => (release = resolve)).then(() => {
          lateSettled = true;
          return fn(...args) as never;
        });
      },
    };
    const run = runSplit(getWorkload('fannkuch'), { n: 7 }, { parts: 2, executor });
    let rejected = false;
    run.catch(() => (rejected = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(rejected).toBe(false); // part 1 is still running
    release();
    await expect(run).rejects.toBe(boom);
    expect(lateSettled).toBe(true);
  });

  it('turns an executor that throws instead of rejecting into a rejection, after the other parts', async () => {
    const thrown = new Error('executor is closed');
    let firstSettled = false;
    const executor: WorkloadExecutor = {
      apply: (fn, args) => {
        const [, part] = args as unknown as [string, { range: { start: number } }];
        if (part.range.start !== 0) throw thrown;
        return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          firstSettled = true;
          return fn(...args) as never;
        });
      },
    };
    await expect(runSplit(getWorkload('fannkuch'), { n: 7 }, { parts: 2, executor })).rejects.toBe(
      thrown,
    );
    expect(firstSettled).toBe(true);
  });

  it('rejects with WorkloadAbortedError carrying the reason, whatever error the executor gave', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const executor: WorkloadExecutor = {
      apply: (_fn, _args, options) =>
        new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('pool says aborted'), { code: 'ERR_POOL_ABORTED' })),
          );
        }),
    };
    const run = runSplit(
      getWorkload('mandelbrot'),
      { size: 64 },
      { parts: 3, executor, signal: controller.signal },
    );
    controller.abort(reason);
    const error: unknown = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkloadAbortedError);
    expect(error).toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED', cause: reason });
    await expect(
      runSplit(getWorkload('fannkuch'), { n: 7 }, { signal: AbortSignal.abort(reason) }),
    ).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED', cause: reason });
  });

  it('rejects an executor without apply() before running anything', async () => {
    await expect(
      runSplit(getWorkload('fannkuch'), { n: 7 }, { executor: {} as never }),
    ).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_OPTION', option: 'executor' });
  });
});
