// startWorker: a process that takes Weft jobs from a BullMQ queue and runs them on a local pool
// (threads or processes, for CPU tasks) or inline (I/O tasks), reporting each attempt's start and
// settle to the callers, and stopping gracefully: finish running jobs, or hand them back.
import { availableParallelism, hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';
import type { RedisConnection } from './connection.js';
import type { WorkerTaskModule } from './task-module.js';
import { InvalidOptionError, JobCancelledError, JobDataInvalidError } from './errors.js';
import { now } from './internal/clock.js';
import {
  closeWithin,
  connectionSecrets,
  describeConnection,
  redactError,
  toConnectionOptions,
  withinConnectTimeout,
} from './internal/connection.js';
import type { ReconnectControl } from './internal/connection.js';
import { CancelMemory } from './internal/cancel-memory.js';
import { cancelChannel, REASON_CANCEL, REASON_HANDBACK } from './internal/names.js';
import { checkQueueOptions } from './internal/options.js';
import { checkTelemetry, loadTelemetry } from './internal/telemetry.js';
import type { TelemetryOption } from './internal/telemetry.js';
import { backoffDelay, isUnrecoverable, WEFT_BACKOFF } from './internal/retry.js';
import { InlineRunner, PoolRunner } from './internal/runner.js';
import type { RunSettle, RunStart, Runner } from './internal/runner.js';
import { safely } from './internal/safely.js';
import { TaskRegistry } from './internal/task-registry.js';
import {
  decodeArgs,
  DEFAULT_MAX_ARGS_BYTES,
  encodeError,
  encodeValue,
  isJobData,
  jobDataProblem,
} from './internal/wire.js';
import type { JobData, WireResult, WireSettle, WireStart } from './internal/wire.js';

/**
 * Where a worker runs its jobs: `'thread'` or `'process'` on a local `@weft/process-pool` pool
 * (CPU tasks), `'inline'` on the worker's own event loop (I/O tasks; a CPU-heavy inline task blocks
 * lock renewal and gets its job re-run as stalled).
 *
 * @example
 * ```ts
 * const kind: WorkerKind = 'process';
 * ```
 */
export type WorkerKind = 'thread' | 'process' | 'inline';

/**
 * Options of {@link startWorker}, validated before connecting.
 *
 * @example
 * ```ts
 * const options: StartWorkerOptions = { connection: 'redis://127.0.0.1:6379', queue: 'weft', tasks: ['@weft/workloads'], concurrency: 2, kind: 'process' };
 * ```
 */
export interface StartWorkerOptions {
  /** Where Redis is; passed through to ioredis. */
  readonly connection: RedisConnection;
  /** BullMQ queue name to take jobs from. */
  readonly queue: string;
  /**
   * The task modules this worker runs, under the module ids the callers use (their executor's
   * `tasks`); at least one. They are loaded at start. A job naming any other module, or anything
   * but an exported function of one of these, fails with `TaskNotRegisteredError` before anything
   * is imported. Whoever can add jobs to the queue can call these functions with any arguments.
   */
  readonly tasks: readonly WorkerTaskModule[];
  /**
   * Largest `args` payload of a job this worker decodes, in bytes; a larger job fails with
   * `JobDataInvalidError` without being decoded.
   * @defaultValue `16 * 1024 * 1024` (16 MiB)
   */
  readonly maxArgsBytes?: number;
  /**
   * Jobs run at once (and pool workers for the thread and process kinds).
   * @defaultValue `os.availableParallelism()`
   */
  readonly concurrency?: number;
  /**
   * Where jobs run.
   * @defaultValue `'thread'`
   */
  readonly kind?: WorkerKind;
  /**
   * Directory from which the task modules' paths and package names are resolved.
   * @defaultValue `process.cwd()`
   */
  readonly cwd?: string;
  /**
   * Name of this worker in timelines and logs.
   * @defaultValue `` `${os.hostname()}:${process.pid}` ``
   */
  readonly name?: string;
  /**
   * BullMQ key prefix (must match the callers').
   * @defaultValue `'bull'`
   */
  readonly prefix?: string;
  /**
   * BullMQ job lock duration, in ms: a job whose worker stops renewing it for this long is stalled.
   * At most 2^31 - 1 (BullMQ arms a plain Node timer from it).
   * @defaultValue `30_000`
   */
  readonly lockDuration?: number;
  /**
   * How often this worker looks for stalled jobs, in ms. At most 2^31 - 1 (BullMQ arms a plain
   * Node timer from it).
   * @defaultValue `30_000`
   */
  readonly stalledInterval?: number;
  /**
   * Times a job may stall (its worker died) and be re-run before it fails with `JobLostError`.
   * @defaultValue `1`
   */
  readonly maxStalledCount?: number;
  /**
   * How long to wait for Redis at start before failing with `RedisUnavailableError`, in ms: any
   * finite number ≥ 1 (values above 2^31 - 1 ms wait the whole time).
   * @defaultValue `10_000`
   */
  readonly connectTimeout?: number;
  /**
   * How long `close()` lets running jobs finish before handing them back to the queue, in ms: any
   * finite number ≥ 0 (values above 2^31 - 1 ms wait the whole time).
   * @defaultValue `30_000`
   */
  readonly gracePeriod?: number;
  /**
   * Extra `@weft/process-pool` options for the thread and process kinds (`execArgv`,
   * `resourceLimits`, `maxTasksPerWorker`, ...); `module`, `kind` and `maxWorkers` are set here.
   * @defaultValue none
   */
  readonly pool?: Readonly<Record<string, unknown>>;
  /**
   * How long a job must run, in ms, before this worker reports its start to the caller as a
   * separate event (`onStart`, `job:started`). A job that ends sooner sends its start with its
   * result, with the same timestamps: one Redis write and one event read fewer per tiny task. `0`
   * reports every start at once. Any finite number ≥ 0 (values above 2^31 - 1 ms wait the whole time).
   * @defaultValue `2`
   */
  readonly startReportDelay?: number;
  /**
   * Traces each job with BullMQ's telemetry hook: `true` for bullmq-otel on the globally registered
   * OpenTelemetry provider (install `bullmq-otel` and `@opentelemetry/api`), or any object
   * implementing BullMQ's `Telemetry` interface. A job's span is a child of the caller's span, and
   * an `inline` task runs inside it.
   * @defaultValue no tracing
   */
  readonly telemetry?: TelemetryOption;
}

/**
 * What a worker reports to its {@link DistributedWorker.subscribe} listeners.
 *
 * @example
 * ```ts
 * worker.subscribe((e: WorkerEvent) => { if (e.type === 'job:settled') console.log(e.task, e.status); });
 * ```
 */
export type WorkerEvent =
  | {
      readonly type: 'job:started';
      readonly time: number;
      readonly jobId: string;
      readonly task: string;
      readonly attempt: number;
    }
  | {
      readonly type: 'job:settled';
      readonly time: number;
      readonly jobId: string;
      readonly task: string;
      readonly attempt: number;
      readonly status: 'fulfilled' | 'rejected';
      readonly runMs: number;
      readonly error?: unknown;
    }
  | {
      readonly type: 'job:handed-back';
      readonly time: number;
      readonly jobId: string;
      readonly task: string;
    }
  | { readonly type: 'error'; readonly time: number; readonly error: unknown };

/**
 * Options of {@link DistributedWorker.close}.
 *
 * @example
 * ```ts
 * await worker.close({ gracePeriod: 0 }); // hand running jobs back at once
 * ```
 */
export interface CloseOptions {
  /**
   * How long running jobs may finish before they are handed back, in ms: any finite number ≥ 0;
   * another value makes `close()` reject with `InvalidOptionError`.
   * @defaultValue the worker's `gracePeriod`
   */
  readonly gracePeriod?: number;
}

/**
 * The longest delay Node's timers honour (about 24.8 days). BullMQ arms plain timers from
 * `lockDuration` and `stalledInterval`, so those are refused above it; the worker's own timers
 * (`gracePeriod`, `startReportDelay`, `connectTimeout`) are long timers and take any finite value.
 */
const MAX_NODE_TIMER_MS = 2 ** 31 - 1;

function positiveNumber(
  option: string,
  value: unknown,
  integer: boolean,
  min = 1,
  max = Number.MAX_VALUE,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const range =
      max === MAX_NODE_TIMER_MS
        ? `from ${min} to ${MAX_NODE_TIMER_MS} (2^31 - 1 ms, the longest timer BullMQ can arm)`
        : `≥ ${min}`;
    throw new InvalidOptionError(option, value, `${kind} ${range}`);
  }
  return value;
}

