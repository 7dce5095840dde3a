// The Pool's Python-style API, run against both worker kinds.
import { describe, expect, it } from 'vitest';
import { MAX_NAMED } from '../src/internal/function-table.js';
import {
  AsyncResult,
  PoolClosedError,
  ResultNotReadyError,
  TaskCancelledError,
  TaskNotFoundError,
  WaitTimeoutError,
} from '@weft/process-pool';
import { alive, kinds, makePool, next, tasks } from './helpers.js';

describe.each(kinds)('Pool (%s workers)', (kind) => {
  describe('apply()', () => {
    it('runs an exported function by reference and resolves with its result', async () => {
      const pool = makePool(kind);
      await expect(pool.apply(tasks.add, [2, 3])).resolves.toBe(5);
      await expect(pool.apply(tasks.asyncAdd, [2, 3])).resolves.toBe(5);
    });

    it('rejects a function that is not an export of the task modules', async () => {
      const pool = makePool(kind);
      const local = (x: number): number => x;
      await expect(pool.apply(local, [1])).rejects.toBeInstanceOf(TaskNotFoundError);
    });

    it('round-trips structured data (Map, Date, typed arrays, BigInt)', async () => {
      const pool = makePool(kind);
      const value = { m: new Map([[1, 'a']]), d: new Date(0), t: new Uint8Array([1, 2]), b: 10n };
      await expect(pool.apply(tasks.echo, [value])).resolves.toEqual(value);
    });

    it('calls the function with exactly the arguments given, one (sent bare on the wire) or more', async () => {
      const pool = makePool(kind);
      const seen = await Promise.all([
        pool.apply(tasks.argsSeen, [[1, 2]]),
        pool.apply(tasks.argsSeen, [undefined]),
        pool.apply(tasks.argsSeen, [{ a: 1 }]),
        pool.apply(tasks.argsSeen, []),
        pool.apply(tasks.argsSeen, [7, 8]),
        pool.submit(tasks.argsSeen, 'x').result(),
      ]);
      expect(seen).toEqual([
        [1, [1, 2]],
        [1, undefined],
        [1, { a: 1 }],
        [0, undefined],
        [2, 7],
        [1, 'x'],
      ]);
    });
  });

  describe('run()', () => {
    it('runs an export by name', async () => {
      const pool = makePool(kind);
      await expect(pool.run('fib', 10)).resolves.toBe(55);
    });

    it('rejects an unknown export name with TaskNotFoundError', async () => {
      const pool = makePool(kind);
      const error: unknown = await pool.run('nope' as 'fib', 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskNotFoundError);
      expect((error as TaskNotFoundError).code).toBe('ERR_WEFT_POOL_TASK_NOT_FOUND');
    });

    it('calls by more distinct names than the wire numbers still reach the right export', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const unknown = Array.from({ length: MAX_NAMED + 2 }, (_, i) =>
        pool.run(`nope${String(i)}` as 'fib', 1).catch((e: unknown) => e),
      );
      for (const error of await Promise.all(unknown))
        expect(error).toBeInstanceOf(TaskNotFoundError);
      // 'fib' by name after the table's names ran out: sent as the name itself.
      await expect(pool.run('fib', 10)).resolves.toBe(55);
      await expect(pool.apply(tasks.add, [2, 3])).resolves.toBe(5);
    });
  });

  describe('applyAsync()', () => {
    it('returns an AsyncResult and calls callback', async () => {
      const pool = makePool(kind);
      let seen: number | undefined;
      const result = pool.applyAsync(tasks.add, [1, 1], { callback: (v) => (seen = v) });
      expect(result).toBeInstanceOf(AsyncResult);
      expect(() => result.successful()).toThrow(ResultNotReadyError);
      await expect(result.get()).resolves.toBe(2);
      expect(result.ready()).toBe(true);
      expect(result.successful()).toBe(true);
      expect(seen).toBe(2);
    });

    it('calls errorCallback and reports unsuccessful', async () => {
      const pool = makePool(kind);
      let seen: unknown;
      const result = pool.applyAsync(tasks.throwType, [], { errorCallback: (e) => (seen = e) });
      expect(await result.wait()).toBe(true);
      expect(result.successful()).toBe(false);
      expect(seen).toBeInstanceOf(TypeError);
    });

    it('get(timeout) rejects with WaitTimeoutError while the task goes on', async () => {
      const pool = makePool(kind);
      const result = pool.applyAsync(tasks.hang, []);
      await expect(result.get(5)).rejects.toBeInstanceOf(WaitTimeoutError);
      expect(result.ready()).toBe(false);
    });
  });

  describe('map() / starmap()', () => {
    it('maps in input order with the default chunksize', async () => {
      const pool = makePool(kind);
      const input = Array.from({ length: 100 }, (_, i) => i);
      await expect(pool.map(tasks.square, input)).resolves.toEqual(input.map((x) => x * x));
    });

    it('maps with an explicit chunksize and an empty input', async () => {
      const pool = makePool(kind);
      await expect(pool.map(tasks.square, [1, 2, 3], { chunksize: 1 })).resolves.toEqual([1, 4, 9]);
      await expect(pool.map(tasks.square, [])).resolves.toEqual([]);
    });

    it('starmaps argument lists', async () => {
      const pool = makePool(kind);
      await expect(
        pool.starmap(tasks.add, [
          [1, 2],
          [3, 4],
        ]),
      ).resolves.toEqual([3, 7]);
    });

    it('mapAsync returns an AsyncResult of the list', async () => {
      const pool = makePool(kind);
      await expect(pool.mapAsync(tasks.square, [2, 3]).get()).resolves.toEqual([4, 9]);
    });

    it('waits for all chunks, then throws the first error in input order', async () => {
      const pool = makePool(kind);
      const error: unknown = await pool
        .map(tasks.failIfOdd, [0, 1, 2, 3, 4], { chunksize: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe('odd: 1');
      const { completed, failed } = pool.stats();
      expect(completed + failed).toBe(5);
    });

    it('rejects starmap items that are not argument lists', async () => {
      const pool = makePool(kind);
      await expect(
        pool.starmap(tasks.add, [[1, 2], 'bad' as unknown as [number, number]]),
      ).rejects.toBeInstanceOf(TypeError);
    });
  });

  describe('imap() / imapUnordered()', () => {
    it('streams results in input order from a generator, chunked', async () => {
      const pool = makePool(kind);
      function* numbers(): Generator<number> {
        for (let i = 0; i < 50; i++) yield i;
      }
      const out: number[] = [];
      for await (const v of pool.imap(tasks.square, numbers(), { chunksize: 7, maxInFlight: 3 }))
        out.push(v);
      expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * i));
    });

    it('accepts async iterables and yields every result unordered', async () => {
      const pool = makePool(kind);
      async function* numbers(): AsyncGenerator<number> {
        for (let i = 0; i < 20; i++) yield await Promise.resolve(i);
      }
      const out: number[] = [];
      for await (const v of pool.imapUnordered(tasks.square, numbers())) out.push(v);
      expect(out.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
    });

    it('pulls the input lazily, at most maxInFlight chunks ahead', async () => {
      const pool = makePool(kind);
      let pulled = 0;
      function* endless(): Generator<number> {
        for (;;) {
          pulled++;
          yield pulled;
        }
      }
      let n = 0;
      for await (const _ of pool.imap(tasks.square, endless(), { maxInFlight: 4 })) {
        if (++n === 10) break;
      }
      expect(pulled).toBeLessThanOrEqual(10 + 4);
    });

    it('yields the results before a failing item, then throws its error', async () => {
      const pool = makePool(kind);
      const seen: number[] = [];
      const run = async (): Promise<void> => {
        for await (const v of pool.imap(tasks.failIfOdd, [0, 2, 3, 4])) seen.push(v);
      };
      await expect(run()).rejects.toThrow('odd: 3');
      expect(seen).toEqual([0, 2]);
    });

    it('after a task error, next() rejects once at that position and then goes on', async () => {
      const pool = makePool(kind);
      const it = pool.imap(tasks.failIfOdd, [0, 1, 2, 3, 4]);
      await expect(it.next()).resolves.toEqual({ done: false, value: 0 });
      await expect(it.next()).rejects.toThrow('odd: 1');
      await expect(it.next()).resolves.toEqual({ done: false, value: 2 });
      await expect(it.next()).rejects.toThrow('odd: 3');
      await expect(it.next()).resolves.toEqual({ done: false, value: 4 });
      await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('an input that throws: the results of the items before it, then its error', async () => {
      const pool = makePool(kind);
      function* input(): Generator<number> {
        yield 0;
        yield 1;
        yield 2;
        throw new RangeError('the input broke');
      }
      for (const iterate of [pool.imap.bind(pool), pool.imapUnordered.bind(pool)]) {
        const seen: number[] = [];
        const error = await (async () => {
          for await (const v of iterate(tasks.square, input(), { chunksize: 2 })) seen.push(v);
        })().catch((e: unknown) => e);
        expect(seen.sort()).toEqual([0, 1, 4]);
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe('the input broke');
      }
    });
  });

  describe('currentWorker()', () => {
    it('tells the task its worker id, pid, thread id and kind', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const spawned = next(pool, 'worker:spawned');
      const info = await pool.apply(tasks.whoami, []);
      const event = await spawned;
      expect(info.workerId).toBe(event.workerId);
      expect(info.kind).toBe(kind);
      if (kind === 'process') {
        expect(info.pid).toBe(event.pid);
        expect(info.pid).not.toBe(process.pid);
      } else {
        expect(info.pid).toBe(process.pid);
        expect(info.threadId).toBe(event.threadId);
      }
    });
  });

  describe('workers', () => {
    it('starts workers only on demand and reuses them', async () => {
      const pool = makePool(kind, { maxWorkers: 2 });
      expect(pool.stats().workers).toBe(0);
      const first = await pool.apply(tasks.whoami, []);
      const second = await pool.apply(tasks.whoami, []);
      expect(second.workerId).toBe(first.workerId);
      expect(pool.stats().workers).toBe(1);
    });

    it('never exceeds maxWorkers', async () => {
      const pool = makePool(kind, { maxWorkers: 2 });
      const ids = await Promise.all(Array.from({ length: 20 }, () => pool.apply(tasks.whoami, [])));
      expect(new Set(ids.map((i) => i.workerId)).size).toBeLessThanOrEqual(2);
    });

    it('runs the initializer once in each new worker', async () => {
      // Two tasks on the first worker, then a third on its replacement after recycling.
      const pool = makePool(kind, {
        maxWorkers: 1,
        maxTasksPerWorker: 2,
        initializer: tasks.init,
        initArgs: ['ready'],
      });
      const first = await pool.apply(tasks.initState, []);
      const second = await pool.apply(tasks.initState, []);
      const replacement = await pool.apply(tasks.initState, []);
      expect(second.workerId).toBe(first.workerId);
      expect(replacement.workerId).not.toBe(first.workerId);
      for (const state of [first, second, replacement]) {
        expect(state).toMatchObject({ value: 'ready', calls: 1 });
      }
    });

    it('recycles a worker after maxTasksPerWorker tasks', async () => {
      const pool = makePool(kind, { maxWorkers: 1, maxTasksPerWorker: 2 });
      const a = await pool.apply(tasks.whoami, []);
      const b = await pool.apply(tasks.whoami, []);
      const c = await pool.apply(tasks.whoami, []);
      expect(b.workerId).toBe(a.workerId);
      expect(c.workerId).not.toBe(a.workerId);
      // A fresh worker has fresh module state.
      const counts = [
        await pool.apply(tasks.countCalls, []),
        await pool.apply(tasks.countCalls, []),
        await pool.apply(tasks.countCalls, []),
      ];
      expect(counts).toEqual([1, 1, 2]);
    });

    it('retires idle workers above minWorkers after idleTimeout', async () => {
      const pool = makePool(kind, { maxWorkers: 1, idleTimeout: 20 });
      const exited = next(pool, 'worker:exited');
      await pool.apply(tasks.noop, []);
      const event = await exited;
      expect(event.expected).toBe(true);
      expect(pool.stats().workers).toBe(0);
    });

    it('keeps minWorkers alive and ready() resolves when they are up', async () => {
      const pool = makePool(kind, { maxWorkers: 2, minWorkers: 2, idleTimeout: 1 });
      await pool.ready();
      expect(pool.stats().workers).toBe(2);
    });

    it('loads CommonJS task modules', async () => {
      const { Pool } = await import('@weft/process-pool');
      const pool = new Pool<{ triple(x: number): number }>({
        module: new URL('./fixtures/cjs-tasks.cjs', import.meta.url),
        kind,
        maxWorkers: 1,
      });
      try {
        await expect(pool.run('triple', 3)).resolves.toBe(9);
      } finally {
        await pool.terminate();
      }
    });
  });

  // Transfer lists and shared memory exist only between threads; process workers refuse shared
  // memory (faults.test.ts), so this block has no process version.
  if (kind === 'thread') {
    describe('transfer and shared memory', () => {
      it('moves transferred ArrayBuffers without a copy', async () => {
        const pool = makePool(kind);
        const buffer = new ArrayBuffer(16);
        const result = pool.apply(tasks.byteLength, [buffer], { transfer: [buffer] });
        await expect(result).resolves.toBe(16);
        expect(buffer.byteLength).toBe(0);
      });

      it('shares SharedArrayBuffers with thread workers', async () => {
        const pool = makePool(kind);
        const sab = new SharedArrayBuffer(8);
        await Promise.all([
          pool.apply(tasks.sabAdd, [sab, 0, 1]),
          pool.apply(tasks.sabAdd, [sab, 0, 2]),
        ]);
        expect(new Int32Array(sab)[0]).toBe(3);
      });
    });
  }

  describe('close() / join() / await using', () => {
    it('starmapAsync() is starmap behind an AsyncResult, with callback', async () => {
      const pool = makePool(kind);
      const seen: number[][] = [];
      const result = pool.starmapAsync(
        tasks.add,
        [
          [1, 2],
          [3, 4],
        ],
        { callback: (v) => seen.push(v) },
      );
      expect(result).toBeInstanceOf(AsyncResult);
      await expect(result.get(20_000)).resolves.toEqual([3, 7]);
      expect(result.successful()).toBe(true);
      await expect.poll(() => seen).toEqual([[3, 7]]);
    });

    it('shutdown({ cancelFutures: true }) cancels the queued futures, lets the running one finish, then joins', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const started = next(pool, 'task:started');
      const running = pool.submit(tasks.asyncAdd, 1, 1);
      await started;
      const queued = [pool.submit(tasks.add, 1, 2), pool.submit(tasks.add, 3, 4)];
      for (const future of queued) void future.catch(() => undefined); // checked below
      await pool.shutdown({ cancelFutures: true });
      await expect(running).resolves.toBe(2);
      for (const future of queued) {
        expect(future.cancelled()).toBe(true);
        await expect(future).rejects.toBeInstanceOf(TaskCancelledError);
      }
      expect(pool.stats().workers).toBe(0);
      await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolClosedError);
    });

    it('shutdown() runs the queued work first; shutdown({ wait: false }) returns at once', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const queued = [pool.submit(tasks.add, 1, 2), pool.submit(tasks.add, 3, 4)];
      await pool.shutdown();
      await expect(Promise.all(queued)).resolves.toEqual([3, 7]);
      const other = makePool(kind, { maxWorkers: 1 });
      const hanging = other.submit(tasks.hang);
      await other.shutdown({ wait: false });
      expect(hanging.done()).toBe(false);
      void hanging.catch(() => undefined);
    });

    it('finishes queued work, then join() resolves with no worker left', async () => {
      const pool = makePool(kind);
      const pending = Array.from({ length: 5 }, (_, i) => pool.apply(tasks.add, [i, 1]));
      pool.close();
      await pool.join();
      await expect(Promise.all(pending)).resolves.toEqual([1, 2, 3, 4, 5]);
      expect(pool.stats().workers).toBe(0);
    });

    it('join() on an open pool rejects instead of waiting forever', async () => {
      const pool = makePool(kind);
      await expect(pool.join()).rejects.toMatchObject({ code: 'ERR_WEFT_POOL' });
    });

    it('closes and joins on await using scope exit', async () => {
      let pid = 0;
      let escaped: ReturnType<typeof makePool> | undefined;
      const exits: boolean[] = [];
      {
        await using pool = makePool(kind, { maxWorkers: 2, minWorkers: 2 });
        escaped = pool;
        pool.on('worker:exited', (event) => exits.push(event.expected));
        await pool.ready();
        pid = await pool.apply(tasks.pid, []);
      }
      // Scope exit awaited close() and join(): both workers are gone, on purpose, and the pool
      // refuses new work.
      expect(exits).toEqual([true, true]);
      expect(escaped.stats().workers).toBe(0);
      await expect(escaped.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolClosedError);
      if (kind === 'process') {
        expect(alive(pid)).toBe(false);
      }
    });
  });

  describe('observability', () => {
    it('emits task and worker events with times on one clock, and counts in stats()', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const events: string[] = [];
      pool.on('task:queued', () => events.push('queued'));
      pool.on('task:started', (e) => events.push(`started:${String(e.workerId)}`));
      pool.on('task:settled', (e) => events.push(`settled:${e.status}`));
      pool.on('worker:spawned', () => events.push('spawned'));
      const before = performance.timeOrigin + performance.now();
      let startTime = 0;
      await pool.apply(tasks.add, [1, 2], { onStart: (i) => (startTime = i.time) });
      await pool.apply(tasks.throwType, []).catch(() => undefined);
      expect(events).toEqual([
        'queued',
        'spawned',
        'started:1',
        'settled:fulfilled',
        'queued',
        'started:1',
        'settled:rejected',
      ]);
      expect(startTime).toBeGreaterThanOrEqual(before - 50);
      const stats = pool.stats();
      expect(stats).toMatchObject({
        workers: 1,
        busyWorkers: 0,
        idleWorkers: 1,
        queued: 0,
        completed: 1,
        failed: 1,
      });
      expect(stats.run.p99).toBeGreaterThanOrEqual(stats.run.p50);
      // Both tasks ran on the one worker, so some of its lifetime was busy, and never more than all.
      expect(stats.utilization).toBeGreaterThan(0);
      expect(stats.utilization).toBeLessThanOrEqual(1);
    });

    it('publishes on node:diagnostics_channel', async () => {
      const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
      const seen: unknown[] = [];
      const listener = (message: unknown): void => void seen.push(message);
      subscribe('weft:process-pool:task:settled', listener);
      try {
        const pool = makePool(kind);
        await pool.apply(tasks.add, [1, 2]);
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ status: 'fulfilled', name: 'add' });
      } finally {
        unsubscribe('weft:process-pool:task:settled', listener);
      }
    });

    it('passes onStart/onSettle the Executor contract fields, cpuMs included', async () => {
      const pool = makePool(kind);
      const starts: Record<string, unknown>[] = [];
      const settles: Record<string, unknown>[] = [];
      await pool.apply(tasks.fib, [20], {
        onStart: (info) => void starts.push({ ...info }),
        onSettle: (info) => {
          settles.push({ ...info });
          throw new Error('callbacks must not break the pool');
        },
      });
      expect(typeof starts[0]!['workerId']).toBe('number');
      expect(typeof starts[0]!['time']).toBe('number');
      expect(settles[0]!['status']).toBe('fulfilled');
      expect(typeof settles[0]!['runMs']).toBe('number');
      expect(typeof settles[0]!['cpuMs']).toBe('number');
      expect(settles[0]!['time'] as number).toBeGreaterThanOrEqual(starts[0]!['time'] as number);
    });
  });
});
