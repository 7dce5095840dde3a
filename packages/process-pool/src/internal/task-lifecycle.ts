// What the pool does as a task moves: on start (timer, onStart, the task:started event), on settle
// (release what it held, counters and samples, onSettle, task:settled, its promise) and on abort
// (which depends on where the task is). The moves themselves are the task record's table.
import { setLongTimeout } from '@weft/sync-primitives';
import { TaskAbortedError, TaskTimeoutError } from '../errors.js';
import type { TaskSettleInfo, TaskStartInfo } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import { publish, wanted, type EventSink } from './pool-events.js';
import type { RemoteRegistry } from './remote-host.js';
import { Samples } from './stats.js';
import { NO_REMOTES } from './task-record.js';
import type { PoolTelemetry } from './telemetry.js';
import type { WorkerHandle } from './worker-handle.js';
import { now } from './clock.js';

/** What the task lifecycle needs from the pool. */
export interface TaskLifecycleHost {
  readonly sink: EventSink;
  readonly registry: RemoteRegistry;
  /** How long a running task that ignores its abort keeps its worker, ms. */
  readonly abortGracePeriod: number;
  /** OpenTelemetry: spans and metrics at settle (telemetry.ts); `undefined` when off. */
  readonly telemetry: PoolTelemetry | undefined;
  /** Take a queued task out of the queue. */
  unqueue(task: PoolTask): void;
  /** A task settled (the pool may be finishing). */
  settled(): void;
}

function safeCall<T>(fn: ((info: T) => void) | undefined, info: T): void {
  if (fn === undefined) return;
  try {
    fn(info);
  } catch {
    // A throwing onStart/onSettle is the caller's bug (packages/core-scheduler/src/executor.ts asks
    // that they not throw); it must not stop the pool's own bookkeeping, so it is swallowed.
  }
}

function startInfo(time: number, worker: WorkerHandle, task: PoolTask): TaskStartInfo {
  const pid = worker.channel.pid;
  const threadId = worker.channel.threadId;
  return {
    time,
    workerId: worker.id,
    taskId: task.id,
    ...(pid === undefined ? {} : { pid }),
    ...(threadId === undefined ? {} : { threadId }),
  };
}

/** Starts, settles and aborts tasks, and keeps the counts and samples stats() reads. */
export class TaskLifecycle {
  /** Tasks fulfilled so far. */
  completed = 0;
  /** Tasks rejected so far. */
  failed = 0;
  readonly waitSamples: Samples = new Samples();
  readonly runSamples: Samples = new Samples();
  readonly #host: TaskLifecycleHost;
  /** Where settle() puts its end and CPU time for settleTimed(). */
  readonly #times = new Float64Array(2);

  constructor(host: TaskLifecycleHost) {
    this.#host = host;
  }

  /** sent --start--> running at `time`: arm its timeout, tell onStart and listeners. */
  start(task: PoolTask, time: number): void {
    if (!task.move('start')) return;
    task.started = true;
    task.startedAt = time;
    const options = task.options;
    const worker = task.worker!;
    if (options !== undefined) {
      if (options.timeout !== undefined) this.#armTimeout(task, worker, options.timeout);
      if (options.onStart !== undefined) safeCall(options.onStart, startInfo(time, worker, task));
    }
    const sink = this.#host.sink;
    if (wanted(sink, 'task:started'))
      publish(sink, 'task:started', { ...startInfo(time, worker, task), name: task.name });
  }

