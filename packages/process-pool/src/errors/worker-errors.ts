// The errors of a worker: it died, could not start, could not load the task module, or broke the
// protocol.
import { ProcessPoolError } from './base.js';

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
  override readonly code = 'ERR_WEFT_POOL_WORKER_EXITED';
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
   * @param options - `cause`: the worker's uncaught error, when known; `transferLost`: the task had
   *   not started, but the memory its `transfer` list moved went with the worker, so it is not run
   *   again (the message says so).
   */
  constructor(
    details: WorkerExitDetails,
    options?: ErrorOptions & { readonly transferLost?: boolean },
  ) {
    const how =
      details.signal === null
        ? `exit code ${String(details.exitCode)}`
        : `signal ${details.signal}`;
    const when =
      options?.transferLost === true
        ? 'before the task started; the memory its transfer list moved went with the worker, so it was not run again'
        : 'while running the task';
    super(
      `Worker ${String(details.workerId)} (pid ${String(details.pid)}${details.threadId === undefined ? '' : `, thread ${String(details.threadId)}`}) exited with ${how} ${when}${stderrTail(details.stderr)}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
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
  override readonly code = 'ERR_WEFT_POOL_TASK_MODULE_LOAD';
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
  override readonly code = 'ERR_WEFT_POOL_TYPESCRIPT_UNSUPPORTED';
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
  override readonly code = 'ERR_WEFT_POOL_WORKER_INIT';
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
  override readonly code = 'ERR_WEFT_POOL_WORKER_START';
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
  override readonly code = 'ERR_WEFT_POOL_WORKER_PROTOCOL';
  /**
   * `true`: to an executor's user (such as @weft/core-scheduler) this is the pool's own failure:
   * the worker broke the pool's protocol.
   */
  override readonly isExecutorFailure = true;
}
