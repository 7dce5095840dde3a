// Type contracts: the executor is a scheduler Executor, calls are typed from the task itself.
import { describe, expectTypeOf, it } from 'vitest';
import type { Executor, ExecutionStart } from '@weft/core-scheduler';
import { currentJob, startWorker } from '@weft/distributed';
import type {
  DistributedEvent,
  JobInfo,
  RemoteExecutionStart,
  StartWorkerOptions,
  BullMQExecutor,
  DistributedWorker,
  ValueNotSerializableError,
} from '@weft/distributed';
import type * as tasks from './fixtures/tasks.mjs';

declare const executor: BullMQExecutor;
declare const add: typeof tasks.add;
declare const echo: typeof tasks.echo;

describe('BullMQExecutor', () => {
  it("fits @weft/core-scheduler's Executor", () => {
    expectTypeOf(executor).toExtend<Executor>();
  });

  it('types apply() from the task: arguments checked, result awaited', () => {
    expectTypeOf(executor.apply(add, [1, 2])).toEqualTypeOf<Promise<number>>();
    expectTypeOf(executor.apply(echo<string>, ['x'])).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error wrong argument type
    void executor.apply(add, ['1', 2]);
  });

  it('passes a RemoteExecutionStart (an ExecutionStart) to onStart', () => {
    expectTypeOf<RemoteExecutionStart>().toExtend<ExecutionStart>();
    expectTypeOf<RemoteExecutionStart['host']>().toEqualTypeOf<string>();
  });

  it('publishes a discriminated union of events', () => {
    expectTypeOf<
      Extract<DistributedEvent, { type: 'job:started' }>['where']['host']
    >().toEqualTypeOf<string>();
  });
});

describe('startWorker()', () => {
  it('resolves to a DistributedWorker and takes a kind', () => {
    expectTypeOf(startWorker).returns.toEqualTypeOf<Promise<DistributedWorker>>();
    expectTypeOf<StartWorkerOptions['kind']>().toEqualTypeOf<
      'thread' | 'process' | 'inline' | undefined
    >();
  });

  it('gives inline tasks their job through currentJob()', () => {
    expectTypeOf(currentJob()).toEqualTypeOf<JobInfo | undefined>();
    expectTypeOf<JobInfo['signal']>().toEqualTypeOf<AbortSignal>();
  });
});

describe('ValueNotSerializableError', () => {
  it("names the value as 'args' or 'result'", () => {
    expectTypeOf<ValueNotSerializableError['position']>().toEqualTypeOf<'args' | 'result'>();
  });
});
