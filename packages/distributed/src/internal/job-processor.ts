// Running one job on a worker: checking its data, running its task on the runner, reporting its
// start (deferred, see start-reports.ts) and settle to the caller, and turning a cancel or a
// hand-back into what BullMQ expects. Also the worker's side of cancellation: ids of jobs to stop.
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError } from 'bullmq';
import type { Job } from 'bullmq';
import { JobCancelledError, JobDataInvalidError } from '../errors.js';
import type { WorkerEvent } from '../worker.js';
import { CancelMemory } from './cancel-memory.js';
import { now } from './clock.js';
import { REASON_CANCEL, REASON_HANDBACK } from './names.js';
import { isUnrecoverable } from './retry.js';
import type { RunSettle, RunStart, Runner } from './runner.js';
import type { RunSpan, RunTelemetry } from './run-telemetry.js';
import { StartReports } from './start-reports.js';
import type { TaskRegistry } from './task-registry.js';
import { decodeArgs, encodeError, encodeValue, jobDataProblem } from './wire.js';
import type { JobData, WireResult, WireSettle, WireStart } from './wire.js';

/** A rejected attempt's error; `undefined` for a fulfilled one. */
type Failure = { readonly error: unknown } | undefined;

// BullMQ keeps `failedReason` (the message) and the stack for dashboards; the full error travels in
// the settled progress event.
function toBullError(error: unknown, unrecoverable: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  const out = unrecoverable ? new UnrecoverableError(message) : new Error(message);
  if (error instanceof Error && error.stack !== undefined) out.stack = error.stack;
  return out;
}

// What the caller learns about how an attempt ended: the runner's own timing when it reported one
// (a pool measures run time and CPU in the worker), else this worker's clock since `begin`.
function settleReport(
  attempt: number,
  timing: RunSettle | undefined,
  begin: number,
  final: boolean,
  failure: Failure,
): WireSettle {
  const end = timing ?? { time: now(), runMs: now() - begin };
  return {
    ev: 'settled',
    time: end.time,
    attempt,
    status: failure === undefined ? 'fulfilled' : 'rejected',
    runMs: end.runMs,
    ...(end.cpuMs === undefined ? {} : { cpuMs: end.cpuMs }),
    ...(failure === undefined ? {} : { error: encodeError(failure.error) }),
    final,
  };
}

const CANCEL_MEMORY_MS = 10 * 60_000;
const CANCEL_MEMORY_SIZE = 10_000;

export interface JobProcessorOptions {
  readonly name: string;
  readonly queue: string;
  readonly runner: Runner;
  readonly tasks: TaskRegistry;
  readonly maxArgsBytes: number;
  readonly startReportDelay: number;
  readonly publish: (event: WorkerEvent) => void;
  /** Weft's `weft.run` spans, when this process traces (none: the job path is unchanged). */
  readonly telemetry?: RunTelemetry | undefined;
}

export class JobProcessor {
  readonly #options: JobProcessorOptions;
  readonly #host = hostname();
  readonly #cancelled = new CancelMemory(CANCEL_MEMORY_SIZE, CANCEL_MEMORY_MS);
  readonly #controllers = new Map<string, AbortController>();
  readonly #starts: StartReports;
  #active = 0;

  constructor(options: JobProcessorOptions) {
    this.#options = options;
    this.#starts = new StartReports(options.startReportDelay);
  }

  /** Jobs running now. */
  get active(): number {
    return this.#active;
  }

  /** A caller asked to stop `jobId`: abort it if it runs here, else remember it for a while. */
  cancel(jobId: string): void {
    const running = this.#controllers.get(jobId);
    if (running !== undefined) {
      running.abort(REASON_CANCEL);
      return;
    }
    // Not running here (yet): remember it, in case this worker picks the job up in a moment.
    this.#cancelled.add(jobId);
  }

