// Event: Python's threading.Event semantics.
import { describe, expect, it } from 'vitest';
import { Event, WaitAbortedError } from '@weft/sync-primitives';

describe('Event', () => {
  it('starts clear', () => {
    expect(new Event().isSet()).toBe(false);
  });

  describe('set() / clear()', () => {
    it('set the flag and clear it', () => {
      const event = new Event();
      event.set();
      expect(event.isSet()).toBe(true);
      event.set();
      expect(event.isSet()).toBe(true);
      event.clear();
      expect(event.isSet()).toBe(false);
    });
  });

  describe('wait(timeout)', () => {
    it('returns true at once when set, false after the timeout when clear', () => {
      const event = new Event();
      expect(event.wait(2)).toBe(false);
      event.set();
      expect(event.wait()).toBe(true);
      expect(event.wait(0)).toBe(true);
    });
  });

  describe('waitAsync()', () => {
    it('resolves true for every waiter when set', async () => {
      const event = new Event();
      const waits = [event.waitAsync(), event.waitAsync({ timeout: 10_000 })];
      event.set();
      expect(await Promise.all(waits)).toEqual([true, true]);
    });

    it('returns true for a wait that overlapped a set() even if clear() followed', async () => {
      const event = new Event();
      const waiting = event.waitAsync({ timeout: 10_000 });
      event.set();
      event.clear();
      expect(await waiting).toBe(true);
    });

    it('returns false on timeout and rejects on abort', async () => {
      const event = new Event();
      expect(await event.waitAsync({ timeout: 2 })).toBe(false);
      const controller = new AbortController();
      const waiting = event.waitAsync({ signal: controller.signal });
      controller.abort('why');
      await expect(waiting).rejects.toBeInstanceOf(WaitAbortedError);
    });
  });
});
