import { describe, expect, it } from 'vitest';
import {
  ReporterOptionsInvalidError,
  compare,
  formatComparisonTable,
  formatTimelineAscii,
} from '@weft/reporters';
import { comparisonInput, timeline } from './fixtures/data.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

describe('formatComparisonTable()', () => {
  const comparison = compare(comparisonInput);

  it('renders aligned columns with ratios against the baseline (colour off)', () => {
    const text = formatComparisonTable(comparison, { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toMatchSnapshot();
    const lines = text.split('\n').slice(1);
    const ends = new Set(lines.map((l) => l.length));
    expect(ends.size).toBe(1); // every row ends at the same column: right-aligned ratio column
  });

  it('renders the same table with ANSI colours (colour on)', () => {
    const text = formatComparisonTable(comparison, { color: true });
    expect(text).toMatch(ANSI);
    expect(text.replace(ANSI, '')).toBe(formatComparisonTable(comparison, { color: false }));
    expect(text).toMatchSnapshot();
  });

  it.each<[string, unknown, string]>([
    ['options that are not an object', null, 'options'],
    ['a colour flag that is not a boolean', { color: 'yes' }, 'color'],
  ])('rejects %s, naming the option', (_name, options, option) => {
    expect(() => formatComparisonTable(comparison, options as never)).toThrow(
      expect.objectContaining({ option, code: 'ERR_WEFT_REPORTER_OPTIONS_INVALID' }),
    );
  });

  it('validates the comparison first', () => {
    const broken = { ...comparison, rows: [{ ...comparison.rows[0]!, ratio: Number.NaN }] };
    expect(() => formatComparisonTable(broken)).toThrow(
      expect.objectContaining({ field: 'comparison.rows[0].ratio' }),
    );
  });

  it('colours significant gains green and indistinguishable rows yellow', () => {
    const text = formatComparisonTable(comparison, { color: true });
    expect(text).toContain('\x1b[32m1.83× ± 0.01\x1b[39m');
    expect(text).toContain('\x1b[33m1.00× ± 0.01\x1b[39m');
  });
});

describe('formatTimelineAscii()', () => {
  it('draws lanes, sub-lanes, instants, counters and an axis (colour off)', () => {
    const text = formatTimelineAscii(timeline, { color: false, width: 100 });
    expect(text).not.toMatch(ANSI);
    expect(text).toMatchSnapshot();
    const lines = text.split('\n');
    expect(lines.some((l) => l.startsWith('event loop #2'))).toBe(true);
    expect(
      lines.filter((l) => l.includes('|')).every((l) => l.length <= 100 + 'max 4'.length + 1),
    ).toBe(true);
  });

  it('draws the same picture in colour (colour on)', () => {
    const text = formatTimelineAscii(timeline, { color: true, width: 100 });
    expect(text.replace(ANSI, '')).toBe(
      formatTimelineAscii(timeline, { color: false, width: 100 }),
    );
    expect(text).toMatchSnapshot();
  });

  it('draws an empty timeline as an axis alone', () => {
    const text = formatTimelineAscii(
      { lanes: [], spans: [], instants: [], counters: [] },
      { color: false, width: 40 },
    );
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it('rejects a width below 40', () => {
    expect(() => formatTimelineAscii(timeline, { width: 10 })).toThrow(ReporterOptionsInvalidError);
  });

  it.each<[string, unknown, string]>([
    ['options that are not an object', 'wide', 'options'],
    ['a colour flag that is not a boolean', { color: 1 }, 'color'],
  ])('rejects %s, naming the option', (_name, options, option) => {
    expect(() => formatTimelineAscii(timeline, options as never)).toThrow(
      expect.objectContaining({ option, code: 'ERR_WEFT_REPORTER_OPTIONS_INVALID' }),
    );
  });

  it('gives concurrent event-loop tasks their own rows, even one lying within another', () => {
    const text = formatTimelineAscii(timeline, { color: false, width: 100 });
    const loopRows = text.split('\n').filter((l) => l.startsWith('event loop'));
    expect(loopRows.map((l) => l.slice(0, 13))).toEqual([
      'event loop #1',
      'event loop #2',
      'event loop #3',
    ]);
    // The rejected 'fetch b' (x) is drawn on a row of its own, not over 'fetch a'.
    expect(loopRows.filter((l) => l.includes('x'))).toHaveLength(1);
    expect(loopRows.find((l) => l.includes('x'))).not.toContain('=');
  });

  it('validates the timeline first', () => {
    expect(() =>
      formatTimelineAscii({ ...timeline, spans: [{ ...timeline.spans[0]!, lane: 'nope' }] }),
    ).toThrow(expect.objectContaining({ field: 'timeline.spans[0].lane' }));
  });
});

describe('formatTimelineAscii() on a large counter', () => {
  it('handles more points than a spread argument list takes', () => {
    const points = Array.from({ length: 300_000 }, (_, i) => ({ time: i, value: i % 7 }));
    const text = formatTimelineAscii(
      { lanes: [], spans: [], instants: [], counters: [{ name: 'q', points }] },
      { color: false, width: 60 },
    );
    expect(text).toContain('max 6');
  });
});
