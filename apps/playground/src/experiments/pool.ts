// Experiment 2: a pool's limits, queueing and reuse, and what terminate() does to pending work.
import { Pool, PoolTerminatedError } from '@weft/process-pool';
import type { Experiment } from '../experiment.js';
import { kindFlag, readKind, readWorkers, reportFlags, workersFlag } from '../flags.js';
import { PoolRecorder } from '../pool-recorder.js';
import { Lesson } from '../lesson.js';
import { ms, Printer } from '../print.js';
import { poolVerdict, terminateVerdict } from '../verdicts.js';
import { job } from '../tasks/classic.js';

const TASKS = new URL('./tasks/classic.js', import.meta.url);
const TASK_COUNT = 20;
const TASK_MS = 100;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const pool: Experiment = {
  name: 'pool',
  summary: 'limits, queueing and reuse: 20 tasks on a pool of 5 workers, then terminate()',
  description:
    'Submits 20 tasks of 100 ms to a pool of 5 workers. Workers start lazily, only while no worker is ' +
    'idle and the limit is not reached; further tasks wait in the queue; workers are reused. A table ' +
    'shows which worker ran how many tasks. Then terminate() on a busy pool: pending tasks reject with ' +
    'PoolTerminatedError and no worker survives.',
  flags: [workersFlag(5), kindFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const kind = readKind(ctx.flags);
    const maxWorkers = readWorkers(ctx.flags, 5);
    // prefetch 1: one task per worker at a time, as Python's Pool does, so queueing is visible.
    const p = ctx.manage(new Pool({ module: TASKS, kind, maxWorkers, prefetch: 1 }));
    const recorder = new PoolRecorder(p, `${kind} pool`);
    const pids = new Set<number>();
    p.on('worker:spawned', (e) => {
      if (kind === 'process' && e.pid !== undefined) pids.add(e.pid);
    });
    let maxQueued = 0;
    let maxWorkersSeen = 0;
    p.on('task:queued', () => {
      const s = p.stats();
      maxQueued = Math.max(maxQueued, s.queued);
    });
    p.on('task:started', () => {
      maxWorkersSeen = Math.max(maxWorkersSeen, p.stats().workers);
    });

    out.heading(`${TASK_COUNT} tasks of ${TASK_MS} ms on a pool of ${maxWorkers} ${kind} workers`);
    const lesson = new Lesson(
      out,
      'a pool runs at most its limit of workers, starts them only when needed, queues the tasks that ' +
        'find no free worker, and reuses its workers instead of starting one per task.',
    );
    lesson.python('pool_terminate', "In Python's multiprocessing");
    lesson.note(
      `What ran: ${TASK_COUNT} tasks of ${TASK_MS} ms submitted at once to a Pool of ${kind} workers ` +
        `limited to ${maxWorkers}, one task per worker at a time; then close() and join().`,
    );
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: TASK_COUNT }, (_, i) => p.apply(job, [i, TASK_MS])),
    );
    const elapsed = performance.now() - started;
    const afterRun = p.stats();
    p.close();
    await p.join();

    const rows = [...recorder.lanes()].map(([workerId, lane]) => [
      String(workerId),
      kind === 'process' ? String(lane.pid ?? '?') : `thread ${lane.threadId ?? '?'}`,
      String(recorder.tasksByWorker().get(workerId) ?? 0),
    ]);
    out.table(['worker', kind === 'process' ? 'pid' : 'thread', 'tasks run'], rows);
    out.line();
    out.line(
      `workers started: ${recorder.lanes().size} (limit ${maxWorkers}); most tasks waiting at once: ${maxQueued}; ` +
        `time: ${ms(elapsed)} (${TASK_COUNT} × ${TASK_MS} ms / ${maxWorkers} workers ≈ ${ms((TASK_COUNT * TASK_MS) / maxWorkers)})`,
    );
    const leftAfterJoin = [...pids].filter(alive);
    out.line(
      `after close() + join(): ${p.stats().workers} workers, ${leftAfterJoin.length} child processes left`,
    );
    lesson.verdict(
      poolVerdict({
        limit: maxWorkers,
        workersStarted: recorder.lanes().size,
        maxWorkersSeen,
        tasks: TASK_COUNT,
        returned: results.length,
        maxQueued,
        elapsedMs: elapsed,
        idealMs: (TASK_COUNT * TASK_MS) / maxWorkers,
        leftAfterJoin: p.stats().workers + leftAfterJoin.length,
      }).text,
    );

    out.heading('terminate() on a busy pool');
    const stop = new Lesson(
      out,
      'terminate() stops every worker at once, without waiting for their tasks; every pending task ' +
        'settles with a typed error, so nothing hangs and no worker outlives the pool.',
    );
    stop.note(
      'What ran: 6 tasks of 60 s on a pool of 2 workers; once both workers were busy, terminate().',
    );
    const busy = ctx.manage(new Pool({ module: TASKS, kind, maxWorkers: 2, prefetch: 1 }));
    const busyPids: number[] = [];
    busy.on('worker:spawned', (e) => {
      if (kind === 'process' && e.pid !== undefined) busyPids.push(e.pid);
    });
    const twoRunning = new Promise<void>((resolve) => {
      let running = 0;
      busy.on('task:started', () => {
        running += 1;
        if (running === 2) resolve();
      });
    });
    const pending = Array.from({ length: 6 }, (_, i) => busy.apply(job, [i, 60_000]));
    const outcomes = Promise.allSettled(pending);
    // Wait until both workers are busy (or everything failed), then pull the plug.
    await Promise.race([twoRunning, outcomes]);
    await busy.terminate();
    const settled = await outcomes;
    const terminated = settled.filter(
      (s) => s.status === 'rejected' && s.reason instanceof PoolTerminatedError,
    ).length;
    const leftAfterTerminate = busyPids.filter(alive);
    out.line(
      `6 tasks of 60 s submitted to 2 workers, then terminate(): ${terminated} rejected with PoolTerminatedError, ` +
        `${busy.stats().workers} workers and ${leftAfterTerminate.length} child processes left`,
    );
    stop.verdict(
      terminateVerdict({
        pending: pending.length,
        rejected: terminated,
        left: busy.stats().workers + leftAfterTerminate.length,
      }).text,
    );

    const failures: string[] = [];
    if (results.length !== TASK_COUNT)
      failures.push(`${results.length} of ${TASK_COUNT} tasks returned`);
    if (maxWorkersSeen > maxWorkers)
      failures.push(`${maxWorkersSeen} workers ran at once, over the limit of ${maxWorkers}`);
    if (p.stats().workers !== 0 || leftAfterJoin.length !== 0)
      failures.push('workers or child processes were left after close() + join()');
    if (busy.stats().workers !== 0 || leftAfterTerminate.length !== 0)
      failures.push('workers or child processes were left after terminate()');
    return {
      experiment: 'pool',
      failures,
      checks: {
        tasks: results.length,
        indices: results.map((r) => r.index),
        workersStarted: recorder.lanes().size,
        maxWorkers,
        maxWorkersSeen,
        tasksByWorker: Object.fromEntries(recorder.tasksByWorker()),
        completed: afterRun.completed,
        workersAfterJoin: p.stats().workers,
        childProcessesAfterJoin: leftAfterJoin.length,
        terminatedRejected: terminated,
        childProcessesAfterTerminate: leftAfterTerminate.length,
        workersAfterTerminate: busy.stats().workers,
      },
      sections: [
        lesson.section({
          title: `pool: ${TASK_COUNT} tasks on ${maxWorkers} ${kind} workers`,
          checks: [
            {
              label: 'tasks that returned',
              expected: String(TASK_COUNT),
              actual: String(results.length),
              ok: results.length === TASK_COUNT,
            },
            {
              label: 'most workers running at once',
              expected: `at most ${maxWorkers}`,
              actual: String(maxWorkersSeen),
              ok: maxWorkersSeen <= maxWorkers,
            },
            {
              label: 'workers and child processes after close() + join()',
              expected: '0',
              actual: String(p.stats().workers + leftAfterJoin.length),
              ok: p.stats().workers + leftAfterJoin.length === 0,
            },
          ],
          timeline: recorder.timeline(),
        }),
        stop.section({
          title: 'pool: terminate() on a busy pool',
          checks: [
            {
              label: 'pending tasks rejected with PoolTerminatedError',
              expected: String(pending.length),
              actual: String(terminated),
              ok: terminated === pending.length,
            },
            {
              label: 'workers and child processes after terminate()',
              expected: '0',
              actual: String(busy.stats().workers + leftAfterTerminate.length),
              ok: busy.stats().workers + leftAfterTerminate.length === 0,
            },
          ],
        }),
      ],
    };
  },
};
