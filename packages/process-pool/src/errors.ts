// The error classes of @weft/process-pool: one base class, one subclass per failure, each with a
// stable `code` so callers branch on the code, never on message text.

/**
 * Base class of every error the pool raises itself (not the errors thrown by your tasks).
 *
 * @example
 * ```ts
 * try {
 *   await pool.apply(work, []);
 * } catch (error) {
 *   if (error instanceof ProcessPoolError) console.error(error.code);
 * }
 * ```
 */
export class ProcessPoolError extends Error {
  override readonly name: string = 'ProcessPoolError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code: string = 'ERR_WEFT_POOL';
  /** Stable machine-readable code. */
  readonly code: string = ProcessPoolError.code;
  /**
   * Whether the pool itself failed (`true`: a worker died or could not start, the pool broke, was
   * closed or terminated, its queue is full) or refused the call for the caller's mistake
   * (`false`: a function that is not a task export, an argument or result it cannot send, a module
   * that does not load, a bad option). `undefined` for the call's own outcome (its timeout, abort or
   * cancellation) and for errors that do not come from running a call. `@weft/core-scheduler`
   * reads it: `true` becomes its `ExecutorFailedError` and is retried by default; `false` passes
   * through and is never retried by default.
   */
  readonly isExecutorFailure: boolean | undefined = undefined;
}

/**
 * Work was submitted after {@link Pool.close} or while the pool is shutting down.
 *
 * @example
 * ```ts
 * pool.close();
 * await pool.apply(work, []).catch((e: PoolClosedError) => e.code); // 'ERR_WEFT_POOL_CLOSED'
 * ```
 */
export class PoolClosedError extends ProcessPoolError {
  override readonly name = 'PoolClosedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_CLOSED';
  override readonly code: typeof PoolClosedError.code = PoolClosedError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool no longer takes work; nothing is wrong with the call itself.
   */
  override readonly isExecutorFailure = true;
}

/**
 * Pending work was rejected because {@link Pool.terminate} was called.
 *
 * @example
 * ```ts
 * const pending = pool.apply(work, []);
 * await pool.terminate();
 * await pending.catch((e: PoolTerminatedError) => e.code); // 'ERR_WEFT_POOL_TERMINATED'
 * ```
 */
export class PoolTerminatedError extends ProcessPoolError {
  override readonly name = 'PoolTerminatedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TERMINATED';
  override readonly code: typeof PoolTerminatedError.code = PoolTerminatedError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool was terminated under the call.
   */
  override readonly isExecutorFailure = true;
}

/**
 * The pool is broken (like Python's `BrokenProcessPool`): a worker died under
 * `onWorkerExit: 'break'`, or an initializer failed. All pending work fails and new work is refused.
 *
 * @example
 * ```ts
 * const pool = new Pool({ module: url, onWorkerExit: 'break' });
 * // after a worker crash:
 * await pool.apply(work, []).catch((e: PoolBrokenError) => e.cause);
 * ```
 */
export class PoolBrokenError extends ProcessPoolError {
  override readonly name = 'PoolBrokenError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_BROKEN';
  override readonly code: typeof PoolBrokenError.code = PoolBrokenError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool can run nothing until it is replaced.
   */
  override readonly isExecutorFailure = true;
}

/** Fields carried by {@link WorkerExitedError}. */
export interface WorkerExitDetails {
  /** Pool worker id of the worker that died. */
  readonly workerId: number;
  /** Process id (the pool's own pid for thread workers). */
  readonly pid: number | undefined;
  /** Thread id for thread workers. */
  readonly threadId: number | undefined;
  /** Exit code, or `null` when the worker was killed by a signal. */
  readonly exitCode: number | null;
  /** Signal that killed a process worker, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /**
   * The last 8 KiB the worker wrote to stderr, with the pool option `stderr: 'capture'`;
   * `undefined` when stderr was not captured (the default) or the worker wrote nothing.
   */
  readonly stderr?: string | undefined;
}

/** How much of a captured stderr an error message quotes (all of it is on `error.stderr`). */
const MESSAGE_TAIL_CHARS = 1024;

/** The end of captured stderr, quoted after an error message ('' when there is none). */
function stderrTail(stderr: string | undefined): string {
  if (stderr === undefined || stderr.trim() === '') return '';
  const text = stderr.trimEnd();
  const shown = text.length > MESSAGE_TAIL_CHARS ? `…${text.slice(-MESSAGE_TAIL_CHARS)}` : text;
  return `\n--- worker stderr (end) ---\n${shown}`;
}

