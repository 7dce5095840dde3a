// BullMQExecutor: the scheduler's Executor on top of a BullMQ queue. Each apply() becomes one job
// naming (task module, export) plus serialized arguments; Weft workers anywhere run it and the
// job's result, typed error and timeline events come back through the queue's event stream.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';
import type { JobsOptions, Telemetry } from 'bullmq';
import type {
  ExecutionSettle,
  ExecutionStart,
  Executor,
  ExecutorCallOptions,
  RetryPolicy,
} from '@weft/core-scheduler';
import type { RedisConnection } from './connection.js';
import type { DistributedEvent, RemoteWorkerInfo } from './events.js';
import type { TaskModule } from './task-module.js';
import {
  ExecutorClosedError,
  InvalidOptionError,
  JobCancelledError,
  JobLostError,
  RedisConnectionLostError,
  RedisUnavailableError,
  TaskNotRegisteredError,
} from './errors.js';
import { now } from './internal/clock.js';
import {
  closeWithin,
  describeConnection,
  toConnectionOptions,
  withinConnectTimeout,
} from './internal/connection.js';
import type { RawClient, ReconnectControl } from './internal/connection.js';
import { captureContext, checkTelemetry, loadTelemetry } from './internal/telemetry.js';
import type { ContextRunner, TelemetryOption, TelemetrySetting } from './internal/telemetry.js';
import { EventReader } from './internal/event-reader.js';
import type { MalformedEvent, StreamClient, StreamEvent } from './internal/event-reader.js';
import { indexTasks, moduleId } from './internal/modules.js';
import type { TaskRef } from './internal/modules.js';
import { checkQueueOptions } from './internal/options.js';
import { backoffDelay, isUnrecoverable, toJobRetry, WEFT_BACKOFF } from './internal/retry.js';
import type { JobRetry } from './internal/retry.js';
import { safely } from './internal/safely.js';
import {
  decode,
  decodeReportedError,
  encodeValue,
  isWireProgress,
  isWireResult,
  registerErrorClasses,
  WIRE_VERSION,
} from './internal/wire.js';
import type { JobData, WireSettle, WireStart } from './internal/wire.js';
import { cancelChannel } from './internal/names.js';
import {
  ArgumentNotSendableError,
  PoolBrokenError,
  PoolClosedError,
  PoolTerminatedError,
  TaskAbortedError,
  TaskCancelledError,
  TaskNotFoundError,
  TaskTimeoutError,
  WorkerExitedError,
  WorkerInitError,
} from '@weft/process-pool';

/**
 * Options of {@link BullMQExecutor}, validated once at construction.
 *
 * @example
 * ```ts
 * const options: BullMQExecutorOptions = {
 *   connection: 'redis://127.0.0.1:6379',
 *   queue: 'render',
 *   tasks: ['@weft/workloads'],
 *   retry: { attempts: 3, backoff: { type: 'exponential', delay: 200 } },
 * };
 * ```
 */
export interface BullMQExecutorOptions {
  /** Where Redis is; passed through to ioredis. */
  readonly connection: RedisConnection;
  /** BullMQ queue name; workers started with the same name take the jobs. */
  readonly queue: string;
  /**
   * Task modules whose exported functions may be passed to `apply`. They are imported on this side
   * too, to map each function object to its export name.
   */
  readonly tasks: readonly TaskModule[];
  /**
   * BullMQ key prefix.
   * @defaultValue `'bull'`
   */
  readonly prefix?: string;
  /**
   * How long to wait for Redis before failing with `RedisUnavailableError`, in ms: any finite
   * number > 0 (values above 2^31 - 1 ms wait the whole time).
   * @defaultValue `10_000`
   */
  readonly connectTimeout?: number;
  /**
   * How long the connection may stay down while jobs are in flight before they reject with
   * `RedisConnectionLostError`, in ms: any finite number > 0 (values above 2^31 - 1 ms wait the
   * whole time).
   * @defaultValue `15_000`
   */
  readonly connectionLostTimeout?: number;
  /**
   * Default retry policy of every call, as BullMQ attempts and backoff (run by the workers, so it
   * survives this process). A policy with `retryOn` is run here instead, since a function cannot
   * travel: each attempt is one job, and the next is submitted (delayed by the backoff) only when
   * `retryOn(error, attempt)` returns true. Errors no retry can fix (`TaskModuleLoadError`,
   * `TaskExportNotFoundError`, `ValueNotSerializableError`, `JobCancelledError`, BullMQ's
   * `UnrecoverableError`) are never retried.
   * @defaultValue one attempt
   */
  readonly retry?: RetryPolicy;
  /**
   * Directory from which bare specifiers and paths in `tasks` are resolved.
   * @defaultValue `process.cwd()`
   */
  readonly cwd?: string;
  /**
   * Traces each call's job with BullMQ's telemetry hook: `true` for bullmq-otel on the globally
   * registered OpenTelemetry provider (install `bullmq-otel` and `@opentelemetry/api`), or any object
   * implementing BullMQ's `Telemetry` interface. A job's spans are children of the span active when
   * the call was made, on this machine and on the worker.
   * @defaultValue no tracing
   */
  readonly telemetry?: TelemetryOption;
}

