// Where an inline task's currentJob() comes from, without Redis: the async context (an
// AsyncLocalStorage) for a task that returns a promise, a plain slot for one that returned a plain
// value when it last ran, and neither once no job is inside. Real timers, but no waiting on them:
// each test waits only for callbacks that are already due.
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from 'bullmq';
import { currentJob } from '../src/current-job.js';
import { JobRun } from '../src/internal/job-run.js';
import { InlineRunner } from '../src/internal/runner.js';
import { StartReports } from '../src/internal/start-reports.js';

const runner = new InlineRunner();

/** Runs `fn` on the inline runner as the job `id`. */
function runAs(id: string, fn: (...args: unknown[]) => unknown): Promise<unknown> {
  const run = new JobRun(
    {
      host: 'h',
      worker: 'w',
      starts: new StartReports(1000),
      listening: () => false,
      publish: () => undefined,
    },
    { id, updateProgress: () => Promise.resolve() } as unknown as Job,
    'q',
    1,
    'm#f',
  );
  run.use('file:///t.js', fn, 'f', []);
  return runner.run(run);
}

/** A macrotask turn: callbacks already due (setImmediate, a 0 ms timer queued earlier) have run. */
const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('currentJob() on the inline runner', () => {
  it('gives a synchronous task its job on every call, entering the async context only the first time', async () => {
    const run = vi.spyOn(AsyncLocalStorage.prototype, 'run');
    const task = (): unknown => currentJob()?.jobId;
    expect(await runAs('a1', task)).toBe('a1');
    expect(await runAs('a2', task)).toBe('a2');
    expect(await runAs('a3', task)).toBe('a3');
    // The first call found out that it returns a plain value; the others ran in the slot.
    expect(run).toHaveBeenCalledTimes(1);
    expect(currentJob()).toBeUndefined();
  });

  it('keeps a task that returns a promise (async or not) in its job after each await, on every call', async () => {
    const seen: unknown[] = [];
    const viaThen = (): Promise<void> =>
      Promise.resolve().then(() => {
        seen.push(currentJob()?.jobId);
      });
    const viaAwait = async (): Promise<void> => {
      await turn();
      seen.push(currentJob()?.jobId);
    };
    await runAs('b1', viaThen);
    await runAs('b2', viaThen);
    await Promise.all([runAs('b3', viaAwait), runAs('b4', viaAwait)]);
    expect(seen).toEqual(['b1', 'b2', 'b3', 'b4']);
  });

  it('moves a function that returned a plain value and then a promise back to the async context', async () => {
    let later = false;
    const seen: unknown[] = [];
    const sometimes = (): unknown => {
      seen.push(currentJob()?.jobId);
      if (!later) return 'plain';
      return Promise.resolve().then(() => seen.push(currentJob()?.jobId));
    };
    await runAs('c1', sometimes);
    later = true;
    // The documented gap: this call ran in the slot, so the code after its await sees no job.
    await runAs('c2', sometimes);
    await runAs('c3', sometimes);
    expect(seen).toEqual(['c1', 'c2', undefined, 'c3', 'c3']);
  });

  it('keeps an async task in its job while synchronous tasks start and end beside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: unknown[] = [];
    const slow = runAs('d1', async () => {
      await gate;
      seen.push(currentJob()?.jobId);
    });
    const quick = (): unknown => currentJob()?.jobId;
    expect(await runAs('d2', quick)).toBe('d2');
    expect(await runAs('d3', quick)).toBe('d3');
    release();
    await slow;
    expect(seen).toEqual(['d1']);
  });

  it('sees no other job in code a task left running, and none when the task ran in the slot', async () => {
    const left: unknown[] = [];
    const leaves = (): string => {
      setImmediate(() => {
        left.push(currentJob()?.jobId);
      });
      return 'done';
    };
    // The first call runs in the async context: its timer was made there. The store is disabled
    // once the job settles, which on Node 20 and 22 drops the job for it too; on Node 24 a disabled
    // store is only taken out of the current context, and the timer still sees its own job.
    await runAs('e1', leaves);
    await turn();
    // The second call runs in the slot: its timer sees no job on every runtime.
    await runAs('e2', leaves);
    await turn();
    expect(left).toHaveLength(2);
    expect([undefined, 'e1']).toContain(left[0]);
    expect(left[1]).toBeUndefined();
  });
});
