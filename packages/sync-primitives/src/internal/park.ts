// Parking a thread on a shared word, blocking (Atomics.wait) or not (Atomics.waitAsync), and the
// drivers that run one slow-path algorithm, written once as a generator, in either mode.
import { WaitAbortedError } from '../errors.js';
import { holdLoop, releaseLoop } from './keep-alive.js';

export type ParkResult = 'ok' | 'not-equal' | 'timed-out';

/** One request to park until `i32[index]` is no longer `expected` (or a notify, or the deadline). */
export interface Park {
  readonly i32: Int32Array;
  readonly index: number;
  readonly expected: number;
  /**
   * Runs when an async waiter that was already aborted is woken after all: the wake was meant
   * for someone, so pass it on (a pending waitAsync cannot be cancelled). Default: notify one.
   */
  readonly swallowed?: (() => void) | undefined;
  /**
   * Ignore the deadline and the signal for this park: used where giving up would lose data (a
   * queue reader in the middle of a chunked item waits for the rest, which a live writer delivers
   * or abandons).
   */
  readonly untimed?: boolean | undefined;
}

/** A slow path: yields parks, receives their results, returns the outcome. */
export type Slow<T> = Generator<Park, T, ParkResult>;

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
const atomics = Atomics as unknown as {
  waitAsync(i32: Int32Array, index: number, value: number, timeout?: number): WaitAsyncResult;
};

/** Make the abort error for a signal. */
export function abortError(signal: AbortSignal): WaitAbortedError {
  return new WaitAbortedError('the wait was aborted by its signal', { cause: signal.reason });
}

/**
 * Atomics.waitAsync calls of this thread not settled yet (aborted ones included, since their
 * wait stays registered). An unlock skips its fair handoff while this is non-zero: the woken
 * waiter could be this thread's own async waiter, which cannot run if this thread then blocks.
 */
export const asyncParks: { count: number } = { count: 0 };

function parkSync(p: Park, deadline: number): ParkResult {
  if (deadline === Infinity || p.untimed === true) return Atomics.wait(p.i32, p.index, p.expected);
  const left = deadline - performance.now();
  if (left <= 0) return 'timed-out';
  return Atomics.wait(p.i32, p.index, p.expected, left);
}

/** Drive a slow path with blocking waits. */
export function runSync<T>(gen: Slow<T>, deadline: number): T {
  let step = gen.next('ok');
  while (step.done !== true) step = gen.next(parkSync(step.value, deadline));
  return step.value;
}

function parkAsync(
  p: Park,
  deadline: number,
  signal: AbortSignal | undefined,
): ParkResult | Promise<ParkResult> {
  if (p.untimed === true) {
    deadline = Infinity;
    signal = undefined;
  }
  let left: number | undefined;
  if (deadline !== Infinity) {
    left = deadline - performance.now();
    if (left <= 0) return 'timed-out';
  }
  if (signal?.aborted === true) throw abortError(signal);
  const r = atomics.waitAsync(p.i32, p.index, p.expected, left);
  if (!r.async) return r.value;
  asyncParks.count++;
  void r.value.then(() => asyncParks.count--);
  holdLoop();
  if (signal === undefined) {
    return r.value.then((v) => {
      releaseLoop();
      return v;
    });
  }
  return new Promise<ParkResult>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      releaseLoop();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void r.value.then((v) => {
      if (settled) {
        if (v === 'ok') (p.swallowed ?? (() => Atomics.notify(p.i32, p.index, 1)))();
        return;
      }
      settled = true;
      signal.removeEventListener('abort', onAbort);
      releaseLoop();
      resolve(v);
    });
  });
}

/** Drive a slow path with non-blocking waits; an abort is thrown into the generator. */
export async function runAsync<T>(
  gen: Slow<T>,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  let step = gen.next('ok');
  while (step.done !== true) {
    let result: ParkResult;
    try {
      result = await parkAsync(step.value, deadline, signal);
    } catch (error) {
      step = gen.throw(error);
      continue;
    }
    step = gen.next(result);
  }
  return step.value;
}
