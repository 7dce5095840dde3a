// Queue: Python's multiprocessing.Queue semantics, across real worker threads.
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  InvalidArgumentError,
  InvalidHandleError,
  ItemNotSerializableError,
  JoinableQueue,
  Queue,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
  WaitAbortedError,
  isSharedPrimitive,
  markOwnerDead,
  reviveShared,
} from '@weft/sync-primitives';
import { startWorker, untilChanged, untilCount } from './helpers.js';

const FIXTURE = new URL('./fixtures/queue-worker.mjs', import.meta.url);
const run = (data: Record<string, unknown>) => startWorker(data, FIXTURE);

type Pair = [producer: number, i: number];

/**
 * Start producer and consumer threads on `queue` (each entry adds to its worker's data), released
 * together by a barrier; close the queue once every producer is done and return what each
 * consumer took.
 */
async function produceConsume(
  queue: Queue<{ producer: number; i: number }>,
  producers: readonly Record<string, unknown>[],
  consumers: readonly Record<string, unknown>[],
): Promise<Pair[][]> {
  const start = new Barrier(producers.length + consumers.length);
  const started = producers.map((data) =>
    run({ scenario: 'produce', queue: queue.toHandle(), start: start.toHandle(), ...data }),
  );
  const taking = consumers.map((data) =>
    run({ scenario: 'consume', queue: queue.toHandle(), start: start.toHandle(), ...data }),
  );
  await Promise.all(started.map((p) => p.result));
  queue.close();
  return (await Promise.all(taking.map((c) => c.result))) as Pair[][];
}

