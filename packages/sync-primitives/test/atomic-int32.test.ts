// AtomicInt32.
import { describe, expect, it } from 'vitest';
import { AtomicInt32, InvalidArgumentError } from '@weft/sync-primitives';

describe('AtomicInt32', () => {
  it('does the atomic operations, returning the previous value', () => {
    const cell = new AtomicInt32(5);
    expect(cell.load()).toBe(5);
    expect(cell.add(3)).toBe(5);
    expect(cell.sub(1)).toBe(8);
    expect(cell.exchange(10)).toBe(7);
    expect(cell.compareExchange(9, 0)).toBe(10);
    expect(cell.load()).toBe(10);
    expect(cell.compareExchange(10, 1)).toBe(10);
    expect(cell.store(4)).toBe(4);
    expect(cell.load()).toBe(4);
  });

  it('wraps around as an Int32Array does', () => {
    const cell = new AtomicInt32(2_147_483_647);
    cell.add(1);
    expect(cell.load()).toBe(-2_147_483_648);
  });

  it('rejects an initial value outside 32 bits', () => {
    expect(() => new AtomicInt32(2 ** 40)).toThrow(InvalidArgumentError);
    expect(() => new AtomicInt32(0.5)).toThrow(InvalidArgumentError);
  });
});
