// Pool: a pool of worker threads or child processes behind Python's Pool and concurrent.futures
// APIs. Dispatch follows ProcessPoolExecutor (start a worker only when none is idle, up to the
// limit) and then keeps a few tasks queued on each worker, sent as one message, because one task in
// flight per worker caps every pool at one round trip per task (bench/run.mjs measures it; README,
// "How it is fast").
import { assertResourceLimitsEnforced } from './internal/runtime-support.js';
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import type { TransferListItem } from 'node:worker_threads';
import { setLongTimeout, type LongTimeout } from '@weft/sync-primitives';
import { AsyncResult } from './async-result.js';
import {
  ArgumentNotSendableError,
  ProcessPoolError,
  PoolBrokenError,
  PoolClosedError,
  PoolOptionRangeError,
  PoolOptionTypeError,
  PoolTerminatedError,
  QueueFullError,
  ResultNotSendableError,
  TaskAbortedError,
  TaskCancelledError,
  TaskNotFoundError,
  TaskTimeoutError,
  WorkerExitedError,
  WorkerInitError,
} from './errors.js';
import { Future, bindFuture } from './future.js';
import { findUnsendable, prepareArgs } from './internal/args.js';
import { Deque } from './internal/deque.js';
import { resumeAfterErrors, type Outcome } from './internal/imap-iterator.js';
import {
  FLAG_MAP,
  FLAG_SHARED,
  FLAG_STARMAP,
  FLAG_WATCHED,
  RESULT_STRIDE,
  STATUS_ERROR,
  STATUS_NOT_SENDABLE,
  STATUS_OK,
  STATUS_SKIPPED,
  type FromWorker,
} from './internal/protocol.js';
import { restoreError } from './internal/remote-error.js';
import { Samples } from './internal/stats.js';
import { markOwnerDead } from './internal/sync-bridge.js';
import { splitAtStarted } from './internal/start-signal.js';
import {
  moduleLoadError,
  stripsTypes,
  resolveTaskModule,
  tsxApiOf,
  workerExecArgv,
} from './internal/typescript-loader.js';
import { startWorker, type ExitInfo, type WorkerChannel } from './internal/worker-channel.js';
import {
  exitedBeforeReady,
  startThrew,
  startTimedOut,
  type StartOptions,
} from './internal/worker-start.js';
import { RemoteHost, RemoteRegistry } from './internal/remote-host.js';
import type {
  ApplyAsyncOptions,
  ImapOptions,
  MapOptions,
  PoolOptions,
  TaskOptions,
  TaskSettleInfo,
  TaskStartInfo,
  WorkerKind,
} from './pool-options.js';
import { now } from './internal/clock.js';

const STATUS_MODULE_ERROR = 3;
const STATUS_NOT_FOUND = 4;

/** A task module's shape when the pool is not given one: any export name, any arguments. */
export type AnyTaskModule = Record<string, (...args: readonly unknown[]) => unknown>;

/** The names of the function exports of task module type `M`. */
export type TaskName<M> = {
  [K in keyof M]-?: M[K] extends (...args: never[]) => unknown ? K : never;
}[keyof M] &
  string;

/** Parameters of export `K` of task module type `M`. */
export type TaskArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;

/** Awaited result of export `K` of task module type `M`. */
export type TaskResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never;

/**
 * Snapshot returned by {@link Pool.stats}.
 *
 * @example
 * ```ts
 * const { busyWorkers, queued, run } = pool.stats();
 * console.log(busyWorkers, queued, run.p95);
 * ```
 */
export interface PoolStats {
  /** Live workers. */
  readonly workers: number;
  /** Workers with at least one task. */
  readonly busyWorkers: number;
  /** Workers with none. */
  readonly idleWorkers: number;
  /** Tasks waiting in the pool's queue. */
  readonly queued: number;
  /** Tasks handed to workers and not settled. */
  readonly inFlight: number;
  /** Tasks fulfilled so far. */
  readonly completed: number;
  /** Tasks rejected so far (including cancelled and aborted). */
  readonly failed: number;
  /** Share of worker lifetime spent running tasks, 0..1. */
  readonly utilization: number;
  /** Queue wait percentiles over recent tasks, ms. */
  readonly wait: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Run time percentiles over recent tasks, ms. */
  readonly run: { readonly p50: number; readonly p95: number; readonly p99: number };
}

/** Payload of the `task:queued` event. */
export interface TaskQueuedEvent {
  readonly taskId: number;
  readonly name: string;
  readonly time: number;
}
/** Payload of the `task:started` event. */
export interface TaskStartedEvent extends TaskStartInfo {
  readonly name: string;
}
/** Payload of the `task:settled` event. */
export interface TaskSettledEvent {
  readonly taskId: number;
  readonly name: string;
  readonly time: number;
  readonly status: 'fulfilled' | 'rejected';
  readonly workerId: number | undefined;
  readonly waitMs: number;
  readonly runMs: number;
  readonly cpuMs: number | undefined;
}
/** Payload of the `worker:spawned` event. */
export interface WorkerSpawnedEvent {
  readonly workerId: number;
  readonly kind: WorkerKind;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly time: number;
}
/** Payload of the `worker:exited` event. */
export interface WorkerExitedEvent {
  readonly workerId: number;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether the pool asked it to go (idle, recycling, close, terminate, timeout). */
  readonly expected: boolean;
  readonly time: number;
}

/**
 * The pool's events; the same payloads are published on `node:diagnostics_channel` channels named
 * `weft:process-pool:<event>`.
 */
export interface PoolEvents {
  'task:queued': [TaskQueuedEvent];
  'task:started': [TaskStartedEvent];
  'task:settled': [TaskSettledEvent];
  'worker:spawned': [WorkerSpawnedEvent];
  'worker:exited': [WorkerExitedEvent];
}

const channels = {
  'task:queued': channel('weft:process-pool:task:queued'),
  'task:started': channel('weft:process-pool:task:started'),
  'task:settled': channel('weft:process-pool:task:settled'),
  'worker:spawned': channel('weft:process-pool:worker:spawned'),
  'worker:exited': channel('weft:process-pool:worker:exited'),
} as const;

const enum State {
  Queued,
  Sent,
  Running,
  Done,
  Cancelled,
}

type Ref = readonly [number, string];

const NO_REMOTES: readonly number[] = [];

class Task {
  state = State.Queued;
  worker: Slot | undefined = undefined;
  startedAt = 0;
  started = false;
  timer: LongTimeout | undefined = undefined;
  abortListener: (() => void) | undefined = undefined;
  /** Registry ids of the queues and pipe ends in the args (process workers). */
  remotes: readonly number[] = NO_REMOTES;
  /** For a map/imap chunk: the index of its first item in the whole input (for error positions). */
  offset = 0;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  constructor(
    readonly id: number,
    readonly mod: number,
    readonly name: string,
    readonly args: unknown,
    readonly flags: number,
    readonly options: TaskOptions | undefined,
    readonly queuedAt: number,
  ) {}
}

class Slot {
  readonly inflight = new Deque<Task>();
  ready = false;
  retiring = false;
  dead = false;
  expectedExit = false;
  dispatched = 0;
  idleTimer: LongTimeout | undefined = undefined;
  batch: unknown[] | undefined = undefined;
  transfer: TransferListItem[] | undefined = undefined;
  busyMs = 0;
  refd = true;
  killed = false;
  /** Serves the worker's calls on queues and pipe ends (process workers only). */
  host: RemoteHost | undefined = undefined;
  /** Registry ids of the queues and pipe ends in initArgs, held while the worker lives. */
  remotes: readonly number[] = NO_REMOTES;
  /** Kills the worker if it is not ready within startTimeout. */
  startTimer: LongTimeout | undefined = undefined;
  /** The worker records task starts (start-signal.ts); without that, every task it held may have run. */
  startsTracked = false;
  /** Set when startTimeout passed: the exit that follows is a failed start. */
  startFailure: Error | undefined = undefined;
  constructor(
    readonly id: number,
    readonly channel: WorkerChannel,
    readonly spawnedAt: number,
  ) {}
}

function positiveInteger(name: string, value: unknown, min: number, allowInfinity = false): void {
  if (typeof value !== 'number')
    throw new PoolOptionTypeError(name, `expected a number, got ${typeof value}`);
  if (!(allowInfinity && value === Infinity) && (!Number.isInteger(value) || value < min)) {
    throw new PoolOptionRangeError(
      name,
      `expected an integer >= ${String(min)}${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`,
    );
  }
}

