// The options and per-call option types of Pool, and the info objects its callbacks and events carry.
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';

/** Where a pool's workers run: worker threads or child processes. */
export type WorkerKind = 'thread' | 'process';

/**
 * The providers a pool records its spans and metrics with, instead of the global ones (structural
 * types: no OpenTelemetry type is needed to compile against this package). Pass the SDK's
 * `TracerProvider` and `MeterProvider` objects.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 *
 * const pool = new Pool({
 *   module: new URL('./tasks.js', import.meta.url),
 *   telemetry: { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() },
 * });
 * ```
 */
export interface PoolTelemetryOptions {
  /** Where the task and run spans go (an OpenTelemetry `TracerProvider`). */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** Where the pool's metrics go (an OpenTelemetry `MeterProvider`). */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}

/**
 * Options of {@link Pool}, validated once at construction.
 *
 * @example
 * ```ts
 * const pool = new Pool<typeof import('./tasks.js')>({
 *   module: new URL('./tasks.js', import.meta.url),
 *   kind: 'process',
 *   maxWorkers: 4,
 * });
 * ```
 */
export interface PoolOptions {
  /**
   * The task module(s): URL, `file:` URL string or absolute path. Functions are sent by reference
   * as (module, export name), the way `pickle` sends Python functions.
   */
  readonly module: string | URL | readonly (string | URL)[];
  /**
   * Worker threads (`'thread'`, shared memory, cheap start) or child processes (`'process'`,
   * isolation: own heap, `process.chdir`, native crashes stay contained).
   * @defaultValue `'thread'`
   */
  readonly kind?: WorkerKind;
  /**
   * Upper bound on workers.
   * @defaultValue `os.availableParallelism()`
   */
  readonly maxWorkers?: number;
  /**
   * Workers started at once and kept even when idle; with `minWorkers > 0` a task module that fails
   * to load fails the pool's start ({@link Pool.ready}).
   * @defaultValue `0`
   */
  readonly minWorkers?: number;
  /**
   * Milliseconds an idle worker above `minWorkers` lives before it retires (0 would cause
   * spawn/kill churn, so the default is generous).
   * @defaultValue `10_000`
   */
  readonly idleTimeout?: number;
  /**
   * Runs once in each new worker before its first task; must be an export of a task module. If it
   * throws, the tasks waiting for that worker fail with {@link WorkerInitError} and the pool breaks
   * rather than respawning in a loop.
   * @defaultValue none
   */
  readonly initializer?: (...args: never[]) => unknown;
  /**
   * Arguments of `initializer`, checked like task arguments: shared primitives arrive revived in
   * thread workers, and a `Queue`, `JoinableQueue` or pipe `Connection` reaches every process
   * worker (held by the pool while that worker lives), as with Python's
   * `Pool(initializer=f, initargs=(queue,))`.
   * @defaultValue `[]`
   */
  readonly initArgs?: readonly unknown[];
  /**
   * A worker retires (and is replaced on demand) after this many tasks; fixes slow leaks.
   * @defaultValue `Infinity`
   */
  readonly maxTasksPerWorker?: number;
  /**
   * Heap limits of thread workers (a thread over its limit dies, and its task rejects with
   * {@link WorkerExitedError}). Ignored for processes: use `execArgv: ['--max-old-space-size=…']`.
   * @defaultValue Node's defaults
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Node flags of the workers, for example `['--import', 'tsx']` to load `.ts` task modules.
   * @defaultValue `process.execArgv` for processes, Node's default for threads
   */
  readonly execArgv?: readonly string[];
  /**
   * The Node binary of process workers (ignored for threads), like Python's `set_executable`.
   * @defaultValue `process.execPath`
   */
  readonly execPath?: string;
  /**
   * Milliseconds a new worker may take to start, load the task modules and run the
   * `initializer`; a worker not ready by then is killed and the pool breaks with
   * {@link WorkerStartError}. Any duration; `Infinity` waits as long as it takes.
   * @defaultValue `60_000`
   */
  readonly startTimeout?: number;
  /**
   * Environment of the workers.
   * @defaultValue `process.env`
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Working directory of process workers (ignored for threads, which share the process's).
   * @defaultValue `process.cwd()`
   */
  readonly cwd?: string;
  /**
   * What a worker dying mid-task does to the pool: `'respawn'` fails that task and carries on;
   * `'break'` fails all pending work and refuses more (Python's `BrokenProcessPool`).
   * @defaultValue `'respawn'`
   */
  readonly onWorkerExit?: 'respawn' | 'break';
  /**
   * Most tasks waiting in the pool's queue (not yet handed to a worker).
   * @defaultValue `Infinity`
   */
  readonly maxQueue?: number;
  /**
   * At `maxQueue`: reject new work with {@link QueueFullError}, or wait for room.
   * @defaultValue `'reject'`
   */
  readonly onQueueFull?: 'reject' | 'wait';
  /**
   * Tasks handed to each worker ahead of time (sent in one message, run in order). `'auto'` keeps
   * about 2 ms of work queued per worker, from the measured task time (1 for long tasks, up to 64
   * for tiny ones); `1` turns it off.
   * @defaultValue `'auto'`
   */
  readonly prefetch?: number | 'auto';
  /**
   * Milliseconds a running task gets to honour its aborted signal before its worker is terminated.
   * @defaultValue `1000`
   */
  readonly abortGracePeriod?: number;
  /**
   * Largest blocking queue or pipe call (`put`, `send`, … with its serialized item) a process worker
   * may send the pool, in bytes. A larger frame is refused before anything is allocated for it:
   * the worker is killed and its task rejects with `WorkerExitedError` whose `cause` is a
   * `WorkerProtocolError`. The async forms (`putAsync`, `sendAsync`) travel on the IPC channel and
   * are not bounded by it. Process workers only.
   * @defaultValue `1073741824` (1 GiB)
   */
  readonly maxCallFrameBytes?: number;
  /**
   * OpenTelemetry (README, "OpenTelemetry"): `true` uses the globally registered tracer and meter
   * providers when `@opentelemetry/api` is installed and an SDK is registered, and does nothing
   * otherwise; an object passes providers; `false` turns it off. Each task gets a
   * `weft.task <name>` span with one `weft.run <name>` span per attempt, and its W3C trace context
   * reaches the worker, which runs the task inside it when `@opentelemetry/api` resolves there.
   * The meter provider is looked up once, here; the tracer provider's delegate per task.
   * @defaultValue `true`
   */
  readonly telemetry?: boolean | PoolTelemetryOptions;
  /**
   * Where workers' stderr goes. `'inherit'`: the program's own stderr, as written. `'capture'`:
   * the pool keeps the last 8 KiB each worker wrote and hands it over only if that worker dies:
   * on the `stderr` property of its {@link WorkerExitedError} or {@link WorkerStartError}, whose
   * message quotes the end of it. A worker that lives on says nothing. Use it where workers crash
   * on purpose (tests), or to put a crash's native output (`FATAL ERROR … heap out of memory`) next
   * to the error it explains.
   * @defaultValue `'inherit'`
   * @example
   * ```ts
   * const pool = new Pool({ module: url, kind: 'process', stderr: 'capture' });
   * await pool.apply(crash, []).catch((e: WorkerExitedError) => console.log(e.stderr));
   * ```
   */
  readonly stderr?: 'inherit' | 'capture';
}

/**
 * When a worker starts a task: passed to `onStart` (field names of the scheduler's `ExecutionStart`).
 *
 * @example
 * ```ts
 * await pool.apply(work, [], { onStart: (info: TaskStartInfo) => console.log(info.workerId) });
 * ```
 */
export interface TaskStartInfo {
  /** Start time, ms on `performance.timeOrigin + performance.now()`. */
  readonly time: number;
  /** Pool worker id. */
  readonly workerId: number;
  /** Worker's process id. */
  readonly pid?: number;
  /** Worker's thread id (thread workers). */
  readonly threadId?: number;
  /** Pool-wide task id. */
  readonly taskId: number;
}

/**
 * When a task settles: passed to `onSettle` (field names of the scheduler's `ExecutionSettle`).
 *
 * @example
 * ```ts
 * await pool.apply(work, [], { onSettle: (info: TaskSettleInfo) => console.log(info.runMs, info.cpuMs) });
 * ```
 */
export interface TaskSettleInfo {
  /** Settle time, ms on the shared clock. */
  readonly time: number;
  /** How it ended. */
  readonly status: 'fulfilled' | 'rejected';
  /** From start to settle, ms. */
  readonly runMs: number;
  /** CPU time of the task measured in the worker (event-loop active time for threads, `process.cpuUsage()` for processes). */
  readonly cpuMs?: number;
  /** From submit to start, ms. */
  readonly waitMs: number;
  /** Pool worker id. */
  readonly workerId: number;
  /** Pool-wide task id. */
  readonly taskId: number;
}

/**
 * Options of one call (`apply`, `submit`, `map`, ...).
 *
 * @example
 * ```ts
 * await pool.apply(work, [buffer], { timeout: 5_000, transfer: [buffer], signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface TaskOptions {
  /**
   * Aborting removes a queued task at once; a running task sees its own signal fire
   * (`currentWorker().signal`) and its worker is replaced if it has not settled after `abortGracePeriod`.
   * @defaultValue none
   */
  readonly signal?: AbortSignal;
  /**
   * Run-time limit in ms (queue time does not count); on expiry the worker is terminated and
   * replaced and the task rejects with {@link TaskTimeoutError}.
   * @defaultValue none
   */
  readonly timeout?: number;
  /**
   * ArrayBuffers (and other transferables) moved to a thread worker without a copy. Process workers copy.
   * @defaultValue `[]`
   */
  readonly transfer?: readonly TransferListItem[];
  /**
   * Called when a worker starts the task; must not throw (errors are ignored).
   * @defaultValue none
   */
  readonly onStart?: (info: TaskStartInfo) => void;
  /**
   * Called when the task settles, before the returned promise settles; must not throw (errors are ignored).
   * @defaultValue none
   */
  readonly onSettle?: (info: TaskSettleInfo) => void;
}

