// Barrier: Python's threading.Barrier semantics (threads are in threads.test.ts).
import { describe, expect, it } from 'vitest';
import { Barrier, BrokenBarrierError, InvalidArgumentError } from '@weft/sync-primitives';

describe('Barrier', () => {
  describe('new Barrier(parties)', () => {
    it.each([0, -1, 2.5])('rejects parties %s', (parties) => {
      expect(() => new Barrier(parties)).toThrow(InvalidArgumentError);
    });

    it('exposes parties, nWaiting and broken', () => {
      const barrier = new Barrier(3);
      expect(barrier.parties).toBe(3);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  describe('wait()', () => {
    it('returns the arrival index and runs the action in the last thread', () => {
      let runs = 0;
      const barrier = new Barrier(1, { action: () => runs++ });
      expect(barrier.wait()).toBe(0);
      expect(barrier.wait()).toBe(0);
      expect(runs).toBe(2);
    });

    it('gives each async waiter its index once all have arrived', async () => {
      const barrier = new Barrier(3);
      const indexes = await Promise.all([
        barrier.waitAsync(),
        barrier.waitAsync(),
        barrier.waitAsync(),
      ]);
      expect(indexes.sort()).toEqual([0, 1, 2]);
      expect(barrier.nWaiting).toBe(0);
    });

    it('breaks on timeout: the waiter and later callers get BrokenBarrierError', () => {
      const barrier = new Barrier(2);
      expect(() => barrier.wait(2)).toThrow(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
      expect(() => barrier.wait()).toThrow(BrokenBarrierError);
    });

    it('uses the barrier’s default timeout', () => {
      const barrier = new Barrier(2, { timeout: 2 });
      expect(() => barrier.wait()).toThrow(BrokenBarrierError);
    });

    it('breaks when the action throws, and rethrows its error', async () => {
      const barrier = new Barrier(2, {
        action: () => {
          throw new Error('action failed');
        },
      });
      const first = barrier.waitAsync();
      await expect(barrier.waitAsync()).rejects.toThrow('action failed');
      await expect(first).rejects.toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
    });
  });

  describe('the default timeout lives in the shared memory', () => {
    it('takes 10 words: the core, count, generation, broken, parties and a float64 timeout', () => {
      expect(Barrier.byteLength).toBe(40);
    });

    it('is read by every object over the same memory: from(handle) and placement', () => {
      const barrier = new Barrier(2, { timeout: 2 ** 40 + 0.5 });
      expect(barrier.timeout).toBe(2 ** 40 + 0.5);
      expect(Barrier.from(barrier.toHandle()).timeout).toBe(2 ** 40 + 0.5);
      const { buffer, byteOffset } = barrier.toHandle();
      expect(new Barrier(2, { buffer, byteOffset }).timeout).toBe(2 ** 40 + 0.5);
      expect(new Barrier(2).timeout).toBe(Infinity);
    });

    it('a revived barrier times out by it, and the timeout breaks the barrier for everyone', () => {
      const made = new Barrier(2, { timeout: 2 });
      const revived = Barrier.from(made.toHandle());
      expect(() => revived.wait()).toThrow(BrokenBarrierError);
      expect(made.broken).toBe(true);
      expect(() => made.wait()).toThrow(BrokenBarrierError);
    });

    it('refuses another timeout for memory that already holds a barrier', () => {
      const barrier = new Barrier(2, { timeout: 100 });
      expect(() => Barrier.from(barrier.toHandle(), { timeout: 5 })).toThrow(InvalidArgumentError);
      expect(Barrier.from(barrier.toHandle(), { timeout: 100 }).timeout).toBe(100);
    });
  });

  describe('abort() and reset()', () => {
    it('abort() breaks waiting threads; reset() makes it usable again', async () => {
      const barrier = new Barrier(2);
      const waiting = barrier.waitAsync();
      barrier.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_WEFT_BARRIER_BROKEN' });
      barrier.reset();
      expect(barrier.broken).toBe(false);
      expect(await Promise.all([barrier.waitAsync(), barrier.waitAsync()])).toHaveLength(2);
    });

    it('reset() breaks the current waiters but leaves the barrier unbroken', async () => {
      const barrier = new Barrier(2);
      const waiting = barrier.waitAsync();
      barrier.reset();
      await expect(waiting).rejects.toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(false);
    });

    it('an aborted async wait withdraws without breaking the barrier', async () => {
      const barrier = new Barrier(2);
      const controller = new AbortController();
      const waiting = barrier.waitAsync({ signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED' });
      expect(barrier.broken).toBe(false);
      expect(barrier.nWaiting).toBe(0);
    });
  });
});
