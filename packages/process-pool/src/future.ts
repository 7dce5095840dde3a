// Futures in the style of Python's concurrent.futures: a Future is a Promise that can also be
// cancelled while still queued and asked whether it is running or done; asCompleted and wait work
// on any collection of them.
import { setLongTimeout, type LongTimeout } from '@weft/sync-primitives';
import { WaitTimeoutError } from './errors.js';
import { afterSettledCallbacks, watchFutures } from './internal/settle-watch.js';

/** The pool's side of a Future (internal). */
export interface FutureControl {
  cancel(): boolean;
  state(): 'queued' | 'sent' | 'running' | 'done' | 'cancelled';
}

let bind: (future: Future<unknown>, control: FutureControl) => void;

/**
 * The result of {@link Pool.submit}: a Promise of the task's result, plus Python's `Future` methods.
 * `then`/`catch`/`finally` return plain Promises.
 *
 * @example
 * ```ts
 * const future = pool.submit(fib, 30);
 * if (!future.running()) future.cancel();
 * console.log(future.cancelled() ? 'cancelled' : await future);
 * ```
 */
export class Future<T> extends Promise<T> {
  #control: FutureControl | undefined;

  static {
    bind = (future, control) => {
      future.#control = control;
    };
  }

  /** Derived promises are plain Promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /**
   * Cancel the task if it is still waiting in the pool's queue; the Future then rejects with
   * {@link TaskCancelledError}.
   *
   * @returns `true` if it was cancelled (or already was), `false` if a worker already has it.
   */
  cancel(): boolean {
    return this.#control?.cancel() ?? false;
  }

  /**
   * Whether the task was cancelled.
   *
   * @returns `true` after a successful {@link Future.cancel}.
   */
  cancelled(): boolean {
    return this.#control?.state() === 'cancelled';
  }

  /**
   * Whether a worker is running the task now.
   *
   * @returns `true` while it runs.
   */
  running(): boolean {
    return this.#control?.state() === 'running';
  }

  /**
   * Whether the task has settled or was cancelled.
   *
   * @returns `true` once the Future's outcome is known.
   */
  done(): boolean {
    const state = this.#control?.state();
    return state === 'done' || state === 'cancelled';
  }

  /**
   * The result, waiting at most `timeout` ms (Python's `Future.result(timeout)`).
   *
   * @param timeout - ms to wait; `undefined` waits as long as it takes.
   * @returns the task's result.
   * @throws {@link WaitTimeoutError} if not done in time (the task goes on).
   */
  result(timeout?: number): Promise<T> {
    return withTimeout(this, timeout);
  }

  /**
   * The task's error, or `undefined` if it succeeded, waiting at most `timeout` ms (Python's
   * `Future.exception(timeout)`).
   *
   * @param timeout - ms to wait; `undefined` waits as long as it takes.
   * @returns the error the task rejected with, or `undefined`.
   * @throws {@link WaitTimeoutError} if not done in time (the task goes on);
   *   {@link TaskCancelledError} if the future was cancelled (Python raises `CancelledError`).
   * @example
   * ```ts
   * const error = await pool.submit(parse, text).exception(1_000);
   * if (error !== undefined) console.error(error);
   * ```
   */
  exception(timeout?: number): Promise<unknown> {
    const outcome = this.then(
      (): unknown => undefined,
      (error: unknown): unknown => {
        if (this.cancelled()) throw error;
        return error;
      },
    );
    return withTimeout(outcome, timeout);
  }
}

/** Attach the pool's control to a Future (internal). */
export function bindFuture(future: Future<unknown>, control: FutureControl): void {
  bind(future, control);
}

/** Race `promise` against a timer that rejects with WaitTimeoutError (internal). */
export function withTimeout<T>(promise: PromiseLike<T>, timeout: number | undefined): Promise<T> {
  if (timeout === undefined || timeout === Infinity) return Promise.resolve(promise);
  return new Promise<T>((resolve, reject) => {
    const timer = setLongTimeout(
      () => reject(new WaitTimeoutError(`The result was not ready within ${String(timeout)} ms`)),
      timeout,
    );
    promise.then(
      (value) => {
        timer.clear();
        resolve(value);
      },
      (error: unknown) => {
        timer.clear();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the task's error, passed on as is
        reject(error);
      },
    );
  });
}

/**
 * One step of {@link asCompleted}: a settled future and its position in the input.
 *
 * @example
 * ```ts
 * for await (const { future, index }: Completed<Future<number>> of asCompleted(futures)) console.log(index, await future);
 * ```
 */
export interface Completed<F> {
  /** The settled future (await it for its value or error). */
  readonly future: F;
  /** Its position in the input. */
  readonly index: number;
}

