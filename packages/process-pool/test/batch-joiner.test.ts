// The joiner of batches read in one go from a process worker's IPC channel (batch-joiner.ts).
import { describe, expect, it } from 'vitest';
import { BatchJoiner } from '../src/internal/batch-joiner.js';

describe('BatchJoiner', () => {
  it('delivers the batches added in one tick as one list, in order, after the tick', async () => {
    const delivered: (readonly unknown[][])[] = [];
    const joiner = new BatchJoiner((b) => delivered.push(b));
    // As Node hands the messages of one chunk: each in its own nextTick, all before a microtask.
    await new Promise<void>((resolve) => {
      process.nextTick(() => joiner.add([1, 'a']));
      process.nextTick(() => joiner.add([2, 'b']));
      process.nextTick(() => {
        joiner.add([3, 'c']);
        expect(delivered).toEqual([]);
        queueMicrotask(resolve);
      });
    });
    expect(delivered).toEqual([
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ],
    ]);
    // A later tick starts a new batch.
    joiner.add([4, 'd']);
    await Promise.resolve();
    expect(delivered).toEqual([
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ],
      [[4, 'd']],
    ]);
  });

  it('flush() delivers what is held at once (before another message), and only once', async () => {
    const delivered: (readonly unknown[][])[] = [];
    const joiner = new BatchJoiner((b) => delivered.push(b));
    joiner.add([1]);
    joiner.flush();
    expect(delivered).toEqual([[[1]]]);
    joiner.flush();
    await Promise.resolve();
    expect(delivered).toEqual([[[1]]]);
  });
});
