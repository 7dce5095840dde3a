// Futures in the style of Python's concurrent.futures: a Future is a Promise that can also be
// cancelled while still queued and asked whether it is running or done; asCompleted and wait work
// on any collection of them.
import { WaitTimeoutError } from './errors.js';

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
}

/** Attach the pool's control to a Future (internal). */
export function bindFuture(future: Future<unknown>, control: FutureControl): void {
  bind(future, control);
}

/** Race `promise` against a timer that rejects with WaitTimeoutError (internal). */
export function withTimeout<T>(promise: PromiseLike<T>, timeout: number | undefined): Promise<T> {
  if (timeout === undefined || timeout === Infinity) return Promise.resolve(promise);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new WaitTimeoutError(`The result was not ready within ${String(timeout)} ms`)),
      timeout,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the task's error, passed on as is
        reject(error);
      },
    );
  });
}

interface Settled<F> {
  readonly item: F;
  readonly index: number;
  readonly ok: boolean;
}

function track<F extends PromiseLike<unknown>>(
  items: Iterable<F>,
  onSettle: (settled: Settled<F>) => void,
): F[] {
  const all = [...items];
  all.forEach((item, index) => {
    item.then(
      () => onSettle({ item, index, ok: true }),
      () => onSettle({ item, index, ok: false }),
    );
  });
  return all;
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
 * and end the loop at the first failure); await it for its value.
 *
 * @param futures - the futures to watch.
 * @param options - `timeout`: ms from the call after which a pull that finds nothing settled throws.
 * @returns an async iterator of `{ future, index }` in completion order.
 * @throws {@link WaitTimeoutError} when `timeout` passes before all have settled.
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
  const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout;
  const ready: Completed<F>[] = [];
  let wake: (() => void) | undefined;
  const all = track(futures, ({ item, index }) => {
    ready.push({ future: item, index });
    wake?.();
  });
  let yielded = 0;
  const iterator: AsyncIterableIterator<Completed<F>> = {
    async next(): Promise<IteratorResult<Completed<F>>> {
      while (yielded < all.length) {
        if (ready.length > 0) {
          yielded++;
          return { done: false, value: ready.shift()! };
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          yielded = all.length;
          throw new WaitTimeoutError(
            `${String(all.length - ready.length)} futures were not done within ${String(options.timeout)} ms`,
          );
        }
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (left !== Infinity) timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
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
 *
 * @param futures - the futures to watch.
 * @param options - `returnWhen` (default `'allCompleted'`) and `timeout` in ms (default none).
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
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let all: F[] = [];
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ done: new Set(done), notDone: new Set(all.filter((f) => !done.has(f))) });
    };
    let tracking = true;
    all = track(futures, ({ item, ok }) => {
      done.add(item);
      if (
        returnWhen === 'firstCompleted' ||
        (returnWhen === 'firstException' && !ok) ||
        done.size === all.length
      ) {
        if (tracking) queueMicrotask(finish);
        else finish();
      }
    });
    tracking = false;
    if (all.length === 0) finish();
    else if (options.timeout !== undefined) timer = setTimeout(finish, options.timeout);
  });
}
