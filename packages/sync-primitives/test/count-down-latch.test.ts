// CountDownLatch.
import { describe, expect, it } from 'vitest';
import { CountDownLatch, InvalidArgumentError } from '@weft/sync-primitives';

describe('CountDownLatch', () => {
  it.each([-1, 0.5])('rejects count %s', (count) => {
    expect(() => new CountDownLatch(count)).toThrow(InvalidArgumentError);
  });

  describe('countDown()', () => {
    it('decrements to zero and no further', () => {
      const latch = new CountDownLatch(2);
      latch.countDown();
      expect(latch.count).toBe(1);
      latch.countDown();
      latch.countDown();
      expect(latch.count).toBe(0);
    });
  });

  describe('wait()', () => {
    it('returns false on timeout before zero, true at zero', async () => {
      const latch = new CountDownLatch(1);
      expect(latch.wait(2)).toBe(false);
      const waiting = latch.waitAsync({ timeout: 10_000 });
      latch.countDown();
      expect(await waiting).toBe(true);
      expect(latch.wait()).toBe(true);
    });
  });
});
