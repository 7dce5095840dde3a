// AsyncBarrier.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncBarrier, BrokenBarrierError, InvalidArgumentError } from '@weft/sync-primitives';

describe('AsyncBarrier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects parties < 1', () => {
    expect(() => new AsyncBarrier(0)).toThrow(InvalidArgumentError);
  });

  it('releases all parties with distinct arrival indexes, runs the action once, and is reusable', async () => {
    let runs = 0;
    const barrier = new AsyncBarrier(3, { action: () => runs++ });
    for (let round = 0; round < 3; round++) {
      const indexes = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
      expect(indexes).toEqual([0, 1, 2]);
    }
    expect(runs).toBe(3);
  });

  it('breaks on timeout: every waiter gets BrokenBarrierError', async () => {
    const barrier = new AsyncBarrier(3);
    const first = barrier.wait();
    const second = barrier.wait({ timeout: 5 });
    const assertions = Promise.all([
      expect(first).rejects.toBeInstanceOf(BrokenBarrierError),
      expect(second).rejects.toBeInstanceOf(BrokenBarrierError),
    ]);
    await vi.advanceTimersByTimeAsync(5);
    await assertions;
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
  });

  it('breaks when its default timeout expires (Python’s Barrier(timeout=…))', async () => {
    const barrier = new AsyncBarrier(3, { timeout: 5 });
    expect(barrier.timeout).toBe(5);
    const first = barrier.wait();
    const second = barrier.wait({ timeout: 1_000 });
    const assertions = Promise.all([
      expect(first).rejects.toBeInstanceOf(BrokenBarrierError),
      expect(second).rejects.toBeInstanceOf(BrokenBarrierError),
    ]);
    await vi.advanceTimersByTimeAsync(5);
    await assertions;
    expect(barrier.broken).toBe(true);
  });

  it('an explicit timeout overrides the default one', async () => {
    const barrier = new AsyncBarrier(2, { timeout: 5 });
    let settled = false;
    const waiting = barrier.wait({ timeout: Infinity }).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(settled).toBe(false);
    expect(await barrier.wait()).toBe(1);
    expect(await waiting).toBe(0);
  });

  it.each([-1, Number.NaN, '5'])('rejects a default timeout of %s', (timeout) => {
    expect(() => new AsyncBarrier(2, { timeout: timeout as number })).toThrow(InvalidArgumentError);
  });

  it('breaks when the action throws', async () => {
    const barrier = new AsyncBarrier(2, {
      action: () => {
        throw new Error('bad action');
      },
    });
    const first = barrier.wait();
    await expect(barrier.wait()).rejects.toThrow('bad action');
    await expect(first).rejects.toBeInstanceOf(BrokenBarrierError);
  });

  it('abort() breaks waiters; an aborted wait withdraws without breaking', async () => {
    const barrier = new AsyncBarrier(2);
    const controller = new AbortController();
    const leaving = barrier.wait({ signal: controller.signal });
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ code: 'ERR_WEFT_WAIT_ABORTED' });
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.broken).toBe(false);
    const waiting = barrier.wait();
    barrier.abort();
    await expect(waiting).rejects.toBeInstanceOf(BrokenBarrierError);
  });
});
