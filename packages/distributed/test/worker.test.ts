// weft-worker processes against a real Redis and a real PostgreSQL (one run per store): split work
// across two of them, recover a job whose worker is SIGKILLed, stop gracefully on SIGTERM
// (finishing or handing back, leaving no child).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BullMQExecutor,
  InvalidOptionError,
  JobLostError,
  startWorker,
  ValueNotSerializableError,
} from '@weft/distributed';
import type { DistributedEvent, JobStartedEvent, RemoteExecutionStart } from '@weft/distributed';
import { Recorder, Scheduler } from '@weft/core-scheduler';
import { WorkerExitedError } from '@weft/process-pool';
import { mandelbrot, runSplit, runWorkload } from '@weft/workloads';
import type { MandelbrotResult } from '@weft/workloads';
import * as tasks from './fixtures/tasks.mjs';
import type { CliEvent } from './helpers.js';
import {
  deferred,
  freshQueue,
  isAlive,
  killAllWorkers,
  spawnWorker,
  TASKS_URL,
  waitForFile,
} from './helpers.js';

import { storeArgs, testStores } from './stores.js';
import type { TestStore } from './stores.js';

/** The store of the describe.each run under way (set in its beforeAll). */
let store: TestStore = testStores[0] ?? { name: 'redis', url: '' };
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
});

function executor(queue: string, moduleIds: readonly string[] = [TASKS_URL]): BullMQExecutor {
  const ex = new BullMQExecutor({ connection: store.url, queue, tasks: moduleIds });
  cleanups.push(() => ex.terminate());
  return ex;
}

/** `weft-worker` arguments: a one-slot worker of `kind` on `queue` of the test Redis, then `extra`. */
function workerArgs(
  queue: string,
  kind: 'thread' | 'process' | 'inline',
  ...extra: string[]
): string[] {
  return [
    ...storeArgs(store),
    '--queue',
    queue,
    '--kind',
    kind,
    '--concurrency',
    '1',
    '--tasks',
    TASKS_URL,
    ...extra,
  ];
}

/** Worker flags under which a killed worker's job is found stalled within about a second. */
const QUICK_STALL_CHECK = ['--lock-duration', '1000', '--stalled-interval', '500'];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-distributed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe.each(testStores)('startWorker() on $name', (current) => {
  beforeAll(() => {
    store = current;
  });

  it.each([
    ['kind', { kind: 'gpu' }],
    ['concurrency', { concurrency: 0 }],
    ['concurrency', { concurrency: 1.5 }],
    ['lockDuration', { lockDuration: -5 }],
    ['startReportDelay', { startReportDelay: -1 }],
    ['queue', { queue: '' }],
    ['maxArgsBytes', { maxArgsBytes: 0 }],
    ['tasks[0]', { tasks: ['node:fs'] }],
    ['tasks[1].id', { tasks: [TASKS_URL, { id: '', location: TASKS_URL }] }],
  ] as const)('rejects an invalid %s before connecting', async (option, patch) => {
    const error = (await startWorker({
      connection: store.url,
      queue: 'q',
      tasks: [TASKS_URL],
      ...(patch as object),
    }).catch((e: unknown) => e)) as InvalidOptionError;
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.option).toBe(option);
  });
});

