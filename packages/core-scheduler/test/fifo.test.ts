// The chunked FIFO under the scheduler's queues (src/internal/fifo.ts): order, holes left by
// delete, chunk boundaries and reuse, against a plain array as the model (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fifo } from '../src/internal/fifo.js';

interface Item {
  readonly n: number;
}

describe('Fifo', () => {
  it('keeps push order across chunks and gives undefined when empty', () => {
    const fifo = new Fifo<Item>();
    expect(fifo.first()).toBeUndefined();
    expect(fifo.shift()).toBeUndefined();
    const items = Array.from({ length: 5000 }, (_, n) => ({ n }));
    for (const item of items) fifo.push(item);
    expect(fifo.toArray()).toEqual(items);
    for (const item of items) {
      expect(fifo.first()).toBe(item);
      expect(fifo.shift()).toBe(item);
    }
    expect(fifo.shift()).toBeUndefined();
    // Reused after emptying.
    fifo.push(items[0]!);
    expect(fifo.toArray()).toEqual([items[0]]);
  });

  it('skips deleted items and reports whether an item was there', () => {
    const fifo = new Fifo<Item>();
    const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 3 }];
    fifo.push(a);
    fifo.push(b);
    fifo.push(c);
    expect(fifo.delete(a)).toBe(true);
    expect(fifo.delete(a)).toBe(false);
    expect(fifo.first()).toBe(b);
    expect(fifo.delete(c)).toBe(true);
    expect(fifo.toArray()).toEqual([b]);
    expect(fifo.shift()).toBe(b);
    expect(fifo.shift()).toBeUndefined();
    expect(fifo.delete(b)).toBe(false);
  });

  it('behaves as an array under any mix of push, shift and delete', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('push' as const), count: fc.integer({ min: 1, max: 700 }) }),
      fc.record({ op: fc.constant('shift' as const), count: fc.integer({ min: 1, max: 700 }) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const fifo = new Fifo<Item>();
        const model: Item[] = [];
        let n = 0;
        for (const step of ops) {
          if (step.op === 'push') {
            for (let i = 0; i < step.count; i++) {
              const item = { n: n++ };
              fifo.push(item);
              model.push(item);
            }
          } else if (step.op === 'shift') {
            for (let i = 0; i < step.count; i++) expect(fifo.shift()).toBe(model.shift());
          } else if (model.length !== 0) {
            const [item] = model.splice(step.at % model.length, 1);
            expect(fifo.delete(item!)).toBe(true);
          }
          expect(fifo.first()).toBe(model[0]);
        }
        expect(fifo.toArray()).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });
});
