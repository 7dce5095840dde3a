// Test helpers: controllable deferred tasks and a concurrency gauge.

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Counts tasks running at once and remembers the maximum. */
export class Gauge {
  current = 0;
  max = 0;
  enter(): void {
    this.current++;
    if (this.current > this.max) this.max = this.current;
  }
  leave(): void {
    this.current--;
  }
}

/** Lets pending promise callbacks run (no timers involved). */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

import type { Executor, ExecutorCallOptions } from '@weft/core-scheduler';

/**
 * Builds a fake Executor from a simpler function that receives a thunk running the task; for tests
 * about the scheduler's own logic (real pools are used in the integration tests).
 */
export function fakeExecutor(
  run: (call: () => Promise<unknown>, options: ExecutorCallOptions | undefined) => Promise<unknown>,
  extra: object = {},
): Executor {
  return {
    ...extra,
    apply: <A extends readonly unknown[], R>(
      fn: (...args: A) => R,
      args: A,
      options?: ExecutorCallOptions,
    ): Promise<Awaited<R>> =>
      run(() => Promise.resolve().then(() => fn(...args)), options) as Promise<Awaited<R>>,
  };
}