/**
 * Yield the futures (or any promises) in the order they settle, like Python's `as_completed`.
 * Each step gives the settled future itself (wrapped, because `for await` would otherwise await it
 * and end the loop at the first failure); await it for its value. A future given more than once is
 * yielded once (at its first position). Futures already settled when it is called come first, even
 * with `timeout: 0`.
 *
 * @param futures - the futures to watch.
 * @param options - `timeout`: ms from the call after which a pull that finds nothing settled throws
 *   (any duration; `Infinity` or none waits as long as it takes).
 * @returns an async iterator of `{ future, index }` in completion order.
 * @throws {@link WaitTimeoutError} when `timeout` passes before all have settled; its message
 *   counts the futures still unfinished.
 * @example
 * ```ts
 * const futures = [1, 2, 3].map((n) => pool.submit(fib, n));
 * for await (const { future } of asCompleted(futures)) console.log(await future);
 * ```
 */
export function asCompleted<F extends PromiseLike<unknown>>(
  futures: Iterable<F>,
  options: { readonly timeout?: number } = {},
): AsyncIterableIterator<Completed<F>> {
  const timeout = options.timeout;
  const start = Date.now();
  const ready: Completed<F>[] = [];
  let wake: (() => void) | undefined;
  const { futures: all } = watchFutures(futures, ({ future, index }) => {
    ready.push({ future, index });
    wake?.();
  });
  let yielded = 0;
  // The futures settled before the call report within the first macrotask: wait for that once, so
  // they are yielded before any timeout.
  let caughtUp = false;
  const iterator: AsyncIterableIterator<Completed<F>> = {
    async next(): Promise<IteratorResult<Completed<F>>> {
      if (!caughtUp) {
        await afterSettledCallbacks();
        caughtUp = true;
      }
      while (yielded < all.length) {
        if (ready.length > 0) {
          yielded++;
          return { done: false, value: ready.shift()! };
        }
        const left = timeout === undefined ? Infinity : start + timeout - Date.now();
        if (left <= 0) {
          const unfinished = all.length - yielded;
          yielded = all.length;
          throw new WaitTimeoutError(
            `${String(unfinished)} (of ${String(all.length)}) futures were not done within ${String(timeout)} ms`,
          );
        }
        let timer: LongTimeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (left !== Infinity) timer = setLongTimeout(resolve, left);
        });
        timer?.clear();
        wake = undefined;
      }
      return { done: true, value: undefined };
    },
    return(): Promise<IteratorResult<Completed<F>>> {
      yielded = all.length;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator](): AsyncIterableIterator<Completed<F>> {
      return iterator;
    },
  };
  return iterator;
}

/** When {@link wait} returns, as Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`. */
export type ReturnWhen = 'firstCompleted' | 'firstException' | 'allCompleted';

/** The outcome of {@link wait}: the futures that settled and those that did not (yet). */
export interface WaitResult<F> {
  readonly done: Set<F>;
  readonly notDone: Set<F>;
}

/**
 * Wait until some or all futures settle, like Python's `concurrent.futures.wait`; never rejects.
 * A future given twice counts once. `done` holds every future settled by the time it returns (so
 * with `'firstCompleted'`, all those already settled at the call); `'firstException'` returns at
 * the first future that failed, not one that was cancelled.
 *
 * @param futures - the futures to watch.
 * @param options - `returnWhen` (default `'allCompleted'`) and `timeout` in ms (default none; any
 *   duration).
 * @returns the settled and unsettled futures.
 * @example
 * ```ts
 * const { done, notDone } = await wait(futures, { returnWhen: 'firstCompleted', timeout: 1_000 });
 * ```
 */
export function wait<F extends PromiseLike<unknown>>(
  futures: Iterable<F>,
  options: { readonly returnWhen?: ReturnWhen; readonly timeout?: number } = {},
): Promise<WaitResult<F>> {
  const returnWhen = options.returnWhen ?? 'allCompleted';
  return new Promise((resolve) => {
    const done = new Set<F>();
    let timer: LongTimeout | undefined;
    let finished = false;
    let met = false;
    let caughtUp = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      timer?.clear();
      resolve({ done: new Set(done), notDone: new Set(all.filter((f) => !done.has(f))) });
    };
    const { futures: all } = watchFutures(futures, ({ future, outcome }) => {
      done.add(future);
      if (
        returnWhen === 'firstCompleted' ||
        (returnWhen === 'firstException' && outcome === 'rejected') ||
        done.size === all.length
      )
        met = true;
      // Once the futures settled before the call have reported, return as soon as the
      // condition holds; before that, the first check below decides.
      if (met && caughtUp) finish();
    });
    void afterSettledCallbacks().then(() => {
      caughtUp = true;
      if (met || all.length === 0) finish();
      else if (options.timeout !== undefined)
        timer = setLongTimeout(finish, Math.max(0, options.timeout));
    });
  });
}