/**
 * Per-call options: the scheduler's `ExecutorCallOptions` (from `@weft/core-scheduler`) plus a retry policy.
 *
 * @example
 * ```ts
 * await executor.apply(work, [1], { retry: { attempts: 2 }, signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface BullMQCallOptions extends ExecutorCallOptions {
  /**
   * Retry policy of this call (BullMQ attempts and backoff).
   * @defaultValue the executor's `retry`
   */
  readonly retry?: RetryPolicy;
}

/**
 * What `onStart` receives: the scheduler's `ExecutionStart` (from `@weft/core-scheduler`) plus where the job runs.
 * `workerId` is a small integer this executor assigns to each remote (host, process, pool worker),
 * so timelines get one lane per remote worker; `pid` is the process that ran the task.
 *
 * @example
 * ```ts
 * await executor.apply(work, [], { onStart: (info) => console.log((info as RemoteExecutionStart).host) });
 * ```
 */
export interface RemoteExecutionStart extends ExecutionStart {
  readonly host: string;
  readonly worker: string;
  readonly hostPid: number;
  readonly jobId: string;
  readonly attempt: number;
}

interface Pending {
  /** The job of the current attempt (caller-run retries submit one job per attempt). */
  jobId: string;
  readonly task: string;
  readonly data: JobData;
  readonly retry: JobRetry;
  readonly options: BullMQCallOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly done: Promise<unknown>;
  /** Runs in the caller's tracing context: its jobs (retries too) are traced as its own. */
  readonly inCallerContext: ContextRunner;
  /** An event id the reader had passed before this attempt's job existed (see #sweep). */
  since: string;
  started: WireStart | undefined;
  lastSettle: WireSettle | undefined;
  added: boolean;
  cancelled: boolean;
  detach: () => void;
}

// Errors the worker's local pool raises (a pool worker died, a timeout) come back as the pool's real
// classes, so `instanceof WorkerExitedError` holds on the caller. (The pool's TaskModuleLoadError is
// left out: the worker loads modules itself and raises ours.)
registerErrorClasses({
  ArgumentNotSendableError,
  PoolBrokenError,
  PoolClosedError,
  PoolTerminatedError,
  TaskAbortedError,
  TaskCancelledError,
  TaskNotFoundError,
  TaskTimeoutError,
  WorkerExitedError,
  WorkerInitError,
});

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_LOST_TIMEOUT = 15_000;
const KEEP_COMPLETED = 10_000;
const SWEEP_INTERVAL = 1000;

/** Compare two stream ids ("ms-seq"). */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

function positive(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'a finite number of ms > 0');
  }
  return value;
}

/**
 * Runs tasks as BullMQ jobs on `weft-worker` processes anywhere; fits `@weft/core-scheduler`'s
 * `Executor`, so a scheduler can send its CPU work to many machines.
 *
 * A task is an exported function of one of `tasks`; the job carries the module id, the export name
 * and the arguments (structured serialization). Results come back as they were; errors come back with
 * their class name, message, remote stack and own properties. Retries map to BullMQ attempts and
 * backoff; a job whose worker dies is re-run by BullMQ's stalled-job recovery.
 *
 * @example
 * ```ts
 * import { BullMQExecutor } from '@weft/distributed';
 * import { runWorkload } from '@weft/workloads';
 *
 * await using executor = new BullMQExecutor({ connection: 'redis://127.0.0.1:6379', queue: 'weft', tasks: ['@weft/workloads'] });
 * const rows = await executor.apply(runWorkload, ['mandelbrot', { size: 200, rows: [0, 100] }]);
 * ```
 */
