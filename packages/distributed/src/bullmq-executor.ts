// BullMQExecutor: the scheduler's Executor on top of a BullMQ queue. Each apply() becomes one job
// naming (task module, export) plus serialized arguments; Weft workers anywhere run it and the
// job's result, typed error and timeline events come back through the queue's event stream.
// The parts live in src/internal/: a call's states (call-state.ts), submission (executor-submit.ts),
// reading results and events (executor-results.ts, over a ResultSource), cancellation
// (executor-cancel.ts, over a CancelChannel) and the connection's lifecycle (executor-lifecycle.ts).
import type { Executor, ExecutorCallOptions, RetryPolicy } from '@weft/core-scheduler';
import type { ExecutionStart } from '@weft/core-scheduler';
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
import type { Connection } from './connection.js';
import type { DistributedEvent } from './events.js';
import type { TaskModule } from './task-module.js';
import {
  ExecutorClosedError,
  InvalidOptionError,
  JobCancelledError,
  TaskNotRegisteredError,
} from './errors.js';
import { describeStore, storeOf } from './internal/store.js';
import { ExecutorCore } from './internal/executor-core.js';
import { ExecutorLifecycle } from './internal/executor-lifecycle.js';
import { jobData, submitCall } from './internal/executor-submit.js';
import { indexTasks, moduleId } from './internal/modules.js';
import type { TaskRef } from './internal/modules.js';
import { checkQueueOptions } from './internal/options.js';
import { toJobRetry } from './internal/retry.js';
import type { JobRetry } from './internal/retry.js';
import { CallTelemetry } from './internal/call-telemetry.js';
import { checkTelemetry, loadTelemetry } from './internal/telemetry.js';
import type { TelemetryOption, TelemetrySetting } from './internal/telemetry.js';
import { registerErrorClasses } from './internal/wire.js';

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
  /**
   * Where the queue is stored: Redis (a URL or ioredis options, passed through to ioredis) or
   * PostgreSQL (a `postgres://` URL or `{ postgres: ... }`); see {@link Connection}.
   */
  readonly connection: Connection;
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
   *
   * Independently of BullMQ's hook, Weft records its own `weft.task <name>` span per call (and
   * carries its trace context to the worker in the job) and the `weft.distributed.*` metrics
   * whenever an OpenTelemetry tracer or meter provider is registered; `false` turns those off too.
   * @defaultValue no BullMQ tracing; Weft's own spans and metrics on a registered provider
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

function positive(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'a finite number of ms > 0');
  }
  return value;
}

