// One attempt of one job on this worker: what its runner needs (it is the runner's request), its
// abort (the AbortSignal is made only when something reads it: most tiny tasks never do), its
// start report (sent on its own only once the job has run for a while, see start-reports.ts), and
// the wait for its task that a cancel or a hand-back cuts short. One object per job, with methods
// rather than per-job closures: on a busy worker, every allocation per tiny job shows.
import type { Job } from 'bullmq';
import type { WorkerEvent } from '../worker.js';
import type { RunRequest, RunSettle, RunStart } from './runner.js';
import type { DeferredStart, StartReports } from './start-reports.js';
import type { WireStart } from './wire.js';

/** A run's phases, in order; a run only moves forward through them. */
export type RunPhase = 'preparing' | 'running' | 'reported' | 'ended';

/** Each phase, and whether the run's start is still owed to the caller as a progress event. */
export const RUN_PHASES: { readonly [P in RunPhase]: { readonly startOwed: boolean } } = {
  // Taken from the queue; its data is being checked, its task has not started.
  preparing: { startOwed: false },
  // Its task runs; its start is reported once the delay runs out, or goes with its outcome.
  running: { startOwed: true },
  // Its task runs; its start went out as a progress event.
  reported: { startOwed: false },
  // Its task settled or was given up on; an unsent start goes with the outcome.
  ended: { startOwed: false },
};

/** What every run of one worker shares. */
export interface RunContext {
  readonly host: string;
  readonly worker: string;
  readonly starts: StartReports;
  /** Whether anyone listens to the worker's events (else none is built). */
  readonly listening: () => boolean;
  readonly publish: (event: WorkerEvent) => void;
}

function noop(): void {}

export class JobRun implements RunRequest, DeferredStart {
  readonly jobId: string;
  readonly attempt: number;
  readonly queue: string;
  /** The job's task, as `use` set it. */
  url = '';
  fn: (...args: unknown[]) => unknown = noop;
  exportName = '';
  args: readonly unknown[] = [];
  /** When the start report is due (set by StartReports). */
  dueAt = 0;
  /** The runner's timing of the task's end, when it reported one. */
  settled: RunSettle | undefined;
  /** The start report sent as a progress event, when one was (its write must land first). */
  progress: Promise<unknown> | undefined;
  readonly #context: RunContext;
  readonly #job: Job;
  readonly #task: string;
  #phase: RunPhase = 'preparing';
  #start: WireStart | undefined;
  #controller: AbortController | undefined;
  #reason: string | undefined;
  #reject: ((reason: unknown) => void) | undefined;

  constructor(context: RunContext, job: Job, queue: string, attempt: number, task: string) {
    this.#context = context;
    this.#job = job;
    this.jobId = job.id ?? '';
    this.queue = queue;
    this.attempt = attempt;
    this.#task = task;
  }

  /** The task to run (the job's data checked out). */
  use(url: string, fn: (...args: unknown[]) => unknown, exportName: string, args: unknown[]): void {
    this.url = url;
    this.fn = fn;
    this.exportName = exportName;
    this.args = args;
  }

  /** Why the run was aborted (the first reason given), or `undefined`. */
  get abortReason(): string | undefined {
    return this.#reason;
  }

  /** The run's signal, made on first read (already aborted when the run was). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the run (the first reason wins): its signal, and the wait for its task. */
  abort(reason: string): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  /**
   * Waits for the task's outcome, or rejects with the abort reason as soon as the run is aborted,
   * even if the task ignores its signal (its late outcome is then dropped, never unhandled).
   */
  wait<T>(running: Promise<T>): Promise<T> {
    if (this.#reason !== undefined) {
      running.catch(noop);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason string is what the processor tells a cancel from a hand-back by
      return Promise.reject(this.#reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      running.then(resolve, reject);
    });
  }

  /** The runner's report that the task started: its start is deferred, or sent at once. */
  onStart(info: RunStart): void {
    const context = this.#context;
    const start: { -readonly [K in keyof WireStart]: WireStart[K] } = {
      ev: 'started',
      time: info.time,
      attempt: this.attempt,
      host: context.host,
      worker: context.worker,
      hostPid: process.pid,
    };
    if (info.workerId !== undefined) start.workerId = info.workerId;
    if (info.pid !== undefined) start.pid = info.pid;
    if (info.threadId !== undefined) start.threadId = info.threadId;
    this.#start = start;
    this.#phase = 'running';
    // A task that already settled (an inline task that ran synchronously reports its start after
    // its end) carries its start with its outcome: nothing to defer.
    if (this.settled === undefined) context.starts.defer(this);
    if (context.listening()) {
      context.publish({
        type: 'job:started',
        time: info.time,
        jobId: this.jobId,
        task: this.#task,
        attempt: this.attempt,
      });
    }
  }

  /** The runner's timing of the task's end. */
  onSettle(info: RunSettle): void {
    this.settled = info;
  }

  /** Sends the start as a progress event now, if it is still owed (the delay ran out, or a failure). */
  sendStart(): void {
    if (!RUN_PHASES[this.#phase].startOwed) return;
    this.#phase = 'reported';
    this.#context.starts.forget(this);
    this.progress = this.#job.updateProgress({ weft: this.#start }).catch(noop);
  }

  /** The run's outcome is known: no more start report. Returns the start if it was never sent. */
  end(): WireStart | undefined {
    const owed = RUN_PHASES[this.#phase].startOwed;
    this.#phase = 'ended';
    if (!owed) return undefined;
    this.#context.starts.forget(this);
    return this.#start;
  }
}