// BullMQ keeps `failedReason` (the message) and the stack for dashboards; the full error travels in
// the settled progress event.
function toBullError(error: unknown, unrecoverable: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  const out = unrecoverable ? new UnrecoverableError(message) : new Error(message);
  if (error instanceof Error && error.stack !== undefined) out.stack = error.stack;
  return out;
}

/** A rejected attempt's error; `undefined` for a fulfilled one. */
type Failure = { readonly error: unknown } | undefined;

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

/** The raw ioredis members a cancel subscriber needs. */
interface Subscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect(): void;
}

const CANCEL_MEMORY_MS = 10 * 60_000;
const CANCEL_MEMORY_SIZE = 10_000;
const DEFAULT_START_REPORT_DELAY = 2;
const FORCE_AFTER_GRACE_MS = 5_000;

/**
 * A running Weft worker: takes jobs from its queue until closed.
 *
 * @example
 * ```ts
 * await using worker = await startWorker({ connection: 'redis://127.0.0.1:6379', queue: 'weft', tasks: ['./dist/tasks.js'] });
 * console.log(worker.name, worker.active);
 * ```
 */
export class DistributedWorker {
  /** This worker's name in timelines and logs. */
  readonly name: string;
  /** Queue name. */
  readonly queue: string;
  /** Where jobs run. */
  readonly kind: WorkerKind;
  /** Jobs run at once. */
  readonly concurrency: number;
  readonly #host = hostname();
  readonly #worker: Worker;
  readonly #subscriber: Subscriber;
  readonly #runner: Runner;
  readonly #tasks: TaskRegistry;
  readonly #maxArgsBytes: number;
  readonly #secrets: readonly string[];
  readonly #gracePeriod: number;
  readonly #control: ReconnectControl;
  readonly #cancelled = new CancelMemory(CANCEL_MEMORY_SIZE, CANCEL_MEMORY_MS);
  readonly #controllers = new Map<string, AbortController>();
  readonly #startReportDelay: number;
  readonly #unreported = new Map<string, { readonly due: number; readonly report: () => void }>();
  #startTimer: LongTimeout | undefined;
  readonly #listeners = new Set<(event: WorkerEvent) => void>();
  #active = 0;
  #handedBack = false;
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link startWorker}. */
  constructor(init: {
    name: string;
    queue: string;
    kind: WorkerKind;
    concurrency: number;
    worker: Worker;
    subscriber: Subscriber;
    runner: Runner;
    tasks: TaskRegistry;
    maxArgsBytes: number;
    secrets: readonly string[];
    gracePeriod: number;
    startReportDelay: number;
    control: ReconnectControl;
  }) {
    this.name = init.name;
    this.queue = init.queue;
    this.kind = init.kind;
    this.concurrency = init.concurrency;
    this.#worker = init.worker;
    this.#subscriber = init.subscriber;
    this.#runner = init.runner;
    this.#tasks = init.tasks;
    this.#maxArgsBytes = init.maxArgsBytes;
    this.#gracePeriod = init.gracePeriod;
    this.#startReportDelay = init.startReportDelay;
    this.#control = init.control;
    this.#secrets = init.secrets;
    this.#worker.on('error', (error) => this.#publishError(error));
    this.#subscriber.on('message', (_channel: unknown, jobId: unknown) => {
      if (typeof jobId === 'string') this.#cancel(jobId);
    });
  }

  /** @internal The BullMQ processor. */
  // Two parameters on purpose: BullMQ makes an AbortController per job for processors that take a
  // third (signal) parameter; this worker keeps its own, only for the jobs it runs.
  readonly processor = (job: Job, token?: string): Promise<WireResult> => this.#process(job, token);

  /** @internal Start taking jobs (after the cancel listener is up). */
  start(): void {
    this.#running = this.#worker.run().catch((error: unknown) => this.#publishError(error));
  }

  /** Jobs running now. */
  get active(): number {
    return this.#active;
  }

  /**
   * Subscribes to this worker's job events (the CLI logs them).
   *
   * @param listener - Called with each event.
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * const stop = worker.subscribe((e) => console.error(e.type));
   * ```
   */
  subscribe(listener: (event: WorkerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // Connection errors may quote the Redis address: never with its password.
  #publishError(error: unknown): void {
    this.#publish({ type: 'error', time: now(), error: redactError(error, this.#secrets) });
  }

  #publish(event: WorkerEvent): void {
    for (const listener of this.#listeners) safely(listener, event);
  }

  // A rejected attempt's event always has an `error` key (even for a thrown `undefined`); a
  // fulfilled one has none.
  #publishSettled(jobId: string, task: string, settle: WireSettle, failure: Failure): void {
    this.#publish({
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

  #cancel(jobId: string): void {
    const running = this.#controllers.get(jobId);
    if (running !== undefined) {
      running.abort(REASON_CANCEL);
      return;
    }
    // Not running here (yet): remember it, in case this worker picks the job up in a moment.
    this.#cancelled.add(jobId);
  }

  async #process(job: Job, token: string | undefined): Promise<WireResult> {
    const jobId = job.id ?? '';
    // Job data comes from whoever can write to the queue: check it before using any of it. A job
    // that fails the check is reported and failed like any other, with the reason.
    const problem = jobDataProblem(job.data, this.#maxArgsBytes);
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
      this.#unreported.delete(jobId);
      if (pendingStart === undefined) return;
      progress = job.updateProgress({ weft: pendingStart }).catch(() => undefined);
      pendingStart = undefined;
    };
    const onStart = (info: RunStart): void => {
      const started: WireStart = {
        ev: 'started',
        time: info.time,
        attempt,
        host: this.#host,
        worker: this.name,
        hostPid: process.pid,
        ...(info.workerId === undefined ? {} : { workerId: info.workerId }),
        ...(info.pid === undefined ? {} : { pid: info.pid }),
        ...(info.threadId === undefined ? {} : { threadId: info.threadId }),
      };
      pendingStart = started;
      if (this.#startReportDelay === 0) reportStart();
      else this.#deferStart(jobId, reportStart);
      this.#publish({ type: 'job:started', time: info.time, jobId, task, attempt });
    };
    let settled: { time: number; runMs: number; cpuMs?: number } | undefined;
    const begin = now();
    try {
      if (data === undefined) throw new JobDataInvalidError(jobId, problem ?? 'invalid data');
      if (signal.aborted) throw signal.reason;
      // Only a registered task: nothing the job names is resolved or imported.
      const { url, fn } = this.#tasks.lookup(data.module, data.export);
      const decoded = decodeArgs(data.args);
      if (!('args' in decoded)) {
        const cause = 'cause' in decoded ? { cause: decoded.cause } : undefined;
        throw new JobDataInvalidError(jobId, decoded.problem, cause);
      }
      const run = this.#runner.run({
        url,
        fn,
        exportName: data.export,
        args: decoded.args,
        jobId,
        attempt,
        queue: this.queue,
        signal,
        onStart,
        onSettle: (info) => {
          settled = info;
        },
      });
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
      this.#unreported.delete(jobId);
      const start = pendingStart;
      pendingStart = undefined;
      const settle = settleReport(attempt, settled, begin, true, undefined);
      // No need to await a 'started' report already sent: it went out first on the same Redis
      // connection that BullMQ completes the job on, so callers still see it before the result.
      this.#publishSettled(jobId, task, settle, undefined);
      return start === undefined ? { value: text, settle } : { value: text, settle, start };
    } catch (thrown) {
      reportStart();
      await progress;
      if (signal.aborted && signal.reason === REASON_HANDBACK && token !== undefined) {
        // Graceful stop ran out of time: put the job back in the queue for another worker; this
        // does not count as a failed attempt.
        await job.moveToWait(token);
        this.#publish({ type: 'job:handed-back', time: now(), jobId, task });
        throw new WaitingError();
      }
      const error =
        signal.aborted && signal.reason === REASON_CANCEL
          ? new JobCancelledError(jobId, 'running', { cause: thrown })
          : thrown;
      const unrecoverable = isUnrecoverable(error);
      const final = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure = { error };
      const settle = settleReport(attempt, settled, begin, final, failure);
      await job.updateProgress({ weft: settle }).catch(() => undefined);
      this.#publishSettled(jobId, task, settle, failure);
      throw toBullError(error, unrecoverable);
    } finally {
      this.#active--;
      this.#unreported.delete(jobId);
      this.#controllers.delete(jobId);
    }
  }

  // One timer for all jobs' start reports rather than one per job: on a busy worker a timer per
  // tiny job (created and cleared) measurably costs more than the job itself.
  #deferStart(jobId: string, report: () => void): void {
    this.#unreported.set(jobId, { due: performance.now() + this.#startReportDelay, report });
    this.#startTimer ??= setLongTimeout(() => this.#flushStarts(), this.#startReportDelay);
  }

  #flushStarts(): void {
    this.#startTimer = undefined;
    const t = performance.now();
    let next = Infinity;
    for (const { due, report } of [...this.#unreported.values()]) {
      if (due <= t) report();
      else next = Math.min(next, due);
    }
    if (next !== Infinity)
      this.#startTimer = setLongTimeout(() => this.#flushStarts(), Math.max(1, next - t));
  }

  /**
   * Stops taking jobs, lets running jobs finish for up to `gracePeriod` ms, hands the rest back to
   * the queue (another worker runs them; it does not count as a failed attempt), then stops the
   * pool (no thread or child process is left) and the Redis connections.
   *
   * @param options - `gracePeriod` override.
   * @returns A promise that resolves when everything is stopped.
   * @throws {@link InvalidOptionError} (as a rejection) when `gracePeriod` is not a finite number ≥ 0.
   * @example
   * ```ts
   * process.once('SIGTERM', () => void worker.close());
   * ```
   */
  close(options: CloseOptions = {}): Promise<void> {
    const grace = options.gracePeriod ?? this.#gracePeriod;
    if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) {
      return Promise.reject(new InvalidOptionError('gracePeriod', grace, 'a finite number ≥ 0'));
    }
    if (this.#closing !== undefined) {
      // A second close with a shorter grace (a second Ctrl-C) hands running jobs back now.
      if (grace === 0) this.#handBack();
      return this.#closing;
    }
    this.#closing = (async () => {
      const timer = setLongTimeout(() => this.#handBack(), grace);
      // Without Redis, running jobs can neither finish nor be handed back: give up on them (BullMQ
      // re-runs them as stalled once Redis is back) rather than wait for a reconnect forever.
      const giveUp = (): void => {
        this.#control.stopped = true;
        this.#abortAll(REASON_HANDBACK);
        void this.#worker.close(true).catch(() => undefined);
      };
      const client = (await this.#worker.getBackend().client) as unknown as { status: string };
      if (client.status !== 'ready') giveUp();
      const force = setLongTimeout(giveUp, grace + FORCE_AFTER_GRACE_MS);
      try {
        await this.#worker.close();
        // run() settles after close(), except when Redis died under it: don't wait on that.
        const running = this.#running;
        if (running !== undefined) await closeWithin(() => running, 1000);
      } finally {
        timer.clear();
        force.clear();
        this.#startTimer?.clear();
        this.#control.stopped = true;
      }
      if (this.#handedBack) await this.#runner.terminate();
      else await this.#runner.close();
      this.#subscriber.disconnect();
    })();
    return this.#closing;
  }

  #handBack(): void {
    this.#handedBack = true;
    this.#abortAll(REASON_HANDBACK);
  }

  #abortAll(reason: string): void {
    for (const controller of this.#controllers.values()) controller.abort(reason);
  }

  /**
   * Same as {@link DistributedWorker.close} with the default grace period, for `await using`.
   *
   * @returns A promise that resolves when everything is stopped.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Starts a worker that takes Weft jobs from `queue` and runs them on a local pool (threads or
 * processes) or inline. It runs only the exported functions of its `tasks` modules, which it loads
 * first. Resolves once it is connected and taking jobs.
 *
 * @param options - Connection, queue, task modules, concurrency, kind and timings.
 * @returns The running worker; `close()` it (or send SIGTERM to the `weft-worker` CLI) to stop.
 * @throws {@link InvalidOptionError} when an option is out of range, or no task module is given.
 * @throws {@link TaskModuleLoadError} when a task module cannot be loaded.
 * @throws {@link RedisUnavailableError} when Redis cannot be reached within `connectTimeout`.
 * @example
 * ```ts
 * import { startWorker } from '@weft/distributed';
 *
 * const worker = await startWorker({
 *   connection: 'redis://127.0.0.1:6379',
 *   queue: 'weft',
 *   tasks: ['@weft/workloads'],
 *   concurrency: 2,
 *   kind: 'process',
 * });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export async function startWorker(options: StartWorkerOptions): Promise<DistributedWorker> {
  checkQueueOptions(options);
  const { connection, queue } = options;
  const kind = options.kind ?? 'thread';
  if (kind !== 'thread' && kind !== 'process' && kind !== 'inline') {
    throw new InvalidOptionError('kind', kind, '"thread", "process" or "inline"');
  }
  const concurrency = positiveNumber(
    'concurrency',
    options.concurrency ?? availableParallelism(),
    true,
  );
  const lockDuration = positiveNumber(
    'lockDuration',
    options.lockDuration ?? 30_000,
    false,
    1,
    MAX_NODE_TIMER_MS,
  );
  const stalledInterval = positiveNumber(
    'stalledInterval',
    options.stalledInterval ?? 30_000,
    false,
    1,
    MAX_NODE_TIMER_MS,
  );
  const maxStalledCount = positiveNumber('maxStalledCount', options.maxStalledCount ?? 1, true, 0);
  const connectTimeout = positiveNumber('connectTimeout', options.connectTimeout ?? 10_000, false);
  const gracePeriod = positiveNumber('gracePeriod', options.gracePeriod ?? 30_000, false, 0);
  const startReportDelay = positiveNumber(
    'startReportDelay',
    options.startReportDelay ?? DEFAULT_START_REPORT_DELAY,
    false,
    0,
  );
  const maxArgsBytes = positiveNumber(
    'maxArgsBytes',
    options.maxArgsBytes ?? DEFAULT_MAX_ARGS_BYTES,
    true,
  );
  const telemetrySetting = checkTelemetry(options.telemetry);
  const telemetry = await loadTelemetry(telemetrySetting);
  const tasks = await TaskRegistry.load(options.tasks, options.cwd ?? process.cwd());
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const address = describeConnection(connection);
  const control: ReconnectControl = { stopped: false };
  const base = {
    connection: toConnectionOptions(connection, control),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  };

  const runner: Runner =
    kind === 'inline'
      ? new InlineRunner()
      : new PoolRunner({ kind, maxWorkers: concurrency, pool: options.pool ?? {} });
  let lastError: unknown;
  // The processor needs the DistributedWorker, which needs the BullMQ Worker: tie the knot late.
  const holder: { instance?: DistributedWorker } = {};
  const worker = new Worker(
    queue,
    (job: Job, token?: string) => holder.instance!.processor(job, token),
    {
      ...base,
      name,
      autorun: false,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      ...(telemetry === undefined ? {} : { telemetry }),
      settings: {
        backoffStrategy: (
          attemptsMade: number,
          type?: string,
          _err?: Error,
          job?: { data?: unknown },
        ) => {
          const data = job?.data;
          if (type !== WEFT_BACKOFF || !isJobData(data) || data.backoff === undefined) return 0;
          return backoffDelay(data.backoff, attemptsMade);
        },
      },
    },
  );
  worker.on('error', (error) => {
    lastError = error;
  });
  let subscriber: Subscriber | undefined;
  try {
    await withinConnectTimeout(worker.waitUntilReady(), connectTimeout, address, () => lastError);
    // Callers ask for running jobs to stop on a pub/sub channel (cheaper than every worker reading
    // the queue's whole event stream); a dedicated connection, as subscribers can't run commands.
    const client = (await worker.getBackend().client) as unknown as { duplicate(): Subscriber };
    const sub = client.duplicate();
    subscriber = sub;
    sub.on('error', (error: unknown) => {
      lastError = error;
    });
    await withinConnectTimeout(
      sub.subscribe(cancelChannel(options.prefix, queue)),
      connectTimeout,
      address,
      () => lastError,
    );
  } catch (error) {
    control.stopped = true;
    subscriber?.disconnect();
    await closeWithin(() => worker.close(true), 1000);
    await runner.terminate();
    throw error;
  }
  const instance = new DistributedWorker({
    name,
    queue,
    kind,
    concurrency,
    worker,
    subscriber,
    runner,
    tasks,
    maxArgsBytes,
    secrets: connectionSecrets(connection),
    gracePeriod,
    startReportDelay,
    control,
  });
  holder.instance = instance;
  instance.start();
  return instance;
}