describe('Queue', () => {
  describe('constructor', () => {
    it('refuses a maxsize or capacityBytes out of range', () => {
      expect(() => new Queue({ maxsize: -1 })).toThrow(InvalidArgumentError);
      expect(() => new Queue({ maxsize: 1.5 })).toThrow(InvalidArgumentError);
      expect(() => new Queue({ capacityBytes: 8 })).toThrow(InvalidArgumentError);
      expect(() => new Queue({ capacityBytes: Number.NaN })).toThrow(InvalidArgumentError);
    });

    it('is a shared primitive that revives as the same queue', () => {
      const queue = new Queue<string>();
      expect(isSharedPrimitive(queue)).toBe(true);
      const twin = reviveShared(structuredClone(queue.toHandle())) as Queue<string>;
      expect(twin).toBeInstanceOf(Queue);
      queue.put('a');
      expect(twin.size()).toBe(1);
      expect(twin.get()).toBe('a');
      expect(queue.empty()).toBe(true);
    });

    it('from() refuses a handle of another type', () => {
      expect(() => Queue.from(new JoinableQueue().toHandle())).toThrow(InvalidHandleError);
      expect(() => JoinableQueue.from(new Queue().toHandle())).toThrow(InvalidHandleError);
      expect(() => Queue.from({} as never)).toThrow(InvalidHandleError);
    });
  });

  describe('put() and get() on one thread', () => {
    it('is first in, first out, with structured clones of the items', () => {
      const queue = new Queue<unknown>();
      const items = [1, 'two', { three: [3] }, new Map([[4, 'four']]), null, new Uint8Array([5])];
      for (const item of items) queue.put(item);
      expect(queue.size()).toBe(items.length);
      for (const item of items) expect(queue.get()).toEqual(item);
      expect(queue.empty()).toBe(true);
    });

    it('delivers what structuredClone would, for tricky values too', () => {
      const queue = new Queue<unknown>();
      const cycle: Record<string, unknown> = { name: 'loop' };
      cycle['self'] = cycle;
      const values: unknown[] = [
        0,
        -0,
        2 ** 31,
        -(2 ** 31),
        1.5,
        Number.NaN,
        -Infinity,
        10n,
        '',
        'héllo ✓ 𝄞',
        'x'.repeat(5000),
        [1, , 3], // eslint-disable-line no-sparse-arrays
        Object.assign([1, 2], { extra: true }),
        JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
        { a: [{ b: null, c: undefined }], 'key with spaces': true, 42: 'numeric key' },
        { nested: { deeper: { deepest: [new Date(0), new Map([[1, new Set(['s'])]])] } } },
        new Uint8Array([1, 2, 3]),
        Object.create(null) as object,
        {
          get computed() {
            return 'getter value';
          },
        },
        Array.from({ length: 40 }, (_, i) => ({ i })).reduce<unknown>((acc) => ({ acc }), 'bottom'),
        cycle,
      ];
      for (const value of values) {
        queue.put(value);
        const got = queue.get();
        expect(got).toStrictEqual(structuredClone(value));
        if (typeof value === 'number') expect(Object.is(got, value)).toBe(true);
      }
      const revived = (queue.put(cycle), queue.get()) as Record<string, unknown>;
      expect(revived['self']).toBe(revived);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('wraps around the ring many times', () => {
      const queue = new Queue<string>({ capacityBytes: 64 });
      for (let i = 0; i < 1000; i++) {
        queue.put(`item ${i}`);
        expect(queue.get()).toBe(`item ${i}`);
      }
    });

    it('tryPut() and tryGet() never wait', () => {
      const queue = new Queue<number>({ maxsize: 1 });
      expect(queue.tryGet()).toEqual({ ok: false, reason: 'empty' });
      expect(queue.tryPut(1)).toBe(true);
      expect(queue.tryPut(2)).toBe(false);
      expect(queue.tryGet()).toEqual({ ok: true, value: 1 });
    });

    it('get({ block: false }) and get({ timeout }) throw QueueEmptyError', () => {
      const queue = new Queue();
      expect(() => queue.get({ block: false })).toThrow(QueueEmptyError);
      try {
        queue.get({ timeout: 5 });
        expect.unreachable();
      } catch (error) {
        expect((error as QueueEmptyError).code).toBe('ERR_WEFT_QUEUE_EMPTY');
      }
    });

    it('refuses a timeout with block: false, and a negative timeout', () => {
      const queue = new Queue();
      expect(() => queue.put(1, { block: false, timeout: 1 })).toThrow(InvalidArgumentError);
      expect(() => queue.get({ block: false, timeout: 1 })).toThrow(InvalidArgumentError);
      expect(() => queue.get({ timeout: -1 })).toThrow(InvalidArgumentError);
      expect(queue.size()).toBe(0);
    });
  });

  describe('bounded (maxsize)', () => {
    it('put({ block: false }) and put({ timeout }) throw QueueFullError when full', async () => {
      const queue = new Queue<number>({ maxsize: 2 });
      queue.put(1);
      queue.put(2);
      expect(queue.full()).toBe(true);
      expect(() => queue.put(3, { block: false })).toThrow(QueueFullError);
      try {
        queue.put(3, { timeout: 5 });
        expect.unreachable();
      } catch (error) {
        expect((error as QueueFullError).code).toBe('ERR_WEFT_QUEUE_FULL');
      }
      await expect(queue.putAsync(3, { timeout: 5 })).rejects.toBeInstanceOf(QueueFullError);
      expect(queue.size()).toBe(2);
      expect(queue.get()).toBe(1);
      queue.put(3, { block: false });
      expect([queue.get(), queue.get()]).toEqual([2, 3]);
    });

    it('blocks a producer thread until a get makes room', async () => {
      const queue = new Queue<{ producer: number; i: number }>({ maxsize: 2 });
      const producer = run({ scenario: 'produce', queue: queue.toHandle(), producer: 0, count: 5 });
      let finished = false;
      void producer.result.then(() => (finished = true));
      for (let i = 0; i < 5; i++) {
        const item = await queue.getAsync();
        expect(item.i).toBe(i);
        expect(queue.size()).toBeLessThanOrEqual(2);
        // Five puts into room for two: the producer cannot be done before the third get.
        if (i < 2) expect(finished).toBe(false);
      }
      await expect(producer.result).resolves.toBe('done');
    });
  });

  describe('across threads', () => {
    it('3 producers, 1 consumer: every item exactly once, in order per producer', async () => {
      const queue = new Queue<{ producer: number; i: number }>({ capacityBytes: 1024 });
      const count = 2000;
      const [got] = (await produceConsume(
        queue,
        [0, 1, 2].map((p) => ({ producer: p, count, async: p === 2 })),
        [{}],
      )) as [Pair[]];
      expect(got).toHaveLength(3 * count);
      for (const p of [0, 1, 2]) {
        expect(got.filter(([q]) => q === p).map(([, i]) => i)).toEqual(
          Array.from({ length: count }, (_, i) => i),
        );
      }
    });

    it('2 producers, 2 consumers (one async): exactly once, each consumer sees per-producer order', async () => {
      const queue = new Queue<{ producer: number; i: number }>({ maxsize: 16 });
      const count = 1500;
      const taken = await produceConsume(
        queue,
        [0, 1].map((p) => ({ producer: p, count })),
        [false, true].map((async) => ({ async })),
      );
      const all = taken.flat().map(([p, i]) => p * count + i);
      expect(all).toHaveLength(2 * count);
      expect(new Set(all).size).toBe(2 * count);
      for (const mine of taken) {
        for (const p of [0, 1]) {
          const seq = mine.filter(([q]) => q === p).map(([, i]) => i);
          expect(seq).toEqual([...seq].sort((a, b) => a - b));
        }
      }
    });

    it('a get blocked in one thread wakes when another thread puts', async () => {
      const queue = new Queue<string>();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const getter = run({ scenario: 'getOne', queue: queue.toHandle(), cells: cells.buffer });
      await untilCount(cells, 1);
      queue.put('hello');
      await expect(getter.result).resolves.toBe('hello');
    });
  });

  describe('items larger than the ring', () => {
    it('pass whole, from two producers at once, never interleaved', async () => {
      const queue = new Queue<{ producer: number; i: number }>({ capacityBytes: 1024 });
      const [got] = (await produceConsume(
        queue,
        [0, 1].map((p) => ({ producer: p, count: 6, size: 50_000 })),
        [{}], // the consumer checks every byte
      )) as [Pair[]];
      expect(got).toHaveLength(12);
      expect(got.filter(([p]) => p === 0).map(([, i]) => i)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('a put that times out half-written withdraws its item', async () => {
      const queue = new Queue<unknown>({ capacityBytes: 1024 });
      expect(() => queue.put(new Uint8Array(100_000), { timeout: 5 })).toThrow(QueueFullError);
      expect(queue.size()).toBe(0);
      // The withdrawn half still fills the ring until a reader skips it: put without blocking
      // this thread, whose getAsync() is that reader.
      const putting = queue.putAsync('small');
      expect(await queue.getAsync()).toBe('small');
      await putting;
      expect(queue.tryGet()).toEqual({ ok: false, reason: 'empty' });
    });

    it('an aborted putAsync half-written withdraws its item', async () => {
      const queue = new Queue<unknown>({ capacityBytes: 1024 });
      const controller = new AbortController();
      const putting = queue.putAsync(new Uint8Array(100_000), { signal: controller.signal });
      controller.abort();
      await expect(putting).rejects.toBeInstanceOf(WaitAbortedError);
      const next = queue.putAsync('next');
      expect(await queue.getAsync()).toBe('next');
      await next;
      expect(queue.size()).toBe(0);
    });

    it('tryPut() refuses an item that does not fit in the free bytes now', () => {
      const queue = new Queue<unknown>({ capacityBytes: 1024 });
      expect(queue.tryPut(new Uint8Array(4096))).toBe(false);
      expect(queue.size()).toBe(0);
    });
  });

  describe('a writer that dies mid-put', () => {
    it('leaves no half item once markOwnerDead() releases its side', async () => {
      const queue = new Queue<unknown>({ capacityBytes: 1024 });
      const handle = queue.toHandle();
      const writer = run({ scenario: 'putBig', queue: handle, size: 100_000 });
      const outcome = writer.result.catch((error: unknown) => error); // it never finishes
      // White box: word 4 of the header is the ring's published end. Once it moves, part of an
      // item that cannot fit has been published: the writer is mid-item.
      const header = new Int32Array(handle.buffer, 0, 8);
      await untilChanged(header, 4, 0);
      const id = writer.threadId;
      await writer.worker.terminate();
      expect(await outcome).toBeInstanceOf(Error);
      // The dead writer still holds the write side.
      expect(() => queue.put('blocked', { timeout: 5 })).toThrow(QueueFullError);
      // A reader takes the published half, and must not return it.
      const reading = queue.getAsync();
      expect(markOwnerDead(id)).toBeGreaterThanOrEqual(1);
      await queue.putAsync('after');
      await expect(reading).resolves.toBe('after');
      expect(queue.size()).toBe(0);
      expect(queue.tryGet()).toEqual({ ok: false, reason: 'empty' });
    });
  });

  describe('a getter that dies while waiting', () => {
    it('does not wedge the queue, even without markOwnerDead()', async () => {
      const queue = new Queue<string>();
      const handle = queue.toHandle();
      const getter = run({ scenario: 'getOne', queue: handle });
      const outcome = getter.result.catch((error: unknown) => error); // it never finishes
      // White box: word 5 of the header counts readers parked for data.
      await untilChanged(new Int32Array(handle.buffer, 0, 8), 5, 0);
      await getter.worker.terminate();
      expect(await outcome).toBeInstanceOf(Error);
      const next = queue.getAsync();
      queue.put('still flowing');
      await expect(next).resolves.toBe('still flowing');
    });
  });

  describe('close()', () => {
    it('lets getters drain what is left, then throws QueueClosedError; puts fail', async () => {
      const queue = new Queue<number>();
      queue.put(1);
      queue.put(2);
      queue.close();
      expect(queue.closed).toBe(true);
      expect(() => queue.put(3)).toThrow(QueueClosedError);
      await expect(queue.putAsync(3)).rejects.toBeInstanceOf(QueueClosedError);
      expect(queue.get()).toBe(1);
      expect(await queue.getAsync()).toBe(2);
      expect(() => queue.get()).toThrow(QueueClosedError);
      await expect(queue.getAsync()).rejects.toBeInstanceOf(QueueClosedError);
      expect(queue.tryGet()).toEqual({ ok: false, reason: 'closed' });
      try {
        queue.get({ block: false });
        expect.unreachable();
      } catch (error) {
        expect((error as QueueClosedError).code).toBe('ERR_WEFT_QUEUE_CLOSED');
      }
    });

    it('wakes a getter blocked in another thread', async () => {
      const queue = new Queue<string>();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const getter = run({ scenario: 'getOne', queue: queue.toHandle(), cells: cells.buffer });
      await untilCount(cells, 1);
      queue.close();
      await expect(getter.result).resolves.toBe('ERR_WEFT_QUEUE_CLOSED');
    });

    it('fails a put waiting for room', async () => {
      const queue = new Queue<number>({ maxsize: 1 });
      queue.put(1);
      const waiting = queue.putAsync(2);
      queue.close();
      await expect(waiting).rejects.toBeInstanceOf(QueueClosedError);
      expect(queue.get()).toBe(1);
    });

    it('ends async iteration once drained', async () => {
      const queue = new Queue<number>();
      for (const n of [1, 2, 3]) queue.put(n);
      queue.close();
      const seen: number[] = [];
      for await (const n of queue) seen.push(n);
      expect(seen).toEqual([1, 2, 3]);
    });
  });

  describe('getAsync()', () => {
    it('rejects with WaitAbortedError (cause = reason) and leaves no ghost consumer', async () => {
      const queue = new Queue<string>();
      const controller = new AbortController();
      const aborted = queue.getAsync({ signal: controller.signal });
      controller.abort('stop');
      const error = await aborted.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitAbortedError);
      expect((error as WaitAbortedError).cause).toBe('stop');
      // The next item goes to a live getter, here one blocked in another thread.
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const getter = run({ scenario: 'getOne', queue: queue.toHandle(), cells: cells.buffer });
      await untilCount(cells, 1);
      queue.put('for the live one');
      await expect(getter.result).resolves.toBe('for the live one');
    });

    it('an aborted waiter behind another leaves the item to the live one', async () => {
      const queue = new Queue<number>();
      const controller = new AbortController();
      const live = queue.getAsync();
      const ghost = queue.getAsync({ signal: controller.signal });
      controller.abort();
      await expect(ghost).rejects.toBeInstanceOf(WaitAbortedError);
      queue.put(1);
      await expect(live).resolves.toBe(1);
      queue.put(2);
      expect(queue.get()).toBe(2);
    });

    it('times out with QueueEmptyError, then the next item goes to the next getter', async () => {
      const queue = new Queue<number>();
      await expect(queue.getAsync({ timeout: 5 })).rejects.toBeInstanceOf(QueueEmptyError);
      const next = queue.getAsync();
      queue.put(7);
      await expect(next).resolves.toBe(7);
    });

    it('rejects at once for an already aborted signal', async () => {
      const queue = new Queue<number>();
      queue.put(1);
      await expect(queue.getAsync({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
        WaitAbortedError,
      );
      expect(queue.size()).toBe(1);
    });
  });

  describe('unserializable items', () => {
    it('are refused at put with ItemNotSerializableError naming the type; nothing is written', async () => {
      const queue = new Queue<unknown>();
      try {
        queue.put(() => 1);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ItemNotSerializableError);
        expect((error as ItemNotSerializableError).code).toBe('ERR_WEFT_ITEM_NOT_SERIALIZABLE');
        expect((error as ItemNotSerializableError).itemType).toBe('function');
      }
      class Job {
        run(): void {}
        callback = (): void => {};
      }
      const error = await queue.putAsync(new Job()).catch((e: unknown) => e);
      expect((error as ItemNotSerializableError).itemType).toBe('Job');
      expect(() => queue.tryPut({ nested: Symbol('s') })).toThrow(ItemNotSerializableError);
      expect(queue.size()).toBe(0);
      expect(queue.tryGet()).toEqual({ ok: false, reason: 'empty' });
    });
  });
});
