// The rule both short polls follow (poll-backoff.ts): after k misses in a row, skip 2^k - 1
// chances (at most 63); a hit makes every chance count again.
import { describe, expect, it } from 'vitest';
import { PollBackoff } from '../src/internal/poll-backoff.js';

/** Chances skipped before the next poll. */
function skips(backoff: PollBackoff): number {
  let n = 0;
  while (!backoff.shouldPoll()) n++;
  return n;
}

describe('PollBackoff', () => {
  it('polls at every chance until a miss', () => {
    const backoff = new PollBackoff();
    for (let i = 0; i < 5; i++) expect(backoff.shouldPoll()).toBe(true);
  });

  it('after k misses in a row skips 2^k - 1 chances, at most 63', () => {
    const backoff = new PollBackoff();
    const skipped: number[] = [];
    for (let k = 1; k <= 8; k++) {
      backoff.miss();
      skipped.push(skips(backoff));
    }
    expect(skipped).toEqual([1, 3, 7, 15, 31, 63, 63, 63]);
  });

  it('a hit starts the count of misses again', () => {
    const backoff = new PollBackoff();
    backoff.miss();
    backoff.miss();
    expect(skips(backoff)).toBe(3);
    backoff.hit();
    expect(backoff.shouldPoll()).toBe(true);
    backoff.miss();
    expect(skips(backoff)).toBe(1);
  });
});
