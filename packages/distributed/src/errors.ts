// The error classes of @weft/distributed: one base class, one subclass per failure, each with a
// stable `code` so callers branch on the code, never on message text. Errors thrown by your own
// tasks are NOT these: they come back with their own class name, message, stack and properties.
import { describeValue } from '@weft/sync-primitives';

/**
 * Base class of every error that `@weft/distributed` raises itself.
 *
 * @example
 * ```ts
 * try {
 *   await executor.apply(work, []);
 * } catch (error) {
 *   if (error instanceof DistributedError) console.error(error.code);
 * }
 * ```
 */
export class DistributedError extends Error {
  override readonly name: string = 'DistributedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code: string = 'ERR_WEFT_DISTRIBUTED';
  /** Stable machine-readable code. */
  readonly code: string = 'ERR_WEFT_DISTRIBUTED';
  /**
   * Whether the executor itself failed (`true`: Redis unreachable or lost, a job lost, the executor
   * closed) or refused the call for the caller's mistake (`false`: an unregistered function, bad
   * job data or options, a value it cannot serialize, a task module that does not load or lacks the
   * export). `undefined` for a job's own cancellation. `@weft/core-scheduler` reads it: `true`
   * becomes its `ExecutorFailedError` and is retried by default; `false` is never retried by
   * default.
   */
  readonly isExecutorFailure: boolean | undefined = undefined;
}

/**
 * Redis (or PostgreSQL, with a PostgreSQL connection) could not be reached within the connect timeout (wrong address, server down, auth refused).
 *
 * @example
 * ```ts
 * const executor = new BullMQExecutor({ connection: 'redis://127.0.0.1:1', queue: 'q', tasks: [url], connectTimeout: 500 });
 * await executor.ready().catch((e: RedisUnavailableError) => e.code); // 'ERR_WEFT_REDIS_UNAVAILABLE'
 * ```
 */
export class RedisUnavailableError extends DistributedError {
  override readonly name: string = 'RedisUnavailableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_REDIS_UNAVAILABLE';
  override readonly code = 'ERR_WEFT_REDIS_UNAVAILABLE';
  /**
   * `true`: to a scheduler running this executor (@weft/core-scheduler) this is the executor's own failure:
   * Redis cannot be reached; the same call may run once it is back.
   */
  override readonly isExecutorFailure = true;
  /** Redis address as given (password removed). */
  readonly address: string;
  /** How long we waited, in ms. */
  readonly timeout: number;

  /**
   * @param address - Redis address as given (password removed).
   * @param timeout - How long we waited, in ms.
   * @param options - `cause`: the last connection error, if any.
   */
  constructor(address: string, timeout: number, options?: ErrorOptions) {
    // The same class for both stores (one code to match); the message names the one in use.
    const store = /^(?:postgres(?:ql)?:\/\/|PostgreSQL )/i.test(address) ? 'PostgreSQL' : 'Redis';
    super(
      `${store} at ${address} was not reachable within ${timeout} ms; start ${store} there or pass the right "connection".`,
      options,
    );
    this.address = address;
    this.timeout = timeout;
  }
}

/**
 * The connection to Redis (or PostgreSQL) dropped while jobs were in flight and did not come back within
 * `connectionLostTimeout`; every pending call rejects with it.
 *
 * @example
 * ```ts
 * await executor.apply(work, []).catch((e: unknown) => {
 *   if (e instanceof RedisConnectionLostError) console.log(e.jobId);
 * });
 * ```
 */
export class RedisConnectionLostError extends DistributedError {
  override readonly name: string = 'RedisConnectionLostError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_REDIS_CONNECTION_LOST';
  override readonly code = 'ERR_WEFT_REDIS_CONNECTION_LOST';
  /**
   * `true`: to a scheduler running this executor (@weft/core-scheduler) this is the executor's own failure:
   * the connection to Redis dropped under the call.
   */
  override readonly isExecutorFailure = true;
  /** The BullMQ job id of the call that was in flight. */
  readonly jobId: string;

  /**
   * @param jobId - The job that was in flight.
   * @param timeout - How long the connection stayed down before giving up, in ms.
   * @param options - `cause`: the connection error, if any; `store`: which store (default Redis).
   */
  constructor(
    jobId: string,
    timeout: number,
    options?: ErrorOptions & { readonly store?: 'Redis' | 'PostgreSQL' },
  ) {
    super(
      `The connection to ${options?.store ?? 'Redis'} was lost for more than ${timeout} ms while job ${jobId} was in flight; its outcome is unknown.`,
      options,
    );
    this.jobId = jobId;
  }
}

