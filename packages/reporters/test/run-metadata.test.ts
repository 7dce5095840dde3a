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
  ])('rejects %s, naming the field', (_name, value, field) => {
    expect(() => validateRunMetadata(value)).toThrow(ReportInputInvalidError);
    expect(() => validateRunMetadata(value)).toThrow(expect.objectContaining({ field }));
  });
});