/**
 * The worker running the task died before the task settled (`process.exit`, an uncaught exception,
 * a signal, running out of memory). The pool starts a replacement; other work carries on.
 *
 * @example
 * ```ts
 * await pool.apply(crash, []).catch((e: WorkerExitedError) => [e.workerId, e.exitCode, e.signal]);
 * // with `stderr: 'capture'`, what the worker printed last:
 * await pool.apply(crash, []).catch((e: WorkerExitedError) => e.stderr);
 * ```
 */
export class WorkerExitedError extends ProcessPoolError implements WorkerExitDetails {
  override readonly name = 'WorkerExitedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WORKER_EXITED';
  override readonly code: typeof WorkerExitedError.code = WorkerExitedError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the worker died under the task; a retry runs on a healthy worker.
   */
  override readonly isExecutorFailure = true;
  readonly workerId: number;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of the worker's stderr with `stderr: 'capture'` (also quoted in the message). */
  readonly stderr: string | undefined;

  /**
   * @param details - which worker died and how.
   * @param options - `cause`: the worker's uncaught error, when known.
   */
  constructor(details: WorkerExitDetails, options?: ErrorOptions) {
    const how =
      details.signal === null
        ? `exit code ${String(details.exitCode)}`
        : `signal ${details.signal}`;
    super(
      `Worker ${String(details.workerId)} (pid ${String(details.pid)}${details.threadId === undefined ? '' : `, thread ${String(details.threadId)}`}) exited with ${how} while running the task${stderrTail(details.stderr)}`,
      options,
    );
    this.workerId = details.workerId;
    this.pid = details.pid;
    this.threadId = details.threadId;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
  }
}

/**
 * The task ran longer than its `timeout` (run time only; queue time does not count). Its worker
 * was terminated and replaced.
 *
 * `@weft/core-scheduler` uses the same name for the same condition (a task outran its `timeout`)
 * in a scheduler; the `code` tells them apart.
 *
 * @example
 * ```ts
 * await pool.apply(slow, [], { timeout: 100 }).catch((e: TaskTimeoutError) => e.timeout);
 * ```
 */
export class TaskTimeoutError extends ProcessPoolError {
  override readonly name = 'TaskTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_TIMEOUT';
  override readonly code: typeof TaskTimeoutError.code = TaskTimeoutError.code;
  /** The timeout that expired, in ms. */
  readonly timeout: number;

  /** @param timeout - the expired timeout in ms. */
  constructor(timeout: number) {
    super(`Task did not settle within its timeout of ${String(timeout)} ms of run time`);
    this.timeout = timeout;
  }
}

/**
 * The task's `signal` was aborted; `cause` is `signal.reason`.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * const p = pool.apply(work, [], { signal: ac.signal });
 * ac.abort();
 * await p.catch((e: TaskAbortedError) => e.code); // 'ERR_WEFT_POOL_TASK_ABORTED'
 * ```
 */
export class TaskAbortedError extends ProcessPoolError {
  override readonly name = 'TaskAbortedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_ABORTED';
  override readonly code: typeof TaskAbortedError.code = TaskAbortedError.code;
}

/**
 * A {@link Future} was cancelled with `cancel()` while it was still queued.
 *
 * `@weft/core-scheduler` uses the same name for the same condition (the caller cancelled the task)
 * in a scheduler; the `code` tells them apart.
 *
 * @example
 * ```ts
 * const future = pool.submit(work);
 * if (future.cancel()) await future.catch((e: TaskCancelledError) => e.code);
 * ```
 */
export class TaskCancelledError extends ProcessPoolError {
  override readonly name = 'TaskCancelledError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_CANCELLED';
  override readonly code: typeof TaskCancelledError.code = TaskCancelledError.code;
}

/**
 * An argument cannot be sent to the worker kind (a function, a socket, shared memory to a process
 * worker, ...). Raised at submit; nothing was sent.
 *
 * @example
 * ```ts
 * await pool.apply(work, [() => 1]).catch((e: ArgumentNotSendableError) => e.position); // 'args[0]'
 * ```
 */
export class ArgumentNotSendableError extends ProcessPoolError {
  override readonly name = 'ArgumentNotSendableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_ARGUMENT_NOT_SENDABLE';
  override readonly code: typeof ArgumentNotSendableError.code = ArgumentNotSendableError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the caller's arguments cannot be sent; sending them again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** Where the offending value sits, such as `args[1].socket`. */
  readonly position: string;

  /**
   * @param position - path of the value, such as `args[1].socket`.
   * @param what - what the value is and why it cannot go.
   * @param options - `cause`: the serializer's error, if any.
   */
  constructor(position: string, what: string, options?: ErrorOptions) {
    super(`Cannot send ${position} to the worker: ${what}`, options);
    this.position = position;
  }
}

