// startWorker: a process that takes Weft jobs from a BullMQ queue and runs them on a local pool
// (threads or processes, for CPU tasks) or inline (I/O tasks), reporting each attempt's start and
// settle to the callers, and stopping gracefully: finish running jobs, or hand them back.
// The parts live in src/internal/: options (worker-options.ts), running one job and the worker's
// side of cancellation (job-processor.ts), connecting and closing (worker-lifecycle.ts).
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import type { Connection } from './connection.js';
import type { WorkerTaskModule } from './task-module.js';
import { InvalidOptionError } from './errors.js';
import { now } from './internal/clock.js';
import { redactError } from './internal/connection.js';
import { describeStore, storeOf, storeSecrets } from './internal/store.js';
import { JobProcessor } from './internal/job-processor.js';
import { RunTelemetry } from './internal/run-telemetry.js';
import { REASON_HANDBACK } from './internal/names.js';
import { InlineRunner, PoolRunner } from './internal/runner.js';
import type { Runner } from './internal/runner.js';
import { safely } from './internal/safely.js';
import { TaskRegistry } from './internal/task-registry.js';
import { loadTelemetry } from './internal/telemetry.js';
import type { TelemetryOption } from './internal/telemetry.js';
import { closeWorker, openWorker } from './internal/worker-lifecycle.js';
import type { OpenedWorker } from './internal/worker-lifecycle.js';
import { workerSettings } from './internal/worker-options.js';
import type { JobResult } from './internal/wire-result.js';

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
  /**
   * Where the queue is stored: Redis (a URL or ioredis options, passed through to ioredis) or
   * PostgreSQL (a `postgres://` URL or `{ postgres: ... }`); the callers' store. See
   * {@link Connection}.
   */
  readonly connection: Connection;
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
   *
   * Independently of BullMQ's hook, when an OpenTelemetry tracer provider is registered in this
   * process, each attempt gets Weft's own `weft.run <name>` span, a child of the caller's
   * `weft.task` span (its trace context travels in the job), and the task runs inside it (a thread
   * or process task is submitted to the pool inside it); `false` turns that off too.
   * @defaultValue no BullMQ tracing; Weft's own spans on a registered provider
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

function publish(listeners: ReadonlySet<(event: WorkerEvent) => void>, event: WorkerEvent): void {
  for (const listener of listeners) safely(listener, event);
}

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
  readonly #opened: OpenedWorker;
  readonly #jobs: JobProcessor;
  readonly #runner: Runner;
  readonly #secrets: readonly string[];
  readonly #gracePeriod: number;
  readonly #listeners: Set<(event: WorkerEvent) => void>;
  /** Listeners to errors only (the quiet CLI): jobs build no events for them. */
  readonly #errorListeners = new Set<(event: WorkerEvent) => void>();
  #handedBack = false;
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link startWorker}. */
  constructor(init: {
    name: string;
    queue: string;
    kind: WorkerKind;
    concurrency: number;
    opened: OpenedWorker;
    jobs: JobProcessor;
    runner: Runner;
    listeners: Set<(event: WorkerEvent) => void>;
    secrets: readonly string[];
    gracePeriod: number;
  }) {
    this.name = init.name;
    this.queue = init.queue;
    this.kind = init.kind;
    this.concurrency = init.concurrency;
    this.#opened = init.opened;
    this.#jobs = init.jobs;
    this.#runner = init.runner;
    this.#listeners = init.listeners;
    this.#gracePeriod = init.gracePeriod;
    this.#secrets = init.secrets;
    this.#opened.worker.on('error', (error) => this.#publishError(error));
  }

  /** @internal The BullMQ processor. */
  // Two parameters on purpose: BullMQ makes an AbortController per job for processors that take a
  // third (signal) parameter; this worker keeps its own, only for the jobs it runs.
  readonly processor = (job: Job, token?: string): Promise<JobResult> =>
    this.#jobs.process(job, token);

  /** @internal Start taking jobs (after the cancel listener is up). */
  start(): void {
    this.#running = this.#opened.worker.run().catch((error: unknown) => this.#publishError(error));
  }

  /** Jobs running now. */
  get active(): number {
    return this.#jobs.active;
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

  /**
   * @internal Subscribes to this worker's `error` events only (`weft-worker --quiet`). Unlike
   * {@link DistributedWorker.subscribe}, it does not make the worker build an event per job.
   */
  subscribeErrors(listener: (event: WorkerEvent) => void): () => void {
    this.#errorListeners.add(listener);
    return () => {
      this.#errorListeners.delete(listener);
    };
  }

  // Connection errors may quote the Redis address: never with its password.
  #publishError(error: unknown): void {
    this.#publish({ type: 'error', time: now(), error: redactError(error, this.#secrets) });
  }

  #publish(event: WorkerEvent): void {
    publish(this.#listeners, event);
    if (event.type === 'error') publish(this.#errorListeners, event);
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
    this.#closing = closeWorker({
      opened: this.#opened,
      runner: this.#runner,
      running: this.#running,
      grace,
      handBack: () => this.#handBack(),
      handedBack: () => this.#handedBack,
      abortAll: (reason) => this.#jobs.abortAll(reason),
      stopTimers: () => this.#jobs.stop(),
    });
    return this.#closing;
  }

  #handBack(): void {
    this.#handedBack = true;
    this.#jobs.abortAll(REASON_HANDBACK);
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
  const settings = workerSettings(options);
  const { connection, queue } = options;
  // Which store, checked before anything starts (a malformed { postgres } throws here).
  const store = storeOf(connection);
  const { kind, concurrency } = settings;
  const telemetry = await loadTelemetry(settings.telemetry);
  const tasks = await TaskRegistry.load(options.tasks, options.cwd ?? process.cwd());
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const runner: Runner =
    kind === 'inline'
      ? new InlineRunner()
      : new PoolRunner({ kind, maxWorkers: concurrency, pool: options.pool ?? {} });
  // The BullMQ processor and the cancel handler need the DistributedWorker, which needs the
  // connected BullMQ Worker: tie the knot late.
  const holder: { instance?: DistributedWorker } = {};
  const listeners = new Set<(event: WorkerEvent) => void>();
  const jobs = new JobProcessor({
    name,
    queue,
    runner,
    tasks,
    maxArgsBytes: settings.maxArgsBytes,
    startReportDelay: settings.startReportDelay,
    publish: (event) => publish(listeners, event),
    listening: () => listeners.size > 0,
    telemetry: options.telemetry === false ? undefined : RunTelemetry.create(name, queue),
  });
  const opened = await openWorker({
    store,
    queue,
    prefix: options.prefix,
    name,
    address: describeStore(store),
    settings,
    telemetry,
    runner,
    process: (job, token) => holder.instance!.processor(job, token),
    onCancel: (jobId) => jobs.cancel(jobId),
  });
  const instance = new DistributedWorker({
    name,
    queue,
    kind,
    concurrency,
    opened,
    jobs,
    runner,
    listeners,
    secrets: storeSecrets(store),
    gracePeriod: settings.gracePeriod,
  });
  holder.instance = instance;
  instance.start();
  return instance;
}
