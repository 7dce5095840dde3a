// AsyncEvent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncEvent, WaitAbortedError } from '@weft/sync-primitives';

describe('AsyncEvent', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('set() wakes every waiter with true; a later wait resolves at once', async () => {
    const event = new AsyncEvent();
    const waits = [event.wait(), event.wait(), event.wait({ timeout: 100 })];
    expect(event.waiting).toBe(3);
    event.set();
    expect(await Promise.all(waits)).toEqual([true, true, true]);
    expect(await event.wait()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it('wait() returns false on timeout and rejects on abort', async () => {
    const event = new AsyncEvent();
    const timed = event.wait({ timeout: 5 });
    await vi.advanceTimersByTimeAsync(5);
    expect(await timed).toBe(false);
    const controller = new AbortController();
    const aborted = event.wait({ signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(WaitAbortedError);
    expect(event.waiting).toBe(0);
  });
});
