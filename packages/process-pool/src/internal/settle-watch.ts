// Watching a collection of futures (or any promises) for asCompleted() and wait(): each distinct
// future once (a future given twice is one future, as Python's as_completed and wait take a set),
// with its first position in the input, and how it ended. Cancellation is told apart from failure,
// because concurrent.futures does not count a cancelled future as an exception.
import { TaskCancelledError } from '../errors.js';

/** How a watched future ended. */
export type Outcome = 'fulfilled' | 'rejected' | 'cancelled';

/** One settled future of a watch. */
export interface SettledFuture<F> {
  readonly future: F;
  /** Its first position in the input. */
  readonly index: number;
  readonly outcome: Outcome;
}

/** The distinct futures of the input, in first-seen order, with their first positions. */
export interface Watch<F> {
  readonly futures: readonly F[];
  readonly indexes: readonly number[];
}

/**
 * Watch every distinct future of `input`; `onSettle` runs once per future, in settle order.
 *
 * @returns the distinct futures in first-seen order.
 */
export function watchFutures<F extends PromiseLike<unknown>>(
  input: Iterable<F>,
  onSettle: (settled: SettledFuture<F>) => void,
): Watch<F> {
  const seen = new Set<F>();
  const futures: F[] = [];
  const indexes: number[] = [];
  let index = 0;
  for (const future of input) {
    if (!seen.has(future)) {
      seen.add(future);
      futures.push(future);
      indexes.push(index);
      const at = index;
      future.then(
        () => onSettle({ future, index: at, outcome: 'fulfilled' }),
        (error: unknown) => onSettle({ future, index: at, outcome: isCancellation(future, error) }),
      );
    }
    index++;
  }
  return { futures, indexes };
}

function isCancellation(future: unknown, error: unknown): Outcome {
  const cancelled = (future as { cancelled?: unknown }).cancelled;
  if (typeof cancelled === 'function')
    return cancelled.call(future) === true ? 'cancelled' : 'rejected';
  return error instanceof TaskCancelledError ? 'cancelled' : 'rejected';
}

/**
 * Resolve after every promise that had already settled when this was called has run its
 * callbacks: their reactions are queued as microtasks, and a macrotask comes after all of them.
 */
export function afterSettledCallbacks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
