// Type contracts: calls typed from the function itself or from the task module's type, and the
// Pool fits the scheduler's Executor interface (packages/core-scheduler/src/executor.ts) structurally.
import { describe, expectTypeOf, it } from 'vitest';
import {
  Pool,
  type WorkerExitedError,
  type WorkerStartError,
  type PoolOptions,
  type AsyncResult,
  type Future,
  type TaskSettleInfo,
  type TaskStartInfo,
} from '@weft/process-pool';
import type * as Tasks from './fixtures/tasks.mjs';

declare const tasks: typeof Tasks;
declare const pool: Pool<typeof Tasks>;

// The scheduler's Executor, copied from packages/core-scheduler/src/executor.ts (the pool must not
// import the scheduler).
interface ExecutionStart {
  readonly time: number;
  readonly workerId?: number;
  readonly pid?: number;
  readonly threadId?: number;
}
interface ExecutionSettle {
  readonly time: number;
  readonly status: 'fulfilled' | 'rejected';
  readonly runMs: number;
  readonly cpuMs?: number;
}
interface ExecutorCallOptions {
  readonly signal?: AbortSignal;
  readonly onStart?: (info: ExecutionStart) => void;
  readonly onSettle?: (info: ExecutionSettle) => void;
}
interface Executor {
  apply<A extends readonly unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: ExecutorCallOptions,
  ): Promise<Awaited<R>>;
}

describe('Pool types', () => {
  it('types apply() from the function itself', () => {
    expectTypeOf(pool.apply(tasks.fib, [30])).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.apply(tasks.asyncAdd, [1, 2])).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error wrong argument type
    void pool.apply(tasks.fib, ['30']);
    // @ts-expect-error missing argument
    void pool.apply(tasks.add, [1]);
  });

  it('types run() by export name from the module type', () => {
    expectTypeOf(pool.run('fib', 30)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.run('asyncAdd', 1, 2)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.runWith('add', [1, 2], { timeout: 10 })).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error unknown export
    void pool.run('nope', 1);
    // @ts-expect-error wrong argument type
    void pool.run('fib', '30');
  });

  it('types the Python and futures APIs', () => {
    expectTypeOf(pool.map(tasks.square, [1, 2])).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(pool.starmap(tasks.add, [[1, 2]] as [number, number][])).toEqualTypeOf<
      Promise<number[]>
    >();
    expectTypeOf(pool.imap(tasks.square, [1])).toEqualTypeOf<
      AsyncGenerator<number, void, undefined>
    >();
    expectTypeOf(pool.applyAsync(tasks.fib, [1])).toEqualTypeOf<AsyncResult<number>>();
    expectTypeOf(pool.submit(tasks.add, 1, 2)).toEqualTypeOf<Future<number>>();
    // @ts-expect-error wrong argument type
    void pool.submit(tasks.add, 1, '2');
  });

  it('accepts any export and arguments when the pool is untyped', () => {
    const untyped = new Pool({ module: 'file:///tasks.js' });
    expectTypeOf(untyped.run('anything', 1, 'two')).toEqualTypeOf<Promise<unknown>>();
  });

  it('satisfies the scheduler Executor structurally', () => {
    const executor: Executor = pool;
    expectTypeOf(
      executor.apply(tasks.fib, [1], {
        onStart: (info: ExecutionStart) => void info,
        onSettle: (info: ExecutionSettle) => void info,
      }),
    ).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.maxWorkers).toEqualTypeOf<number>();
    const start: ExecutionStart = {} as TaskStartInfo;
    const settle: ExecutionSettle = {} as TaskSettleInfo;
    void start;
    void settle;
  });
});

describe('stderr capture', () => {
  it("takes 'inherit' or 'capture' and puts the text on the exit and start errors", () => {
    expectTypeOf<PoolOptions['stderr']>().toEqualTypeOf<'inherit' | 'capture' | undefined>();
    expectTypeOf<WorkerExitedError['stderr']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<WorkerStartError['stderr']>().toEqualTypeOf<string | undefined>();
  });
});
