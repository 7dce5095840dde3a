import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ReportInputInvalidError, collectRunMetadata, validateRunMetadata } from '@weft/reporters';
import { metadata } from './fixtures/data.js';

describe('collectRunMetadata()', () => {
  it('describes this machine', () => {
    const m = collectRunMetadata();
    expect(m.machine.cpuCount).toBe(os.availableParallelism());
    expect(m.machine.memoryBytes).toBe(os.totalmem());
    expect(m.machine.node).toBe(process.version);
    expect(m.machine.os).toEqual({
      platform: os.platform(),
      release: os.release(),
      arch: os.arch(),
    });
    expect(m.machine.cpuModel.length).toBeGreaterThan(0);
  });

  it('records the configuration, date and notes given', () => {
    const m = collectRunMetadata({
      configuration: { workers: 2 },
      date: new Date(0),
      notes: 'shared',
    });
    expect(m).toMatchObject({
      configuration: { workers: 2 },
      date: '1970-01-01T00:00:00.000Z',
      notes: 'shared',
    });
  });

  it.each<[string, unknown, string]>([
    ['options that are not an object', 'fast', 'options'],
    ['a date that is not a Date', { date: '2026-01-01' }, 'options.date'],
    ['an invalid Date', { date: new Date(Number.NaN) }, 'options.date'],
    ['a Date after the year 9999', { date: new Date('+010000-01-01T00:00:00Z') }, 'options.date'],
    ['notes that are not a string', { notes: 42 }, 'options.notes'],
  ])('rejects %s, naming the field', (_name, options, field) => {
    expect(() => collectRunMetadata(options as never)).toThrow(ReportInputInvalidError);
    expect(() => collectRunMetadata(options as never)).toThrow(expect.objectContaining({ field }));
  });

  it('rejects a configuration value that is not a scalar', () => {
    expect(() =>
      collectRunMetadata({ configuration: { nested: {} as unknown as string } }),
    ).toThrow(expect.objectContaining({ field: 'options.configuration.nested' }));
  });
});

describe('validateRunMetadata()', () => {
  it('round-trips collected metadata through JSON', () => {
    const m = collectRunMetadata({ configuration: { size: 'small' } });
    expect(validateRunMetadata(JSON.parse(JSON.stringify(m)))).toEqual(m);
    expect(validateRunMetadata(metadata)).toEqual(metadata);
  });

  it.each<[string, unknown, string]>([
    [
      'a zero CPU count',
      { ...metadata, machine: { ...metadata.machine, cpuCount: 0 } },
      'metadata.machine.cpuCount',
    ],
    [
      'a missing os',
      { ...metadata, machine: { ...metadata.machine, os: undefined } },
      'metadata.machine.os',
    ],
    ['an unparsable date', { ...metadata, date: 'yesterday' }, 'metadata.date'],
    // Date.parse reads both, but the schema's date-time format takes neither.
    ['a date without a time', { ...metadata, date: '2026-11-25' }, 'metadata.date'],
    ['a date in another format', { ...metadata, date: 'Nov 25 2026 21:00' }, 'metadata.date'],
  ])('rejects %s, naming the field', (_name, value, field) => {
    expect(() => validateRunMetadata(value)).toThrow(ReportInputInvalidError);
    expect(() => validateRunMetadata(value)).toThrow(expect.objectContaining({ field }));
  });
});