/**
 * Options of {@link Pool.applyAsync}: the call options plus Python's callbacks.
 *
 * @example
 * ```ts
 * pool.applyAsync(work, [], { callback: (v) => console.log(v), errorCallback: (e) => console.error(e) });
 * ```
 */
export interface ApplyAsyncOptions<R> extends TaskOptions {
  /**
   * Called with the result when the task succeeds.
   * @defaultValue none
   */
  readonly callback?: (value: R) => void;
  /**
   * Called with the error when the task fails.
   * @defaultValue none
   */
  readonly errorCallback?: (error: unknown) => void;
}

/**
 * Options of {@link Pool.map} and {@link Pool.starmap}.
 *
 * @example
 * ```ts
 * await pool.map(square, numbers, { chunksize: 100 });
 * ```
 */
export interface MapOptions extends Omit<TaskOptions, 'transfer' | 'onStart' | 'onSettle'> {
  /**
   * Items sent to a worker per task. `timeout` applies to each chunk.
   * @defaultValue `ceil(n / (4 × maxWorkers))`, as Python
   */
  readonly chunksize?: number;
}

/**
 * Options of {@link Pool.imap} and {@link Pool.imapUnordered}.
 *
 * @example
 * ```ts
 * for await (const line of pool.imap(render, rows, { chunksize: 10, maxInFlight: 8 })) console.log(line);
 * ```
 */
export interface ImapOptions extends Omit<TaskOptions, 'transfer' | 'onStart' | 'onSettle'> {
  /**
   * Items per task.
   * @defaultValue `1`, as Python
   */
  readonly chunksize?: number;
  /**
   * Chunks submitted but not yet consumed; bounds memory on endless inputs.
   * @defaultValue `64 × maxWorkers`
   */
  readonly maxInFlight?: number;
}