/**
 * The task finished but what it returned (or the error it threw) cannot be sent back to the pool:
 * a function, a symbol, a `WeakMap`, a class instance holding a native handle (Python's
 * `MaybeEncodingError`). `cause` is the serializer's error; `position` is `'result'` or `'error'`.
 * The task did run (it is not retried) and the worker lives on.
 *
 * @example
 * ```ts
 * await pool.apply(makeCallback, []).catch((e: ResultNotSendableError) => [e.code, e.position]);
 * // ['ERR_WEFT_POOL_RESULT_NOT_SENDABLE', 'result']
 * ```
 */
export class ResultNotSendableError extends ProcessPoolError {
  override readonly name = 'ResultNotSendableError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_SENDABLE';
  override readonly code: typeof ResultNotSendableError.code = ResultNotSendableError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the task's result cannot be sent back; running it again returns the same kind of value.
   */
  override readonly isExecutorFailure = false;
  /** What could not be sent: the task's `'result'` or the `'error'` it threw. */
  readonly position: 'result' | 'error';

  /**
   * @param position - `'result'` or `'error'`.
   * @param options - `cause`: the serializer's error.
   */
  constructor(position: 'result' | 'error', options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `The task's ${position} cannot be sent back to the pool (only structured-clone data can)${reason}`,
      options,
    );
    this.position = position;
  }
}

/**
 * A task module failed to load in the worker (missing file, or it threw while loading); `cause` is
 * the loader's error.
 *
 * `@weft/distributed` uses the same name for the same condition (a worker could not import the
 * task module) on a remote worker; the `code` tells them apart.
 *
 * @example
 * ```ts
 * await pool.run('fib', 10).catch((e: TaskModuleLoadError) => e.module);
 * ```
 */
export class TaskModuleLoadError extends ProcessPoolError {
  override readonly name = 'TaskModuleLoadError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_MODULE_LOAD';
  override readonly code: typeof TaskModuleLoadError.code = TaskModuleLoadError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the task module is the caller's code and importing it again fails the same way.
   */
  override readonly isExecutorFailure = false;
  /** URL of the module that failed. */
  readonly module: string;

  /**
   * @param module - URL of the module.
   * @param options - `cause`: the loader's error.
   */
  constructor(module: string, options?: ErrorOptions) {
    super(`Task module ${module} failed to load`, options);
    this.module = module;
  }
}

/**
 * A task module is TypeScript and the runtime could not load it: Node.js 20 has no type stripping,
 * and no TypeScript loader such as tsx was registered where the module was imported. The message
 * says what to run instead; `cause` is the loader's own error (`ERR_UNKNOWN_FILE_EXTENSION`, or
 * `ERR_MODULE_NOT_FOUND` for a `./tasks.js` that exists only as `./tasks.ts`).
 *
 * @example
 * ```ts
 * await pool.run('fib', 10).catch((e: TypeScriptUnsupportedError) => [e.code, e.module]);
 * ```
 */
export class TypeScriptUnsupportedError extends ProcessPoolError {
  override readonly name = 'TypeScriptUnsupportedError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TYPESCRIPT_UNSUPPORTED';
  override readonly code: typeof TypeScriptUnsupportedError.code = TypeScriptUnsupportedError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the runtime cannot load the caller's TypeScript module, on any attempt.
   */
  override readonly isExecutorFailure = false;
  /** URL of the TypeScript module (or of the `.js` name it was given as). */
  readonly module: string;

  /**
   * @param module - URL of the module.
   * @param runtime - the runtime and its version, e.g. `Node.js 20.20.2`.
   * @param options - `cause`: the loader's error.
   */
  constructor(module: string, runtime: string, options?: ErrorOptions) {
    super(
      `Task module ${module} is TypeScript and ${runtime} could not load it: run the program ` +
        'under tsx (`node --import tsx main.ts` or `tsx main.ts`), or on Node.js 22.18 or later, ' +
        'which strips types by itself, or load the compiled .js module instead',
      options,
    );
    this.module = module;
  }
}

/**
 * The function or export name is not an export of any of the pool's task modules.
 *
 * @example
 * ```ts
 * await pool.run('nope' as never).catch((e: TaskNotFoundError) => e.task);
 * ```
 */
export class TaskNotFoundError extends ProcessPoolError {
  override readonly name = 'TaskNotFoundError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_TASK_NOT_FOUND';
  override readonly code: typeof TaskNotFoundError.code = TaskNotFoundError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * the caller passed a function that is not a task export; no retry can find it.
   */
  override readonly isExecutorFailure = false;
  /** The name (or function name) that was looked up. */
  readonly task: string;