/** Handles a call's rejection so that it is never reported as unhandled (see apply()). */
function ignore(): void {}

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
 * // Rows 0-99 of a one-frame 200 × 200 render (what one part of mandelbrot.split() carries).
 * const part = { size: 200, frames: 1, range: { start: 0, end: 100 } };
 * const rows = await executor.apply(runWorkload, ['mandelbrot', part]);
 * ```
 */
export class BullMQExecutor implements Executor {
  /** The BullMQ queue name. */
  readonly queue: string;
  readonly #moduleIds: readonly string[];
  readonly #cwd: string;
  readonly #retry: JobRetry;
  readonly #telemetry: TelemetrySetting;
  /** Weft's own spans and metrics (none with `telemetry: false` or no provider registered). */
  #otel: CallTelemetry | undefined;
  readonly #core: ExecutorCore;
  readonly #lifecycle: ExecutorLifecycle;
  #index: Map<unknown, TaskRef> | undefined;
  #closing: Promise<void> | undefined;
  /** Calls made and not yet settled (close() waits for them), and who waits for none to be left. */
  #active = 0;
  #drained: (() => void) | undefined;
  /** Calls waiting for the connection: later calls wait behind them (calls keep their order). */
  #connecting = 0;

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
    this.#moduleIds = tasks.map(moduleId);
    this.#cwd = options.cwd ?? process.cwd();
    const connectTimeout = positive(
      'connectTimeout',
      options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    );
    const connectionLostTimeout = positive(
      'connectionLostTimeout',
      options.connectionLostTimeout ?? DEFAULT_LOST_TIMEOUT,
    );
    this.#retry = toJobRetry(options.retry, 'retry');
    this.#telemetry = checkTelemetry(options.telemetry);
    const store = storeOf(connection);
    this.#core = new ExecutorCore(queue, options.prefix, store.kind);
    this.#lifecycle = new ExecutorLifecycle(this.#core, {
      store,
      address: describeStore(store),
      connectTimeout,
      connectionLostTimeout,
      prepare: async () => {
        this.#index ??= await indexTasks(this.#moduleIds, this.#cwd);
        this.#core.telemetry ??= await loadTelemetry(this.#telemetry);
        if (options.telemetry !== false) this.#otel = CallTelemetry.create(queue);
      },
    });
  }

  /** Calls in flight (queued or running remotely). */
  get pending(): number {
    return this.#core.calls.size;
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
    return this.#lifecycle.startOnce();
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
    return this.#core.subscribe(listener);
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
    // close() waits for every call made before it, including those still connecting (a count, not
    // a promise per call: #apply's `finally` counts it off).
    this.#active++;
    const call = this.#apply(fn, args, options);
    // As before: a call that rejects before its caller attaches a handler is no unhandled rejection.
    call.catch(ignore);
    return call;
  }

  async #apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: BullMQCallOptions,
  ): Promise<Awaited<R>> {
    try {
      return await this.#submit(fn, args, options);
    } finally {
      if (--this.#active === 0) this.#drained?.();
    }
  }

  async #submit<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: BullMQCallOptions,
  ): Promise<Awaited<R>> {
    const { signal } = options;
    const retry = options.retry === undefined ? this.#retry : toJobRetry(options.retry, 'retry');
    if (signal?.aborted === true)
      throw new JobCancelledError('(not submitted)', 'queued', { cause: signal.reason });
    // Connected and up, and no earlier call still waiting for that (it would go out after this
    // one): no wait, the job goes out with this tick's adds.
    if (!this.#lifecycle.up || this.#connecting > 0) {
      this.#connecting++;
      try {
        await this.#lifecycle.ensureConnected();
      } finally {
        this.#connecting--;
      }
    }
    const ref = this.#index?.get(fn);
    if (ref === undefined) throw new TaskNotRegisteredError(fn.name, this.#moduleIds);
    const data = jobData(ref, args, retry);
    // The signal may have aborted while we connected.
    if (options.signal?.aborted === true)
      throw new JobCancelledError('(not submitted)', 'queued', { cause: options.signal.reason });
    if (this.#core.terminated) throw new ExecutorClosedError(this.queue);
    const task = `${ref.module}#${ref.exportName}`;
    const otel = this.#otel;
    if (otel !== undefined) {
      // Traced: the job also carries the call span's trace context (telemetry: false or no
      // OpenTelemetry provider registered: nothing is added).
      const traced = otel.call(ref.exportName, (carrier) =>
        submitCall(this.#core, { ...data, ...carrier }, task, retry, options),
      );
      return (await traced) as Awaited<R>;
    }
    return (await submitCall(this.#core, data, task, retry, options)) as Awaited<R>;
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
      this.#lifecycle.markClosing();
      if (this.#active > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      await this.#lifecycle.shutdown();
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
    const core = this.#core;
    core.terminated = true;
    this.#lifecycle.giveUpConnecting();
    for (const call of [...core.calls.values()]) {
      const added = call.added;
      core.finish(call, 'closed', undefined, 'rejected', new ExecutorClosedError(this.queue));
      if (added && !core.isDown()) core.track(core.bull!.remove(call.jobId));
    }
    if (this.#closing === undefined) {
      this.#lifecycle.markClosing();
      this.#closing = this.#lifecycle.shutdown();
    }
    return this.#closing;
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