/**
 * A task that is not registered: on the caller, the function passed to `apply` is not an export of
 * the executor's task modules, so it cannot be named to a remote worker; on a worker, a job names a
 * module or an export that is not an exported function of the worker's own task modules (`tasks` /
 * `--tasks`), so it is refused before anything is imported or run, without retries.
 *
 * @example
 * ```ts
 * await executor.apply(() => 1, []).catch((e: TaskNotRegisteredError) => e.code); // 'ERR_WEFT_TASK_NOT_REGISTERED'
 * ```
 */
export class TaskNotRegisteredError extends DistributedError {
  override readonly name: string = 'TaskNotRegisteredError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_TASK_NOT_REGISTERED';
  override readonly code = 'ERR_WEFT_TASK_NOT_REGISTERED';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the function is not in the executor's task modules; no retry can find it.
   */
  override readonly isExecutorFailure = false;
  /** The task module ids that are registered where the error was raised. */
  readonly registered: readonly string[];
  /** On a worker: the task module id the job named. */
  readonly module: string | undefined;
  /** On a worker: the export name the job named. */
  readonly exportName: string | undefined;

  /**
   * @param fnName - The function's name (caller), or the export name the job named (worker).
   * @param modules - The task module ids registered there.
   * @param job - On a worker: the module id the job named and the worker's host name.
   */
  constructor(
    fnName: string,
    modules: readonly string[],
    job?: { readonly module: string; readonly host: string },
  ) {
    const known = modules.map((m) => `"${m}"`).join(', ') || 'none';
    super(
      job === undefined
        ? `Function "${fnName || 'anonymous'}" is not an export of the executor's task modules (${known}); ` +
            'pass its module in "tasks" and call the exported function itself.'
        : `The job names export "${fnName}" of task module "${job.module}", which is not a registered task ` +
            `on worker host ${job.host}: it runs only the exported functions of its task modules (${known}). ` +
            'Start the worker with that module (--tasks / startWorker({ tasks })) under the id the caller uses.',
    );
    this.registered = [...modules];
    this.module = job?.module;
    this.exportName = job === undefined ? undefined : fnName;
  }
}

/**
 * A worker refused a job whose data is not a valid Weft job: not an object of the expected shape,
 * another wire version, a name or an `args` payload over the worker's size limits (`maxArgsBytes`),
 * or arguments that do not decode to a list. The job fails at once, without retries, and nothing
 * is run.
 *
 * @example
 * ```ts
 * worker.subscribe((e) => {
 *   if (e.type === 'job:settled' && e.error instanceof JobDataInvalidError) console.warn(e.error.reason);
 * });
 * ```
 */
export class JobDataInvalidError extends DistributedError {
  override readonly name: string = 'JobDataInvalidError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_JOB_DATA_INVALID';
  override readonly code = 'ERR_WEFT_JOB_DATA_INVALID';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the job's data is malformed; sending it again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** The BullMQ job id. */
  readonly jobId: string;
  /** What is wrong with the data, in words. */
  readonly reason: string;

  /**
   * @param jobId - The job.
   * @param reason - What is wrong with its data.
   * @param options - `cause`: the decoder's error, if any.
   */
  constructor(jobId: string, reason: string, options?: ErrorOptions) {
    super(`Job ${jobId} was refused: ${reason}. Nothing was run.`, options);
    this.jobId = jobId;
    this.reason = reason;
  }
}

/**
 * The worker could not load the job's task module (missing on that machine, or it threw while
 * loading). The job fails at once, without retries.
 *
 * `@weft/process-pool` uses the same name for the same condition (a worker could not import the
 * task module) in a pool's worker; the `code` tells them apart.
 *
 * @example
 * ```ts
 * await executor.apply(work, []).catch((e: unknown) => {
 *   if (e instanceof TaskModuleLoadError) console.log(e.module);
 * });
 * ```
 */
export class TaskModuleLoadError extends DistributedError {
  override readonly name: string = 'TaskModuleLoadError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_TASK_MODULE_LOAD';
  override readonly code = 'ERR_WEFT_TASK_MODULE_LOAD';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the task module is the caller's code and importing it again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** The task module id carried by the job. */
  readonly module: string;
  /** Host name of the worker that failed to load it. */
  readonly host: string;