  /** Aborts every running job with `reason` (REASON_HANDBACK: hand them back to the queue). */
  abortAll(reason: string): void {
    for (const controller of this.#controllers.values()) controller.abort(reason);
  }

  /** Stops the start-report timer (the worker is closing). */
  stop(): void {
    this.#starts.stop();
  }

  // A rejected attempt's event always has an `error` key (even for a thrown `undefined`); a
  // fulfilled one has none.
  #publishSettled(jobId: string, task: string, settle: WireSettle, failure: Failure): void {
    this.#options.publish({
      type: 'job:settled',
      time: settle.time,
      jobId,
      task,
      attempt: settle.attempt,
      status: settle.status,
      runMs: settle.runMs,
      ...failure,
    });
  }

  /** BullMQ's processor: runs `job` and returns its result, or throws what BullMQ records. */
  async process(job: Job, token: string | undefined): Promise<WireResult> {
    const { publish, maxArgsBytes, startReportDelay } = this.#options;
    const jobId = job.id ?? '';
    // Job data comes from whoever can write to the queue: check it before using any of it. A job
    // that fails the check is reported and failed like any other, with the reason.
    const problem = jobDataProblem(job.data, maxArgsBytes);
    const data = problem === undefined ? (job.data as JobData) : undefined;
    const attempt = (data?.attempt ?? 1) - 1 + Math.max(job.attemptsStarted, job.attemptsMade + 1);
    const task = data === undefined ? '(invalid job data)' : `${data.module}#${data.export}`;
    const controller = new AbortController();
    this.#controllers.set(jobId, controller);
    if (this.#cancelled.size > 0 && this.#cancelled.take(jobId)) controller.abort(REASON_CANCEL);
    const signal = controller.signal;

    this.#active++;
    let progress: Promise<unknown> = Promise.resolve();
    // The start goes to the caller as a progress event (one Redis write and one event-stream read)
    // only once the job has run for `startReportDelay` ms; a job that ends sooner carries its start
    // in its result instead, with the same timestamps.
    let pendingStart: WireStart | undefined;
    const reportStart = (): void => {
      this.#starts.forget(jobId);
      if (pendingStart === undefined) return;
      progress = job.updateProgress({ weft: pendingStart }).catch(() => undefined);
      pendingStart = undefined;
    };
    const onStart = (info: RunStart): void => {
      pendingStart = {
        ev: 'started',
        time: info.time,
        attempt,
        host: this.#host,
        worker: this.#options.name,
        hostPid: process.pid,
        ...(info.workerId === undefined ? {} : { workerId: info.workerId }),
        ...(info.pid === undefined ? {} : { pid: info.pid }),
        ...(info.threadId === undefined ? {} : { threadId: info.threadId }),
      };
      if (startReportDelay === 0) reportStart();
      else this.#starts.defer(jobId, reportStart);
      publish({ type: 'job:started', time: info.time, jobId, task, attempt });
    };
    let settled: { time: number; runMs: number; cpuMs?: number } | undefined;
    let span: RunSpan | undefined;
    const begin = now();
    try {
      if (data === undefined) throw new JobDataInvalidError(jobId, problem ?? 'invalid data');
      if (signal.aborted) throw signal.reason;
      // Only a registered task: nothing the job names is resolved or imported.
      const { url, fn } = this.#options.tasks.lookup(data.module, data.export);
      const decoded = decodeArgs(data.args);
      if (!('args' in decoded)) {
        const cause = 'cause' in decoded ? { cause: decoded.cause } : undefined;
        throw new JobDataInvalidError(jobId, decoded.problem, cause);
      }
      const request = {
        url,
        fn,
        exportName: data.export,
        args: decoded.args,
        jobId,
        attempt,
        queue: this.#options.queue,
        signal,
        onStart,
        onSettle: (info: RunSettle) => {
          settled = info;
        },
      };
      const { runner, telemetry } = this.#options;
      span = telemetry?.start(data, jobId, attempt);
      // Traced: the task runs (inline) or is handed to the pool inside the attempt's span.
      const run = span === undefined ? runner.run(request) : span.within(() => runner.run(request));
      // A late rejection after we stopped waiting is expected, not unhandled.
      run.catch(() => undefined);
      // Stop waiting when cancelled or handed back, even if the task ignores its signal.
      const value = await Promise.race([
        run,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason as Error);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
      ]);
      const text = encodeValue(value, 'result');
      this.#starts.forget(jobId);
      const start = pendingStart;
      pendingStart = undefined;
      const settle = settleReport(attempt, settled, begin, true, undefined);
      span?.end();
      // A 'started' report already sent must land before the result does. On Redis it went out
      // first on the connection BullMQ completes the job on; on PostgreSQL BullMQ uses a pool of
      // connections, so the completion could commit first and the caller would settle the call
      // without ever seeing its start. It only waits for jobs that ran past startReportDelay.
      await progress;
      this.#publishSettled(jobId, task, settle, undefined);
      return start === undefined ? { value: text, settle } : { value: text, settle, start };
    } catch (thrown) {
      reportStart();
      await progress;
      if (signal.aborted && signal.reason === REASON_HANDBACK && token !== undefined) {
        // Graceful stop ran out of time: put the job back in the queue for another worker; this
        // does not count as a failed attempt.
        span?.end();
        await job.moveToWait(token);
        publish({ type: 'job:handed-back', time: now(), jobId, task });
        throw new WaitingError();
      }
      const error =
        signal.aborted && signal.reason === REASON_CANCEL
          ? new JobCancelledError(jobId, 'running', { cause: thrown })
          : thrown;
      span?.end({ error });
      const unrecoverable = isUnrecoverable(error);
      const final = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure = { error };
      const settle = settleReport(attempt, settled, begin, final, failure);
      await job.updateProgress({ weft: settle }).catch(() => undefined);
      this.#publishSettled(jobId, task, settle, failure);
      throw toBullError(error, unrecoverable);
    } finally {
      this.#active--;
      this.#starts.forget(jobId);
      this.#controllers.delete(jobId);
    }
  }
}
