// Queue, JoinableQueue and Pipe of @weft/sync-primitives as task arguments (issue 9): the same
// task code runs on thread workers (shared memory) and on process workers (the pool holds the
// object, the child gets a proxy), with real threads and real child processes.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Event,
  JoinableQueue,
  Mutex,
  Pipe,
  Queue,
  Semaphore,
  QueueClosedError,
} from '@weft/sync-primitives';
import {
  ArgumentNotSendableError,
  Pool,
  TaskAbortedError,
  WorkerExitedError,
  type PoolOptions,
} from '@weft/process-pool';
import type * as QueueTasks from './fixtures/queue-tasks.mjs';
import { alive, kinds } from './helpers.js';

type Tasks = typeof QueueTasks;
const url = new URL('./fixtures/queue-tasks.mjs', import.meta.url);
const tasks = (await import(url.href)) as Tasks;

const live: Pool<Tasks>[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((pool) => pool.terminate()));
});

// Tasks that wait on each other need a worker each: prefetch 1 keeps a waiting task from sitting
// queued behind another one on the same worker.
function makePool(kind: 'thread' | 'process', options: Partial<PoolOptions> = {}): Pool<Tasks> {
  const pool = new Pool<Tasks>({ module: url, kind, maxWorkers: 4, prefetch: 1, ...options });
  live.push(pool);
  return pool;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('Queue, JoinableQueue and Pipe as task arguments', () => {
  describe.each(kinds)('on %s workers', (kind) => {
    it('several producers and a consumer: every item exactly once, in order per producer', async () => {
      const pool = makePool(kind);
      const queue = new Queue<[number, number]>({ maxsize: 4 });
      const n = 150;
      const [p1, p2, p3, items] = await Promise.all([
        pool.apply(tasks.produce, [queue, 1, n]),
        pool.apply(tasks.produceAsync, [queue, 2, n]),
        pool.apply(tasks.produce, [queue, 3, n]),
        pool.apply(tasks.consume, [queue, 3 * n]),
      ]);
      expect([p1, p2, p3]).toEqual([n, n, n]);
      expect(items).toHaveLength(3 * n);
      for (const producer of [1, 2, 3]) {
        expect(items.filter(([p]) => p === producer).map(([, i]) => i)).toEqual(range(n));
      }
      expect(queue.empty()).toBe(true);
    });

    it("put() on a full queue blocks the worker until the pool's process makes room", async () => {
      const pool = makePool(kind);
      const queue = new Queue<unknown>({ maxsize: 1 });
      queue.put('first');
      const producing = pool.apply(tasks.produce, [queue as Queue<[number, number]>, 9, 3]);
      const got: unknown[] = [];
      for (let i = 0; i < 4; i++) got.push(await queue.getAsync());
      expect(got).toEqual(['first', [9, 0], [9, 1], [9, 2]]);
      expect(await producing).toBe(3);
    });

    it('timed get() and put() raise QueueEmptyError and QueueFullError in the worker', async () => {
      const pool = makePool(kind);
      const empty = await pool.apply(tasks.getWithTimeout, [new Queue(), 20]);
      expect(empty).toMatchObject({
        ok: false,
        error: { name: 'QueueEmptyError', code: 'ERR_WEFT_QUEUE_EMPTY', empty: true },
      });
      const full = new Queue({ maxsize: 1 });
      full.put('a');
      const refused = await pool.apply(tasks.putWithTimeout, [full, 'b', 20]);
      expect(refused).toMatchObject({
        ok: false,
        error: { name: 'QueueFullError', code: 'ERR_WEFT_QUEUE_FULL', full: true },
      });
      expect(full.size()).toBe(1);
    });

    it('the non-blocking forms answer at once', async () => {
      const pool = makePool(kind);
      const queue = new Queue<string>({ maxsize: 1 });
      const seen = await pool.apply(tasks.nonBlocking, [queue]);
      expect(seen).toEqual({
        get: { ok: false, error: expect.objectContaining({ empty: true }) as unknown },
        put: { ok: true, value: undefined },
        tryPut: false,
        tryGet: { ok: true, value: 'x' },
        size: 0,
        empty: true,
        full: false,
      });
    });

    it('getAsync() times out with QueueEmptyError and aborts with WaitAbortedError carrying the reason', async () => {
      const pool = makePool(kind);
      const queue = new Queue();
      const { timedOut, aborted } = await pool.apply(tasks.asyncWaits, [queue, 10]);
      expect(timedOut).toMatchObject({ ok: false, error: { empty: true } });
      expect(aborted).toMatchObject({
        ok: false,
        error: { name: 'WaitAbortedError', aborted: true, cause: 'stop waiting' },
      });
      // Neither wait is left behind: the next item goes to the next getter.
      queue.put('next');
      expect(queue.tryGet()).toEqual({ ok: true, value: 'next' });
    });

    it('close(): getters drain what is left, then QueueClosedError; puts fail', async () => {
      const pool = makePool(kind);
      const queue = new Queue<number>();
      queue.put(1);
      queue.put(2);
      queue.close();
      const seen = await pool.apply(tasks.drainClosed, [queue]);
      expect(seen.drained).toEqual([1, 2]);
      expect(seen.get).toMatchObject({ closed: true, code: 'ERR_WEFT_QUEUE_CLOSED' });
      expect(seen.put).toMatchObject({ ok: false, error: { closed: true } });
      expect(seen.closed).toBe(true);
    });

    it('async iteration in the worker ends when the queue is closed and drained', async () => {
      const pool = makePool(kind);
      const queue = new Queue<number>();
      const consuming = pool.apply(tasks.consumeAll, [queue]);
      for (const i of range(20)) await queue.putAsync(i);
      queue.close();
      expect(await consuming).toEqual(range(20));
      expect(() => queue.put(99)).toThrow(QueueClosedError);
    });

    it('JoinableQueue: join() in a worker returns true only once every item is taskDone()', async () => {
      const pool = makePool(kind);
      const queue = new JoinableQueue<number>();
      for (const i of range(10)) queue.put(i);
      expect(await pool.apply(tasks.join, [queue, 10])).toBe(false);
      const joined = pool.apply(tasks.join, [queue]);
      const parentJoined = queue.joinAsync();
      const [a, b] = await Promise.all([
        pool.apply(tasks.work, [queue, 5]),
        pool.apply(tasks.work, [queue, 5]),
      ]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(range(10));
      expect(await joined).toBe(true);
      await parentJoined;
      expect(queue.unfinishedTasks()).toBe(0);
      expect(await pool.apply(tasks.joinAsync, [queue])).toBe(true);
      expect(await pool.apply(tasks.overDone, [queue])).toMatchObject({
        ok: false,
        error: { name: 'TaskDoneOverflowError', overflow: true },
      });
    });

    it("a Pipe between the pool's process and a worker carries messages both ways", async () => {
      const pool = makePool(kind);
      const [mine, theirs] = Pipe<number>();
      const echoing = pool.apply(tasks.echo, [theirs, 5]);
      const back: number[] = [];
      for (const i of range(5)) {
        mine.send(i);
        back.push(await mine.recvAsync());
      }
      expect(back).toEqual([0, 2, 4, 6, 8]);
      expect(await echoing).toBe(5);
    });

    it('a Pipe between two workers: messages in order, then PipeClosedError once the sender closes', async () => {
      const pool = makePool(kind);
      const [a, b] = Pipe<number>({ duplex: false });
      const values = range(100);
      const [sent, received] = await Promise.all([
        pool.apply(tasks.sendAll, [b, values]),
        pool.apply(tasks.recvAll, [a]),
      ]);
      expect(sent).toBe(100);
      expect(received.got).toEqual(values);
      expect(received.error).toMatchObject({ pipeClosed: true, code: 'ERR_WEFT_PIPE_CLOSED' });
    });

    it('recv() and poll() with timeouts on an idle pipe', async () => {
      const pool = makePool(kind);
      const [, end] = Pipe();
      const seen = await pool.apply(tasks.pipeWaits, [end, 10]);
      expect(seen).toMatchObject({
        poll0: false,
        pollTimed: false,
        recv: { ok: false, error: { pipeTimeout: true, code: 'ERR_WEFT_PIPE_TIMEOUT' } },
        recvAsync: { ok: false, error: { pipeTimeout: true } },
        readable: true,
        writable: true,
        closed: false,
      });
    });

    it('an item that cannot be serialized is refused at put() with ItemNotSerializableError', async () => {
      const pool = makePool(kind);
      const queue = new Queue();
      expect(await pool.apply(tasks.putFunction, [queue])).toMatchObject({
        ok: false,
        error: {
          notSerializable: true,
          itemType: 'Object',
          code: 'ERR_WEFT_ITEM_NOT_SERIALIZABLE',
        },
      });
      expect(queue.size()).toBe(0);
    });

    it('putAsync() not awaited, then put(): the items land in call order', async () => {
      const pool = makePool(kind);
      const queue = new Queue<number>();
      expect(await pool.apply(tasks.mixedOrder, [queue, 200])).toBe(200);
      const got: number[] = [];
      for (let r = queue.tryGet(); r.ok; r = queue.tryGet()) got.push(r.value);
      expect(got).toEqual(range(200));
    });

    it('putAsync() calls in flight at once land in call order, even on a full queue', async () => {
      const pool = makePool(kind);
      const queue = new Queue<[number, number]>({ maxsize: 4 });
      const producing = pool.apply(tasks.producePipelined, [queue, 7, 100]);
      const got: number[] = [];
      for (let i = 0; i < 100; i++) got.push((await queue.getAsync())[1]);
      expect(got).toEqual(range(100));
      expect(await producing).toBe(100);
    });

    it('items larger than the ring pass whole, both ways', async () => {
      const pool = makePool(kind);
      const queue = new Queue<Uint8Array>({ capacityBytes: 4096 });
      const bytes = 1 << 20;
      const putting = pool.apply(tasks.putLarge, [queue, bytes]);
      const item = await queue.getAsync();
      expect(await putting).toBe(bytes);
      expect(item.length).toBe(bytes);
      expect(item.every((b, i) => b === i % 251)).toBe(true);
      const getting = pool.apply(tasks.getLarge, [queue]);
      await queue.putAsync(item);
      expect(await getting).toEqual({ length: bytes, intact: true });
    });

    it('an unserializable item among putAsync() calls fails alone', async () => {
      const pool = makePool(kind);
      const queue = new Queue<number>();
      const [first, second, third] = await pool.apply(tasks.putAsyncMixed, [queue]);
      expect(first).toBe('ok');
      expect(second).toMatchObject({ notSerializable: true, itemType: 'Object' });
      expect(third).toBe('ok');
      expect([queue.get({ block: false }), queue.get({ block: false })]).toEqual([1, 3]);
      expect(queue.empty()).toBe(true);
    });

    it('a queue in initArgs serves every task of every worker (Python initargs)', async () => {
      const results = new Queue<number>();
      const pool = makePool(kind, {
        maxWorkers: 2,
        prefetch: 'auto',
        initializer: tasks.initResults,
        initArgs: [results],
      });
      await Promise.all(range(20).map((i) => pool.apply(tasks.report, [i])));
      const got: number[] = [];
      for (let i = 0; i < 20; i++) got.push(await results.getAsync());
      expect(got.sort((a, b) => a - b)).toEqual(range(20));
    });

    it('the arguments are instances of the real classes in the worker', async () => {
      const pool = makePool(kind);
      expect(await pool.apply(tasks.kinds, [new Queue(), new JoinableQueue(), Pipe()[0]])).toEqual({
        queue: true,
        joinable: true,
        conn: true,
      });
    });
  });

  describe('on process workers', () => {
    it('a worker killed mid-get() leaves the queue usable, with no ghost getter', async () => {
      const pool = makePool('process');
      const ready = new Queue<number>();
      const queue = new Queue<string>();
      const blocked = pool.apply(tasks.announceThenGet, [ready, queue]);
      const pid = await ready.getAsync();
      process.kill(pid, 'SIGKILL');
      await expect(blocked).rejects.toBeInstanceOf(WorkerExitedError);
      // A getter left in the pool would take this item; the next get must see it.
      queue.put('after');
      expect(queue.tryGet()).toEqual({ ok: true, value: 'after' });
      // The queue still works with a new worker.
      const consumer = pool.apply(tasks.consume, [queue, 1]);
      queue.put('again');
      expect(await consumer).toEqual(['again']);
    });

    it("aborting a task blocked in get() ends the pool's wait at once; the worker lives on", async () => {
      const pool = makePool('process', { maxWorkers: 2 });
      const ready = new Queue<number>();
      const queue = new Queue<string>();
      const gate = new Queue();
      // Another task holds the queue too, so the pool keeps it: only the abort can end the wait.
      const holding = pool.apply(tasks.holdUntil, [gate, queue]);
      const controller = new AbortController();
      const blocked = pool.apply(tasks.announceThenGet, [ready, queue], {
        signal: controller.signal,
      });
      const pid = await ready.getAsync();
      controller.abort(new Error('enough'));
      await expect(blocked).rejects.toBeInstanceOf(TaskAbortedError);
      // A getter left in the pool would take this item; the next get must see it.
      queue.put('after');
      expect(queue.tryGet()).toEqual({ ok: true, value: 'after' });
      // The worker was unblocked (not replaced): the next task runs in the same process.
      const again = pool.apply(tasks.announceThenGet, [ready, queue]);
      expect(await ready.getAsync()).toBe(pid);
      queue.put('x');
      expect(await again).toEqual({ ok: true, value: 'x' });
      gate.put('go');
      expect(await holding).toBe(0);
    });

    it('terminate() while a worker is blocked in get(): every promise settles, no child is left', async () => {
      const pool = makePool('process');
      const ready = new Queue<number>();
      const queue = new Queue<string>();
      const blocked = pool.apply(tasks.announceThenGet, [ready, queue]);
      const waiting = pool.apply(tasks.getWithTimeout, [queue, 60_000]);
      const settled = Promise.allSettled([blocked, waiting]);
      const pid = await ready.getAsync();
      await pool.terminate();
      const [a, b] = await settled;
      expect(a).toMatchObject({ status: 'rejected', reason: { code: 'ERR_WEFT_POOL_TERMINATED' } });
      expect(b).toMatchObject({ status: 'rejected', reason: { code: 'ERR_WEFT_POOL_TERMINATED' } });
      expect(alive(pid)).toBe(false);
      queue.put('after');
      expect(queue.tryGet()).toEqual({ ok: true, value: 'after' });
    });

    it('a proxy kept past its task is refused with InvalidHandleError once that task settled', async () => {
      const pool = makePool('process', { maxWorkers: 1 });
      const queue = new Queue();
      queue.put(1);
      expect(await pool.apply(tasks.keep, [queue])).toBe(1);
      expect(await pool.apply(tasks.useKept, [])).toMatchObject({
        ok: false,
        error: { name: 'InvalidHandleError', invalidHandle: true },
      });
    });

    it('other shared primitives are still refused with ArgumentNotSendableError', async () => {
      const pool = makePool('process');
      for (const primitive of [new Mutex(), new Semaphore(1), new Event()]) {
        const error = (await pool
          .apply(tasks.keep, [primitive as unknown as Queue])
          .catch((e: unknown) => e)) as ArgumentNotSendableError;
        expect(error).toBeInstanceOf(ArgumentNotSendableError);
        expect(error.code).toBe('ERR_WEFT_POOL_ARGUMENT_NOT_SENDABLE');
        expect(error.position).toBe('args[0]');
      }
      const nested = (await pool
        .apply(tasks.keep, [new Map([['q', new Queue()]]) as unknown as Queue])
        .catch((e: unknown) => e)) as ArgumentNotSendableError;
      expect(nested).toBeInstanceOf(ArgumentNotSendableError);
      expect(nested.position).toBe('args[0].get("q")');
      expect(() => new Pool({ module: url, kind: 'process', initArgs: [new Mutex()] })).toThrow(
        ArgumentNotSendableError,
      );
    });
  });
});
