// The shared family across real worker threads: every lock kind keeps a non-atomic
// read-modify-write exact; every waiting primitive wakes who it must.
import { describe, expect, it } from 'vitest';
import {
  AtomicInt32,
  Barrier,
  Condition,
  CountDownLatch,
  Event,
  Mutex,
  ReadWriteLock,
  RecursiveMutex,
  Semaphore,
  BoundedSemaphore,
  SharedArena,
} from '@weft/sync-primitives';
import { runWorkers, startWorker } from './helpers.js';

const WORKERS = 3;
const ITERATIONS = 5_000;

function raceWith(
  lock: { toHandle(): unknown },
  mode: string,
  iterations = ITERATIONS,
): Promise<number> {
  const cells = new SharedArrayBuffer(16);
  const start = new Barrier(WORKERS);
  return runWorkers(WORKERS, {
    scenario: 'increment',
    mode,
    iterations,
    lock: lock.toHandle(),
    start: start.toHandle(),
    cells,
    spin: 5,
  }).then(() => new Int32Array(cells)[0]!);
}

describe('shared locks across worker threads', () => {
  describe('N workers × M non-atomic increments, started together at a Barrier', () => {
    it.each([
      ['Mutex', 'manual acquire/release', () => new Mutex(), 'manual'],
      ['Mutex', 'scoped lock()', () => new Mutex(), 'scoped'],
      ['Mutex', 'withLock()', () => new Mutex(), 'withLock'],
      ['Mutex', 'acquireAsync()', () => new Mutex(), 'async'],
      ['Mutex', 'acquire({ timeout })', () => new Mutex(), 'timeout'],
      [
        'Mutex placed in a SharedArena',
        'manual',
        () => {
          const arena = new SharedArena(1024);
          arena.allocate(Semaphore.byteLength);
          return new Mutex(arena.allocate(Mutex.byteLength, 64));
        },
        'manual',
      ],
      ['RecursiveMutex', 'nested acquire', () => new RecursiveMutex(), 'recursive'],
      ['Semaphore(1)', 'acquire/release', () => new Semaphore(1), 'manual'],
      ['BoundedSemaphore(1)', 'acquireAsync()', () => new BoundedSemaphore(1), 'async'],
      ['ReadWriteLock', 'write lock', () => new ReadWriteLock(), 'write'],
      ['ReadWriteLock', 'async write lock', () => new ReadWriteLock(), 'writeAsync'],
      ['Condition', "the condition's lock", () => new Condition(new Mutex()), 'condition'],
    ])('%s (%s) gives the exact total', async (_name, _how, make, mode) => {
      expect(await raceWith(make(), mode)).toBe(WORKERS * ITERATIONS);
    });

    it('AtomicInt32.add gives the exact total', async () => {
      const cell = new AtomicInt32();
      const start = new Barrier(WORKERS);
      await runWorkers(WORKERS, {
        scenario: 'atomicAdd',
        iterations: ITERATIONS,
        cell: cell.toHandle(),
        start: start.toHandle(),
      });
      expect(cell.load()).toBe(WORKERS * ITERATIONS);
    });
  });

  describe('Semaphore', () => {
    it.each([false, true])(
      'never admits more threads than its permits (async: %s)',
      async (async) => {
        const cells = new SharedArrayBuffer(16);
        const sem = new Semaphore(2);
        await runWorkers(4, {
          scenario: 'gauge',
          iterations: 2_000,
          lock: sem.toHandle(),
          start: new Barrier(4).toHandle(),
          cells,
          async,
        });
        const max = new Int32Array(cells)[2]!;
        expect(max).toBeGreaterThanOrEqual(1);
        expect(max).toBeLessThanOrEqual(2);
        expect(sem.value).toBe(2);
      },
    );
  });

  describe('ReadWriteLock', () => {
    it('never admits a writer together with a reader or another writer', async () => {
      const cells = new SharedArrayBuffer(16);
      const rw = new ReadWriteLock();
      await runWorkers(4, {
        scenario: 'readersWriters',
        iterations: 3_000,
        writeEvery: 5,
        lock: rw.toHandle(),
        start: new Barrier(4).toHandle(),
        cells,
      });
      expect(new Int32Array(cells)[3]).toBe(0);
      expect(rw.readers).toBe(0);
      expect(rw.writeLocked()).toBe(false);
    });
  });

  describe('Condition', () => {
    it.each([
      ['Mutex', () => new Mutex(), false],
      ['RecursiveMutex', () => new RecursiveMutex(), false],
      ['Mutex, async consumers', () => new Mutex(), true],
    ])('a bounded buffer over a Condition (%s) loses nothing', async (_name, makeLock, async) => {
      const capacity = 4;
      const items = 1_500;
      const cells = new SharedArrayBuffer((3 + capacity) * 4);
      const cond = new Condition(makeLock());
      const start = new Barrier(4);
      const base = {
        cells,
        cond: cond.toHandle(),
        start: start.toHandle(),
        capacity,
        items,
        async,
      };
      const results = await runWorkers(4, (i) =>
        i < 2
          ? { ...base, scenario: 'producer', base: i * 1_000_000 }
          : { ...base, scenario: 'consumer' },
      );
      const produced = (results[0] as number) + (results[1] as number);
      const consumed = (results[2] as number) + (results[3] as number);
      expect(consumed).toBe(produced);
      expect(new Int32Array(cells)[0]).toBe(0);
    });
  });

  describe('Event', () => {
    it.each([false, true])('set() wakes every waiting thread (async: %s)', async (async) => {
      const event = new Event();
      const arrived = new CountDownLatch(3);
      const results = Array.from(
        { length: 3 },
        () =>
          startWorker({
            scenario: 'eventWait',
            event: event.toHandle(),
            arrived: arrived.toHandle(),
            async,
          }).result,
      );
      await arrived.waitAsync();
      event.set();
      expect(await Promise.all(results)).toEqual([true, true, true]);
    });
  });

  describe('CountDownLatch', () => {
    it.each([false, true])(
      'releases every waiter when the count reaches zero (async: %s)',
      async (async) => {
        const latch = new CountDownLatch(2);
        const start = new Barrier(4);
        const results = await runWorkers(4, (i) => ({
          scenario: i < 2 ? 'latchWait' : 'latchCountDown',
          latch: latch.toHandle(),
          start: start.toHandle(),
          async,
        }));
        expect(results).toEqual([true, true, 'ok', 'ok']);
        expect(latch.count).toBe(0);
      },
    );
  });

  describe('Barrier', () => {
    it.each([false, true])(
      'keeps generations apart and gives distinct arrival indexes (async: %s)',
      async (async) => {
        const rounds = 20;
        const barrier = new Barrier(3);
        const cells = new SharedArrayBuffer(rounds * 4);
        const results = (await runWorkers(3, {
          scenario: 'barrierRounds',
          rounds,
          barrier: barrier.toHandle(),
          cells,
          async,
        })) as number[][];
        for (let round = 0; round < rounds; round++) {
          expect(results.map((r) => r[round]).sort()).toEqual([0, 1, 2]);
        }
        expect([...new Int32Array(cells)]).toEqual(Array.from({ length: rounds }, () => 3));
      },
    );

    it.each([false, true])(
      'abort() breaks it for threads already waiting (async: %s)',
      async (async) => {
        const barrier = new Barrier(3);
        const arrived = new CountDownLatch(2);
        const results = Array.from(
          { length: 2 },
          () =>
            startWorker({
              scenario: 'barrierWaitExpectBroken',
              barrier: barrier.toHandle(),
              arrived: arrived.toHandle(),
              async,
            }).result,
        );
        await arrived.waitAsync();
        while (barrier.nWaiting < 2) await new Promise((r) => setImmediate(r));
        barrier.abort();
        expect(await Promise.all(results)).toEqual([
          'ERR_WEFT_BARRIER_BROKEN',
          'ERR_WEFT_BARRIER_BROKEN',
        ]);
      },
    );
  });

  describe('Barrier default timeout', () => {
    it.each([false, true])(
      'is kept in shared memory: revived in workers, it times out there and breaks the barrier (async: %s)',
      async (async) => {
        // Three parties, two workers: only the default timeout can end their waits.
        const barrier = new Barrier(3, { timeout: 20 });
        const results = await runWorkers(2, {
          scenario: 'barrierDefaultTimeout',
          barrier: barrier.toHandle(),
          async,
        });
        expect(results).toEqual([
          { timeout: 20, outcome: 'ERR_WEFT_BARRIER_BROKEN', broken: true },
          { timeout: 20, outcome: 'ERR_WEFT_BARRIER_BROKEN', broken: true },
        ]);
        expect(barrier.broken).toBe(true);
      },
    );
  });

  describe('Mutex', () => {
    it('may be released by a thread that did not acquire it, as Python’s Lock', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      expect(await startWorker({ scenario: 'releaseForeign', lock: mutex.toHandle() }).result).toBe(
        'released',
      );
      expect(mutex.locked()).toBe(false);
    });

    it('does not starve a waiter while another thread re-locks in a tight loop (eventual fairness)', async () => {
      const mutex = new Mutex();
      const cells = new SharedArrayBuffer(8);
      const start = new Barrier(3);
      const hammers = [0, 1].map(() =>
        startWorker({ scenario: 'hammer', lock: mutex.toHandle(), cells, start: start.toHandle() }),
      );
      await start.waitAsync();
      const counter = new Int32Array(cells);
      while (Atomics.load(counter, 0) < 1_000) await new Promise((r) => setImmediate(r));
      const got = await mutex.acquireAsync({ timeout: 10_000 });
      if (got) mutex.release();
      Atomics.store(counter, 1, 1);
      await Promise.all(hammers.map((h) => h.result));
      expect(got).toBe(true);
    });

    it('reports its owner thread to every thread', async () => {
      const mutex = new Mutex();
      mutex.acquire();
      const seen = (await startWorker({ scenario: 'ownerOf', lock: mutex.toHandle() }).result) as {
        owner: number;
        locked: boolean;
      };
      expect(seen).toMatchObject({ owner: 0, locked: true });
      mutex.release();
    });
  });

  describe('RecursiveMutex', () => {
    it('refuses a release by a thread that does not own it', async () => {
      const lock = new RecursiveMutex();
      lock.acquire();
      expect(await startWorker({ scenario: 'releaseForeign', lock: lock.toHandle() }).result).toBe(
        'ERR_WEFT_LOCK_NOT_OWNED',
      );
      expect(lock.locked()).toBe(true);
      lock.release();
    });
  });
});