describe.each(testStores)('weft-worker on $name', (current) => {
  beforeAll(() => {
    store = current;
  });
  /** Tests about Redis itself. */
  const redisOnly = it.runIf(current.name === 'redis');

  it('two worker processes compute a split CPU workload equal to the local result', async () => {
    const queue = freshQueue('split');
    const workers = await Promise.all([
      spawnWorker(workerArgs(queue, 'process', '--tasks', '@weft/workloads')),
      spawnWorker(workerArgs(queue, 'thread', '--tasks', '@weft/workloads')),
    ]);
    const ex = executor(queue, ['@weft/workloads']);
    const params = mandelbrot.sizes.small;
    const local = await runSplit(mandelbrot, params, { parts: 1 });
    const remote = await runSplit(mandelbrot, params, { parts: 4, executor: ex });
    expect(remote.verification.ok).toBe(true);
    expect(remote.result).toEqual(local.result);

    // The scheduler spreads the same parts over the workers as its CPU executor.
    const recorder = new Recorder();
    const scheduler = new Scheduler({ cpu: ex, recorder });
    cleanups.push(() => scheduler.close());
    const parts = mandelbrot.split(mandelbrot.validate(params), 4);
    const results = await Promise.all(
      parts.map((part) =>
        scheduler.schedule({ fn: runWorkload, args: ['mandelbrot', part], kind: 'cpu' }),
      ),
    );
    const merged = mandelbrot.merge(results as MandelbrotResult[], mandelbrot.validate(params));
    expect(merged).toEqual(local.result);
    // Remote starts and settles reach the recorder: one span per part, on lanes of remote processes.
    const timeline = recorder.timeline();
    const spans = timeline.spans.filter((span) => span.status === 'fulfilled');
    expect(spans).toHaveLength(4);
    for (const span of spans) {
      const lane = timeline.lanes.find((l) => l.id === span.lane)!;
      expect(lane.kind).toBe('process');
      expect(lane.pid).not.toBe(process.pid);
      expect(span.end).toBeGreaterThanOrEqual(span.start);
    }
    // A worker prints a job's settle line a moment after the caller hears of the job: wait for it.
    await vi.waitFor(
      () =>
        expect(
          workers
            .flatMap((w) => w.events)
            .filter((e) => e.type === 'job:settled' && e['status'] === 'fulfilled'),
        ).toHaveLength(8),
      { timeout: 10_000 },
    );
  });

  it('with --quiet runs jobs and prints no line per job, their starts still reaching the caller', async () => {
    const queue = freshQueue('quiet');
    const worker = await spawnWorker(workerArgs(queue, 'inline', '--quiet'));
    const ex = executor(queue);
    const pids: (number | undefined)[] = [];
    const sums = await Promise.all(
      [1, 2, 3].map((i) => ex.apply(tasks.add, [i, 1], { onStart: (info) => pids.push(info.pid) })),
    );
    expect(sums).toEqual([2, 3, 4]);
    expect(pids).toEqual([worker.pid, worker.pid, worker.pid]);
    expect(worker.events.map((e) => e.type)).toEqual(['ready']);
  });

  it('re-runs a job on the other worker after its worker is SIGKILLed mid-job (stalled-job recovery)', async () => {
    const queue = freshQueue('sigkill');
    const fast = workerArgs(queue, 'thread', ...QUICK_STALL_CHECK);
    const workers = await Promise.all([spawnWorker(fast), spawnWorker(fast)]);
    const ex = executor(queue);
    const events: DistributedEvent[] = [];
    ex.subscribe((e) => events.push(e));
    const firstStart = deferred<RemoteExecutionStart>();
    let starts = 0;
    let settles = 0;
    const marker = join(tempDir(), 'marker');
    const call = ex.apply(tasks.blockOnce, [marker], {
      onStart: (info) => {
        starts++;
        firstStart.resolve(info as RemoteExecutionStart);
      },
      onSettle: () => settles++,
    });
    const first = await firstStart.promise;
    // Kill only once the task has really begun (it writes the marker first).
    await waitForFile(marker);
    const victim = workers.find((w) => w.pid === first.hostPid)!;
    victim.child.kill('SIGKILL');
    expect(await call).toBe('done');
    const runs = events.filter((e): e is JobStartedEvent => e.type === 'job:started');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect(runs[0]!.where.hostPid).toBe(victim.pid);
    expect(runs[1]!.where.hostPid).not.toBe(victim.pid);
    expect(events.some((e) => e.type === 'job:stalled')).toBe(true);
    // One task, retried by BullMQ, not lost: the caller saw one start and one settle.
    expect([starts, settles]).toEqual([1, 1]);
  });

  it('rejects with JobLostError, without re-running it, when a job stalls more often than maxStalledCount allows', async () => {
    const queue = freshQueue('lost');
    const strict = workerArgs(queue, 'thread', ...QUICK_STALL_CHECK, '--max-stalled', '0');
    const victim = await spawnWorker(strict);
    const ex = executor(queue);
    const events: DistributedEvent[] = [];
    ex.subscribe((e) => events.push(e));
    const started = deferred();
    let starts = 0;
    let settles = 0;
    const marker = join(tempDir(), 'marker');
    // Attempts left do not matter: a job that stalls past the limit fails for good.
    const call = ex.apply(tasks.blockOnce, [marker], {
      retry: { attempts: 3 },
      onStart: () => {
        starts++;
        started.resolve();
      },
      onSettle: () => settles++,
    });
    await started.promise;
    await waitForFile(marker);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The survivor's stalled check finds the dead worker's job; with --max-stalled 0 BullMQ fails it.
    const survivor = await spawnWorker(strict);
    const error = (await call.catch((e: unknown) => e)) as JobLostError;
    expect(error).toBeInstanceOf(JobLostError);
    expect(error.code).toBe('ERR_WEFT_JOB_LOST');
    expect(error.jobId).toBe(events.find((e) => e.type === 'job:queued')!.jobId);
    expect(events.some((e) => e.type === 'job:stalled')).toBe(true);
    // It never ran again, and the caller saw one start and no settle: the attempt has no outcome.
    expect(events.filter((e) => e.type === 'job:started')).toHaveLength(1);
    expect(survivor.events.some((e) => e.type === 'job:started')).toBe(false);
    expect([starts, settles]).toEqual([1, 0]);
    expect(ex.pending).toBe(0);
  });

  it('on SIGTERM finishes its running job, exits 0 and leaves no child process behind', async () => {
    const queue = freshQueue('sigterm');
    const worker = await spawnWorker(workerArgs(queue, 'process'));
    const ex = executor(queue);
    const started = deferred<RemoteExecutionStart>();
    const call = ex.apply(tasks.spin, [300], {
      onStart: (info) => started.resolve(info as RemoteExecutionStart),
    });
    const start = await started.promise;
    worker.child.kill('SIGTERM');
    const childPid = await call;
    expect(childPid).toBe(start.pid);
    expect(childPid).not.toBe(worker.pid);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.events.map((e) => e.type)).toContain('stopped');
    expect(isAlive(childPid)).toBe(false);
  });

  it('on SIGTERM hands a job that outlives the grace period back to the queue for another worker', async () => {
    const queue = freshQueue('handback');
    const first = await spawnWorker(workerArgs(queue, 'thread', '--grace', '100'));
    const ex = executor(queue);
    const started = deferred();
    const marker = join(tempDir(), 'marker');
    const call = ex.apply(tasks.blockOnce, [marker], { onStart: () => started.resolve() });
    await started.promise;
    await waitForFile(marker);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.events.map((e) => e.type)).toContain('job:handed-back');
    const second = await spawnWorker(workerArgs(queue, 'inline'));
    expect(await call).toBe('done');
    // The second worker's line reaches us through its stdout, the result through Redis: wait for
    // the line rather than race the two.
    await second.waitFor((e) => e.type === 'job:settled' && e['status'] === 'fulfilled');
  });

  it('stops a cancelled CPU task on its pool: the busy child is replaced and the worker moves on', async () => {
    const queue = freshQueue('cancel-cpu');
    await spawnWorker(workerArgs(queue, 'process'));
    const ex = executor(queue);
    const started = deferred<RemoteExecutionStart>();
    const controller = new AbortController();
    const call = ex.apply(tasks.spin, [60_000], {
      signal: controller.signal,
      onStart: (info) => started.resolve(info as RemoteExecutionStart),
    });
    const { pid } = await started.promise;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ERR_WEFT_JOB_CANCELLED', stage: 'running' });
    // The only pool slot was spinning for a minute: this runs only because the pool ended it.
    expect(await ex.apply(tasks.add, [2, 2])).toBe(4);
    expect(isAlive(pid!)).toBe(false);
  });

  it("brings the worker pool's own errors back as their classes (a pool child dying mid-task)", async () => {
    const queue = freshQueue('pool-error');
    const worker = await spawnWorker(workerArgs(queue, 'process'));
    const ex = executor(queue);
    const error = (await ex
      .apply(tasks.exitNow, [3])
      .catch((e: unknown) => e)) as WorkerExitedError;
    expect(error).toBeInstanceOf(WorkerExitedError);
    expect(error.code).toBe('ERR_WEFT_POOL_WORKER_EXITED');
    // The weft-worker itself lives on and takes the next job.
    expect(await ex.apply(tasks.add, [1, 2])).toBe(3);
    expect(isAlive(worker.pid)).toBe(true);
  });

  it.each(['inline', 'thread', 'process'] as const)(
    '%s worker: rejects a task whose result cannot be serialized with ValueNotSerializableError ("result")',
    async (kind) => {
      const queue = freshQueue(`unsendable-${kind}`);
      const worker = await spawnWorker(workerArgs(queue, kind));
      const ex = executor(queue);
      const error = (await ex
        .apply(tasks.returnFunction, [], { retry: { attempts: 3 } })
        .catch((e: unknown) => e)) as ValueNotSerializableError;
      expect(error).toBeInstanceOf(ValueNotSerializableError);
      expect(error.code).toBe('ERR_WEFT_VALUE_NOT_SERIALIZABLE');
      expect(error.position).toBe('result');
      // The serializer's own error is kept as the cause.
      expect(error.cause).toBeInstanceOf(Error);
      // The task ran; the worker lives on and takes the next job.
      expect(await ex.apply(tasks.add, [1, 2])).toBe(3);
      // No retry can fix it: one attempt ran, not three. (The worker prints events in order, so
      // once it has printed the next job's, it has printed every attempt of this one.)
      const isSettled = (e: CliEvent, name: string): boolean =>
        e.type === 'job:settled' && String(e['task']).endsWith(`#${name}`);
      await worker.waitFor((e) => isSettled(e, 'add'));
      expect(worker.events.filter((e) => isSettled(e, 'returnFunction'))).toHaveLength(1);
      expect(isAlive(worker.pid)).toBe(true);
    },
  );

  // Redis-only: about an unreachable Redis.
  redisOnly('exits 1 with a clear message when Redis is unreachable', async () => {
    const error = await spawnWorker([
      '--redis',
      'redis://127.0.0.1:1',
      '--connect-timeout',
      '300',
      '--tasks',
      TASKS_URL,
    ]).catch((e: unknown) => e);
    expect(String(error)).toMatch(/exited \(1\).*not reachable within 300 ms/s);
  });
});
