// InlineExecutor: runs tasks on this thread's event loop, where overlapping waits is what makes
// I/O-bound work fast, with an optional concurrency limit and per-task CPU measurement.
import { InvalidOptionError, SchedulerError, TaskCancelledError } from './errors.js';
import type { ExecutionSettle, Executor, ExecutorCallOptions } from './executor.js';
import { now } from './internal/clock.js';
import { signalStorage } from './internal/task-context.js';
import { threadId } from 'node:worker_threads';

/**
 * Options of {@link InlineExecutor}.
 *
 * @example
 * ```ts
 * const io = new InlineExecutor({ concurrency: 32 });
 * ```
 */
export interface InlineExecutorOptions {
  /**
   * How many tasks may run at once; further calls wait in FIFO order.
   * @defaultValue `Infinity`
   */
  readonly concurrency?: number;
}

interface Waiting {
  readonly run: () => void;
  readonly signal: AbortSignal | undefined;
  readonly reject: (reason: unknown) => void;
}

/**
 * An {@link Executor} that runs functions on the calling thread's event loop.
 *
 * It calls `onStart` before the function and `onSettle` when it settles. `cpuMs` is the CPU
 * time of the function's synchronous part (a `process.cpuUsage()` delta, capped by that part's
 * wall time so other threads' CPU is not counted): the part that blocks the event loop, which is
 * what decides whether work belongs on a pool. CPU spent after the function's first `await` is not
 * attributed. When the signal aborts, the returned promise rejects at once with
 * {@link TaskCancelledError} carrying `signal.reason` as `cause` (a reason that is already a
 * `SchedulerError`, such as the scheduler's own `TaskTimeoutError`, is passed through as it is); the
 * function itself keeps running unless it watches {@link taskSignal}.
 *
 * @example
 * ```ts
 * const io = new InlineExecutor({ concurrency: 8 });
 * const text = await io.apply(async (url: string) => (await fetch(url)).text(), ['https://example.com']);
 * ```
 */
export class InlineExecutor implements Executor {
  /** The concurrency limit given at construction. */
  readonly concurrency: number;
  #running = 0;
  /** Total ms of synchronous task code this executor has run: how long it blocked its thread. */
  #blockedTotal = 0;
  #waiting: Waiting[] = [];
  #waitingHead = 0;

  /**
   * @param options - See {@link InlineExecutorOptions}.
   * @throws {@link InvalidOptionError} if `concurrency` is not a positive integer or `Infinity`.
   *
   * @example
   * ```ts
   * const io = new InlineExecutor({ concurrency: 16 }); // at most 16 calls in flight, the rest FIFO
   * ```
   */
  constructor(options: InlineExecutorOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('options', options, 'an object { concurrency? }');
    const concurrency = options.concurrency ?? Infinity;
    if (!(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency > 0))) {
      throw new InvalidOptionError('concurrency', concurrency, 'a positive integer or Infinity');
    }
    this.concurrency = concurrency;
  }

  /**
   * Runs `fn(...args)` on this event loop.
   *
   * @param fn - The function to run.
   * @param args - Its arguments.
   * @param options - Signal and start/settle callbacks.
   * @returns The function's awaited result; rejects with what it threw, or with
   * {@link TaskCancelledError} (`cause`: `signal.reason`) when the signal aborts first.
   *
   * @example
   * ```ts
   * const io = new InlineExecutor();
   * const size = await io.apply(async (path: string) => (await stat(path)).size, ['package.json'], {
   *   signal: AbortSignal.timeout(1000),
   *   onSettle: (info) => console.log(`${info.runMs} ms, ${info.cpuMs} ms CPU`),
   * });
   * ```
   */
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: ExecutorCallOptions,
  ): Promise<Awaited<R>> {
    if (this.#running >= this.concurrency) return this.#enqueue(fn, args, options);
    if (options === undefined) {
      // The scheduler's hot path: nothing to measure or watch.
      this.#running++;
      let result: Promise<Awaited<R>>;
      try {
        result = Promise.resolve(fn(...args) as Awaited<R>);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrow what the task threw, as is
        result = Promise.reject(error);
      }
      if (this.concurrency === Infinity) {
        this.#running--;
        return result;
      }
      return result.finally(() => this.#release());
    }
    return this.#run(fn, args, options);
  }

  #enqueue<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: ExecutorCallOptions | undefined,
  ): Promise<Awaited<R>> {
    return new Promise<Awaited<R>>((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted) {
        reject(abortError(fn, signal));
        return;
      }
      const item: Waiting = {
        run: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#run(fn, args, options ?? {}).then(resolve, reject);
        },
        signal,
        reject,
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(item, this.#waitingHead);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(abortError(fn, signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(item);
    });
  }

  #release(): void {
    this.#running--;
    if (this.#waitingHead < this.#waiting.length && this.#running < this.concurrency) {
      const next = this.#waiting[this.#waitingHead++]!;
      if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#waitingHead);
        this.#waitingHead = 0;
      }
      next.run();
    }
  }

  #run<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options: ExecutorCallOptions,
  ): Promise<Awaited<R>> {
    const { signal, onStart, onSettle } = options;
    if (signal?.aborted) return Promise.reject(abortError(fn, signal));
    this.#running++;
    const start = now();
    if (onStart !== undefined) safely(onStart, { time: start, pid: process.pid, threadId });
    const cpuBefore = onSettle === undefined ? undefined : process.cpuUsage();
    const blockedBefore = this.#blockedTotal;
    let syncMs = 0;
    let syncCpuMs = 0;
    let result: Promise<Awaited<R>>;
    try {
      const value = signal === undefined ? fn(...args) : signalStorage.run(signal, fn, ...args);
      result = Promise.resolve(value as Awaited<R>);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrow what the task threw, as is
      result = Promise.reject(error);
    }
    if (cpuBefore !== undefined) {
      syncMs = now() - start;
      this.#blockedTotal += syncMs;
      const used = process.cpuUsage(cpuBefore);
      syncCpuMs = Math.min((used.user + used.system) / 1000, syncMs);
    }
    const settle = (status: ExecutionSettle['status']): void => {
      if (onSettle === undefined) return;
      const time = now();
      const runMs = time - start;
      // Other tasks' synchronous code that ran on this thread while this one was in flight.
      const blockedMs = Math.min(Math.max(0, this.#blockedTotal - blockedBefore - syncMs), runMs);
      safely(onSettle, { time, status, runMs, cpuMs: syncCpuMs, blockedMs });
    };
    return new Promise<Awaited<R>>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => {
        if (done) return;
        done = true;
        reject(abortError(fn, signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      result.then(
        (value) => {
          this.#release();
          signal?.removeEventListener('abort', onAbort);
          settle('fulfilled');
          if (done) return;
          done = true;
          resolve(value);
        },
        (error: unknown) => {
          this.#release();
          signal?.removeEventListener('abort', onAbort);
          settle('rejected');
          if (done) return;
          done = true;
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrow what the task threw, as is
          reject(error);
        },
      );
    });
  }
}

/** The error an aborted call rejects with: the package's abort error, the reason as its cause. */
function abortError(fn: (...args: never) => unknown, signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof SchedulerError) return reason;
  return new TaskCancelledError(fn.name || 'anonymous', { cause: reason });
}

function safely<T>(callback: (info: T) => void, info: T): void {
  try {
    callback(info);
  } catch {
    // Callbacks must never break the executor (contract §2).
  }
}
