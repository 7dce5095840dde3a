import { once } from 'node:events';
import { threadId, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InterpreterLock,
  InterpreterLockStateError,
  isInterpreterLockHandle,
  piSeries,
  timers,
} from '@weft/workloads';
import { until } from './helpers.js';

const WAITER = new URL('./fixtures/lock-waiter.mjs', import.meta.url);

describe('InterpreterLock', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  });

  function startWaiter(lock: InterpreterLock): { worker: Worker; acquired: Promise<unknown[]> } {
    const worker = new Worker(WAITER, { workerData: { handle: lock.toHandle() } });
    workers.push(worker);
    return { worker, acquired: once(worker, 'message') };
  }

  describe('acquire() / release()', () => {
    it('records the holder and hold statistics', () => {
      let clock = 1000;
      const lock = new InterpreterLock({ now: () => clock });
      lock.acquire();
      expect(lock.isHeldByCurrentThread()).toBe(true);
      expect(lock.stats().holder).toBe(threadId);
      clock += 7;
      lock.release();
      expect(lock.stats()).toMatchObject({
        acquisitions: 1,
        switches: 0,
        totalHeldMs: 7,
        maxHeldMs: 7,
        holder: undefined,
      });
    });

    it('is not re-entrant and refuses a release by a non-holder', () => {
      const lock = new InterpreterLock();
      expect(() => lock.release()).toThrow(InterpreterLockStateError);
      lock.acquire();
      expect(() => lock.acquire()).toThrow(InterpreterLockStateError);
      lock.release();
    });

    it('rejects a negative switch interval', () => {
      expect(() => new InterpreterLock({ switchIntervalMs: -1 })).toThrow(RangeError);
    });
  });

  describe('checkIn()', () => {
    it('does not hand off when no one waits, however long it was held', () => {
      let clock = 0;
      const lock = new InterpreterLock({ now: () => clock, switchIntervalMs: 5 });
      lock.acquire();
      for (let i = 0; i < 1000; i++) {
        clock += 10;
        expect(lock.checkIn()).toBe(false);
      }
      expect(lock.stats().switches).toBe(0);
      lock.release();
    });

    it('hands off to a waiting thread once the switch interval has passed, and takes it back after', async () => {
      let clock = 0;
      const lock = new InterpreterLock({ now: () => clock, switchIntervalMs: 5 });
      lock.acquire();
      const { acquired } = startWaiter(lock);
      await until(() => lock.waiting() === 1);
      clock += 4;
      expect(lock.checkIn()).toBe(false); // someone waits, but the interval has not passed
      clock += 1;
      expect(lock.checkIn()).toBe(true); // handed off; returns once the worker gave it back
      const [message] = await acquired;
      expect(message).toMatchObject({ acquired: true });
      expect(lock.isHeldByCurrentThread()).toBe(true);
      expect(lock.stats()).toMatchObject({ acquisitions: 3, switches: 1, waiting: 0 });
      lock.release();
    });

    it('throws when the calling thread does not hold the lock', () => {
      expect(() => new InterpreterLock().checkIn()).toThrow(InterpreterLockStateError);
    });
  });

  describe('releaseDuring()', () => {
    it('releases the lock while waiting on I/O so another thread can run, then takes it back', async () => {
      const lock = new InterpreterLock();
      lock.acquire();
      const { acquired } = startWaiter(lock);
      // If the wait did not release the lock, the worker could never take it and this would hang.
      const [message] = await lock.releaseDuring(() => acquired);
      expect(message).toMatchObject({ acquired: true });
      expect(lock.isHeldByCurrentThread()).toBe(true);
      expect(lock.stats()).toMatchObject({ ioReleases: 1, acquisitions: 3 });
      lock.release();
    });

    it('releases once for concurrent waits in one thread and re-acquires after the last', async () => {
      const lock = new InterpreterLock();
      lock.acquire();
      let resolveFirst!: () => void;
      const first = lock.releaseDuring(
        () => new Promise<void>((resolve) => (resolveFirst = resolve)),
      );
      const second = lock.releaseDuring(() => Promise.resolve());
      await second;
      expect(lock.isHeldByCurrentThread()).toBe(false);
      resolveFirst();
      await first;
      expect(lock.isHeldByCurrentThread()).toBe(true);
      expect(lock.stats().ioReleases).toBe(1);
      lock.release();
    });
  });

  describe('toHandle() / from()', () => {
    it('shares state through a structured-clonable handle', () => {
      const lock = new InterpreterLock({ switchIntervalMs: 2 });
      const handle = structuredClone(lock.toHandle());
      expect(isInterpreterLockHandle(handle)).toBe(true);
      const same = InterpreterLock.from(handle);
      expect(same.switchIntervalMs).toBe(2);
      lock.acquire();
      expect(same.isHeldByCurrentThread()).toBe(true);
      same.release();
      expect(lock.stats().acquisitions).toBe(1);
      expect(() => InterpreterLock.from({ kind: 'nope' } as never)).toThrow(TypeError);
    });
  });

  describe('with workloads', () => {
    it('is held while a CPU workload runs and released afterwards', async () => {
      const lock = new InterpreterLock();
      const params = piSeries.validate({ intervals: 200_000 });
      expect(
        piSeries.verify(await piSeries.run(params, { interpreterLock: lock }), params).ok,
      ).toBe(true);
      expect(lock.stats()).toMatchObject({ acquisitions: 1, holder: undefined });
    });

    it('is released around each wait of an I/O workload', async () => {
      const lock = new InterpreterLock();
      const params = timers.validate({ waits: 3, delayMs: 0, concurrency: 1 });
      expect(timers.verify(await timers.run(params, { interpreterLock: lock }), params).ok).toBe(
        true,
      );
      expect(lock.stats()).toMatchObject({ ioReleases: 3, acquisitions: 4, holder: undefined });
    });
  });
});
