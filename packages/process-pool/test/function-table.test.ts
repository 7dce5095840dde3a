// The numbers tasks name their export by on the wire (function-table.ts).
import { describe, expect, it } from 'vitest';
import { FunctionTable, MAX_NAMED } from '../src/internal/function-table.js';

describe('FunctionTable', () => {
  it('numbers each (module, export) pair once, in the order first asked for', () => {
    const table = new FunctionTable();
    expect(table.indexOf(0, 'add')).toBe(0);
    expect(table.indexOf(1, 'add')).toBe(1);
    expect(table.indexOf(-1, 'fib')).toBe(2);
    expect(table.indexOf(0, 'add')).toBe(0);
    expect(table.size).toBe(3);
  });

  it('since(n) gives the entries a worker that knows the first n lacks, flat', () => {
    const table = new FunctionTable();
    table.indexOf(0, 'add');
    table.indexOf(-1, 'fib');
    expect(table.since(0)).toEqual([0, 'add', -1, 'fib']);
    expect(table.since(1)).toEqual([-1, 'fib']);
    expect(table.since(2)).toEqual([]);
  });

  it(`numbers at most ${String(MAX_NAMED)} calls by name; exports of a module still get numbers`, () => {
    const table = new FunctionTable();
    for (let i = 0; i < MAX_NAMED; i++) expect(table.indexOf(-1, `name${String(i)}`)).toBe(i);
    expect(table.indexOf(-1, 'one too many')).toBe(-1);
    expect(table.indexOf(-1, 'name7')).toBe(7);
    expect(table.indexOf(0, 'add')).toBe(MAX_NAMED);
  });
});