function nonNegative(name: string, value: unknown): void {
  if (typeof value !== 'number')
    throw new PoolOptionTypeError(name, `expected a number of ms, got ${typeof value}`);
  if (!(value >= 0))
    throw new PoolOptionRangeError(name, `expected a number of ms >= 0, got ${String(value)}`);
}

function moduleHref(value: unknown): string {
  if (value instanceof URL) return value.href;
  if (typeof value !== 'string')
    throw new PoolOptionTypeError(
      'module',
      `expected a URL, a file: URL string or an absolute path, got ${typeof value}`,
    );
  if (isAbsolute(value)) return pathToFileURL(value).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  throw new PoolOptionRangeError(
    'module',
    `expected a URL, a file: URL string or an absolute path, got the relative path ${JSON.stringify(value)}; use new URL('./tasks.js', import.meta.url)`,
  );
}

function safeCall<T>(fn: ((info: T) => void) | undefined, info: T): void {
  if (fn === undefined) return;
  try {
    fn(info);
  } catch {
    // A throwing onStart/onSettle is the caller's bug (packages/core-scheduler/src/executor.ts asks
    // that they not throw); it must not stop the pool's own bookkeeping, so it is swallowed.
  }
}

const RUNTIME = new URL('./worker.js', import.meta.url);

/**
 * A pool of worker threads or child processes running exported functions of task modules, with
 * Python's `multiprocessing.Pool` and `concurrent.futures` APIs.
 *
 * Type it with the task module to get typed calls: `new Pool<typeof import('./tasks.js')>(...)`.
 *
 * @typeParam M - the task module's type (`typeof import('./tasks.js')`).
 * @example
 * ```ts
 * import { Pool } from '@weft/process-pool';
 * import { fib } from './tasks.js';
 *
 * await using pool = new Pool<typeof import('./tasks.js')>({ module: new URL('./tasks.js', import.meta.url) });
 * console.log(await pool.apply(fib, [30]), await pool.run('fib', 31));
 * ```
 */
export class Pool<M extends object = AnyTaskModule> extends EventEmitter<PoolEvents> {
  /** Upper bound on live workers. */
  readonly maxWorkers: number;
  /** Workers kept alive when idle. */
  readonly minWorkers: number;
  /** Worker kind. */
  readonly kind: WorkerKind;

  readonly #modules: readonly string[];
  readonly #options: PoolOptions;
  readonly #idleTimeout: number;
  readonly #maxTasksPerWorker: number;
  readonly #maxQueue: number;
  readonly #prefetch: number | 'auto';
  readonly #grace: number;
  readonly #startTimeout: number;
  readonly #start: StartOptions;
  /** The execArgv workers start with; `undefined`: they inherit the program's. */
  readonly #execArgv: readonly string[] | undefined;
  /** Thread workers under tsx: the file of tsx's register API, which they call themselves. */
  readonly #tsxApi: string | undefined = undefined;

  readonly #queue = new Deque<Task>();
  readonly #slots: Slot[] = [];
  readonly #roomWaiters = new Deque<() => void>();
  readonly #registry = new RemoteRegistry();
  #nextTaskId = 1;
  #nextWorkerId = 1;
  #dispatchScheduled = false;
  #loading = 0;
  #ewmaRunMs = -1;
  #inflightCount = 0;

  #closed = false;
  #terminated = false;
  #broken: Error | undefined = undefined;
  #initRef: Ref | null | undefined = undefined;
  #mainExports: Map<unknown, Ref> | undefined = undefined;
  #mainLoad: Promise<Map<unknown, Ref>> | undefined = undefined;
  #readyWorkers = 0;
  #readyWaiters: { resolve(): void; reject(error: unknown): void }[] = [];
  #joinWaiters: (() => void)[] = [];

  #completed = 0;
  #failed = 0;
  #deadBusyMs = 0;
  #deadAliveMs = 0;
  readonly #waitSamples = new Samples();
  readonly #runSamples = new Samples();

