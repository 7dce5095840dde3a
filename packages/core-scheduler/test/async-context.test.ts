// Async context: every attempt of a task runs in the async context of its caller (what
// `schedule` saw), not in that of whichever task or timer happened to start it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Executor, ExecutorCallOptions } from '@weft/core-scheduler';
import { InlineExecutor, Scheduler, SchedulerGroup } from '@weft/core-scheduler';
import { deferred } from './helpers.js';

const requestId = new AsyncLocalStorage<string>();

afterEach(() => {
  vi.useRealTimers();
});

/** Schedules one task per caller, each inside its own `requestId`, and returns what each saw. */
function callers(
  schedule: (fn: () => Promise<string | undefined>) => Promise<string | undefined>,
  ids: readonly string[],
  gate: Promise<void> = Promise.resolve(),
): Promise<(string | undefined)[]> {
  return Promise.all(
    ids.map((id) =>
      requestId.run(id, () =>
        schedule(async () => {
          await gate;
          return requestId.getStore();
        }),
      ),
    ),
  );
}

describe('async context', () => {
  it('runs queued inline tasks in their callers’ context (concurrency 1, three callers)', async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const seen = await callers((fn) => scheduler.schedule({ fn }), ['a', 'b', 'c']);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps the context synchronously inside a queued task, before its first await', async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        requestId.run(id, () => scheduler.schedule({ fn: () => requestId.getStore() })),
      ),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps it through all, map, wrap and a group key', async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const read = (): string | undefined => requestId.getStore();
    const viaAll = requestId.run('all', () =>
      scheduler.all([{ fn: read }, { fn: read }, { fn: read }]),
    );
    const viaMap = requestId.run('map', () => scheduler.map(read, [1, 2, 3]));
    const wrapped = scheduler.wrap(read);
    const viaWrap = Promise.all(['w1', 'w2'].map((id) => requestId.run(id, wrapped)));
    const group = new SchedulerGroup({ concurrency: 1 });
    const viaGroup = Promise.all(
      ['g1', 'g2', 'g3'].map((id) =>
        requestId.run(id, () => group.key('k').schedule({ fn: read })),
      ),
    );
    expect(await viaAll).toEqual(['all', 'all', 'all']);
    expect(await viaMap).toEqual(['map', 'map', 'map']);
    expect(await viaWrap).toEqual(['w1', 'w2']);
    expect(await viaGroup).toEqual(['g1', 'g2', 'g3']);
    await group.close();
  });

  it('runs a retry after backoff in its caller’s context', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ concurrency: 1 });
    const blocker = deferred();
    const seen: (string | undefined)[] = [];
    // A long task of another caller holds the slot while the retry's backoff runs out, so the
    // retry starts from that task's settlement.
    const other = requestId.run('other', () => scheduler.schedule({ fn: () => blocker.promise }));
    let calls = 0;
    const retried = requestId.run('caller', () =>
      scheduler.schedule({
        fn: () => {
          seen.push(requestId.getStore());
          if (++calls === 1) throw new Error('first attempt fails');
          return 'ok';
        },
        retry: { attempts: 2, backoff: { type: 'fixed', delay: 100 } },
      }),
    );
    blocker.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // Its first attempt ran; the second waits for the backoff, started from a timer.
    const late = requestId.run('late', () =>
      scheduler.schedule({ fn: () => new Promise((resolve) => setTimeout(resolve, 150)) }),
    );
    await vi.advanceTimersByTimeAsync(200);
    await expect(retried).resolves.toBe('ok');
    await Promise.all([other, late]);
    expect(seen).toEqual(['caller', 'caller']);
  });

  it('runs a task that waited for the rate limit in its caller’s context', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler({ rateLimit: { limit: 1, interval: 1000 } });
    const seen = callers((fn) => scheduler.schedule({ fn }), ['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await seen).toEqual(['a', 'b', 'c']);
  });

  it('gives a custom executor’s apply the caller’s context for queued tasks', async () => {
    const inline = new InlineExecutor();
    const atApply: (string | undefined)[] = [];
    const executor: Executor = {
      apply<A extends readonly unknown[], R>(
        fn: (...args: A) => R,
        args: A,
        options?: ExecutorCallOptions,
      ): Promise<Awaited<R>> {
        atApply.push(requestId.getStore());
        return inline.apply(fn, args, options);
      },
    };
    const scheduler = new Scheduler({ cpu: { executor, concurrency: 1 } });
    const seen = await callers((fn) => scheduler.schedule({ fn, kind: 'cpu' }), ['a', 'b', 'c']);
    expect(atApply).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps the context of the schedule call, not one entered after it (enterWith)', async () => {
    const scheduler = new Scheduler({ concurrency: 1 });
    const read = (): string | undefined => requestId.getStore();
    const seen = await requestId.run('outer', async () => {
      const blocker = scheduler.schedule({ fn: () => Promise.resolve(read()) });
      requestId.enterWith('first');
      const first = scheduler.schedule({ fn: read });
      requestId.enterWith('second'); // same async resource, another value: not the first task's
      const second = scheduler.schedule({ fn: read });
      return Promise.all([blocker, first, second]);
    });
    expect(seen).toEqual(['outer', 'first', 'second']);
  });

  it('runs a task scheduled from inside another task’s synchronous start in its own caller’s context', async () => {
    const scheduler = new Scheduler({ concurrency: 2 });
    const read = (): string | undefined => requestId.getStore();
    let inner: Promise<string | undefined> | undefined;
    const outer = requestId.run('outer', () =>
      scheduler.schedule({
        fn: () => {
          inner = requestId.run('inner', () => scheduler.schedule({ fn: read }));
          return read();
        },
      }),
    );
    // Queued behind both: started later, from a settlement, in its caller's context.
    const late = requestId.run('late', () => scheduler.schedule({ fn: read }));
    expect(await outer).toBe('outer');
    expect(await inner).toBe('inner');
    expect(await late).toBe('late');
  });
});