  /**
   * @param module - The task module id carried by the job.
   * @param host - Host name of the worker.
   * @param options - `cause`: the loader's error.
   */
  constructor(module: string, host: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Task module "${module}" could not be loaded on worker host ${host}${reason}`, options);
    this.module = module;
    this.host = host;
  }
}

/**
 * The job's task module loaded on the worker, but has no exported function of that name.
 *
 * @deprecated Workers now refuse such a job with {@link TaskNotRegisteredError} (an export that is
 * not a function of a registered task module); this class is kept so existing `instanceof` checks
 * compile, and is no longer thrown.
 *
 * @example
 * ```ts
 * await executor.apply(work, []).catch((e: unknown) => {
 *   if (e instanceof TaskExportNotFoundError) console.log(e.exportName);
 * });
 * ```
 */
export class TaskExportNotFoundError extends DistributedError {
  override readonly name: string = 'TaskExportNotFoundError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_TASK_EXPORT_NOT_FOUND';
  override readonly code = 'ERR_WEFT_TASK_EXPORT_NOT_FOUND';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the task module has no such export; no retry can find it.
   */
  override readonly isExecutorFailure = false;
  /** The task module id. */
  readonly module: string;
  /** The export name that was missing. */
  readonly exportName: string;

  /**
   * @param module - The task module id.
   * @param exportName - The missing export.
   */
  constructor(module: string, exportName: string) {
    super(`Task module "${module}" has no exported function "${exportName}" on the worker.`);
    this.module = module;
    this.exportName = exportName;
  }
}

/**
 * The call was cancelled through its `signal`: a queued job was removed, a running one was asked
 * to stop. `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const result = executor.apply(work, [], { signal: controller.signal });
 * controller.abort();
 * await result.catch((e: JobCancelledError) => e.code); // 'ERR_WEFT_JOB_CANCELLED'
 * ```
 */
export class JobCancelledError extends DistributedError {
  override readonly name: string = 'JobCancelledError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_JOB_CANCELLED';
  override readonly code = 'ERR_WEFT_JOB_CANCELLED';
  /** The BullMQ job id. */
  readonly jobId: string;
  /** Where the job was when cancelled: still `'queued'`, or `'running'` on a worker. */
  readonly stage: 'queued' | 'running';

  /**
   * @param jobId - The job.
   * @param stage - Where the job was when cancelled.
   * @param options - `cause`: the signal's reason.
   */
  constructor(jobId: string, stage: 'queued' | 'running', options?: ErrorOptions) {
    super(`Job ${jobId} was cancelled while ${stage}.`, options);
    this.jobId = jobId;
    this.stage = stage;
  }
}

/**
 * BullMQ gave up on the job without a result from the task: it stalled more often than
 * `maxStalledCount` allows (its workers kept dying), it was removed from Redis by someone else, or
 * Redis lost it (restarted without persistence, `FLUSHALL`).
 *
 * @example
 * ```ts
 * await executor.apply(work, []).catch((e: unknown) => {
 *   if (e instanceof JobLostError) console.log(e.reason);
 * });
 * ```
 */
export class JobLostError extends DistributedError {
  override readonly name: string = 'JobLostError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_JOB_LOST';
  override readonly code = 'ERR_WEFT_JOB_LOST';
  /**
   * `true`: to a scheduler running this executor (@weft/core-scheduler) this is the executor's own failure:
   * the job was lost by the queue or its worker, not by the task.
   */
  override readonly isExecutorFailure = true;
  /** The BullMQ job id. */
  readonly jobId: string;
  /** BullMQ's reason, as it gave it. */
  readonly reason: string;

  /**
   * @param jobId - The job.
   * @param reason - BullMQ's failure reason.
   */
  constructor(jobId: string, reason: string) {
    super(`Job ${jobId} failed without a result from its task: ${reason}`);
    this.jobId = jobId;
    this.reason = reason;
  }
}

/**
 * A value could not be serialized: arguments at submit (nothing is sent), or a task's result on
 * the worker, whatever its kind (inline, thread or process). Only structured-clone data travels;
 * a function, a symbol, a socket or a class instance with private state does not. `cause` is the
 * serializer's error.
 *
 * @example
 * ```ts
 * await executor.apply(work, [() => 1]).catch((e: ValueNotSerializableError) => e.position); // 'args'
 * ```
 */
export class ValueNotSerializableError extends DistributedError {
  override readonly name: string = 'ValueNotSerializableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_VALUE_NOT_SERIALIZABLE';
  override readonly code = 'ERR_WEFT_VALUE_NOT_SERIALIZABLE';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the value cannot be serialized; sending it again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** Which value: the call's `'args'`, or the task's `'result'`. */
  readonly position: 'args' | 'result';

  /**
   * @param position - Which value could not be serialized: `'args'` or `'result'`.
   * @param options - `cause`: the serializer's error.
   */
  constructor(position: 'args' | 'result', options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    const what = position === 'args' ? "The call's arguments" : "The task's result";
    super(
      `${what} could not be serialized (only structured-clone data can travel between caller and worker)${reason}`,
      options,
    );
    this.position = position;
  }
}

/**
 * Work was submitted after `close()`, or the worker was stopped.
 *
 * @example
 * ```ts
 * await executor.close();
 * await executor.apply(work, []).catch((e: ExecutorClosedError) => e.code); // 'ERR_WEFT_EXECUTOR_CLOSED'
 * ```
 */
export class ExecutorClosedError extends DistributedError {
  override readonly name: string = 'ExecutorClosedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_EXECUTOR_CLOSED';
  override readonly code = 'ERR_WEFT_EXECUTOR_CLOSED';
  /**
   * `true`: to a scheduler running this executor (@weft/core-scheduler) this is the executor's own failure:
   * the executor no longer takes work; nothing is wrong with the call.
   */
  override readonly isExecutorFailure = true;

  /** @param queue - The executor's queue name. */
  constructor(queue: string) {
    super(`The executor for queue "${queue}" is closed; create a new one.`);
  }
}

/**
 * An option had a value outside what is allowed; thrown before any connection is made.
 *
 * `@weft/core-scheduler` uses the same name for the same condition (an option value that is not
 * allowed); the `code` tells them apart.
 *
 * @example
 * ```ts
 * try {
 *   new BullMQExecutor({ connection: url, queue: '', tasks: [] });
 * } catch (error) {
 *   if (error instanceof InvalidOptionError) console.log(error.option); // 'queue'
 * }
 * ```
 */
export class InvalidOptionError extends DistributedError {
  override readonly name: string = 'InvalidOptionError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_DISTRIBUTED_INVALID_OPTION';
  override readonly code = 'ERR_WEFT_DISTRIBUTED_INVALID_OPTION';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave is invalid.
   */
  override readonly isExecutorFailure = false;
  /** Dotted path of the offending option. */
  readonly option: string;

  /**
   * @param option - Dotted path of the offending option.
   * @param given - The value that was passed.
   * @param allowed - What is allowed, in words.
   */
  constructor(option: string, given: unknown, allowed: string) {
    super(`Invalid option "${option}": got ${describeValue(given)}; allowed: ${allowed}.`);
    this.option = option;
  }
}

/**
 * `telemetry: true` (or `weft-worker --telemetry`) was given, but bullmq-otel could not be
 * imported: install `bullmq-otel` and `@opentelemetry/api` next to `@weft/distributed`, or pass your
 * own object implementing BullMQ's `Telemetry` interface instead of `true`.
 *
 * @example
 * ```ts
 * await new BullMQExecutor({ connection: url, queue: 'q', tasks: [url], telemetry: true })
 *   .ready()
 *   .catch((e: unknown) => {
 *     if (e instanceof TelemetryLoadError) console.log(e.module); // 'bullmq-otel'
 *   });
 * ```
 */
export class TelemetryLoadError extends DistributedError {
  override readonly name: string = 'TelemetryLoadError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_TELEMETRY_LOAD';
  override readonly code = 'ERR_WEFT_TELEMETRY_LOAD';
  /**
   * `false`: to a scheduler running this executor (@weft/core-scheduler) this is the caller's mistake:
   * the tracing package is missing from the caller's install, and trying again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** The package that did not load. */
  readonly module: string;

  /**
   * @param module - The package that did not load.
   * @param options - `cause`: the import's error.
   */
  constructor(module: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `telemetry: true needs the optional package "${module}", which could not be imported${reason}; ` +
        `install bullmq-otel and @opentelemetry/api, or pass an object implementing BullMQ's Telemetry interface.`,
      options,
    );
    this.module = module;
  }
}