  /**
   * Create a pool. Workers start on demand (`minWorkers` of them at once).
   *
   * @param options - see {@link PoolOptions}.
   * @throws {@link PoolOptionTypeError} or {@link PoolOptionRangeError} for invalid options;
   *   {@link ArgumentNotSendableError} for `initArgs` that cannot reach the worker kind;
   *   {@link UnsupportedRuntimeError} for thread `resourceLimits` on a runtime that ignores them (Bun).
   */
  constructor(options: PoolOptions) {
    super();
    if (typeof options !== 'object' || options === null)
      throw new PoolOptionTypeError('options', 'expected an object with at least `module`');
    this.#options = options;
    const list: readonly unknown[] = Array.isArray(options.module)
      ? (options.module as readonly unknown[])
      : [options.module];
    if (list.length === 0)
      throw new PoolOptionRangeError('module', 'expected at least one task module');
    const kind = options.kind ?? 'thread';
    if (kind !== 'thread' && kind !== 'process')
      throw new PoolOptionRangeError('kind', `expected 'thread' or 'process', got ${String(kind)}`);
    this.kind = kind;
    if (options.execArgv !== undefined && !Array.isArray(options.execArgv))
      throw new PoolOptionTypeError(
        'execArgv',
        `expected an array of strings, got ${typeof options.execArgv}`,
      );
    // The flags workers start with decide whether they load TypeScript (typescript-loader.ts).
    this.#execArgv = workerExecArgv(options.execArgv);
    const tsxApi = tsxApiOf(this.#execArgv ?? process.execArgv);
    if (kind === 'thread') this.#tsxApi = tsxApi;
    const canLoadTs = tsxApi !== undefined || stripsTypes(this.#execArgv ?? process.execArgv);
    this.#modules = list.map((m) => resolveTaskModule(moduleHref(m), canLoadTs));
    if (kind === 'thread' && options.resourceLimits !== undefined) assertResourceLimitsEnforced();
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    positiveInteger('maxWorkers', maxWorkers, 1);
    const minWorkers = options.minWorkers ?? 0;
    positiveInteger('minWorkers', minWorkers, 0);
    if (minWorkers > maxWorkers)
      throw new PoolOptionRangeError(
        'minWorkers',
        `expected at most maxWorkers (${String(maxWorkers)}), got ${String(minWorkers)}`,
      );
    this.maxWorkers = maxWorkers;
    this.minWorkers = minWorkers;
    this.#idleTimeout = options.idleTimeout ?? 10_000;
    nonNegative('idleTimeout', this.#idleTimeout);
    this.#maxTasksPerWorker = options.maxTasksPerWorker ?? Infinity;
    positiveInteger('maxTasksPerWorker', this.#maxTasksPerWorker, 1, true);
    this.#maxQueue = options.maxQueue ?? Infinity;
    positiveInteger('maxQueue', this.#maxQueue, 0, true);
    const onQueueFull = options.onQueueFull ?? 'reject';
    if (onQueueFull !== 'reject' && onQueueFull !== 'wait')
      throw new PoolOptionRangeError(
        'onQueueFull',
        `expected 'reject' or 'wait', got ${String(onQueueFull)}`,
      );
    const onWorkerExit = options.onWorkerExit ?? 'respawn';
    if (onWorkerExit !== 'respawn' && onWorkerExit !== 'break')
      throw new PoolOptionRangeError(
        'onWorkerExit',
        `expected 'respawn' or 'break', got ${String(onWorkerExit)}`,
      );
    if (
      options.stderr !== undefined &&
      options.stderr !== 'inherit' &&
      options.stderr !== 'capture'
    )
      throw new PoolOptionRangeError(
        'stderr',
        `expected 'inherit' or 'capture', got ${String(options.stderr)}`,
      );
    this.#prefetch = options.prefetch ?? 'auto';
    if (this.#prefetch !== 'auto') positiveInteger('prefetch', this.#prefetch, 1);
    this.#grace = options.abortGracePeriod ?? 1000;
    nonNegative('abortGracePeriod', this.#grace);
    this.#startTimeout = options.startTimeout ?? 60_000;
    nonNegative('startTimeout', this.#startTimeout);
    if (options.execPath !== undefined && typeof options.execPath !== 'string')
      throw new PoolOptionTypeError(
        'execPath',
        `expected the path of a node binary, got ${typeof options.execPath}`,
      );
    this.#start = {
      kind,
      cwd: options.cwd,
      execPath: options.execPath,
      execArgv: this.#execArgv,
    };
    if (options.maxCallFrameBytes !== undefined)
      positiveInteger('maxCallFrameBytes', options.maxCallFrameBytes, 1);
    if (options.initializer !== undefined && typeof options.initializer !== 'function') {
      throw new PoolOptionTypeError(
        'initializer',
        `expected a function exported by a task module, got ${typeof options.initializer}`,
      );
    }
    if (options.initArgs !== undefined && !Array.isArray(options.initArgs))
      throw new PoolOptionTypeError(
        'initArgs',
        `expected an array, got ${typeof options.initArgs}`,
      );
    // Checked once here like task arguments (each worker's start wraps them again).
    if (options.initArgs !== undefined)
      this.#registry.release(
        prepareArgs(options.initArgs, kind, 'initArgs', this.#registry).remotes,
      );
    if (options.initializer === undefined) {
      this.#initRef = null;
    } else {
      const initializer: unknown = options.initializer;
      this.#loadMain().then(
        (exports) => {
          const ref = exports.get(initializer);
          if (ref === undefined) {
            this.#break(
              new TaskNotFoundError(
                `initializer ${(initializer as { name: string }).name}`,
                this.#modules,
              ),
              true,
            );
            return;
          }
          this.#initRef = ref;
          this.#fillMinimum();
          this.#dispatch();
        },
        (error: unknown) => this.#break(error as Error, true),
      );
    }
    this.#fillMinimum();
  }

  // ---------------------------------------------------------------- Python Pool API

  /**
   * Run `fn(...args)` in a worker and resolve with its result (`Pool.apply`, but asynchronous).
   * `fn` must be an export of one of the pool's task modules; the call is typed from `fn` itself.
   *
   * @param fn - an exported function of a task module.
   * @param args - its arguments (structured clone for threads, advanced serialization for processes).
   * @param options - `signal`, `timeout`, `transfer`, `onStart`, `onSettle`.
   * @returns the task's result.
   * @throws the task's own error (same class name, message, worker stack, cause, properties), or
   * {@link ArgumentNotSendableError}, {@link TaskNotFoundError}, {@link WorkerExitedError},
   * {@link TaskTimeoutError}, {@link TaskAbortedError}, {@link PoolClosedError}, {@link QueueFullError}.
   * @example
   * ```ts
   * const n = await pool.apply(fib, [30], { timeout: 10_000 });
   * ```
   */
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: TaskOptions,
  ): Promise<Awaited<R>> {
    return this.#submitFn(fn, args, 0, options) as Promise<Awaited<R>>;
  }

  /**
   * Run an export by name: `pool.run('fib', 30)`, typed from the pool's module type.
   *
   * @param name - export name.
   * @param args - its arguments.
   * @returns the task's result.
   * @throws as {@link Pool.apply}.
   * @example
   * ```ts
   * const n: number = await pool.run('fib', 30);
   * ```
   */
  run<K extends TaskName<M>>(name: K, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>> {
    return this.#submit(-1, name, args, 0, undefined) as Promise<TaskResult<M, K>>;
  }

  /**
   * Run an export by name with call options.
   *
   * @param name - export name.
   * @param args - its arguments.
   * @param options - `signal`, `timeout`, `transfer`, `onStart`, `onSettle`.
   * @returns the task's result.
   * @throws as {@link Pool.apply}.
   * @example
   * ```ts
   * await pool.runWith('fib', [30], { timeout: 1_000 });
   * ```
   */
  runWith<K extends TaskName<M>>(
    name: K,
    args: TaskArgs<M, K>,
    options?: TaskOptions,
  ): Promise<TaskResult<M, K>> {
    return this.#submit(-1, name, args, 0, options) as Promise<TaskResult<M, K>>;
  }

  /**
   * Python's `apply_async`: start the task and return an {@link AsyncResult}.
   *
   * @param fn - an exported function of a task module.
   * @param args - its arguments.
   * @param options - call options plus `callback` / `errorCallback`.
   * @returns a handle with `get(timeout)`, `wait`, `ready`, `successful`.
   * @example
   * ```ts
   * const result = pool.applyAsync(fib, [30], { callback: console.log });
   * await result.get(5_000);
   * ```
   */
  applyAsync<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: ApplyAsyncOptions<Awaited<R>>,
  ): AsyncResult<Awaited<R>> {
    const promise = this.apply(fn, args, options);
    attachCallbacks(promise, options);
    return new AsyncResult(promise);
  }

  /**
   * Python's `map`: `fn(item)` for every item, in chunks, results in input order. Like Python, it
   * waits for every chunk and then throws the first error in input order.
   *
   * @param fn - an exported function of a task module taking one item.
   * @param iterable - the items.
   * @param options - `chunksize` (default `ceil(n / (4 × maxWorkers))`), `signal`, `timeout` (per chunk).
   * @returns the results in input order.
   * @throws the first error by position, or {@link ArgumentNotSendableError} naming the item.
   * @example
   * ```ts
   * const squares = await pool.map(square, [1, 2, 3]);
   * ```
   */
  map<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll(fn, iterable, FLAG_MAP, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Python's `starmap`: `fn(...args)` for every argument list.
   *
   * @param fn - an exported function of a task module.
   * @param iterable - argument lists.
   * @param options - as {@link Pool.map}.
   * @returns the results in input order.
   * @throws as {@link Pool.map}.
   * @example
   * ```ts
   * const sums = await pool.starmap(add, [[1, 2], [3, 4]]);
   * ```
   */
  starmap<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll(fn, iterable, FLAG_STARMAP, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Python's `map_async`: {@link Pool.map} behind an {@link AsyncResult}.
   *
   * @param fn - an exported function of a task module taking one item.
   * @param iterable - the items.
   * @param options - map options plus `callback` / `errorCallback`.
   * @returns a handle on the list of results.
   * @example
   * ```ts
   * const result = pool.mapAsync(square, [1, 2, 3]);
   * console.log(await result.get());
   * ```
   */
  mapAsync<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T>,
    options?: MapOptions & ApplyAsyncOptions<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    const promise = this.map(fn, iterable, options);
    attachCallbacks(promise, options);
    return new AsyncResult(promise);
  }

  /**
   * Python's `starmap_async`: {@link Pool.starmap} behind an {@link AsyncResult}.
   *
   * @param fn - an exported function of a task module.
   * @param iterable - argument lists.
   * @param options - map options plus `callback` / `errorCallback`.
   * @returns a handle on the list of results.
   * @example
   * ```ts
   * const result = pool.starmapAsync(add, [[1, 2], [3, 4]]);
   * console.log(await result.get()); // [3, 7]
   * ```
   */
  starmapAsync<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A>,
    options?: MapOptions & ApplyAsyncOptions<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    const promise = this.starmap(fn, iterable, options);
    attachCallbacks(promise, options);
    return new AsyncResult(promise);
  }

  /**
   * Python's `imap`: results as an async iterable in input order, streaming: at most `maxInFlight`
   * chunks are submitted ahead of the consumer, so endless or huge inputs run in bounded memory.
   * Accepts sync and async iterables. Breaking out of the loop cancels chunks still queued.
   *
   * @param fn - an exported function of a task module taking one item.
   * @param iterable - the items (sync or async).
   * @param options - `chunksize` (default 1), `maxInFlight` (default `64 × maxWorkers`), `signal`, `timeout`.
   * @returns the results in input order.
   * @throws the task's error from the `next()` that reaches its position, once; later `next()` calls
   *   go on with the remaining results, as Python's iterator does (a `for await` loop ends at the
   *   error). If the input itself throws, the results of the items before it are yielded first,
   *   then its error.
   * @example
   * ```ts
   * for await (const square of pool.imap(squareFn, numbers(), { chunksize: 100 })) total += square;
   * ```
   */
  imap<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ImapOptions,
  ): AsyncGenerator<Awaited<R>, void, undefined> {
    return resumeAfterErrors(this.#imap(fn, iterable, true, FLAG_MAP, options)) as AsyncGenerator<
      Awaited<R>,
      void,
      undefined
    >;
  }

  /**
   * Python's `imap_unordered`: as {@link Pool.imap}, results in completion order.
   *
   * @param fn - an exported function of a task module taking one item.
   * @param iterable - the items (sync or async).
   * @param options - as {@link Pool.imap}.
   * @returns the results as they complete.
   * @throws the task's error when it completes.
   * @example
   * ```ts
   * for await (const page of pool.imapUnordered(fetchPage, urls)) save(page);
   * ```
   */
  imapUnordered<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ImapOptions,
  ): AsyncGenerator<Awaited<R>, void, undefined> {
    return resumeAfterErrors(this.#imap(fn, iterable, false, FLAG_MAP, options)) as AsyncGenerator<
      Awaited<R>,
      void,
      undefined
    >;
  }

  // ---------------------------------------------------------------- concurrent.futures API

  /**
   * `Executor.submit`: schedule `fn(...args)` and return a {@link Future}.
   *
   * @param fn - an exported function of a task module.
   * @param args - its arguments.
   * @returns a Future (a Promise with `cancel()`, `cancelled()`, `running()`, `done()`, `result(timeout)`).
   * @throws as {@link Pool.apply}, through the Future.
   * @example
   * ```ts
   * const futures = [30, 31].map((n) => pool.submit(fib, n));
   * for await (const { future } of asCompleted(futures)) console.log(await future);
   * ```
   */
  submit<A extends readonly unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    return this.submitWith(fn, args);
  }

  /**
   * `submit` with call options.
   *
   * @param fn - an exported function of a task module.
   * @param args - its arguments.
   * @param options - `signal`, `timeout`, `transfer`, `onStart`, `onSettle`.
   * @returns a Future.
   * @throws as {@link Pool.apply}, through the Future.
   * @example
   * ```ts
   * const future = pool.submitWith(fib, [30], { timeout: 1_000 });
   * ```
   */
  submitWith<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: TaskOptions,
  ): Future<Awaited<R>> {
    let task: Task | undefined;
    let cancelledEarly = false;
    let resolveF!: (value: Awaited<R>) => void;
    let rejectF!: (error: unknown) => void;
    const future = new Future<Awaited<R>>((resolve, reject) => {
      resolveF = resolve;
      rejectF = reject;
    });
    bindFuture(future, {
      cancel: () => {
        if (task === undefined) {
          cancelledEarly = true;
          return true;
        }
        if (task.state === State.Cancelled) return true;
        if (task.state !== State.Queued) return false;
        this.#queue.remove(task);
        this.#wakeRoom();
        this.#settleUnstarted(
          task,
          new TaskCancelledError('The task was cancelled while queued'),
          State.Cancelled,
        );
        return true;
      },
      state: () => {
        if (cancelledEarly) return 'cancelled';
        if (task === undefined) return 'queued';
        switch (task.state) {
          case State.Queued:
            return 'queued';
          case State.Sent:
            return 'sent';
          case State.Running:
            return 'running';
          case State.Cancelled:
            return 'cancelled';
          default:
            return 'done';
        }
      },
    });
    this.#submitFn(fn, args, 0, options, (t) => {
      task = t;
      if (cancelledEarly) {
        this.#queue.remove(t);
        this.#settleUnstarted(
          t,
          new TaskCancelledError('The task was cancelled while queued'),
          State.Cancelled,
        );
      }
    }).then(resolveF as (value: unknown) => void, rejectF);
    return future;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Resolve once `minWorkers` workers have started, loaded the task modules and run the initializer.
   *
   * @returns a promise for the pool's readiness.
   * @throws {@link TaskModuleLoadError} or {@link WorkerInitError} when start fails (the pool is then broken).
   * @example
   * ```ts
   * const pool = new Pool({ module: url, minWorkers: 2 });
   * await pool.ready();
   * ```
   */
  ready(): Promise<void> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (this.#terminated) return Promise.reject(new PoolTerminatedError('The pool was terminated'));
    if (this.#readyWorkers >= this.minWorkers) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /**
   * Refuse new work ({@link PoolClosedError}); queued and running work completes, then workers exit.
   *
   * @example
   * ```ts
   * pool.close();
   * await pool.join();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#roomWaiters.length > 0) this.#roomWaiters.shift()!();
    this.#maybeFinish();
  }

  /**
   * `Executor.shutdown`: refuse new work; with `cancelFutures`, first cancel every task still
   * waiting in the pool's queue (they reject with {@link TaskCancelledError}; tasks a worker already
   * has run to the end); with `wait` (the default), resolve once everything has settled and every
   * worker has exited.
   *
   * @param options - `wait` (default `true`), `cancelFutures` (default `false`).
   * @returns a promise that resolves when the pool is shut down (at once with `wait: false`).
   * @example
   * ```ts
   * await pool.shutdown({ cancelFutures: true });
   * ```
   */
  async shutdown(
    options: { readonly wait?: boolean; readonly cancelFutures?: boolean } = {},
  ): Promise<void> {
    if (options.cancelFutures === true) {
      for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift())
        this.#settleUnstarted(
          task,
          new TaskCancelledError('The task was cancelled by shutdown({ cancelFutures: true })'),
          State.Cancelled,
        );
      this.#wakeRoom();
    }
    this.close();
    if (options.wait !== false) await this.join();
  }

  /**
   * Wait until the pool is closed, all its work settled and every worker has exited. Call
   * {@link Pool.close} or {@link Pool.terminate} first, as in Python.
   *
   * @returns a promise that resolves when nothing is left.
   * @throws {@link ProcessPoolError} (through the promise) when the pool is still open.
   * @example
   * ```ts
   * pool.close();
   * await pool.join();
   * ```
   */
  join(): Promise<void> {
    if (!this.#closed && !this.#terminated) {
      return Promise.reject(
        new ProcessPoolError(
          'join() waits for a closed pool: call close() or terminate() first (as in Python)',
        ),
      );
    }
    if (
      (this.#closed || this.#terminated) &&
      this.#slots.length === 0 &&
      this.#queue.length === 0 &&
      this.#loading === 0
    )
      return Promise.resolve();
    return new Promise((resolve) => this.#joinWaiters.push(resolve));
  }

  /**
   * Stop at once: reject all pending work with {@link PoolTerminatedError} and kill every worker.
   * Resolves when all workers (threads and child processes) are gone.
   *
   * @returns a promise that resolves when every worker has exited.
   * @example
   * ```ts
   * await pool.terminate();
   * ```
   */
  async terminate(): Promise<void> {
    if (!this.#terminated) {
      this.#terminated = true;
      this.#closed = true;
      this.#failAll(
        () => new PoolTerminatedError('The pool was terminated before the task settled'),
      );
      for (const waiter of this.#readyWaiters.splice(0))
        waiter.reject(new PoolTerminatedError('The pool was terminated before it was ready'));
      for (const slot of [...this.#slots]) this.#kill(slot, true);
    }
    await this.join();
  }

  /**
   * `await using pool = new Pool(...)`: close and join on scope exit.
   *
   * @returns a promise that resolves once the pool is closed and joined.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  /**
   * A snapshot of workers, queue, counters, utilization and wait/run percentiles.
   *
   * @returns the current statistics.
   * @example
   * ```ts
   * console.log(pool.stats().run.p99);
   * ```
   */
  stats(): PoolStats {
    const t = now();
    let busy = 0;
    let busyMs = this.#deadBusyMs;
    let aliveMs = this.#deadAliveMs;
    for (const slot of this.#slots) {
      if (slot.inflight.length > 0) busy++;
      busyMs += slot.busyMs;
      aliveMs += t - slot.spawnedAt;
    }
    return {
      workers: this.#slots.length,
      busyWorkers: busy,
      idleWorkers: this.#slots.length - busy,
      queued: this.#queue.length,
      inFlight: this.#inflightCount,
      completed: this.#completed,
      failed: this.#failed,
      utilization: aliveMs > 0 ? Math.min(1, busyMs / aliveMs) : 0,
      wait: this.#waitSamples.percentiles(),
      run: this.#runSamples.percentiles(),
    };
  }

  // ---------------------------------------------------------------- submission

  #loadMain(): Promise<Map<unknown, Ref>> {
    this.#mainLoad ??= (async () => {
      const map = new Map<unknown, Ref>();
      for (let i = 0; i < this.#modules.length; i++) {
        const url = this.#modules[i]!;
        let ns: Record<string, unknown>;
        try {
          ns = (await import(url)) as Record<string, unknown>;
        } catch (error) {
          throw moduleLoadError(url, error);
        }
        for (const [name, value] of Object.entries(ns)) {
          if (typeof value === 'function' && !map.has(value)) map.set(value, [i, name]);
        }
        const fallback = ns['default'];
        if ((typeof fallback === 'object' || typeof fallback === 'function') && fallback !== null) {
          for (const [name, value] of Object.entries(fallback)) {
            if (typeof value === 'function' && !map.has(value)) map.set(value, [i, name]);
          }
        }
      }
      this.#mainExports = map;
      return map;
    })();
    return this.#mainLoad;
  }

  #refOf(fn: unknown): Ref {
    if (typeof fn !== 'function')
      throw new TypeError(`Expected an exported function of a task module, got ${typeof fn}`);
    const ref = this.#mainExports!.get(fn);
    if (ref === undefined)
      throw new TaskNotFoundError(fn.name === '' ? '<anonymous function>' : fn.name, this.#modules);
    return ref;
  }

  #submitFn(
    fn: unknown,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: (task: Task) => void,
  ): Promise<unknown> {
    if (this.#mainExports !== undefined) {
      let ref: Ref;
      try {
        ref = this.#refOf(fn);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the thrown error, passed on as is
        return Promise.reject(error);
      }
      return this.#submit(ref[0], ref[1], args, flags, options, onTask);
    }
    const refused = this.#refuse();
    if (refused !== undefined) return Promise.reject(refused);
    // First call: the task modules are imported here once, so functions can be told apart by
    // identity. The call is accepted now; a close() meanwhile does not refuse it.
    this.#loading++;
    return this.#loadMain()
      .finally(() => {
        this.#loading--;
      })
      .then(() => {
        const ref = this.#refOf(fn);
        return this.#submit(ref[0], ref[1], args, flags, options, onTask, true);
      })
      .finally(() => this.#maybeFinish());
  }

  #refuse(accepted = false): Error | undefined {
    if (this.#terminated)
      return new PoolTerminatedError('The pool was terminated; it takes no more work');
    if (this.#broken !== undefined)
      return new PoolBrokenError('The pool is broken; it takes no more work', {
        cause: this.#broken,
      });
    if (this.#closed && !accepted)
      return new PoolClosedError('The pool is closed; it takes no more work');
    return undefined;
  }

  #submit(
    mod: number,
    name: string,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: (task: Task) => void,
    accepted = false,
  ): Promise<unknown> {
    const refused = this.#refuse(accepted);
    if (refused !== undefined) return Promise.reject(refused);
    if (!Array.isArray(args))
      return Promise.reject(
        new TypeError(`Expected the task's arguments as an array, got ${typeof args}`),
      );
    const signal = options?.signal;
    if (signal?.aborted === true)
      return Promise.reject(
        new TaskAbortedError('The task was aborted before it was queued', { cause: signal.reason }),
      );
    let sent: unknown = args;
    let remotes = NO_REMOTES;
    if ((flags & (FLAG_MAP | FLAG_STARMAP)) === 0) {
      try {
        const prepared = prepareArgs(args as unknown[], this.kind, 'args', this.#registry);
        sent = prepared.args;
        remotes = prepared.remotes;
        if (prepared.shared) flags |= FLAG_SHARED;
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the thrown error, passed on as is
        return Promise.reject(error);
      }
    }
    if (options !== undefined && (options.timeout !== undefined || signal !== undefined)) {
      if (options.timeout !== undefined && !(options.timeout > 0)) {
        this.#registry.release(remotes);
        return Promise.reject(
          new PoolOptionRangeError(
            'timeout',
            `expected a number of ms > 0, got ${String(options.timeout)}`,
          ),
        );
      }
      flags |= FLAG_WATCHED;
    }
    if (this.#queue.length >= this.#maxQueue) {
      // Whatever happens next (refused, or prepared again once there is room), these ids go.
      this.#registry.release(remotes);
      if (this.#options.onQueueFull !== 'wait') {
        return Promise.reject(
          new QueueFullError(`The queue already holds maxQueue (${String(this.#maxQueue)}) tasks`),
        );
      }
      return this.#waitForRoom(signal).then(() =>
        this.#submit(mod, name, args, flags & ~FLAG_SHARED, options, onTask, accepted),
      );
    }
    const task = new Task(this.#nextTaskId++, mod, name, sent, flags, options, now());
    task.remotes = remotes;
    const promise = new Promise<unknown>((resolve, reject) => {
      task.resolve = resolve;
      task.reject = reject;
    });
    if (signal !== undefined) {
      const listener = (): void => this.#abort(task);
      task.abortListener = listener;
      signal.addEventListener('abort', listener, { once: true });
    }
    this.#queue.push(task);
    onTask?.(task);
    if (this.listenerCount('task:queued') > 0 || channels['task:queued'].hasSubscribers) {
      this.#emit('task:queued', { taskId: task.id, name, time: task.queuedAt });
    }
    if (!this.#dispatchScheduled) {
      this.#dispatchScheduled = true;
      queueMicrotask(() => {
        this.#dispatchScheduled = false;
        this.#dispatch();
      });
    }
    return promise;
  }

  #waitForRoom(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#roomWaiters.remove(wake);
        reject(
          new TaskAbortedError('The task was aborted while waiting for room in the queue', {
            cause: signal?.reason,
          }),
        );
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#roomWaiters.push(wake);
    });
  }

  #wakeRoom(): void {
    while (this.#roomWaiters.length > 0 && this.#queue.length < this.#maxQueue)
      this.#roomWaiters.shift()!();
  }

  // map/starmap items are checked (and shared primitives wrapped) once, up front, so the
  // positions in errors are positions in the whole input.
  #prepareItems(
    iterable: Iterable<unknown>,
    flags: number,
  ): { items: unknown[]; shared: boolean; remotes: readonly number[] } {
    const items = Array.from(iterable);
    if (flags === FLAG_STARMAP) {
      for (let i = 0; i < items.length; i++) {
        if (!Array.isArray(items[i]))
          throw new TypeError(
            `starmap expects argument lists; item ${String(i)} is ${typeof items[i]}`,
          );
      }
    }
    const prepared = prepareArgs(items, this.kind, 'items', this.#registry);
    return {
      items: prepared.args as unknown[],
      shared: prepared.shared,
      remotes: prepared.remotes,
    };
  }

  async #mapAll(
    fn: unknown,
    iterable: Iterable<unknown>,
    flags: number,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    const { items, shared, remotes } = this.#prepareItems(iterable, flags);
    if (shared) flags |= FLAG_SHARED;
    let settled: PromiseSettledResult<unknown>[];
    try {
      if (items.length === 0) return [];
      let chunksize = options?.chunksize;
      if (chunksize === undefined) chunksize = Math.ceil(items.length / (4 * this.maxWorkers));
      else positiveInteger('chunksize', chunksize, 1);
      const chunks: Promise<unknown>[] = [];
      for (let i = 0; i < items.length; i += chunksize) {
        chunks.push(
          this.#submitFn(fn, items.slice(i, i + chunksize), flags, options, (task) => {
            task.offset = i;
          }),
        );
      }
      settled = await Promise.allSettled(chunks);
    } finally {
      this.#registry.release(remotes);
    }
    const out: unknown[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      for (const v of s.value as unknown[]) out.push(v);
    }
    return out;
  }

  async *#imap(
    fn: unknown,
    iterable: Iterable<unknown> | AsyncIterable<unknown>,
    ordered: boolean,
    flags: number,
    options: ImapOptions | undefined,
  ): AsyncGenerator<Outcome<unknown>, void, undefined> {
    const chunksize = options?.chunksize ?? 1;
    positiveInteger('chunksize', chunksize, 1);
    const maxInFlight = options?.maxInFlight ?? 64 * this.maxWorkers;
    positiveInteger('maxInFlight', maxInFlight, 1);
    const iterator: Iterator<unknown> | AsyncIterator<unknown> =
      Symbol.asyncIterator in iterable
        ? iterable[Symbol.asyncIterator]()
        : iterable[Symbol.iterator]();
    interface Pending {
      task: Task | undefined;
      result: { ok: boolean; value: unknown } | undefined;
    }
    const pending = new Deque<Pending>();
    const finished: Pending[] = [];
    let wake: (() => void) | undefined;
    let exhausted = false;
    let pulled = 0;
    // The input's own error: the items before it still run and yield, then it is thrown (CPython).
    let inputFailed = false;
    let inputError: unknown;
    const pull = async (): Promise<void> => {
      const chunk: unknown[] = [];
      while (chunk.length < chunksize) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          inputFailed = true;
          inputError = error;
          exhausted = true;
          break;
        }
        if (next.done === true) {
          exhausted = true;
          break;
        }
        chunk.push(next.value);
      }
      if (chunk.length === 0) return;
      const offset = pulled;
      pulled += chunk.length;
      const prepared = prepareArgs(chunk, this.kind, 'items', this.#registry, offset);
      const release = (): void => this.#registry.release(prepared.remotes);
      const entry: Pending = { task: undefined, result: undefined };
      const settle = (ok: boolean, value: unknown): void => {
        release();
        entry.result = { ok, value };
        if (!ordered) finished.push(entry);
        wake?.();
      };
      // Both outcomes are handled in settle(), so the chain itself needs no keeping.
      void this.#submitFn(
        fn,
        prepared.args,
        flags | (prepared.shared ? FLAG_SHARED : 0),
        options,
        (t) => {
          entry.task = t;
          t.offset = offset;
        },
      ).then(
        (value) => settle(true, value),
        (error: unknown) => settle(false, error),
      );
      pending.push(entry);
    };
    try {
      while (true) {
        while (!exhausted && pending.length < maxInFlight) await pull();
        if (pending.length === 0) {
          if (inputFailed) yield { ok: false, error: inputError };
          return;
        }
        let entry: Pending;
        if (ordered) {
          entry = pending.peek()!;
          while (entry.result === undefined) await new Promise<void>((resolve) => (wake = resolve));
          pending.shift();
        } else {
          while (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          entry = finished.shift()!;
          pending.remove(entry);
        }
        wake = undefined;
        const result = entry.result!;
        // A failed chunk rejects one next() and iteration goes on (resumeAfterErrors).
        if (!result.ok) yield { ok: false, error: result.value };
        else for (const value of result.value as unknown[]) yield { ok: true, value };
      }
    } finally {
      // Early exit or error: cancel what is still queued, let the rest finish unobserved.
      for (let entry = pending.shift(); entry !== undefined; entry = pending.shift()) {
        const task = entry.task;
        if (task !== undefined && task.state === State.Queued) {
          this.#queue.remove(task);
          this.#settleUnstarted(
            task,
            new TaskCancelledError('imap was closed before this chunk ran'),
            State.Cancelled,
          );
        }
      }
      if (!exhausted) await iterator.return?.();
    }
  }

  // ---------------------------------------------------------------- dispatch

  #limit(): number {
    if (this.#prefetch !== 'auto') return this.#prefetch;
    if (this.#ewmaRunMs < 0) return 1;
    // About 2 ms of work queued per worker.
    return Math.max(1, Math.min(64, Math.floor(2 / Math.max(this.#ewmaRunMs, 0.001))));
  }

  #canSpawn(): boolean {
    return (
      this.#slots.length < this.maxWorkers &&
      this.#initRef !== undefined &&
      this.#broken === undefined &&
      !this.#terminated
    );
  }

  #accepting(slot: Slot): boolean {
    return !slot.retiring && !slot.dead && slot.dispatched < this.#maxTasksPerWorker;
  }

  #dispatch(): void {
    // A batch the serializer refused frees its worker: go round again for the tasks still queued.
    while (this.#dispatchOnce());
    this.#wakeRoom();
  }

  // One pass: hand queued tasks to workers and send the batches. Returns whether a batch was
  // refused (its unsendable tasks were rejected, so the worker has room again).
  #dispatchOnce(): boolean {
    if (this.#broken !== undefined || this.#terminated) return false;
    const limit = this.#limit();
    const queue = this.#queue;
    while (queue.length > 0) {
      const task = queue.peek()!;
      let chosen: Slot | undefined;
      let best = Infinity;
      for (const slot of this.#slots) {
        if (!this.#accepting(slot)) continue;
        const load = slot.inflight.length;
        if (load === 0) {
          chosen = slot;
          break;
        }
        if (load < best) {
          best = load;
          chosen = slot;
        }
      }
      if (chosen === undefined || chosen.inflight.length > 0) {
        // Python's rule: start a worker only when none is idle, up to the limit.
        if (this.#canSpawn()) {
          chosen = this.#spawn();
          if (chosen === undefined) return false; // it could not start: the pool is broken
        } else if (chosen === undefined || best >= limit) break;
      }
      queue.shift();
      this.#assign(chosen, task);
    }
    let refused = false;
    for (const slot of this.#slots)
      if (slot.batch !== undefined && !this.#flushBatch(slot)) refused = true;
    return refused && queue.length > 0;
  }

  #assign(slot: Slot, task: Task): void {
    task.state = State.Sent;
    task.worker = slot;
    slot.inflight.push(task);
    slot.dispatched++;
    this.#inflightCount++;
    if (slot.idleTimer !== undefined) {
      slot.idleTimer.clear();
      slot.idleTimer = undefined;
    }
    if (!slot.refd) {
      slot.refd = true;
      slot.channel.ref();
    }
    const batch = (slot.batch ??= []);
    batch.push(task.id, task.mod, task.name, task.args, task.flags);
    const transfer = task.options?.transfer;
    if (transfer !== undefined && transfer.length > 0 && this.kind === 'thread')
      (slot.transfer ??= []).push(...transfer);
    if (slot.inflight.length === 1 && slot.ready) this.#markRunning(task, now());
  }

  // Send the slot's batch; returns false when the serializer refused some of it.
  #flushBatch(slot: Slot): boolean {
    const batch = slot.batch!;
    const transfer = slot.transfer;
    slot.batch = undefined;
    slot.transfer = undefined;
    try {
      slot.channel.send({ t: 'run', b: batch }, transfer);
      return true;
    } catch (error) {
      // The serializer refused something the submit-time check let through: find the task(s),
      // reject them, and send the rest.
      const clone =
        this.kind === 'thread'
          ? (v: unknown): void => void structuredClone(v)
          : (v: unknown): void => void serialize(v);
      const good: unknown[] = [];
      for (let i = 0; i < batch.length; i += 5) {
        const id = batch[i] as number;
        const args = batch[i + 3] as unknown[];
        try {
          clone(args);
          good.push(...batch.slice(i, i + 5));
        } catch {
          const task = this.#findInflight(slot, id);
          if (task === undefined) continue;
          slot.inflight.remove(task);
          this.#inflightCount--;
          this.#settle(
            task,
            false,
            (task.flags & (FLAG_MAP | FLAG_STARMAP)) !== 0
              ? findUnsendable(args, clone, error, 'items', task.offset)
              : findUnsendable(args, clone, error),
            undefined,
            undefined,
          );
        }
      }
      if (good.length > 0) {
        try {
          slot.channel.send({ t: 'run', b: good }, transfer);
        } catch (again) {
          for (let i = 0; i < good.length; i += 5) {
            const task = this.#findInflight(slot, good[i] as number);
            if (task === undefined) continue;
            slot.inflight.remove(task);
            this.#inflightCount--;
            this.#settle(
              task,
              false,
              new ArgumentNotSendableError('args', 'the serializer refused the batch', {
                cause: again,
              }),
              undefined,
              undefined,
            );
          }
        }
      }
      const head = slot.inflight.peek();
      if (head !== undefined && head.state === State.Sent && slot.ready)
        this.#markRunning(head, now());
      if (slot.inflight.length === 0) this.#becameIdle(slot);
      return false;
    }
  }

  #findInflight(slot: Slot, id: number): Task | undefined {
    for (let i = 0; i < slot.inflight.length; i++) {
      const t = slot.inflight.at(i)!;
      if (t.id === id) return t;
    }
    return undefined;
  }

  // Start a worker; undefined when it could not even be created (the pool is then broken).
  #spawn(): Slot | undefined {
    const id = this.#nextWorkerId++;
    let channel: WorkerChannel;
    try {
      channel = startWorker({
        kind: this.kind,
        runtime: RUNTIME,
        execArgv: this.#execArgv,
        execPath: this.#options.execPath,
        env: this.#options.env,
        cwd: this.#options.cwd,
        resourceLimits: this.#options.resourceLimits,
        maxCallFrameBytes: this.#options.maxCallFrameBytes,
        captureStderr: this.#options.stderr === 'capture',
      });
    } catch (error) {
      this.#break(startThrew(id, error, this.#start), true);
      return undefined;
    }
    const slot = new Slot(id, channel, now());
    if (this.#startTimeout !== Infinity) {
      const timeout = this.#startTimeout;
      slot.startTimer = setLongTimeout(() => {
        slot.startTimer = undefined;
        if (slot.ready || slot.dead) return;
        slot.startFailure = startTimedOut(id, timeout, channel.stderr());
        this.#kill(slot, true);
      }, timeout).unref();
    }
    // Queues and pipe ends in initArgs are held for as long as this worker lives.
    const init = prepareArgs(this.#options.initArgs ?? [], this.kind, 'initArgs', this.#registry);
    slot.remotes = init.remotes;
    if (this.kind === 'process') slot.host = new RemoteHost(this.#registry, channel);
    this.#slots.push(slot);
    channel.onMessage((message) => this.#onMessage(slot, message));
    channel.onExit((info) => this.#onExit(slot, info));
    channel.send({
      t: 'init',
      workerId: id,
      kind: this.kind,
      modules: this.#modules,
      initializer: this.#initRef ?? null,
      initArgs: init.args,
      initShared: init.shared,
      strictModules: this.minWorkers > 0,
      ...(this.#tsxApi === undefined ? {} : { tsxApi: this.#tsxApi }),
      ...(channel.startCell === undefined ? {} : { startCell: channel.startCell }),
    });
    this.#emit('worker:spawned', {
      workerId: id,
      kind: this.kind,
      pid: channel.pid,
      threadId: channel.threadId,
      time: slot.spawnedAt,
    });
    return slot;
  }

  #fillMinimum(): void {
    // They stay ref'd until they report ready (someone may be awaiting ready()); then they idle.
    while (this.#slots.length < this.minWorkers && this.#canSpawn() && !this.#closed)
      if (this.#spawn() === undefined) return;
  }

  // ---------------------------------------------------------------- worker messages

  #onMessage(slot: Slot, message: FromWorker): void {
    switch (message.t) {
      case 'calls':
        slot.host?.onCalls(message.b);
        break;
      case 'call-abort':
        slot.host?.onCallAbort(message.c);
        break;
      case 'done':
        this.#onResults(slot, message.r);
        break;
      case 'ready': {
        slot.ready = true;
        slot.startsTracked = message.starts;
        slot.startTimer?.clear();
        slot.startTimer = undefined;
        this.#readyWorkers++;
        if (this.#readyWorkers >= this.minWorkers) {
          for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve();
        }
        const head = slot.inflight.peek();
        if (head === undefined) this.#becameIdle(slot);
        else if (head.state === State.Sent) this.#markRunning(head, now());
        break;
      }
      case 'init-error': {
        const cause = restoreError(message.error);
        const error =
          message.phase === 'module'
            ? moduleLoadError(message.module ?? '?', cause)
            : new WorkerInitError(
                `The initializer failed in worker ${String(slot.id)}; the pool is broken`,
                { cause },
              );
        this.#break(error, true);
        break;
      }
    }
  }

  #onResults(slot: Slot, r: unknown[]): void {
    let lastEnd = 0;
    for (let i = 0; i < r.length; i += RESULT_STRIDE) {
      const id = r[i] as number;
      const status = r[i + 1] as number;
      const start = r[i + 3] as number;
      const end = r[i + 4] as number;
      lastEnd = end;
      let task = slot.inflight.shift();
      if (task !== undefined && task.id !== id) {
        // Out of order can only mean a task was dropped from the list (send failure); resync.
        slot.inflight.unshift(task);
        task = this.#findInflight(slot, id);
        if (task !== undefined) slot.inflight.remove(task);
      }
      if (task === undefined) continue;
      this.#inflightCount--;
      const runMs = end - start;
      slot.busyMs += runMs;
      this.#ewmaRunMs = this.#ewmaRunMs < 0 ? runMs : this.#ewmaRunMs * 0.8 + runMs * 0.2;
      if (task.state === State.Done || task.state === State.Cancelled) continue; // settled early (abort); drop
      if (status === STATUS_SKIPPED) {
        continue;
      }
      if (!task.started) this.#markRunning(task, start);
      const cpu = r[i + 5] as number;
      if (status === STATUS_OK) this.#settle(task, true, r[i + 2], end, cpu);
      else this.#settle(task, false, this.#remoteError(status, r[i + 2]), end, cpu);
    }
    if (this.#terminated) return;
    const head = slot.inflight.peek();
    if (head !== undefined) {
      if (head.state === State.Sent) this.#markRunning(head, Math.max(lastEnd, head.queuedAt));
    } else {
      this.#becameIdle(slot);
    }
    this.#dispatch();
  }

  #remoteError(status: number, value: unknown): unknown {
    if (status === STATUS_ERROR) return restoreError(value);
    if (status === STATUS_MODULE_ERROR) {
      const [mod, cause] = value as [number, unknown];
      return moduleLoadError(this.#modules[mod] ?? '?', restoreError(cause));
    }
    if (status === STATUS_NOT_FOUND) return new TaskNotFoundError(value as string, this.#modules);
    if (status === STATUS_NOT_SENDABLE) {
      const [position, cause] = value as ['result' | 'error', unknown];
      return new ResultNotSendableError(position, { cause: restoreError(cause) });
    }
    return new Error(`Unknown task status ${String(status)}`);
  }

  #markRunning(task: Task, time: number): void {
    task.state = State.Running;
    task.started = true;
    task.startedAt = time;
    const options = task.options;
    const slot = task.worker!;
    if (options !== undefined) {
      if (options.timeout !== undefined) {
        const timeout = options.timeout;
        // Any duration a user gives (above 2^31-1 ms too; Infinity never fires).
        task.timer = setLongTimeout(() => {
          if (task.state !== State.Running) return;
          this.#settle(task, false, new TaskTimeoutError(timeout), now(), undefined);
          this.#kill(slot, false);
        }, timeout);
      }
      if (options.onStart !== undefined) safeCall(options.onStart, startInfo(time, slot, task));
    }
    if (this.listenerCount('task:started') > 0 || channels['task:started'].hasSubscribers) {
      this.#emit('task:started', { ...startInfo(time, slot, task), name: task.name });
    }
  }

  #settle(
    task: Task,
    ok: boolean,
    value: unknown,
    end: number | undefined,
    cpuMs: number | undefined,
  ): void {
    const wasRunning = task.started;
    task.state = State.Done;
    if (task.remotes.length > 0) {
      this.#registry.release(task.remotes);
      task.remotes = NO_REMOTES;
    }
    task.timer?.clear();
    if (task.abortListener !== undefined)
      task.options?.signal?.removeEventListener('abort', task.abortListener);
    // Worker clocks can sit a fraction of a millisecond off the pool's: never settle before the start.
    const time = Math.max(end ?? now(), wasRunning ? task.startedAt : 0);
    const waitMs = wasRunning ? task.startedAt - task.queuedAt : time - task.queuedAt;
    const runMs = wasRunning ? Math.max(0, time - task.startedAt) : 0;
    if (ok) this.#completed++;
    else this.#failed++;
    if (wasRunning) {
      this.#waitSamples.add(waitMs);
      this.#runSamples.add(runMs);
      const onSettle = task.options?.onSettle;
      if (onSettle !== undefined) {
        const info: TaskSettleInfo = {
          time,
          status: ok ? 'fulfilled' : 'rejected',
          runMs,
          waitMs,
          workerId: task.worker!.id,
          taskId: task.id,
          ...(cpuMs === undefined ? {} : { cpuMs }),
        };
        safeCall(onSettle, info);
      }
    }
    if (this.listenerCount('task:settled') > 0 || channels['task:settled'].hasSubscribers) {
      this.#emit('task:settled', {
        taskId: task.id,
        name: task.name,
        time,
        status: ok ? 'fulfilled' : 'rejected',
        workerId: task.worker?.id,
        waitMs,
        runMs,
        cpuMs,
      });
    }
    if (ok) task.resolve(value);
    else task.reject(value);
    if (this.#closed) queueMicrotask(() => this.#maybeFinish());
  }

  #settleUnstarted(task: Task, error: Error, state: State): void {
    this.#settle(task, false, error, undefined, undefined);
    task.state = state;
  }

  #abort(task: Task): void {
    const reason: unknown = task.options?.signal?.reason;
    const error = new TaskAbortedError('The task was aborted', { cause: reason });
    switch (task.state) {
      case State.Queued:
        this.#queue.remove(task);
        this.#wakeRoom();
        this.#settleUnstarted(task, error, State.Done);
        break;
      case State.Sent:
        this.#settleUnstarted(task, error, State.Done);
        task.worker!.channel.send({ t: 'cancel', id: task.id });
        break;
      case State.Running: {
        const slot = task.worker!;
        this.#settle(task, false, error, now(), undefined);
        // A process worker blocked in a queue or pipe call is waiting on us: end that wait first.
        slot.host?.abortTask(task.id);
        slot.channel.send({ t: 'abort', id: task.id });
        setLongTimeout(() => {
          // Still not reported back after the grace period: replace the worker.
          if (!slot.dead && slot.inflight.peek() === task) this.#kill(slot, false);
        }, this.#grace).unref();
        break;
      }
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- worker lifecycle

  #becameIdle(slot: Slot): void {
    if (slot.dead || slot.retiring) return;
    if (slot.dispatched >= this.#maxTasksPerWorker || (this.#closed && this.#queue.length === 0)) {
      this.#retire(slot);
      return;
    }
    if (slot.refd) {
      slot.refd = false;
      slot.channel.unref();
    }
    if (this.#slots.length > this.minWorkers && slot.idleTimer === undefined) {
      slot.idleTimer = setLongTimeout(() => {
        slot.idleTimer = undefined;
        if (slot.inflight.length === 0 && this.#slots.length > this.minWorkers) this.#retire(slot);
      }, this.#idleTimeout).unref();
    }
  }

  // A worker on its way out is ref'd again: whoever awaits join()/terminate() must see its exit.
  #refForExit(slot: Slot): void {
    if (!slot.refd) {
      slot.refd = true;
      slot.channel.ref();
    }
  }

  #retire(slot: Slot): void {
    if (slot.retiring || slot.dead) return;
    this.#refForExit(slot);
    slot.retiring = true;
    slot.expectedExit = true;
    slot.idleTimer?.clear();
    try {
      slot.channel.send({ t: 'exit' });
    } catch {
      slot.channel.kill();
    }
    // A worker stuck in a callback should not hold the pool open.
    const timer = setTimeout(() => {
      if (!slot.dead) slot.channel.kill();
    }, 5_000);
    timer.unref();
  }

  #kill(slot: Slot, expected: boolean): void {
    if (slot.dead) return;
    this.#refForExit(slot);
    slot.retiring = true;
    slot.killed = true;
    slot.expectedExit = expected;
    slot.channel.kill();
  }

  #onExit(slot: Slot, info: ExitInfo): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.startTimer?.clear();
    slot.host?.close();
    this.#registry.release(slot.remotes);
    slot.idleTimer?.clear();
    const index = this.#slots.indexOf(slot);
    if (index !== -1) this.#slots.splice(index, 1);
    if (slot.ready) this.#readyWorkers--;
    const t = now();
    this.#deadBusyMs += slot.busyMs;
    this.#deadAliveMs += t - slot.spawnedAt;
    if (this.kind === 'thread' && slot.channel.threadId !== undefined)
      markOwnerDead(slot.channel.threadId);
    // At most once: the worker recorded each task's id as it started it, so the tasks it held
    // split exactly into those that ran (the one running, and any whose result was lost) and
    // those that never started.
    const unsettled = (task: Task): boolean =>
      task.state === State.Sent || task.state === State.Running;
    // A worker that cannot record starts proves nothing: every task it held may have run.
    const held = slot.inflight.drain();
    const split = slot.startsTracked
      ? splitAtStarted(held, slot.channel.lastStarted())
      : { ran: slot.ready ? held : [], notStarted: slot.ready ? [] : held };
    const ran = split.ran.filter(unsettled);
    const notStarted = split.notStarted.filter(unsettled);
    this.#recount();
    const crashed = !slot.expectedExit && !slot.killed;
    // A worker that died before it was ready never ran a task: its start failed, and a new one
    // would fail the same way, so the pool breaks (Python's BrokenProcessPool) instead of looping.
    const startFailure =
      slot.startFailure ??
      (crashed && !slot.ready ? exitedBeforeReady(slot.id, info, this.#start) : undefined);
    this.#emit('worker:exited', {
      workerId: slot.id,
      pid: slot.channel.pid,
      threadId: slot.channel.threadId,
      code: info.code,
      signal: info.signal,
      expected: !crashed,
      time: t,
    });
    if (startFailure !== undefined) {
      for (let i = notStarted.length - 1; i >= 0; i--) this.#requeue(notStarted[i]!);
      this.#break(startFailure, true);
      this.#maybeFinish();
      return;
    }
    for (let i = notStarted.length - 1; i >= 0; i--) this.#requeue(notStarted[i]!);
    if (ran.length > 0) {
      const exitError = new WorkerExitedError(
        {
          workerId: slot.id,
          pid: slot.channel.pid,
          threadId: slot.channel.threadId,
          exitCode: info.signal === null ? info.code : null,
          signal: info.signal,
          stderr: info.stderr,
        },
        info.error === undefined ? undefined : { cause: info.error },
      );
      for (const task of ran) this.#settle(task, false, exitError, t, undefined);
      if (crashed && this.#options.onWorkerExit === 'break') {
        this.#break(exitError, false);
        return;
      }
    }
    if (this.#slots.length === 0 && this.#queue.length === 0) this.#maybeFinish();
    if (!this.#terminated && this.#broken === undefined) {
      this.#fillMinimum();
      this.#dispatch();
    }
    this.#maybeFinish();
  }

  #recount(): void {
    let n = 0;
    for (const slot of this.#slots) n += slot.inflight.length;
    this.#inflightCount = n;
  }

  #requeue(task: Task): void {
    task.timer?.clear();
    task.timer = undefined;
    task.state = State.Queued;
    task.worker = undefined;
    this.#queue.unshift(task);
  }

  #failAll(make: () => Error): void {
    for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift())
      this.#settle(task, false, make(), undefined, undefined);
    for (const slot of this.#slots) {
      for (let i = 0; i < slot.inflight.length; i++) {
        const task = slot.inflight.at(i)!;
        if (task.state === State.Sent || task.state === State.Running)
          this.#settle(task, false, make(), undefined, undefined);
      }
    }
    while (this.#roomWaiters.length > 0) this.#roomWaiters.shift()!();
  }

  #break(error: Error, passThrough: boolean): void {
    if (this.#broken !== undefined || this.#terminated) return;
    this.#broken = error;
    this.#closed = true;
    this.#failAll(() =>
      passThrough
        ? error
        : new PoolBrokenError('The pool broke before the task ran: a worker died', {
            cause: error,
          }),
    );
    for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(error);
    for (const slot of [...this.#slots]) this.#kill(slot, true);
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (!this.#closed) return;
    if (this.#queue.length === 0) {
      for (const slot of [...this.#slots]) if (slot.inflight.length === 0) this.#retire(slot);
    }
    if (this.#slots.length === 0 && this.#queue.length === 0 && this.#loading === 0) {
      for (const resolve of this.#joinWaiters.splice(0)) resolve();
    }
  }

  #emit<E extends keyof PoolEvents>(event: E, payload: PoolEvents[E][0]): void {
    const ch = channels[event];
    if (ch.hasSubscribers) ch.publish(payload);
    if (this.listenerCount(event) > 0)
      (this.emit as (e: string, p: unknown) => boolean)(event, payload);
  }
}

function startInfo(time: number, slot: Slot, task: Task): TaskStartInfo {
  const pid = slot.channel.pid;
  const threadId = slot.channel.threadId;
  return {
    time,
    workerId: slot.id,
    taskId: task.id,
    ...(pid === undefined ? {} : { pid }),
    ...(threadId === undefined ? {} : { threadId }),
  };
}

function attachCallbacks<R>(promise: Promise<R>, options: ApplyAsyncOptions<R> | undefined): void {
  const callback = options?.callback;
  const errorCallback = options?.errorCallback;
  promise.then(
    (value) => {
      if (callback === undefined) return;
      try {
        callback(value);
      } catch (error) {
        process.emitWarning(`applyAsync callback threw: ${String(error)}`);
      }
    },
    (error: unknown) => {
      if (errorCallback === undefined) return;
      try {
        errorCallback(error);
      } catch (e) {
        process.emitWarning(`applyAsync errorCallback threw: ${String(e)}`);
      }
    },
  );
}
