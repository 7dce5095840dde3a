// The job ids an executor gives its calls: unique across executors (a random prefix per executor)
// and within one (a count), and in the form BullMQ takes for a custom id (no `:`, not an integer).
import { describe, expect, it } from 'vitest';
import { ExecutorCore } from '../src/internal/executor-core.js';

describe('ExecutorCore.newJobId()', () => {
  it('never repeats an id, within one executor or across two on the same queue', () => {
    const a = new ExecutorCore('q', undefined, 'redis');
    const b = new ExecutorCore('q', undefined, 'redis');
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      ids.add(a.newJobId());
      ids.add(b.newJobId());
    }
    expect(ids.size).toBe(10_000);
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(String(Number.parseInt(id, 10))).not.toBe(id);
    }
    // 128 random bits, then the count.
    expect(a.newJobId()).toMatch(/^[\w-]{22}\.[0-9a-z]+$/);
  });
});
