import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InlineExecutor,
  InvalidOptionError,
  QueueFullError,
  Scheduler,
  SchedulerClosedError,
  TaskCancelledError,
} from '@weft/core-scheduler';
import { Gauge, deferred, fakeExecutor, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  describe('schedule()', () => {
    it('settles with the task result and passes the args', async () => {
      const scheduler = new Scheduler();
      await expect(
        scheduler.schedule({ fn: (a: number, b: number) => a + b, args: [2, 3] }),
      ).resolves.toBe(5);
      await expect(scheduler.schedule({ fn: () => Promise.resolve('async') })).resolves.toBe(
        'async',
      );
    });

    it('rejects with exactly what the task threw', async () => {
      const scheduler = new Scheduler();
      const boom = new TypeError('boom');
      await expect(
        scheduler.schedule({
          fn: () => {
            throw boom;
          },
        }),
      ).rejects.toBe(boom);
      await expect(scheduler.schedule({ fn: () => Promise.reject(boom) })).rejects.toBe(boom);
    });
  });

  describe('priority queue', () => {
    it('runs higher priority first and FIFO within a priority', async () => {
      const scheduler = new Scheduler({ concurrency: 1, paused: true, agingInterval: Infinity });
      const order: string[] = [];
      const add = (label: string, priority: number): Promise<void> =>
        scheduler.schedule({ fn: () => void order.push(label), priority, name: label });
      const all = [
        add('low-1', 0),
        add('high-1', 5),
        add('low-2', 0),
        add('mid-1', 2),
        add('high-2', 5),
        add('low-3', 0),
      ];
      scheduler.resume();
      await Promise.all(all);
      expect(order).toEqual(['high-1', 'high-2', 'mid-1', 'low-1', 'low-2', 'low-3']);
    });

    it('ages waiting tasks so a low priority is not starved by later high ones', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1, agingInterval: 100 });
      const order: string[] = [];
      const gate = deferred();
      const running = scheduler.schedule({ fn: () => gate.promise, name: 'blocker' });
      const old = scheduler.schedule({ fn: () => void order.push('old-low'), priority: 0 });
      vi.advanceTimersByTime(1000); // old-low has waited 10 aging intervals: effective priority 10
      const fresh = scheduler.schedule({ fn: () => void order.push('new-high'), priority: 5 });
      const fresher = scheduler.schedule({ fn: () => void order.push('newer-top'), priority: 20 });
      gate.resolve();
      await Promise.all([running, old, fresh, fresher]);
      expect(order).toEqual(['newer-top', 'old-low', 'new-high']);
    });

    it('without aging, a later high priority always goes first', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ concurrency: 1, agingInterval: Infinity });
      const order: string[] = [];
      const gate = deferred();
      const running = scheduler.schedule({ fn: () => gate.promise });
      const old = scheduler.schedule({ fn: () => void order.push('old-low'), priority: 0 });
      vi.advanceTimersByTime(1_000_000);
      const fresh = scheduler.schedule({ fn: () => void order.push('new-high'), priority: 1 });
      gate.resolve();
      await Promise.all([running, old, fresh]);
      expect(order).toEqual(['new-high', 'old-low']);
    });
  });

  describe('limits', () => {
    it('never exceeds the global concurrency (measured with a gauge)', async () => {
      const scheduler = new Scheduler({ concurrency: 3 });
      const gauge = new Gauge();
      const tasks = Array.from({ length: 40 }, (_, i) =>
        scheduler.schedule({
          fn: async () => {
            gauge.enter();
            for (let k = 0; k < (i % 5) + 1; k++) await Promise.resolve();
            gauge.leave();
          },
        }),
      );
      await Promise.all(tasks);
      expect(gauge.max).toBe(3);
      expect(scheduler.running).toBe(0);
    });

    it('never exceeds per-executor limits, and the global limit across executors', async () => {
      const cpuGauge = new Gauge();
      const ioGauge = new Gauge();
      const total = new Gauge();
      const cpu = fakeExecutor(async (call) => {
        cpuGauge.enter();
        total.enter();
        await flush(3);
        cpuGauge.leave();
        total.leave();
        return call();
      });
      const io = fakeExecutor(async (call) => {
        ioGauge.enter();
        total.enter();
        await flush(2);
        ioGauge.leave();
        total.leave();
        return call();
      });
      const scheduler = new Scheduler({
        cpu: { executor: cpu, concurrency: 2 },
        io: { executor: io, concurrency: 3 },
        concurrency: 4,
      });
      const tasks = Array.from({ length: 30 }, (_, i) =>
        scheduler.schedule({ fn: () => i, kind: i < 24 ? 'io' : 'cpu' }),
      );
      expect(await Promise.all(tasks)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(ioGauge.max).toBe(3);
      expect(total.max).toBe(4);
      expect(cpuGauge.max).toBeLessThanOrEqual(2);
      await Promise.all(
        Array.from({ length: 8 }, () => scheduler.schedule({ fn: () => 0, kind: 'cpu' })),
      );
      expect(cpuGauge.max).toBe(2);
    });

    it("defaults the cpu executor's limit to its maxWorkers", async () => {
      const gauge = new Gauge();
      const pool = fakeExecutor(
        async (call) => {
          gauge.enter();
          await flush(2);
          gauge.leave();
          return call();
        },
        { maxWorkers: 2 },
      );
      const scheduler = new Scheduler({ cpu: pool });
      await Promise.all(
        Array.from({ length: 10 }, () => scheduler.schedule({ fn: () => 1, kind: 'cpu' })),
      );
      expect(gauge.max).toBe(2);
    });

    it("defaults the io limit to an InlineExecutor's concurrency, so priorities still apply", async () => {
      const scheduler = new Scheduler({
        io: new InlineExecutor({ concurrency: 1 }),
        agingInterval: Infinity,
      });
      const order: string[] = [];
      const gate = deferred();
      const first = scheduler.schedule({ fn: () => gate.promise });
      const low = scheduler.schedule({ fn: () => void order.push('low'), priority: 0 });
      const high = scheduler.schedule({ fn: () => void order.push('high'), priority: 1 });
      expect(scheduler.pending).toBe(2);
      gate.resolve();
      await Promise.all([first, low, high]);
      expect(order).toEqual(['high', 'low']);
    });

    it('rate-limits starts to N per interval (sliding window)', async () => {
      vi.useFakeTimers();
      const scheduler = new Scheduler({ rateLimit: { limit: 2, interval: 1000 } });
      const starts: number[] = [];
      const tasks = Array.from({ length: 5 }, () =>
        scheduler.schedule({ fn: () => void starts.push(Date.now()) }),
      );
      const t0 = Date.now();
      await flush();
      expect(starts).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(999);
      expect(starts).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(starts).toHaveLength(4);
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(tasks);
      expect(starts.map((t) => t - t0)).toEqual([0, 0, 1000, 1000, 2000]);
    });

    it('rate-limits one executor without slowing the other', async () => {
      vi.useFakeTimers();
      const cpu = fakeExecutor((call) => call());
      const scheduler = new Scheduler({
        cpu: { executor: cpu, rateLimit: { limit: 1, interval: 500 } },
      });
      const ran: string[] = [];
      const tasks = [
        scheduler.schedule({ fn: () => void ran.push('cpu-1'), kind: 'cpu' }),
        scheduler.schedule({ fn: () => void ran.push('cpu-2'), kind: 'cpu' }),
        scheduler.schedule({ fn: () => void ran.push('io-1'), kind: 'io' }),
      ];
      await flush();
      expect(ran.sort()).toEqual(['cpu-1', 'io-1']);
      await vi.advanceTimersByTimeAsync(500);
      await Promise.all(tasks);
      expect(ran).toContain('cpu-2');
    });
  });

  describe('maxPending backpressure', () => {
    it("rejects with QueueFullError when the queue is full and onFull is 'reject'", async () => {
      const scheduler = new Scheduler({ concurrency: 1, maxPending: 2, onFull: 'reject' });
      const gate = deferred();
      const running = scheduler.schedule({ fn: () => gate.promise });
      const queued = [scheduler.schedule({ fn: () => 1 }), scheduler.schedule({ fn: () => 2 })];
      const rejected = scheduler.schedule({ fn: () => 3, name: 'third' });
      await expect(rejected).rejects.toBeInstanceOf(QueueFullError);
      await expect(rejected).rejects.toMatchObject({
        code: 'ERR_WEFT_SCHEDULER_QUEUE_FULL',
        maxPending: 2,
      });
      gate.resolve();
      expect(await Promise.all([running, ...queued])).toEqual([undefined, 1, 2]);
    });

    it("makes the submit wait for room with onFull 'wait' (per call), in order", async () => {
      const scheduler = new Scheduler({ concurrency: 1, maxPending: 1, onFull: 'reject' });
      const gate = deferred();
      const order: number[] = [];
      const running = scheduler.schedule({ fn: () => gate.promise });
      const a = scheduler.schedule({ fn: () => void order.push(1) });
      const b = scheduler.schedule({ fn: () => void order.push(2), onFull: 'wait' });
      const c = scheduler.schedule({ fn: () => void order.push(3), onFull: 'wait' });
      expect(scheduler.pending).toBe(3);
      let ready = false;
      const readyPromise = scheduler.ready().then(() => (ready = true));
      await flush();
      expect(ready).toBe(false);
      gate.resolve();
      await Promise.all([running, a, b, c, readyPromise]);
      expect(order).toEqual([1, 2, 3]);
      expect(ready).toBe(true);
    });
  });

  describe('pause() / resume()', () => {
    it('queues without starting while paused and starts on resume', async () => {
      const scheduler = new Scheduler();
      scheduler.pause();
      expect(scheduler.isPaused()).toBe(true);
      const fn = vi.fn(() => 'ran');
      const result = scheduler.schedule({ fn });
      await flush();
      expect(fn).not.toHaveBeenCalled();
      expect(scheduler.pending).toBe(1);
      scheduler.resume();
      await expect(result).resolves.toBe('ran');
      expect(scheduler.isPaused()).toBe(false);
    });
  });

  describe('onEmpty() / onIdle()', () => {
    it('onEmpty resolves when nothing is queued, onIdle when everything settled', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      await scheduler.onIdle(); // idle at start
      const first = deferred();
      const second = deferred();
      const tasks = [
        scheduler.schedule({ fn: () => first.promise }),
        scheduler.schedule({ fn: () => second.promise }),
      ];
      let empty = false;
      let idle = false;
      const emptyP = scheduler.onEmpty().then(() => (empty = true));
      const idleP = scheduler.onIdle().then(() => (idle = true));
      await flush();
      expect([empty, idle]).toEqual([false, false]);
      first.resolve();
      await emptyP;
      expect(idle).toBe(false);
      second.resolve();
      await idleP;
      await Promise.all(tasks);
      expect(scheduler.running).toBe(0);
      expect(scheduler.pending).toBe(0);
    });
  });

  describe('plain tasks on the inline executor (the fast path)', () => {
    it('settles fulfilled, thrown and rejected tasks alike while reusing event-loop slots', async () => {
      const scheduler = new Scheduler({ concurrency: 2 });
      const boom = new Error('boom');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          scheduler.schedule({
            fn: () => {
              if (i % 3 === 1) throw boom;
              return i % 3 === 2 ? Promise.reject(boom) : Promise.resolve(i);
            },
          }),
        ),
      );
      expect(outcomes).toEqual(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0 ? { status: 'fulfilled', value: i } : { status: 'rejected', reason: boom },
        ),
      );
      expect([scheduler.running, scheduler.pending]).toEqual([0, 0]);
      await scheduler.onIdle();
    });

    it('starts in priority order and never exceeds the limit as slots free up', async () => {
      const scheduler = new Scheduler({ concurrency: 3, paused: true, agingInterval: Infinity });
      const gauge = new Gauge();
      const order: number[] = [];
      const tasks = Array.from({ length: 40 }, (_, i) =>
        scheduler.schedule({
          fn: async () => {
            gauge.enter();
            order.push(i);
            await flush(i % 4);
            gauge.leave();
          },
          priority: i % 2,
        }),
      );
      scheduler.resume();
      await Promise.all(tasks);
      expect(gauge.max).toBe(3);
      const odd = Array.from({ length: 20 }, (_, k) => 2 * k + 1);
      const even = Array.from({ length: 20 }, (_, k) => 2 * k);
      expect(order).toEqual([...odd, ...even]);
    });

    it('runs more tasks at once than it keeps idle slots for, without a limit', async () => {
      const scheduler = new Scheduler();
      const gates = Array.from({ length: 200 }, () => deferred<number>());
      const first = gates.map((gate) => scheduler.schedule({ fn: () => gate.promise }));
      expect(scheduler.running).toBe(200);
      gates.forEach((gate, i) => gate.resolve(i));
      await expect(Promise.all(first)).resolves.toEqual(gates.map((_, i) => i));
      const second = Array.from({ length: 200 }, (_, i) => scheduler.schedule({ fn: () => -i }));
      await expect(Promise.all(second)).resolves.toEqual(second.map((_, i) => -i));
      expect(scheduler.running).toBe(0);
    });

    it('reports tasks that started unobserved once a listener subscribes, and observes the next ones fully', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred<string>();
      const running = scheduler.schedule({ fn: () => gate.promise, name: 'unobserved' });
      const queued = scheduler.schedule({ fn: () => 'next', name: 'queued-unobserved' });
      const events: string[] = [];
      scheduler.subscribe((event) => events.push(`${event.type} ${event.name}`));
      gate.resolve('first');
      await expect(running).resolves.toBe('first');
      await expect(queued).resolves.toBe('next');
      await scheduler.schedule({ fn: () => 'last', name: 'observed' });
      expect(events).toEqual([
        'task:settled unobserved',
        'task:started queued-unobserved',
        'task:finished queued-unobserved',
        'task:settled queued-unobserved',
        'task:routed observed',
        'task:queued observed',
        'task:started observed',
        'task:finished observed',
        'task:settled observed',
      ]);
    });

    it('shares slots with tasks that carry a signal or timeout, cancelling only those', async () => {
      const scheduler = new Scheduler({ concurrency: 2 });
      const controller = new AbortController();
      const gate = deferred();
      const plain = scheduler.schedule({ fn: () => gate.promise.then(() => 'plain') });
      const watched = scheduler.schedule({
        fn: () => new Promise(() => undefined),
        signal: controller.signal,
      });
      const timed = scheduler.schedule({ fn: () => 'timed', timeout: 60_000 });
      const after = scheduler.schedule({ fn: () => 'after' });
      controller.abort(new Error('stop'));
      await expect(watched).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(timed).resolves.toBe('timed');
      await expect(after).resolves.toBe('after');
      gate.resolve();
      await expect(plain).resolves.toBe('plain');
      await scheduler.onIdle();
      expect([scheduler.running, scheduler.pending]).toEqual([0, 0]);
    });
  });

  describe('close()', () => {
    it('drains accepted tasks, then rejects new ones with SchedulerClosedError', async () => {
      const scheduler = new Scheduler({ concurrency: 1, paused: true });
      const results = [
        scheduler.schedule({ fn: () => 1 }),
        scheduler.schedule({ fn: () => Promise.resolve(2) }),
      ];
      await scheduler.close();
      expect(await Promise.all(results)).toEqual([1, 2]);
      expect(scheduler.isClosed()).toBe(true);
      await expect(scheduler.schedule({ fn: () => 3 })).rejects.toBeInstanceOf(
        SchedulerClosedError,
      );
      await expect(scheduler.schedule({ fn: () => 3 })).rejects.toMatchObject({
        code: 'ERR_WEFT_SCHEDULER_CLOSED',
      });
    });

    it('with cancelPending rejects queued tasks and lets running ones finish', async () => {
      const scheduler = new Scheduler({ concurrency: 1, maxPending: 1 });
      const gate = deferred<string>();
      const running = scheduler.schedule({ fn: () => gate.promise });
      const queued = scheduler.schedule({ fn: () => 'queued' });
      const waiting = scheduler.schedule({ fn: () => 'waiting' });
      const closing = scheduler.close({ cancelPending: true });
      await expect(queued).rejects.toBeInstanceOf(SchedulerClosedError);
      await expect(waiting).rejects.toBeInstanceOf(SchedulerClosedError);
      gate.resolve('done');
      await closing;
      await expect(running).resolves.toBe('done');
    });

    it('with cancelPending, also drops the queue of an earlier close() that is still draining', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gate = deferred<string>();
      const running = scheduler.schedule({ fn: () => gate.promise });
      const queued = scheduler.schedule({ fn: () => 'queued' });
      const draining = scheduler.close();
      const closing = scheduler.close({ cancelPending: true });
      await expect(queued).rejects.toBeInstanceOf(SchedulerClosedError);
      gate.resolve('done');
      await Promise.all([draining, closing]);
      await expect(running).resolves.toBe('done');
    });

    it('rejects bad close options with InvalidOptionError and stays open', async () => {
      const scheduler = new Scheduler();
      await expect(scheduler.close({ cancelPending: 'yes' } as never)).rejects.toMatchObject({
        code: 'ERR_WEFT_INVALID_OPTION',
        option: 'cancelPending',
      });
      expect(scheduler.isClosed()).toBe(false);
      await expect(scheduler.schedule({ fn: () => 1 })).resolves.toBe(1);
    });

    it('closes at the end of an `await using` scope', async () => {
      let outer: Scheduler | undefined;
      let result: Promise<number> | undefined;
      {
        await using scheduler = new Scheduler();
        outer = scheduler;
        result = scheduler.schedule({ fn: () => Promise.resolve(7) });
      }
      expect(outer.isClosed()).toBe(true);
      expect(outer.running).toBe(0);
      await expect(result).resolves.toBe(7);
    });
  });

  describe('batch helpers', () => {
    it('map() keeps input order, respects its limit and reads async iterables lazily', async () => {
      const scheduler = new Scheduler();
      const gauge = new Gauge();
      async function* numbers(): AsyncGenerator<number> {
        for (let i = 0; i < 20; i++) yield await Promise.resolve(i);
      }
      const results = await scheduler.map(
        async (n: number) => {
          gauge.enter();
          await flush(20 - n);
          gauge.leave();
          return n * 2;
        },
        numbers(),
        { limit: 4 },
      );
      expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      expect(gauge.max).toBe(4);
    });

    it('map() stops at the first error, waits for those in flight, and rejects with it', async () => {
      const scheduler = new Scheduler();
      const seen: number[] = [];
      const boom = new Error('3 failed');
      const result = scheduler.map(
        async (n: number) => {
          seen.push(n);
          await flush();
          if (n === 3) throw boom;
          return n;
        },
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        { limit: 2 },
      );
      await expect(result).rejects.toBe(boom);
      expect(seen.length).toBeLessThan(10);
      expect(scheduler.running).toBe(0);
    });

    it("map() rejects with what the items' iterator threw, after the tasks in flight settle", async () => {
      const scheduler = new Scheduler();
      const gate = deferred();
      let finished = 0;
      const broken = new Error('source failed');
      async function* items(): AsyncGenerator<number> {
        yield await Promise.resolve(1);
        yield 2;
        throw broken;
      }
      const result = scheduler.map(async (n: number) => {
        await gate.promise;
        finished++;
        return n;
      }, items());
      let settled = false;
      void result.catch(() => undefined).finally(() => (settled = true));
      await flush(20);
      expect(settled).toBe(false); // two tasks are still in flight
      gate.resolve();
      await expect(result).rejects.toBe(broken);
      expect(finished).toBe(2);
      expect(scheduler.running).toBe(0);
    });

    it('all() and allSettled() behave like their Promise namesakes', async () => {
      const scheduler = new Scheduler();
      const [a, b] = await scheduler.all([
        { fn: () => 1 },
        { fn: (s: string) => Promise.resolve(s), args: ['x'] },
      ] as const);
      expect([a, b]).toEqual([1, 'x']);
      const boom = new Error('boom');
      const settled = await scheduler.allSettled([
        { fn: () => 1 },
        {
          fn: () => {
            throw boom;
          },
        },
      ]);
      expect(settled).toEqual([
        { status: 'fulfilled', value: 1 },
        { status: 'rejected', reason: boom },
      ]);
    });
  });

  describe('option validation', () => {
    it.each([
      [{ concurrency: 0 }, 'concurrency'],
      [{ concurrency: 1.5 }, 'concurrency'],
      [{ concurrency: -2 }, 'concurrency'],
      [{ maxPending: -1 }, 'maxPending'],
      [{ rateLimit: { limit: 0, interval: 10 } }, 'rateLimit.limit'],
      [{ rateLimit: { limit: 1, interval: 0 } }, 'rateLimit.interval'],
      [{ onFull: 'drop' }, 'onFull'],
      [{ defaultKind: 'gpu' }, 'defaultKind'],
      [{ agingInterval: 0 }, 'agingInterval'],
      [{ io: { executor: new InlineExecutor(), concurrency: 0 } }, 'io.concurrency'],
      [{ cpu: {} }, 'cpu'],
      [{ auto: { threshold: 2 } }, 'auto.threshold'],
      [{ auto: { minSamples: 0 } }, 'auto.minSamples'],
      [{ paused: 'yes' }, 'paused'],
      [null, 'options'],
    ])('constructor rejects %j naming %s', (options, option) => {
      expect(() => new Scheduler(options as never)).toThrow(InvalidOptionError);
      try {
        new Scheduler(options as never);
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_WEFT_INVALID_OPTION', option });
        expect((error as Error).message).toContain(option);
      }
    });

    it.each([
      [{ kind: 'gpu' }, 'kind'],
      [{ timeout: 0 }, 'timeout'],
      [{ timeout: -5 }, 'timeout'],
      [{ priority: Number.NaN }, 'priority'],
      [{ retry: { attempts: 0 } }, 'retry.attempts'],
      [{ retry: { attempts: 2.5 } }, 'retry.attempts'],
      [{ retry: { attempts: 2, backoff: { type: 'linear', delay: 1 } } }, 'retry.backoff.type'],
      [{ retry: { attempts: 2, backoff: { type: 'fixed', delay: -1 } } }, 'retry.backoff.delay'],
      [
        { retry: { attempts: 2, backoff: { type: 'exponential', delay: 1, factor: 0.5 } } },
        'retry.backoff.factor',
      ],
      [{ onFull: 'later' }, 'onFull'],
      [{ deadline: Number.NaN }, 'deadline'],
      [{ signal: 'stop' }, 'signal'],
      [{ args: 'x' }, 'args'],
    ])('schedule() rejects %j naming %s, and never runs the task', async (options, option) => {
      const scheduler = new Scheduler();
      const fn = vi.fn(() => undefined);
      await expect(scheduler.schedule({ fn, ...(options as object) })).rejects.toMatchObject({
        code: 'ERR_WEFT_INVALID_OPTION',
        option,
      });
      expect(fn).not.toHaveBeenCalled();
    });

    it('schedule() rejects a task that is not an object with InvalidOptionError', async () => {
      const scheduler = new Scheduler();
      await expect(scheduler.schedule(null as never)).rejects.toMatchObject({
        code: 'ERR_WEFT_INVALID_OPTION',
        option: 'task',
      });
      await expect(scheduler.schedule({ fn: 'nope' } as never)).rejects.toMatchObject({
        option: 'fn',
      });
    });

    it('map(), all() and allSettled() reject bad input with InvalidOptionError, running nothing', async () => {
      const scheduler = new Scheduler();
      const fn = vi.fn((n: number) => n);
      await expect(scheduler.map(fn, 42 as never)).rejects.toMatchObject({
        code: 'ERR_WEFT_INVALID_OPTION',
        option: 'items',
      });
      await expect(scheduler.map(fn, [1], { limit: 0 })).rejects.toMatchObject({ option: 'limit' });
      await expect(scheduler.map(fn, [1], null as never)).rejects.toMatchObject({
        option: 'options',
      });
      await expect(scheduler.all('tasks' as never)).rejects.toBeInstanceOf(InvalidOptionError);
      await expect(scheduler.allSettled({} as never)).rejects.toMatchObject({ option: 'tasks' });
      expect(fn).not.toHaveBeenCalled();
    });

    it('subscribe() throws InvalidOptionError for a listener that is not a function', () => {
      expect(() => new Scheduler().subscribe('log' as never)).toThrow(
        expect.objectContaining({ code: 'ERR_WEFT_INVALID_OPTION', option: 'listener' }) as Error,
      );
    });
  });
});