  /**
   * @param task - the export name or function name looked up.
   * @param modules - the pool's task module URLs.
   */
  constructor(task: string, modules: readonly string[]) {
    super(
      `"${task}" is not an exported function of the pool's task modules (${modules.join(', ')})`,
    );
    this.task = task;
  }
}

/**
 * The pool's initializer threw in a new worker; `cause` is its error. The pool is then broken, so
 * it does not respawn in a loop.
 *
 * @example
 * ```ts
 * await pool.apply(work, []).catch((e: WorkerInitError) => e.cause);
 * ```
 */
export class WorkerInitError extends ProcessPoolError {
  override readonly name = 'WorkerInitError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WORKER_INIT';
  override readonly code: typeof WorkerInitError.code = WorkerInitError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the worker could not be made ready, whatever the call was.
   */
  override readonly isExecutorFailure = true;
}

/**
 * A worker could not start: the child process could not be spawned (a `cwd` or `execPath` that
 * does not exist), it exited before it was ready (a bad `execArgv` flag), or it did not finish
 * loading the task modules and running the initializer within `startTimeout`. `cause` is the
 * underlying error when there is one. The pool is then broken (Python's `BrokenProcessPool`), so
 * it does not respawn in a loop; every pending call rejects with this error.
 *
 * @example
 * ```ts
 * const pool = new Pool({ module: url, kind: 'process', cwd: '/srv/data' });
 * await pool.apply(work, []).catch((e: WorkerStartError) => e.message); // names ENOENT and the path
 * ```
 */
export class WorkerStartError extends ProcessPoolError {
  override readonly name = 'WorkerStartError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WORKER_START';
  override readonly code: typeof WorkerStartError.code = WorkerStartError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * no worker could start, whatever the call was.
   */
  override readonly isExecutorFailure = true;
  /** Pool worker id of the worker that failed to start. */
  readonly workerId: number;
  /** The end of the worker's stderr with `stderr: 'capture'` (also quoted in the message). */
  readonly stderr: string | undefined;