export class BullMQExecutor implements Executor {
  /** The BullMQ queue name. */
  readonly queue: string;
  readonly #connection: RedisConnection;
  readonly #address: string;
  readonly #prefix: string | undefined;
  readonly #moduleIds: readonly string[];
  readonly #cwd: string;
  readonly #connectTimeout: number;
  readonly #lostTimeout: number;
  readonly #retry: JobRetry;
  readonly #telemetrySetting: TelemetrySetting;
  #telemetry: Telemetry | undefined;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Set<(event: DistributedEvent) => void>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #laneIds = new Map<string, number>();
  #index: Map<unknown, TaskRef> | undefined;
  #starting: Promise<void> | undefined;
  #bull: Queue | undefined;
  #reader: EventReader | undefined;
  #client: RawClient | undefined;
  #lastError: unknown;
  readonly #down = new Set<RawClient>();
  #lostTimer: LongTimeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping = false;
  #seenEventId = '0-0';
  #closing: Promise<void> | undefined;
  #terminated = false;
  readonly #calls = new Set<Promise<void>>();
  #detachClients: (() => void) | undefined;
  #control: ReconnectControl = { stopped: false };
  /** Rejects with ExecutorClosedError when terminate() is called, ending a connect in progress. */
  readonly #terminating: Promise<never>;
  readonly #giveUpConnecting: (error: ExecutorClosedError) => void;

