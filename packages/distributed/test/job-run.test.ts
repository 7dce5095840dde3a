// One job's run on a worker, without Redis: its signal is made only when read (and is already
// aborted when the run was), the wait for its task gives up on an abort, its start is reported at
// most once (as a progress event once the delay runs out, or with its outcome), and no event is
// built when nobody listens. Fake timers: no waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from 'bullmq';
import { currentJob } from '../src/current-job.js';
import { JobRun } from '../src/internal/job-run.js';
import type { RunContext } from '../src/internal/job-run.js';
import { InlineRunner } from '../src/internal/runner.js';
import { StartReports } from '../src/internal/start-reports.js';
import type { WorkerEvent } from '../src/worker.js';

function fakeJob(id: string): Job & { updateProgress: ReturnType<typeof vi.fn> } {
  return { id, updateProgress: vi.fn(() => Promise.resolve()) } as never;
}

function setup(delay: number, listening = true) {
  const events: WorkerEvent[] = [];
  const starts = new StartReports(delay);
  const context: RunContext = {
    host: 'host-a',
    worker: 'worker-a',
    starts,
    listening: () => listening,
    publish: (event) => events.push(event),
  };
  const job = fakeJob('j1');
  const run = new JobRun(context, job, 'q', 1, 'm#f');
  return { run, job, starts, events };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('JobRun abort', () => {
  it('makes its signal on first read, already aborted with the first reason when aborted before', () => {
    const { run } = setup(2);
    run.abort('weft:cancelled');
    run.abort('weft:handback');
    expect(run.abortReason).toBe('weft:cancelled');
    const signal = run.signal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('weft:cancelled');
    expect(run.signal).toBe(signal);
  });

  it('aborts a signal read earlier, and stops waiting for a task that ignores it', async () => {
    const { run } = setup(2);
    const signal = run.signal;
    let lateReject: (error: Error) => void = () => undefined;
    const task = new Promise((_, reject) => {
      lateReject = reject;
    });
    const waiting = run.wait(task);
    run.abort('weft:handback');
    expect(signal.aborted).toBe(true);
    await expect(waiting).rejects.toBe('weft:handback');
    // The task's own late failure is dropped, not unhandled.
    lateReject(new Error('late'));
    await Promise.resolve();
  });

  it('rejects at once when the run was aborted before the wait', async () => {
    const { run } = setup(2);
    run.abort('weft:cancelled');
    await expect(run.wait(Promise.resolve(1))).rejects.toBe('weft:cancelled');
  });

  it('gives the task outcome when not aborted', async () => {
    const { run } = setup(2);
    await expect(run.wait(Promise.resolve(7))).resolves.toBe(7);
    await expect(run.wait(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('JobRun start report', () => {
  it('sends the start once the delay runs out, once, and then not with the outcome', async () => {
    const { run, job, starts } = setup(2);
    run.onStart({ time: 123, pid: 9, threadId: 0 });
    expect(job.updateProgress).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5);
    expect(job.updateProgress).toHaveBeenCalledTimes(1);
    expect(job.updateProgress).toHaveBeenCalledWith({
      weft: {
        ev: 'started',
        time: 123,
        attempt: 1,
        host: 'host-a',
        worker: 'worker-a',
        hostPid: process.pid,
        pid: 9,
        threadId: 0,
      },
    });
    expect(run.progress).toBeDefined();
    run.sendStart();
    expect(run.end()).toBeUndefined();
    expect(job.updateProgress).toHaveBeenCalledTimes(1);
    expect(starts.size).toBe(0);
  });

  it('gives the start with the outcome when the job ends first, and never sends it', async () => {
    const { run, job, starts } = setup(2);
    run.onStart({ time: 5, workerId: 3 });
    expect(run.end()).toMatchObject({ ev: 'started', time: 5, workerId: 3 });
    expect(starts.size).toBe(0);
    await vi.advanceTimersByTimeAsync(10);
    run.sendStart();
    expect(job.updateProgress).not.toHaveBeenCalled();
    expect(run.end()).toBeUndefined();
  });

  it('sends at once with a delay of 0', () => {
    const { run, job } = setup(0);
    run.onStart({ time: 1 });
    expect(job.updateProgress).toHaveBeenCalledTimes(1);
    expect(run.end()).toBeUndefined();
  });

  it('reports each job when its own delay runs out, with one timer for all', async () => {
    const starts = new StartReports(10);
    const sent: string[] = [];
    const entry = (name: string) => ({ dueAt: 0, sendStart: () => sent.push(name) });
    const a = entry('a');
    const b = entry('b');
    const c = entry('c');
    starts.defer(a);
    await vi.advanceTimersByTimeAsync(4);
    starts.defer(b);
    starts.defer(c);
    starts.forget(c);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(7);
    expect(sent).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(4);
    expect(sent).toEqual(['a', 'b']);
    expect(starts.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('publishes job:started only when someone listens', () => {
    const quiet = setup(2, false);
    quiet.run.onStart({ time: 1 });
    expect(quiet.events).toEqual([]);
    const heard = setup(2, true);
    heard.run.onStart({ time: 1 });
    expect(heard.events).toEqual([
      { type: 'job:started', time: 1, jobId: 'j1', task: 'm#f', attempt: 1 },
    ]);
  });
});

describe('InlineRunner with a JobRun', () => {
  it('defers the start of an async task only: a synchronous one reports it after its end, with its start time', async () => {
    const sync = setup(2);
    sync.run.use('file:///t.js', () => 'done', 'f', []);
    const before = performance.now();
    await expect(new InlineRunner().run(sync.run)).resolves.toBe('done');
    // Nothing deferred, no timer armed: the start goes with the outcome.
    expect(sync.starts.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const start = sync.run.end();
    expect(start?.time).toBeGreaterThanOrEqual(before);
    expect(start?.time).toBeLessThanOrEqual(sync.run.settled?.time ?? -1);
    expect(sync.events.map((e) => e.type)).toEqual(['job:started']);

    const later = setup(2);
    let finish!: () => void;
    later.run.use(
      'file:///t.js',
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
      'f',
      [],
    );
    const running = new InlineRunner().run(later.run);
    expect(later.starts.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    finish();
    await running;
    later.run.end();
    expect(later.starts.size).toBe(0);
  });

  it('runs the task as the job, whose signal is the run’s own, made when the task reads it', async () => {
    const { run } = setup(2);
    let seen: Record<string, unknown> = {};
    run.use(
      'file:///t.js',
      (a, b) => {
        const job = currentJob();
        seen = { jobId: job?.jobId, queue: job?.queue, keys: Object.keys(job ?? {}) };
        run.abort('weft:cancelled');
        seen.aborted = job?.signal.aborted;
        return (a as number) + (b as number);
      },
      'f',
      [1, 2],
    );
    await expect(new InlineRunner().run(run)).resolves.toBe(3);
    expect(seen).toEqual({
      jobId: 'j1',
      queue: 'q',
      aborted: true,
      keys: ['jobId', 'attempt', 'queue', 'signal'],
    });
    expect(run.settled?.runMs).toBeGreaterThanOrEqual(0);
  });

  it('turns a synchronous throw into a rejection, and times an async task to its end', async () => {
    const { run } = setup(2);
    run.use(
      'file:///t.js',
      () => {
        throw new Error('sync');
      },
      'f',
      [],
    );
    await expect(new InlineRunner().run(run)).rejects.toThrow('sync');
    expect(run.settled).toBeDefined();
    const later = setup(2).run;
    later.use(
      'file:///t.js',
      async () => {
        await new Promise((r) => setTimeout(r, 50));
        return 'done';
      },
      'f',
      [],
    );
    const running = new InlineRunner().run(later);
    expect(later.settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60);
    await expect(running).resolves.toBe('done');
    expect(later.settled).toBeDefined();
  });

  it('keeps an async task in its job across awaits while sync tasks come and go, and lets go after', async () => {
    vi.useRealTimers();
    const runner = new InlineRunner();
    const slow = setup(2).run;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: unknown[] = [];
    slow.use(
      'file:///t.js',
      async () => {
        seen.push(currentJob()?.jobId);
        await gate;
        seen.push(currentJob()?.jobId);
        await new Promise((r) => setImmediate(r));
        seen.push(currentJob()?.jobId);
        return 'slow';
      },
      'f',
      [],
    );
    const slowRun = runner.run(slow);
    // A synchronous task runs and returns while the async one waits.
    const sync = setup(2);
    const syncRun = new JobRun(
      {
        host: 'h',
        worker: 'w',
        starts: sync.starts,
        listening: () => false,
        publish: () => undefined,
      },
      fakeJob('j2'),
      'q',
      1,
      'm#g',
    );
    syncRun.use('file:///t.js', () => currentJob()?.jobId, 'g', []);
    await expect(runner.run(syncRun)).resolves.toBe('j2');
    release();
    await expect(slowRun).resolves.toBe('slow');
    expect(seen).toEqual(['j1', 'j1', 'j1']);
    // No inline task in flight: outside any job.
    expect(currentJob()).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(currentJob()).toBeUndefined();
  });
});