  /**
   * @param workerId - the worker's pool id.
   * @param reason - what went wrong and what to check.
   * @param options - `cause`: the spawn error or the thread's error, when known; `stderr`: the
   *   end of the worker's captured stderr.
   */
  constructor(
    workerId: number,
    reason: string,
    options?: ErrorOptions & { readonly stderr?: string | undefined },
  ) {
    super(
      `Worker ${String(workerId)} could not start: ${reason}; the pool is broken${stderrTail(options?.stderr)}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.workerId = workerId;
    this.stderr = options?.stderr;
  }
}

/**
 * A process worker broke the pool's protocol: a message or call frame of the wrong shape, a frame
 * that cannot be decoded, or one larger than the pool accepts. The pool kills that worker (its
 * tasks fail with {@link WorkerExitedError} whose `cause` is this error) and starts a replacement;
 * the pool's own process carries on.
 *
 * @example
 * ```ts
 * await pool.apply(rogue, []).catch((e: WorkerExitedError) => e.cause instanceof WorkerProtocolError);
 * ```
 */
export class WorkerProtocolError extends ProcessPoolError {
  override readonly name = 'WorkerProtocolError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WORKER_PROTOCOL';
  override readonly code: typeof WorkerProtocolError.code = WorkerProtocolError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the worker broke the pool's protocol.
   */
  override readonly isExecutorFailure = true;
}

/**
 * The queue already holds `maxQueue` tasks (and the pool was not asked to wait for room).
 *
 * The same name, for the same condition (a bounded queue has no room for one more item), is used
 * by `@weft/sync-primitives` (a `Queue`'s `maxsize`) and `@weft/core-scheduler` (its pending
 * tasks, `maxPending`); the `code` tells the three apart.
 *
 * @example
 * ```ts
 * const pool = new Pool({ module: url, maxQueue: 10 });
 * await pool.apply(work, []).catch((e: QueueFullError) => e.code);
 * ```
 */
export class QueueFullError extends ProcessPoolError {
  override readonly name = 'QueueFullError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_QUEUE_FULL';
  override readonly code: typeof QueueFullError.code = QueueFullError.code;
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the pool has no room now; the same call may fit later.
   */
  override readonly isExecutorFailure = true;
}

/**
 * A bounded wait ({@link AsyncResult.get}, {@link wait}, {@link asCompleted}) ran out of time. The
 * work itself goes on (as in Python's `multiprocessing.TimeoutError`).
 *
 * @example
 * ```ts
 * await pool.applyAsync(slow, []).get(10).catch((e: WaitTimeoutError) => e.code);
 * ```
 */
export class WaitTimeoutError extends ProcessPoolError {
  override readonly name = 'WaitTimeoutError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_WAIT_TIMEOUT';
  override readonly code: typeof WaitTimeoutError.code = WaitTimeoutError.code;
}

/**
 * {@link AsyncResult.successful} was asked before the result was ready (Python raises `ValueError`).
 *
 * @example
 * ```ts
 * try { pool.applyAsync(work, []).successful(); } catch (e) { (e as ResultNotReadyError).code; }
 * ```
 */
export class ResultNotReadyError extends ProcessPoolError {
  override readonly name = 'ResultNotReadyError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_RESULT_NOT_READY';
  override readonly code: typeof ResultNotReadyError.code = ResultNotReadyError.code;
}

/**
 * {@link currentWorker} was called outside a pool worker.
 *
 * @example
 * ```ts
 * try { currentWorker(); } catch (e) { (e as NotInWorkerError).code; }
 * ```
 */
export class NotInWorkerError extends ProcessPoolError {
  override readonly name = 'NotInWorkerError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_NOT_IN_WORKER';
  override readonly code: typeof NotInWorkerError.code = NotInWorkerError.code;
}

/**
 * An option has the wrong type (for example an initializer that is not a function).
 *
 * @example
 * ```ts
 * try { new Pool({ module: url, initializer: 'x' as never }); } catch (e) { (e as PoolOptionTypeError).option; }
 * ```
 */
export class PoolOptionTypeError extends TypeError {
  override readonly name = 'PoolOptionTypeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_POOL_OPTION_TYPE';
  readonly code: typeof PoolOptionTypeError.code = PoolOptionTypeError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave is invalid.
   */
  readonly isExecutorFailure = false;
  /** Name of the offending option. */
  readonly option: string;

  /**
   * @param option - option name.
   * @param message - what was given and what is allowed.
   */
  constructor(option: string, message: string) {
    super(`Invalid option ${option}: ${message}`);
    this.option = option;
  }
}

/**
 * An option is out of range (`maxWorkers: 0`, `minWorkers > maxWorkers`, a non-integer count, ...).
 *
 * @example
 * ```ts
 * try { new Pool({ module: url, maxWorkers: 0 }); } catch (e) { (e as PoolOptionRangeError).option; }
 * ```
 */
export class PoolOptionRangeError extends RangeError {
  override readonly name = 'PoolOptionRangeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static readonly code = 'ERR_WEFT_POOL_OPTION_RANGE';
  readonly code: typeof PoolOptionRangeError.code = PoolOptionRangeError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave is out of range.
   */
  readonly isExecutorFailure = false;
  /** Name of the offending option. */
  readonly option: string;

  /**
   * @param option - option name.
   * @param message - what was given and what is allowed.
   */
  constructor(option: string, message: string) {
    super(`Invalid option ${option}: ${message}`);
    this.option = option;
  }
}

/**
 * The runtime the pool runs on lacks something an option needs, so the pool refuses the option
 * instead of silently running without it. For example Bun does not enforce `worker_threads`
 * `resourceLimits`: a thread pool given `resourceLimits` on Bun throws this at construction.
 *
 * @example
 * ```ts
 * try {
 *   new Pool({ module: url, resourceLimits: { maxOldGenerationSizeMb: 256 } });
 * } catch (error) {
 *   if (error instanceof UnsupportedRuntimeError) console.error(error.feature, error.message);
 * }
 * ```
 */
export class UnsupportedRuntimeError extends ProcessPoolError {
  override readonly name = 'UnsupportedRuntimeError';
  /** The code errors of this class carry, and revive by across threads, processes and Redis. */
  static override readonly code = 'ERR_WEFT_POOL_UNSUPPORTED_RUNTIME';
  override readonly code: typeof UnsupportedRuntimeError.code = UnsupportedRuntimeError.code;
  /**
   * `false`: to an executor's user (such as @weft/core-scheduler) this is the caller's mistake:
   * an option the caller gave needs a runtime feature this one lacks.
   */
  override readonly isExecutorFailure = false;
  /** The option or feature the runtime lacks, e.g. `'resourceLimits'`. */
  readonly feature: string;

  /**
   * @param feature - the option or feature the runtime lacks.
   * @param message - what is missing, on which runtime, and what to use instead.
   */
  constructor(feature: string, message: string) {
    super(message);
    this.feature = feature;
  }
}
