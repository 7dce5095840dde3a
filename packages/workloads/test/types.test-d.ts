import { describe, expectTypeOf, it } from 'vitest';
import {
  getWorkload,
  mandelbrot,
  mandelbrotImages,
  runWorkload,
  writeMandelbrotFrames,
  type MandelbrotImageOptions,
  type MandelbrotParams,
  type MandelbrotResult,
  type Verification,
  type Workload,
  type WorkloadExecutor,
} from '@weft/workloads';

describe('types', () => {
  it('runWorkload has the task-module signature of the contract', () => {
    expectTypeOf(runWorkload).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(runWorkload).parameter(1).toEqualTypeOf<unknown>();
    expectTypeOf(runWorkload).returns.toEqualTypeOf<Promise<unknown>>();
  });

  it('getWorkload is typed by name', () => {
    expectTypeOf(getWorkload('mandelbrot')).toEqualTypeOf<
      Workload<MandelbrotParams, MandelbrotResult>
    >();
    expectTypeOf(getWorkload('x' as string)).toEqualTypeOf<Workload<unknown, unknown>>();
  });

  it('a workload exposes run/verify/split/merge with its own types', () => {
    expectTypeOf(mandelbrot.run).returns.toEqualTypeOf<Promise<MandelbrotResult>>();
    expectTypeOf(mandelbrot.verify).returns.toEqualTypeOf<Verification>();
    expectTypeOf(mandelbrot.split).returns.toEqualTypeOf<MandelbrotParams[]>();
    expectTypeOf(mandelbrot.merge).parameter(0).toEqualTypeOf<readonly MandelbrotResult[]>();
  });

  it('image writers take an optional format of pbm or pgm', () => {
    expectTypeOf(mandelbrotImages).parameter(2).toEqualTypeOf<MandelbrotImageOptions | undefined>();
    expectTypeOf(writeMandelbrotFrames)
      .parameter(3)
      .toEqualTypeOf<MandelbrotImageOptions | undefined>();
    expectTypeOf<NonNullable<MandelbrotImageOptions['format']>>().toEqualTypeOf<'pbm' | 'pgm'>();
  });

  it('an Executor-shaped object (like a Pool) is a WorkloadExecutor', () => {
    interface PoolLike {
      apply<A extends readonly unknown[], R>(
        fn: (...args: A) => R,
        args: A,
        options?: { readonly signal?: AbortSignal; readonly timeout?: number },
      ): Promise<Awaited<R>>;
    }
    expectTypeOf<PoolLike>().toExtend<WorkloadExecutor>();
  });
});
