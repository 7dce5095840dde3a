import { describe, expectTypeOf, it } from 'vitest';
import type { TaskCompletedEvent, InlineExecutor, Scheduler } from '@weft/core-scheduler';
import {
  type Executor,
  type RouteExplanation,
  type Task,
  type Timeline,
} from '@weft/core-scheduler';

declare const scheduler: Scheduler;
const add = (a: number, b: number): number => a + b;
const fetchText = (url: string): Promise<string> => Promise.resolve(url);
const ping = (): 'pong' => 'pong';

describe('Scheduler types', () => {
  it('schedule() infers the awaited result from the function', () => {
    expectTypeOf(scheduler.schedule({ fn: add, args: [1, 2] })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(scheduler.schedule({ fn: fetchText, args: ['x'] })).toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf(scheduler.schedule({ fn: ping })).toEqualTypeOf<Promise<'pong'>>();
  });

  it('schedule() checks args against the function and requires them when it takes any', () => {
    // @ts-expect-error wrong argument type
    void scheduler.schedule({ fn: add, args: [1, '2'] });
    // @ts-expect-error args missing
    void scheduler.schedule({ fn: add });
    // @ts-expect-error unknown kind
    void scheduler.schedule({ fn: ping, kind: 'gpu' });
  });

  it('all() and allSettled() type each position', () => {
    expectTypeOf(
      scheduler.all([
        { fn: add, args: [1, 2] },
        { fn: fetchText, args: ['u'] },
      ] as const),
    ).toEqualTypeOf<Promise<[number, string]>>();
    expectTypeOf(scheduler.allSettled([{ fn: ping }] as const)).toEqualTypeOf<
      Promise<[PromiseSettledResult<'pong'>]>
    >();
  });

  it('map() returns the awaited results', () => {
    expectTypeOf(scheduler.map(fetchText, ['a', 'b'])).toEqualTypeOf<Promise<string[]>>();
  });

  it('InlineExecutor is an Executor, and any object with a matching apply is one', () => {
    expectTypeOf<InlineExecutor>().toExtend<Executor>();
    const poolLike = {
      maxWorkers: 2,
      apply<A extends readonly unknown[], R>(
        fn: (...args: A) => R,
        args: A,
        options?: { signal?: AbortSignal; timeout?: number },
      ): Promise<Awaited<R>> {
        void options;
        return Promise.resolve(fn(...args) as Awaited<R>);
      },
    };
    expectTypeOf(poolLike).toExtend<Executor>();
  });

  it('explain() and the timeline are plain data', () => {
    expectTypeOf(scheduler.explain('x')).toEqualTypeOf<RouteExplanation>();
    expectTypeOf<Timeline['spans'][number]['status']>().toEqualTypeOf<
      'fulfilled' | 'rejected' | 'cancelled' | 'timeout'
    >();
    expectTypeOf<Task<[number], string>>().toHaveProperty('args');
  });

  it('on() gives each named event its own payload type', () => {
    scheduler.on('completed', (event) => {
      expectTypeOf(event).toEqualTypeOf<TaskCompletedEvent>();
    });
    scheduler.on('error', (event) => {
      expectTypeOf(event.status).toEqualTypeOf<'rejected' | 'cancelled' | 'timeout'>();
    });
    expectTypeOf(scheduler.on('idle', () => {})).toEqualTypeOf<() => void>();
    // @ts-expect-error: not an event name
    scheduler.on('finished', () => {});
  });

  it('wrap() keeps the parameters and awaits the result', () => {
    const wrapped = scheduler.wrap(fetchText, { priority: 1 });
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[url: string]>();
    expectTypeOf(wrapped('x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(wrapped.withOptions({ id: 'a' }, 'x')).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error: wrong argument type
    void wrapped(1);
  });
});
