import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLongTimeout } from '../src/index.js';

describe('setLongTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole delay above 2^31 - 1 ms instead of firing at once', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, 2 ** 31);
    vi.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2 ** 31 - 1_001);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('waits Number.MAX_SAFE_INTEGER ms without firing early', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const timer = setLongTimeout(fired, Number.MAX_SAFE_INTEGER);
    vi.advanceTimersByTime(3 * 2 ** 31);
    expect(fired).not.toHaveBeenCalled();
    expect(timer.hasRef()).toBe(true);
    timer.clear();
    expect(timer.hasRef()).toBe(false);
  });

  it('never fires for Infinity and arms no timer', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const timer = setLongTimeout(fired, Infinity);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 ** 40);
    expect(fired).not.toHaveBeenCalled();
    expect(timer.hasRef()).toBe(false);
  });

  it('fires short delays once, and not after clear()', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const cleared = vi.fn();
    setLongTimeout(fired, 10);
    setLongTimeout(cleared, 10).clear();
    vi.advanceTimersByTime(10);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps unref across steps', () => {
    vi.useFakeTimers();
    const timer = setLongTimeout(() => {}, 2 ** 32).unref();
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(timer.hasRef()).toBe(false);
    timer.ref();
    expect(timer.hasRef()).toBe(true);
    timer.clear();
  });

  // vitest 4 fakes `performance` by default; name it so a config change cannot silently drop it.
  const CLOCKS: Parameters<typeof vi.useFakeTimers>[0] = {
    toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'],
  };

  it('does not fire early when the wall clock jumps forward', () => {
    vi.useFakeTimers(CLOCKS);
    const fired = vi.fn();
    setLongTimeout(fired, 2 ** 31 + 1_000);
    // The system date moves 30 days ahead while no monotonic time passes.
    vi.setSystemTime(Date.now() + 30 * 24 * 3_600_000);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_001);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('does not fire late when the wall clock jumps back', () => {
    vi.useFakeTimers(CLOCKS);
    const fired = vi.fn();
    setLongTimeout(fired, 2 ** 31 + 1_000);
    vi.setSystemTime(Date.now() - 30 * 24 * 3_600_000);
    vi.advanceTimersByTime(2 ** 31 + 1_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires a real short timer', async () => {
    await new Promise<void>((resolve) => setLongTimeout(resolve, 5));
  });
});
