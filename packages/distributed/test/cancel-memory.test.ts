// The worker's memory of cancel messages for jobs it is not running: anyone who can publish on the
// cancel channel fills it, so it must stay bounded however many messages arrive, and forget old
// ones, while still remembering the recent ones it exists for. A fake clock: no waiting.
import { describe, expect, it } from 'vitest';
import { CancelMemory } from '../src/internal/cancel-memory.js';

describe('CancelMemory', () => {
  it('stays within its capacity under a flood of distinct ids, keeping the newest', () => {
    const memory = new CancelMemory(1000, 60_000, () => 0);
    let largest = 0;
    for (let i = 0; i < 50_000; i++) {
      memory.add(`flood-${i}`);
      largest = Math.max(largest, memory.size);
    }
    expect(largest).toBe(1000);
    expect(memory.take('flood-49999')).toBe(true);
    expect(memory.take('flood-49000')).toBe(true);
    // Evicted, oldest first.
    expect(memory.take('flood-48999')).toBe(false);
    expect(memory.take('flood-0')).toBe(false);
  });

  it('forgets ids older than its ttl, and remembers a repeated id as of its last message', () => {
    let t = 0;
    const memory = new CancelMemory(1000, 100, () => t);
    memory.add('a');
    memory.add('b');
    t = 60;
    memory.add('a');
    t = 150;
    memory.add('c');
    // 'b' (at 0) expired; 'a' was renewed at 60.
    expect(memory.size).toBe(2);
    expect(memory.take('b')).toBe(false);
    expect(memory.take('a')).toBe(true);
    t = 1000;
    expect(memory.take('c')).toBe(false);
    expect(memory.size).toBe(0);
  });

  it('takes an id once', () => {
    const memory = new CancelMemory(10, 100, () => 0);
    memory.add('job-1');
    expect(memory.take('job-1')).toBe(true);
    expect(memory.take('job-1')).toBe(false);
    expect(memory.take('never')).toBe(false);
  });

  it('ignores messages too long to be a job id', () => {
    const memory = new CancelMemory(10, 100, () => 0);
    memory.add('x'.repeat(1025));
    expect(memory.size).toBe(0);
  });
});
