// Contract §2 as a type test: a @weft/process-pool Pool is an Executor as it is.
import { describe, expectTypeOf, it } from 'vitest';
import type { Pool } from '@weft/process-pool';
import type { Executor, ExecutionSettle, ExecutionStart } from '@weft/core-scheduler';

describe('Executor contract', () => {
  it('a Pool satisfies Executor structurally', () => {
    expectTypeOf<Pool>().toExtend<Executor>();
  });

  it("the pool's start/settle info carries the contract's fields", () => {
    type PoolOptions = NonNullable<Parameters<Pool['apply']>[2]>;
    type PoolStart = Parameters<NonNullable<PoolOptions['onStart']>>[0];
    type PoolSettle = Parameters<NonNullable<PoolOptions['onSettle']>>[0];
    expectTypeOf<PoolStart['time']>().toEqualTypeOf<ExecutionStart['time']>();
    expectTypeOf<PoolSettle['status']>().toEqualTypeOf<ExecutionSettle['status']>();
    expectTypeOf<PoolSettle['runMs']>().toEqualTypeOf<ExecutionSettle['runMs']>();
    expectTypeOf<PoolSettle>().toHaveProperty('cpuMs');
    expectTypeOf<Pool['maxWorkers']>().toEqualTypeOf<number>();
  });
});