  // running --settle--> settled with TaskTimeoutError after `timeout` ms, and its worker is
  // replaced. A method of its own: a closure in start() would cost every task a context.
  #armTimeout(task: PoolTask, worker: WorkerHandle, timeout: number): void {
    // Any duration a user gives (above 2^31-1 ms too; Infinity never fires).
    task.more().timer = setLongTimeout(() => {
      if (task.state !== 'running') return;
      this.settle(task, false, new TaskTimeoutError(timeout), now(), undefined);
      worker.kill();
    }, timeout);
  }

  /**
   * --settle--> settled (or, with `event` 'cancel', queued --cancel--> cancelled) and settle its
   * promise. A task settles once: a second outcome (a late result, a timeout after an abort) is
   * refused by the table and dropped.
   */
  settle(
    task: PoolTask,
    ok: boolean,
    value: unknown,
    end: number | undefined,
    cpuMs: number | undefined,
    event: 'settle' | 'cancel' = 'settle',
  ): void {
    const times = this.#times;
    times[0] = end ?? NaN;
    times[1] = cpuMs ?? NaN;
    this.settleTimed(task, ok, value, times, 0, event);
  }

  /**
   * settle(), with its end and CPU time read from `times` at `at` and `at + 1` (NaN for none), where
   * a results batch carries them (protocol.ts DoneMessage `x`). Read here, not passed as numbers:
   * a fractional number passed to a call that is not inlined is boxed, 16 bytes each, and this is
   * every task's way out.
   */
  settleTimed(
    task: PoolTask,
    ok: boolean,
    value: unknown,
    times: Float64Array,
    at: number,
    event: 'settle' | 'cancel' = 'settle',
  ): void {
    if (!task.move(event)) return;
    const end = times[at]!;
    const cpu = times[at + 1]!;
    const wasRunning = task.started;
    const extras = task.extras;
    if (extras !== undefined) {
      if (extras.remotes.length > 0) {
        this.#host.registry.release(extras.remotes);
        extras.remotes = NO_REMOTES;
      }
      extras.timer?.clear();
      if (extras.abortListener !== undefined)
        task.options?.signal?.removeEventListener('abort', extras.abortListener);
    }
    // Worker clocks can sit a fraction of a millisecond off the pool's: never settle before the start.
    const time = Math.max(Number.isNaN(end) ? now() : end, wasRunning ? task.startedAt : 0);
    const waitMs = wasRunning ? task.startedAt - task.queuedAt : time - task.queuedAt;
    const runMs = wasRunning ? Math.max(0, time - task.startedAt) : 0;
    if (ok) this.completed++;
    else this.failed++;
    if (wasRunning) {
      this.waitSamples.add(waitMs);
      this.runSamples.add(runMs);
      const onSettle = task.options?.onSettle;
      if (onSettle !== undefined) {
        const info: TaskSettleInfo = {
          time,
          status: ok ? 'fulfilled' : 'rejected',
          runMs,
          waitMs,
          workerId: task.worker!.id,
          taskId: task.id,
          ...(Number.isNaN(cpu) ? {} : { cpuMs: cpu }),
        };
        safeCall(onSettle, info);
      }
    }
    const telemetry = this.#host.telemetry;
    // Asked first: the call itself would box waitMs and runMs for every task.
    if (telemetry?.settles(task, wasRunning) === true)
      telemetry.settled(task, ok, value, waitMs, runMs, wasRunning);
    const sink = this.#host.sink;
    if (wanted(sink, 'task:settled')) {
      publish(sink, 'task:settled', {
        taskId: task.id,
        name: task.name,
        time,
        status: ok ? 'fulfilled' : 'rejected',
        workerId: task.worker?.id,
        waitMs,
        runMs,
        cpuMs: Number.isNaN(cpu) ? undefined : cpu,
      });
    }
    if (ok) task.resolve(value);
    else task.reject(value);
    this.#host.settled();
  }

  /** Its signal fired: what that does depends on where the task is. */
  abort(task: PoolTask): void {
    const reason: unknown = task.options?.signal?.reason;
    const error = new TaskAbortedError('The task was aborted', { cause: reason });
    switch (task.state) {
      case 'queued':
        this.#host.unqueue(task);
        this.settle(task, false, error, undefined, undefined);
        break;
      case 'sent':
        // The worker has it but has not started it: it is told to skip it.
        this.settle(task, false, error, undefined, undefined);
        task.worker!.channel.send({ t: 'cancel', id: task.id });
        break;
      case 'running': {
        const worker = task.worker!;
        this.settle(task, false, error, now(), undefined);
        // A process worker blocked in a queue or pipe call is waiting on us: end that wait first.
        worker.host?.abortTask(task.id);
        worker.channel.send({ t: 'abort', id: task.id });
        setLongTimeout(() => {
          // Still not reported back after the grace period: replace the worker.
          if (worker.inflight.peek() === task) worker.kill();
        }, this.#host.abortGracePeriod).unref();
        break;
      }
      case 'settled':
      case 'cancelled':
        break;
    }
  }
}
