// AsyncResult: what Python's Pool.apply_async / map_async return, over a Promise.
import { ResultNotReadyError } from './errors.js';
import { withTimeout } from './future.js';

/**
 * The handle returned by {@link Pool.applyAsync} and {@link Pool.mapAsync}, as Python's `AsyncResult`.
 *
 * @example
 * ```ts
 * const result = pool.applyAsync(fib, [30]);
 * if (await result.wait(1_000)) console.log(result.successful(), await result.get());
 * ```
 */
export class AsyncResult<T> {
  readonly #promise: Promise<T>;
  #state: 'pending' | 'fulfilled' | 'rejected' = 'pending';

  /**
   * @param promise - the task's promise.
   */
  constructor(promise: Promise<T>) {
    this.#promise = promise;
    promise.then(
      () => {
        this.#state = 'fulfilled';
      },
      () => {
        this.#state = 'rejected';
      },
    );
  }

  /**
   * The result, or the task's error.
   *
   * @param timeout - ms to wait at most; default: as long as it takes.
   * @returns the task's result.
   * @throws {@link WaitTimeoutError} if it is not ready in time (the task goes on), or the task's error.
   */
  get(timeout?: number): Promise<T> {
    return withTimeout(this.#promise, timeout);
  }

  /**
   * Wait for the result without taking it.
   *
   * @param timeout - ms to wait at most; default: as long as it takes.
   * @returns whether it is ready.
   */
  async wait(timeout?: number): Promise<boolean> {
    try {
      await withTimeout(this.#promise, timeout);
    } catch {
      // a failed task is ready too
    }
    return this.ready();
  }

  /**
   * Whether the task has settled.
   *
   * @returns `true` once settled.
   */
  ready(): boolean {
    return this.#state !== 'pending';
  }

  /**
   * Whether the task succeeded.
   *
   * @returns `true` if it fulfilled.
   * @throws {@link ResultNotReadyError} if it has not settled yet (Python raises `ValueError`).
   */
  successful(): boolean {
    if (this.#state === 'pending')
      throw new ResultNotReadyError(
        'The result is not ready yet; check ready() or await wait() first',
      );
    return this.#state === 'fulfilled';
  }
}
