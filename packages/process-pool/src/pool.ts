// Pool: a pool of worker threads or child processes behind Python's Pool and concurrent.futures
// APIs. This file is the public façade only; how the pool works is under internal/ (README, "How
// the pool works"): pool-core.ts (the one run path and the lifecycles), task-record.ts and
// worker-handle.ts (the two state tables), dispatcher.ts (queue, prefetch, batching),
// task-lifecycle.ts, crash-recovery.ts, and the API layers python-api.ts and futures-api.ts.
import { EventEmitter } from 'node:events';
import { AsyncResult } from './async-result.js';
import { TaskCancelledError } from './errors.js';
import type { Future } from './future.js';
import { submitFuture } from './internal/futures-api.js';
import { resumeAfterErrors } from './internal/imap-iterator.js';
import { resolvePoolConfig } from './internal/pool-config.js';
import { PoolCore } from './internal/pool-core.js';
import { FLAG_MAP, FLAG_STARMAP } from './internal/protocol.js';
import { attachCallbacks, imapOutcomes, mapAll } from './internal/python-api.js';
import type {
  ApplyAsyncOptions,
  ImapOptions,
  MapOptions,
  PoolOptions,
  TaskOptions,
  WorkerKind,
} from './pool-options.js';
import type {
  AnyTaskModule,
  PoolEvents,
  PoolStats,
  TaskArgs,
  TaskName,
  TaskResult,
} from './pool-types.js';

export type {
  AnyTaskModule,
  PoolEvents,
  PoolStats,
  TaskArgs,
  TaskName,
  TaskQueuedEvent,
  TaskResult,
  TaskSettledEvent,
  TaskStartedEvent,
  WorkerExitedEvent,
  WorkerSpawnedEvent,
} from './pool-types.js';

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

  readonly #core: PoolCore;

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
    const config = resolvePoolConfig(options);
    this.kind = config.kind;
    this.maxWorkers = config.maxWorkers;
    this.minWorkers = config.minWorkers;
    this.#core = new PoolCore(config, this);
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
    return this.#core.runFn(fn, args, 0, options) as Promise<Awaited<R>>;
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
    return this.#core.run(-1, name, args, 0, undefined) as Promise<TaskResult<M, K>>;
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
    return this.#core.run(-1, name, args, 0, options) as Promise<TaskResult<M, K>>;
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
    return mapAll(this.#core, fn, iterable, FLAG_MAP, options) as Promise<Awaited<R>[]>;
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
    return mapAll(this.#core, fn, iterable, FLAG_STARMAP, options) as Promise<Awaited<R>[]>;
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
    return resumeAfterErrors(
      imapOutcomes(this.#core, fn, iterable, true, FLAG_MAP, options),
    ) as AsyncGenerator<Awaited<R>, void, undefined>;
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
    return resumeAfterErrors(
      imapOutcomes(this.#core, fn, iterable, false, FLAG_MAP, options),
    ) as AsyncGenerator<Awaited<R>, void, undefined>;
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
    return submitFuture(this.#core, fn, args, options);
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
    return this.#core.ready();
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
    this.#core.close();
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
    if (options.cancelFutures === true)
      this.#core.cancelQueued(
        () => new TaskCancelledError('The task was cancelled by shutdown({ cancelFutures: true })'),
      );
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
    return this.#core.join();
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
    this.#core.terminate();
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
    return this.#core.stats();
  }
}