  /**
   * Validates the options; connects lazily (on {@link BullMQExecutor.ready} or the first call).
   *
   * @param options - Connection, queue name, task modules and defaults.
   * @throws {@link InvalidOptionError} when an option is out of range.
   */
  constructor(options: BullMQExecutorOptions) {
    checkQueueOptions(options);
    const { connection, queue, tasks } = options;
    if (!Array.isArray(tasks) || tasks.some((t) => typeof t !== 'string' && !(t instanceof URL))) {
      throw new InvalidOptionError(
        'tasks',
        tasks,
        'an array of module URLs, paths or package specifiers',
      );
    }
    this.queue = queue;
    this.#connection = connection;
    this.#address = describeConnection(connection);
    this.#prefix = options.prefix;
    this.#moduleIds = tasks.map(moduleId);
    this.#cwd = options.cwd ?? process.cwd();
    this.#connectTimeout = positive(
      'connectTimeout',
      options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    );
    this.#lostTimeout = positive(
      'connectionLostTimeout',
      options.connectionLostTimeout ?? DEFAULT_LOST_TIMEOUT,
    );
    this.#retry = toJobRetry(options.retry, 'retry');
    this.#telemetrySetting = checkTelemetry(options.telemetry);
    let giveUp!: (error: ExecutorClosedError) => void;
    this.#terminating = new Promise<never>((_, reject) => {
      giveUp = reject;
    });
    this.#terminating.catch(() => undefined);
    this.#giveUpConnecting = giveUp;
  }

  /** Calls in flight (queued or running remotely). */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Loads the task modules and connects to Redis, within `connectTimeout`.
   *
   * @returns A promise that resolves when jobs can be submitted.
   * @throws {@link RedisUnavailableError} when Redis cannot be reached in time.
   * @throws {@link TaskModuleLoadError} when a task module cannot be loaded here.
   * @example
   * ```ts
   * await executor.ready(); // fail fast at startup rather than on the first task
   * ```
   */
  ready(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new ExecutorClosedError(this.queue));
    return this.#startOnce();
  }

  #startOnce(): Promise<void> {
    if (this.#terminated) return Promise.reject(new ExecutorClosedError(this.queue));
    if (this.#starting === undefined) {
      this.#starting = this.#start();
      // A failed start is not cached: Redis may come up later.
      this.#starting.catch(() => {
        this.#starting = undefined;
      });
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#index ??= await indexTasks(this.#moduleIds, this.#cwd);
    this.#telemetry ??= await loadTelemetry(this.#telemetrySetting);
    const connection = toConnectionOptions(this.#connection, this.#control);
    const base = this.#prefix === undefined ? { connection } : { connection, prefix: this.#prefix };
    const telemetry = this.#telemetry;
    const bull = new Queue(this.queue, telemetry === undefined ? base : { ...base, telemetry });
    bull.on('error', (error) => {
      this.#lastError = error;
    });
    try {
      this.#reader = await this.#openEvents(bull);
      this.#bull = bull;
    } catch (error) {
      // Stop reconnecting only if nothing else runs; a later ready() makes new clients anyway.
      const control = this.#control;
      control.stopped = true;
      await closeWithin(() => bull.close(), 1000);
      if (this.#closing === undefined) this.#control = { stopped: false };
      throw error;
    }
  }

  // One step of connecting: bounded by connectTimeout, and given up at once by terminate() (a
  // connectTimeout may be days long).
  #connecting<T>(step: Promise<T>): Promise<T> {
    return withinConnectTimeout(
      step,
      this.#connectTimeout,
      this.#address,
      () => this.#lastError,
      this.#terminating,
    );
  }

  async #openEvents(bull: Queue): Promise<EventReader> {
    const client = (await this.#connecting(bull.getBackend().client)) as unknown as RawClient;
    await this.#connecting(bull.waitUntilReady());
    // Read events from the stream's current end, taken before any job of ours exists: starting at
    // '$' once the reader is up could miss events of jobs added in between.
    const last = (await this.#connecting(
      client.call('XREVRANGE', bull.keys.events ?? '', '+', '-', 'COUNT', 1),
    )) as [string, unknown][];
    const from = last[0]?.[0] ?? '0-0';
    this.#seenEventId = from;
    // XREAD blocks its connection: the reader gets one of its own (commands wait for a reconnect
    // rather than fail, like BullMQ's own blocking connections).
    const readerClient = client.duplicate({ maxRetriesPerRequest: null });
    readerClient.on('error', (error) => {
      this.#lastError = error;
    });
    let reader: EventReader | undefined;
    try {
      await this.#connecting(
        readerClient.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => readerClient.once('ready', () => resolve())),
      );
      reader = new EventReader({
        client: readerClient as unknown as StreamClient,
        key: bull.keys.events ?? '',
        from,
        onEvent: (event) => this.#onEvent(event),
        onMalformed: (entry) => this.#onMalformed(entry),
        onError: (error) => {
          this.#lastError = error;
        },
      });
      this.#client = client;
      this.#watch([client, readerClient]);
    } catch (error) {
      this.#control.stopped = true;
      readerClient.disconnect();
      await reader?.close();
      throw error;
    }
    this.#sweepTimer = setInterval(() => void this.#sweep(), SWEEP_INTERVAL);
    this.#sweepTimer.unref();
    return reader;
  }

  #onEvent(event: StreamEvent): void {
    const { jobId } = event;
    if (jobId === undefined) return;
    switch (event.event) {
      case 'progress':
        this.#seenEventId = event.id;
        this.#onProgress(jobId, event.data);
        return;
      case 'completed':
        this.#seenEventId = event.id;
        this.#onCompleted(jobId, event.returnvalue);
        return;
      case 'failed':
        this.#seenEventId = event.id;
        this.#onFailed(jobId, event.failedReason ?? '');
        return;
      case 'stalled': {
        const p = this.#pending.get(jobId);
        if (p !== undefined)
          this.#publish({ type: 'job:stalled', time: now(), jobId, task: p.task });
        return;
      }
      case 'removed': {
        const p = this.#pending.get(jobId);
        if (p !== undefined && !p.cancelled)
          this.#finish(
            p,
            undefined,
            'rejected',
            new JobLostError(jobId, 'the job was removed from Redis'),
          );
        return;
      }
      default:
    }
  }

  // An entry that could not be read (bad JSON written by someone else to the stream): the reader
  // skips it. If it names a call in flight, that job's state is read from Redis instead, so the
  // call settles with what the worker really stored.
  #onMalformed(entry: MalformedEvent): void {
    const p = entry.jobId === undefined ? undefined : this.#pending.get(entry.jobId);
    if (p?.added === true) this.#track(this.#reconcile([p]));
  }

  // BullMQ trims the event stream (about 10,000 entries): a reader that falls further behind (a busy
  // or starved caller) silently misses events, and their calls would never settle. Once a second,
  // while calls are pending, compare the stream's first entry with the reader position recorded
  // at each submit: a job submitted before that entry may have lost events, so read its outcome
  // from Redis instead (completed jobs are kept for this, see KEEP_COMPLETED). An empty stream
  // while jobs of ours exist means it was lost with them (FLUSHALL, a Redis restarted without
  // persistence): every call is read back.
  async #sweep(): Promise<void> {
    const client = this.#client;
    const bull = this.#bull;
    if (this.#sweeping || this.#pending.size === 0 || this.#down.size > 0) return;
    if (client === undefined || bull === undefined) return;
    this.#sweeping = true;
    try {
      const first = (await client.call('XRANGE', bull.keys.events ?? '', '-', '+', 'COUNT', 1)) as [
        string,
        unknown,
      ][];
      const firstId = first[0]?.[0];
      const behind = [...this.#pending.values()].filter(
        (p) => p.added && (firstId === undefined || compareIds(p.since, firstId) < 0),
      );
      if (behind.length > 0) await this.#reconcile(behind, firstId);
    } catch {
      // Redis trouble is the connection watcher's business; try again next time.
    } finally {
      this.#sweeping = false;
    }
  }

  // Read the outcome of these calls' jobs from Redis. `firstId`: the stream's first entry, from
  // which on their events are still there to read.
  async #reconcile(list: readonly Pending[], firstId?: string): Promise<void> {
    const bull = this.#bull!;
    const ids = list.map((p) => p.jobId);
    const jobs = await Promise.all(ids.map((id) => bull.getJob(id).catch(() => null)));
    list.forEach((p, i) => {
      const jobId = ids[i]!;
      const job = jobs[i];
      if (job === null || this.#pending.get(jobId) !== p) return;
      if (job === undefined) {
        this.#finish(
          p,
          undefined,
          'rejected',
          new JobLostError(
            jobId,
            'the job is gone from Redis and this executor read no outcome of it (its events were trimmed from the stream, or Redis lost its data)',
          ),
        );
        return;
      }
      // Its events from now on are still in the stream.
      if (firstId !== undefined) p.since = firstId;
      const progress: unknown = job.progress;
      if (isWireProgress(progress)) {
        if (progress.weft.ev === 'started') {
          if (p.started === undefined) this.#onStarted(p, progress.weft);
        } else {
          p.lastSettle = progress.weft;
        }
      }
      if (job.finishedOn === undefined) return;
      const returnvalue: unknown = job.returnvalue;
      if (isWireResult(returnvalue)) this.#onCompleted(jobId, returnvalue);
      else this.#onFailed(jobId, job.failedReason);
    });
  }

  // Connection loss: ioredis reconnects on its own; if it stays down while calls are in flight,
  // they reject instead of waiting forever.
  #watch(clients: RawClient[]): void {
    const handlers = clients.map((client) => {
      const onClose = (): void => {
        if (this.#closing !== undefined) return;
        const wasUp = this.#down.size === 0;
        this.#down.add(client);
        if (!wasUp) return;
        this.#publish({ type: 'connection:lost', time: now() });
        this.#lostTimer = setLongTimeout(() => this.#connectionLost(), this.#lostTimeout);
      };
      const onReady = (): void => {
        if (!this.#down.delete(client) || this.#down.size > 0) return;
        this.#lostTimer?.clear();
        this.#lostTimer = undefined;
        this.#publish({ type: 'connection:restored', time: now() });
        this.#recheckAll();
      };
      client.on('close', onClose);
      client.on('end', onClose);
      client.on('ready', onReady);
      return () => {
        client.off('close', onClose);
        client.off('end', onClose);
        client.off('ready', onReady);
      };
    });
    this.#detachClients = () => handlers.forEach((off) => off());
  }

  // The Redis we reconnected to may not hold our jobs any more (restarted without persistence, a
  // failover to a replica that lagged) and its stream may be empty, so no event would ever settle
  // the calls: read every call's job back at once, and a job that is gone rejects its call.
  #recheckAll(): void {
    const added = [...this.#pending.values()].filter((p) => p.added);
    if (added.length > 0 && this.#bull !== undefined) this.#track(this.#reconcile(added));
  }

  #connectionLost(): void {
    this.#lostTimer = undefined;
    const cause = this.#lastError;
    for (const p of [...this.#pending.values()]) {
      this.#finish(
        p,
        undefined,
        'rejected',
        new RedisConnectionLostError(
          p.jobId,
          this.#lostTimeout,
          cause === undefined ? undefined : { cause },
        ),
      );
    }
  }

  async #ensureConnected(): Promise<void> {
    await this.#startOnce();
    if (this.#down.size === 0) return;
    // Down right now: wait for ioredis to reconnect, within the connect timeout.
    const deadline = Date.now() + this.#connectTimeout;
    let check: NodeJS.Timeout | undefined;
    try {
      await withinConnectTimeout(
        new Promise<void>((resolve) => {
          check = setInterval(() => {
            if (this.#down.size === 0 || this.#closing !== undefined || Date.now() > deadline)
              resolve();
          }, 20);
        }),
        this.#connectTimeout,
        this.#address,
        () => this.#lastError,
      );
    } finally {
      clearInterval(check);
    }
    if (this.#down.size > 0) throw new RedisUnavailableError(this.#address, this.#connectTimeout);
  }

  /**
   * Subscribes to job and connection events.
   *
   * @param listener - Called with each event; must not throw (errors are ignored).
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * const stop = executor.subscribe((e) => console.log(e.type));
   * stop();
   * ```
   */
  subscribe(listener: (event: DistributedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #publish(event: DistributedEvent): void {
    for (const listener of this.#listeners) safely(listener, event);
  }

  /**
   * Runs `fn(...args)` as a BullMQ job and settles with its result.
   *
   * @param fn - An exported function of one of the executor's task modules.
   * @param args - Its arguments (structured-clone data: no functions, sockets or shared memory).
   * @param options - `signal` (cancel), `onStart`/`onSettle` (remote timeline), `retry`.
   * @returns The task's awaited result, as the worker produced it.
   * @throws {@link TaskNotRegisteredError} when `fn` is not an export of the task modules.
   * @throws {@link ValueNotSerializableError} when the arguments cannot be serialized.
   * @throws {@link JobCancelledError} when `signal` aborts.
   * @throws {@link RedisUnavailableError} / {@link RedisConnectionLostError} when Redis is down.
   * @throws The task's own error, rebuilt with its class name, message, remote stack and properties.
   * @example
   * ```ts
   * const n = await executor.apply(fib, [30], { onStart: (i) => console.log('on', i.pid) });
   * ```
   */
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: BullMQCallOptions = {},
  ): Promise<Awaited<R>> {
    if (this.#closing !== undefined) return Promise.reject(new ExecutorClosedError(this.queue));
    // close() waits for every call made before it, including those still connecting.
    const call = this.#apply(fn, args, options);
    const settled = call.then(
      () => undefined,
      () => undefined,
    );
    this.#calls.add(settled);
    void settled.then(() => this.#calls.delete(settled));
    return call;
  }

  async #apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: BullMQCallOptions,
  ): Promise<Awaited<R>> {
    const { signal } = options;
    const retry = options.retry === undefined ? this.#retry : toJobRetry(options.retry, 'retry');
    if (signal?.aborted === true)
      throw new JobCancelledError('(not submitted)', 'queued', { cause: signal.reason });
    await this.#ensureConnected();
    const ref = this.#index?.get(fn);
    if (ref === undefined) throw new TaskNotRegisteredError(fn.name, this.#moduleIds);
    const data: JobData = {
      weft: WIRE_VERSION,
      module: ref.module,
      export: ref.exportName,
      args: encodeValue(args, 'args'),
      // Workers compute the backoff only for the retries BullMQ runs (no retryOn).
      ...(retry.backoff === undefined || retry.retryOn !== undefined
        ? {}
        : { backoff: retry.backoff }),
    };
    // The signal may have aborted while we connected.
    if (options.signal?.aborted === true)
      throw new JobCancelledError('(not submitted)', 'queued', { cause: options.signal.reason });
    if (this.#terminated) throw new ExecutorClosedError(this.queue);
    return (await this.#submit(
      data,
      `${ref.module}#${ref.exportName}`,
      retry,
      options,
    )) as Awaited<R>;
  }

  #submit(
    data: JobData,
    task: string,
    retry: JobRetry,
    options: BullMQCallOptions,
  ): Promise<unknown> {
    // Our own id, registered before the add: the job's events may arrive before add() returns.
    const jobId = randomUUID();
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = {
      jobId,
      task,
      data,
      retry,
      options,
      resolve,
      reject,
      done,
      inCallerContext: captureContext(this.#telemetry),
      started: undefined,
      lastSettle: undefined,
      added: false,
      cancelled: false,
      since: this.#seenEventId,
      detach: () => undefined,
    };
    this.#pending.set(jobId, pending);
    const { signal } = options;
    if (signal !== undefined) {
      const onAbort = (): void => this.#cancel(pending, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      pending.detach = () => signal.removeEventListener('abort', onAbort);
    }
    const local = retry.retryOn !== undefined;
    this.#enqueue(pending, data, {
      jobId,
      // With retryOn the caller runs the retries: one attempt per job.
      attempts: local ? 1 : retry.attempts,
      ...(retry.backoff === undefined || local ? {} : { backoff: { type: WEFT_BACKOFF } }),
    });
    return done;
  }

  #enqueue(pending: Pending, data: JobData, options: JobsOptions): void {
    const jobId = pending.jobId;
    const jobOptions: JobsOptions = {
      ...options,
      // Results travel in the 'completed' event; the last completed jobs stay in Redis so that a
      // caller whose event reader fell behind the stream's trimming can still collect them.
      removeOnComplete: { count: KEEP_COMPLETED },
      removeOnFail: { age: 3600, count: 1000 },
    };
    pending
      .inCallerContext(() => this.#bull!.add(pending.task, data, jobOptions))
      .then(
        () => {
          if (pending.jobId !== jobId) return;
          pending.added = true;
          if (pending.cancelled) this.#track(this.#cancelRemote(jobId));
          else
            this.#publish({
              type: 'job:queued',
              time: now(),
              jobId,
              task: pending.task,
              attempts: pending.retry.attempts,
            });
        },
        (error: unknown) => this.#finish(pending, undefined, 'rejected', error),
      );
  }

  // A policy with `retryOn`: the predicate runs here, and a retry is a new job, delayed in Redis by
  // the backoff (so a cancel during the wait removes it like any queued job).
  #retryHere(p: Pending, error: unknown, settle: WireSettle): boolean {
    const { retry } = p;
    const attempt = settle.attempt;
    if (retry.retryOn === undefined || attempt >= retry.attempts || this.#terminated) return false;
    if (isUnrecoverable(error)) return false;
    let again: boolean;
    try {
      again = retry.retryOn(error, attempt) === true;
    } catch {
      again = false;
    }
    if (!again) return false;
    this.#publishSettled(p, { ...settle, final: false });
    const jobId = randomUUID();
    this.#pending.delete(p.jobId);
    p.jobId = jobId;
    p.added = false;
    p.lastSettle = undefined;
    p.since = this.#seenEventId;
    this.#pending.set(jobId, p);
    const delay = retry.backoff === undefined ? 0 : backoffDelay(retry.backoff, attempt);
    this.#enqueue(p, { ...p.data, attempt: attempt + 1 }, { jobId, attempts: 1, delay });
    return true;
  }

  #cancel(p: Pending, reason: unknown): void {
    if (!this.#pending.has(p.jobId)) return;
    p.cancelled = true;
    const stage = p.started === undefined ? 'queued' : 'running';
    this.#publish({ type: 'job:cancelled', time: now(), jobId: p.jobId, task: p.task, stage });
    const settle =
      p.started === undefined ? undefined : { time: now(), status: 'rejected' as const };
    this.#finish(p, settle, 'rejected', new JobCancelledError(p.jobId, stage, { cause: reason }));
    if (p.added) this.#track(this.#cancelRemote(p.jobId));
  }

  // Remove a queued job; a job that is locked by a worker can't be removed, so ask its worker (all
  // Weft workers of the queue listen on its cancel channel) to abort it.
  async #cancelRemote(jobId: string): Promise<void> {
    const bull = this.#bull;
    const client = this.#client;
    if (bull === undefined || client === undefined) return;
    const removed = await bull.remove(jobId);
    if (removed !== 1) {
      await client.publish(cancelChannel(this.#prefix, this.queue), jobId);
    }
  }

  #track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined);
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  #where(start: WireStart): RemoteWorkerInfo {
    return {
      host: start.host,
      worker: start.worker,
      hostPid: start.hostPid,
      ...(start.workerId === undefined ? {} : { workerId: start.workerId }),
      ...(start.pid === undefined ? {} : { pid: start.pid }),
      ...(start.threadId === undefined ? {} : { threadId: start.threadId }),
    };
  }

  #laneId(start: WireStart): number {
    const key = `${start.host}\0${start.hostPid}\0${start.workerId ?? 'main'}`;
    let id = this.#laneIds.get(key);
    if (id === undefined) {
      id = this.#laneIds.size + 1;
      this.#laneIds.set(key, id);
    }
    return id;
  }

  #onProgress(jobId: string, data: unknown): void {
    const p = this.#pending.get(jobId);
    if (p === undefined || !isWireProgress(data)) return;
    const info = data.weft;
    if (info.ev === 'started') {
      this.#onStarted(p, info);
    } else {
      p.lastSettle = info;
      if (info.final === false) this.#publishSettled(p, info);
    }
  }

  #onStarted(p: Pending, info: WireStart): void {
    const { jobId } = p;
    const where = this.#where(info);
    this.#publish({
      type: 'job:started',
      time: info.time,
      jobId,
      task: p.task,
      attempt: info.attempt,
      where,
    });
    if (p.started === undefined) {
      p.started = info;
      const start: RemoteExecutionStart = {
        time: info.time,
        workerId: this.#laneId(info),
        pid: info.pid ?? info.hostPid,
        ...(info.threadId === undefined ? {} : { threadId: info.threadId }),
        host: info.host,
        worker: info.worker,
        hostPid: info.hostPid,
        jobId,
        attempt: info.attempt,
      };
      safely(p.options.onStart, start);
    } else {
      p.started = { ...info, time: p.started.time };
    }
  }

  #publishSettled(p: Pending, settle: WireSettle): void {
    const error = settle.error === undefined ? undefined : decodeReportedError(settle.error);
    this.#publish({
      type: 'job:settled',
      time: settle.time,
      jobId: p.jobId,
      task: p.task,
      attempt: settle.attempt,
      status: settle.status,
      runMs: settle.runMs,
      ...(settle.cpuMs === undefined ? {} : { cpuMs: settle.cpuMs }),
      final: settle.final !== false,
      ...(settle.error === undefined ? {} : { error }),
      ...(p.started === undefined ? {} : { where: this.#where(p.started) }),
    });
  }

  #onCompleted(jobId: string, returnvalue: unknown): void {
    const p = this.#pending.get(jobId);
    if (p === undefined) return;
    if (!isWireResult(returnvalue)) {
      this.#finish(
        p,
        undefined,
        'rejected',
        new JobLostError(
          jobId,
          'the job completed without a Weft result (is a non-Weft worker on this queue?)',
        ),
      );
      return;
    }
    // A short job's start comes with its result rather than as its own progress event.
    if (returnvalue.start !== undefined) this.#onStarted(p, returnvalue.start);
    let value: unknown;
    try {
      value = decode(returnvalue.value);
    } catch (error) {
      this.#finish(p, returnvalue.settle, 'rejected', error);
      return;
    }
    this.#publishSettled(p, returnvalue.settle);
    this.#finish(p, returnvalue.settle, 'fulfilled', value);
  }

  #onFailed(jobId: string, failedReason: string): void {
    const p = this.#pending.get(jobId);
    if (p === undefined) return;
    const settle = p.lastSettle;
    if (settle?.error !== undefined && settle.final !== false) {
      const error = decodeReportedError(settle.error);
      if (this.#retryHere(p, error, settle)) return;
      this.#publishSettled(p, settle);
      this.#finish(p, settle, 'rejected', error);
    } else {
      // No final attempt reported: BullMQ failed the job itself (stalled too often, lock lost).
      this.#finish(p, undefined, 'rejected', new JobLostError(jobId, failedReason));
    }
  }

  #finish(
    p: Pending,
    settle:
      | (Pick<WireSettle, 'time' | 'status'> & Partial<Pick<WireSettle, 'runMs' | 'cpuMs'>>)
      | undefined,
    status: 'fulfilled' | 'rejected',
    outcome: unknown,
  ): void {
    if (this.#pending.get(p.jobId) !== p) return;
    this.#pending.delete(p.jobId);
    p.detach();
    if (settle !== undefined && p.started !== undefined) {
      const info: ExecutionSettle = {
        time: settle.time,
        status,
        runMs: Math.max(0, settle.time - p.started.time),
        ...(settle.cpuMs === undefined ? {} : { cpuMs: settle.cpuMs }),
      };
      safely(p.options.onSettle, info);
    }
    if (status === 'fulfilled') p.resolve(outcome);
    else p.reject(outcome);
  }

  /**
   * Stops taking calls, waits for the calls in flight to settle, then closes the Redis connections.
   *
   * @returns A promise that resolves when everything is closed.
   * @example
   * ```ts
   * await executor.close();
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#calls]);
      await this.#shutdown();
    })();
    return this.#closing;
  }

  /**
   * Rejects every call in flight with {@link ExecutorClosedError}, removes their queued jobs
   * (best effort) and closes the Redis connections at once. A connect in progress is given up
   * (`ready()` rejects with {@link ExecutorClosedError}) rather than waited for.
   *
   * @returns A promise that resolves when everything is closed.
   * @example
   * ```ts
   * await executor.terminate();
   * ```
   */
  terminate(): Promise<void> {
    this.#terminated = true;
    this.#giveUpConnecting(new ExecutorClosedError(this.queue));
    const pending = [...this.#pending.values()];
    for (const p of pending) {
      this.#finish(p, undefined, 'rejected', new ExecutorClosedError(this.queue));
      if (p.added && this.#down.size === 0) this.#track(this.#bull!.remove(p.jobId));
    }
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    await Promise.allSettled([...this.#background]);
    this.#lostTimer?.clear();
    clearInterval(this.#sweepTimer);
    this.#detachClients?.();
    this.#control.stopped = true;
    const reader = this.#reader;
    const bull = this.#bull;
    if (reader !== undefined) await closeWithin(() => reader.close(), 2000);
    if (bull !== undefined) await closeWithin(() => bull.close(), 2000);
  }

  /**
   * Same as {@link BullMQExecutor.close}, for `await using`.
   *
   * @returns A promise that resolves when everything is closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
