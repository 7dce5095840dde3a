import { describe, expect, it } from 'vitest';
import { compare, formatComparisonCsv, formatTimelineCsv } from '@weft/reporters';
import { comparisonInput, timeline } from './fixtures/data.js';

describe('formatComparisonCsv()', () => {
  it('writes a header and one row per measurement', () => {
    const text = formatComparisonCsv(compare(comparisonInput));
    expect(text.replaceAll('\r\n', '\n')).toMatchSnapshot(); // CRLF checked below, LF in the snapshot file
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(comparisonInput.rows.length + 2); // header, rows, final empty string
    expect(lines.at(-1)).toBe('');
  });

  it('quotes fields holding commas, quotes or line breaks (RFC 4180)', () => {
    const text = formatComparisonCsv(
      compare({ baseline: 'a, "b"\nc', rows: [{ label: 'a, "b"\nc', samples: [1] }] }),
    );
    expect(text.split('\r\n')[1]).toMatch(/^"a, ""b""\nc",true,/);
  });
});

describe('formatTimelineCsv()', () => {
  it('writes one row per span with lane details and arguments', () => {
    const text = formatTimelineCsv(timeline);
    expect(text.replaceAll('\r\n', '\n')).toMatchSnapshot();
    expect(text.split('\r\n')).toHaveLength(timeline.spans.length + 2);
    expect(text).toContain(
      'loop,event loop,event-loop,fetch b,1732500000015,1732500000035,20,rejected,,"{""error"":""ECONNRESET""}"',
    );
  });
});
