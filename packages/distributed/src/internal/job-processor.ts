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
import { JobRun } from './job-run.js';
import type { RunContext } from './job-run.js';
import type { RunSettle, Runner } from './runner.js';
import type { RunSpan, RunTelemetry } from './run-telemetry.js';
import { StartReports } from './start-reports.js';
import type { TaskRegistry } from './task-registry.js';
import { jobDataProblem } from './job-data.js';
import { decodeArgs } from './wire-args.js';
import { encodeError, encodeValue } from './wire.js';
import type { JobData, WireSettle } from './wire.js';
import { compactResult, compactValue, RESULT_FORMAT } from './wire-result.js';
import type { JobResult } from './wire-result.js';

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

// An attempt's end on this worker's clock, for a runner that reported no timing of its own.
function endedNow(begin: number): RunSettle {
  const t = now();
  return { time: t, runMs: t - begin };
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
  const end = timing ?? endedNow(begin);
  const settle: { -readonly [K in keyof WireSettle]: WireSettle[K] } = {
    ev: 'settled',
    time: end.time,
    attempt,
    status: failure === undefined ? 'fulfilled' : 'rejected',
    runMs: end.runMs,
  };
  if (end.cpuMs !== undefined) settle.cpuMs = end.cpuMs;
  if (failure !== undefined) settle.error = encodeError(failure.error);
  settle.final = final;
  return settle;
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
  /** Whether anyone listens to the worker's events: events are built only then. */
  readonly listening: () => boolean;
  /** Weft's `weft.run` spans, when this process traces (none: the job path is unchanged). */
  readonly telemetry?: RunTelemetry | undefined;
}

export class JobProcessor {
  readonly #options: JobProcessorOptions;
  readonly #cancelled = new CancelMemory(CANCEL_MEMORY_SIZE, CANCEL_MEMORY_MS);
  readonly #runs = new Map<string, JobRun>();
  readonly #starts: StartReports;
  readonly #context: RunContext;
  #active = 0;

  constructor(options: JobProcessorOptions) {
    this.#options = options;
    this.#starts = new StartReports(options.startReportDelay);
    this.#context = {
      host: hostname(),
      worker: options.name,
      starts: this.#starts,
      listening: options.listening,
      publish: options.publish,
    };
  }

  /** Jobs running now. */
  get active(): number {
    return this.#active;
  }

  /** A caller asked to stop `jobId`: abort it if it runs here, else remember it for a while. */
  cancel(jobId: string): void {
    const running = this.#runs.get(jobId);
    if (running !== undefined) {
      running.abort(REASON_CANCEL);
      return;
    }
    // Not running here (yet): remember it, in case this worker picks the job up in a moment.
    this.#cancelled.add(jobId);
  }

  /** Aborts every running job with `reason` (REASON_HANDBACK: hand them back to the queue). */
  abortAll(reason: string): void {
    for (const run of this.#runs.values()) run.abort(reason);
  }

  /** Stops the start-report timer (the worker is closing). */
  stop(): void {
    this.#starts.stop();
  }

  // A rejected attempt's event always has an `error` key (even for a thrown `undefined`); a
  // fulfilled one has none. Built only when someone listens.
  #publishSettled(jobId: string, task: string, settle: WireSettle, failure: Failure): void {
    if (!this.#options.listening()) return;
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
  async process(job: Job, token: string | undefined): Promise<JobResult> {
    const { publish, maxArgsBytes } = this.#options;
    // Job data comes from whoever can write to the queue: check it before using any of it. A job
    // that fails the check is reported and failed like any other, with the reason.
    const problem = jobDataProblem(job.data, maxArgsBytes);
    const data = problem === undefined ? (job.data as JobData) : undefined;
    const attempt = (data?.attempt ?? 1) - 1 + Math.max(job.attemptsStarted, job.attemptsMade + 1);
    const task = data === undefined ? '(invalid job data)' : `${data.module}#${data.export}`;
    const run = new JobRun(this.#context, job, this.#options.queue, attempt, task);
    const jobId = run.jobId;
    this.#runs.set(jobId, run);
    if (this.#cancelled.size > 0 && this.#cancelled.take(jobId)) run.abort(REASON_CANCEL);

    this.#active++;
    let span: RunSpan | undefined;
    const begin = now();
    try {
      if (data === undefined) throw new JobDataInvalidError(jobId, problem ?? 'invalid data');
      if (run.abortReason !== undefined) throw run.abortReason as unknown;
      // Only a registered task: nothing the job names is resolved or imported.
      const { url, fn } = this.#options.tasks.lookup(data.module, data.export);
      const decoded = decodeArgs(data.args);
      if (!('args' in decoded)) {
        const cause = 'cause' in decoded ? { cause: decoded.cause } : undefined;
        throw new JobDataInvalidError(jobId, decoded.problem, cause);
      }
      run.use(url, fn, data.export, decoded.args);
      const { runner, telemetry } = this.#options;
      span = telemetry?.start(data, jobId, attempt);
      // Traced: the task runs (inline) or is handed to the pool inside the attempt's span.
      // The wait stops when the job is cancelled or handed back, even if the task ignores its signal.
      const value = await run.wait(
        span === undefined ? runner.run(run) : span.within(() => runner.run(run)),
      );
      // Format 2 when the caller reads it (see wire-result.ts), else format 1.
      const compact = (data.result ?? 1) >= RESULT_FORMAT;
      const encoded = compact ? compactValue(value) : encodeValue(value, 'result');
      // The start goes to the caller as a progress event (one write and one event read) only once
      // the job has run for `startReportDelay` ms; a job that ends sooner carries its start in its
      // result instead, with the same timestamps.
      const start = run.end();
      const timing = run.settled ?? endedNow(begin);
      span?.end();
      // A 'started' report already sent must land before the result does. On Redis it went out
      // first on the connection BullMQ completes the job on; on PostgreSQL BullMQ uses a pool of
      // connections, so the completion could commit first and the caller would settle the call
      // without ever seeing its start. It only waits for jobs that ran past startReportDelay.
      if (run.progress !== undefined) await run.progress;
      // The settle report object is built only for a listener or a format-1 caller.
      if (compact && !this.#options.listening())
        return compactResult(encoded, attempt, timing, start);
      const settle = settleReport(attempt, timing, begin, true, undefined);
      this.#publishSettled(jobId, task, settle, undefined);
      if (compact || typeof encoded !== 'string')
        return compactResult(encoded, attempt, timing, start);
      return start === undefined ? { value: encoded, settle } : { value: encoded, settle, start };
    } catch (thrown) {
      run.sendStart();
      run.end();
      if (run.progress !== undefined) await run.progress;
      const reason = run.abortReason;
      if (reason === REASON_HANDBACK && token !== undefined) {
        // Graceful stop ran out of time: put the job back in the queue for another worker; this
        // does not count as a failed attempt.
        span?.end();
        await job.moveToWait(token);
        publish({ type: 'job:handed-back', time: now(), jobId, task });
        throw new WaitingError();
      }
      const error =
        reason === REASON_CANCEL
          ? new JobCancelledError(jobId, 'running', { cause: thrown })
          : thrown;
      span?.end({ error });
      const unrecoverable = isUnrecoverable(error);
      const final = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure = { error };
      const settle = settleReport(attempt, run.settled, begin, final, failure);
      await job.updateProgress({ weft: settle }).catch(() => undefined);
      this.#publishSettled(jobId, task, settle, failure);
      throw toBullError(error, unrecoverable);
    } finally {
      this.#active--;
      run.end();
      this.#runs.delete(jobId);
    }
  }
}
