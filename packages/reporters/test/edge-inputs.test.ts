// Bad input at the edges (#17): negative durations, samples whose sums overflow, and labels that
// a cut by UTF-16 code unit would break.
import { describe, expect, it } from 'vitest';
import {
  ReportInputInvalidError,
  compare,
  formatComparisonTable,
  formatMarkdownReport,
  formatTimelineAscii,
  renderHtmlReport,
  summarize,
  validateComparison,
} from '@weft/reporters';

function errorOf(fn: () => unknown): ReportInputInvalidError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportInputInvalidError);
    return error as ReportInputInvalidError;
  }
  throw new Error('expected a ReportInputInvalidError');
}

/** A lone (unpaired) UTF-16 surrogate: what a cut inside a pair leaves, shown as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Column of the first `needle` in `line`, counted in graphemes. */
function graphemeColumn(line: string, needle: string): number {
  const index = line.indexOf(needle);
  expect(index).toBeGreaterThanOrEqual(0);
  return [...new Intl.Segmenter().segment(line.slice(0, index))].length;
}

describe('negative durations', () => {
  it('rejects a negative sample, naming the row and the sample', () => {
    const error = errorOf(() =>
      compare({
        baseline: 'a',
        rows: [
          { label: 'a', samples: [10, 11] },
          { label: 'b', samples: [5, -5.1, -4.9] },
        ],
      }),
    );
    expect(error.field).toBe('comparison.rows[1].samples[1]');
    expect(error.message).toContain('row "b"');
    expect(error.message).toContain('-5.1');
  });

  it('rejects a negative minimum in pre-computed duration statistics', () => {
    const error = errorOf(() =>
      compare({
        baseline: 'a',
        unit: 's',
        rows: [
          {
            label: 'a',
            stats: { n: 2, min: -2, median: 1, mean: 1, rme: 1, p75: 2, p99: 3, max: 3 },
          },
        ],
      }),
    );
    expect(error.field).toBe('comparison.rows[0].stats.min');
  });

  it('never turns a negative mean into a ratio, in any unit', () => {
    const error = errorOf(() =>
      compare({
        baseline: 'a',
        unit: '°C',
        rows: [
          { label: 'a', samples: [10, 11] },
          { label: 'b', samples: [-5, -5.2] },
        ],
      }),
    );
    expect(error.field).toBe('comparison.rows[1]');
    expect(error.message).toContain('row "b"');
    // Signed values are fine in a unit that is not a duration when the means are positive.
    expect(
      compare({
        baseline: 'a',
        unit: '°C',
        rows: [
          { label: 'a', samples: [10, 11] },
          { label: 'b', samples: [-1, 9] },
        ],
      }).rows[1]!.ratio,
    ).toBeGreaterThan(0);
  });

  it('refuses a computed comparison (e.g. read from JSON) with a negative ratio', () => {
    const good = compare({
      baseline: 'a',
      rows: [
        { label: 'a', samples: [10, 11] },
        { label: 'b', samples: [5, 6] },
      ],
    });
    const bad = JSON.parse(JSON.stringify(good)) as { rows: { ratio: number }[] };
    bad.rows[1]!.ratio = -1.98;
    expect(errorOf(() => validateComparison(bad)).field).toBe('comparison.rows[1].ratio');
  });
});

describe('statistics without overflow', () => {
  it('gives a finite mean and deviation for two samples of 1.7e308', () => {
    const s = summarize([1.7e308, 1.7e308]);
    expect(s.mean).toBe(1.7e308);
    expect(s.sd).toBe(0);
    expect(s.rme).toBe(0);
    expect(s.median).toBe(1.7e308);
    expect(s.mad).toBe(0);
  });

  it('keeps huge samples of either sign finite where the true value is finite', () => {
    // Summed in order, -1e308 + -1e308 is already -Infinity.
    const s = summarize([1e308, 1e308, -1e308, -1e308]);
    expect(s.mean).toBe(0);
    expect(s.median).toBe(0);
    const t = summarize([1e308, 1.5e308, 1.6e308]);
    expect(t.mean).toBeCloseTo(1.3666666666666667e308, -300);
    expect(Number.isFinite(t.sd)).toBe(true);
    expect(t.sd! / 1e308).toBeCloseTo(0.32146, 4);
  });

  it('gives the same figures as before for ordinary samples', () => {
    const samples = [10.2, 9.8, 10.1, 10.4, 9.9];
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(summarize(samples).mean).toBe(mean);
  });

  it('rejects with a typed error a statistic that no double can hold', () => {
    const error = errorOf(() => summarize([1.7e308, -1.7e308], 'rows[0].samples'));
    expect(error.field).toBe('rows[0].samples');
    expect(error.message).toContain('standard deviation');
  });

  it('never writes Infinity or NaN into the HTML, Markdown or console report', () => {
    const comparison = compare({
      baseline: 'huge',
      rows: [
        { label: 'huge', samples: [1.7e308, 1.7e308] },
        { label: 'also huge', samples: [1.6e308, 1.7e308, 1.65e308] },
      ],
    });
    for (const text of [
      renderHtmlReport({ comparison }),
      formatMarkdownReport({ comparison }),
      formatComparisonTable(comparison, { color: false }),
    ]) {
      expect(text).not.toMatch(/Infinity|NaN/);
    }
  });

  it('rejects ratios that overflow, naming the row', () => {
    const error = errorOf(() =>
      compare({
        baseline: 'a',
        rows: [
          { label: 'a', samples: [1e308] },
          { label: 'b', samples: [1e-10] },
        ],
      }),
    );
    expect(error.field).toBe('comparison.rows[1]');
  });
});

describe('labels cut by grapheme', () => {
  const emoji = '👩‍👩‍👧‍👦🚀'.repeat(60); // surrogate pairs and ZWJ sequences, far too long for a column

  it('never leaves a lone surrogate in an HTML chart label', () => {
    const html = renderHtmlReport({
      comparison: compare({
        baseline: emoji,
        rows: [
          { label: emoji, samples: [10, 11] },
          { label: `x${emoji}`, samples: [5, 6] },
        ],
      }),
    });
    const labels = [...html.matchAll(/<text[^>]*text-anchor="end">([^<]*)<\/text>/g)].map(
      (m) => m[1]!,
    );
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(label).not.toMatch(LONE_SURROGATE);
      expect(label.endsWith('…')).toBe(true);
      // Whole family emoji only: the cut falls between graphemes, never inside a ZWJ sequence.
      expect(label.slice(0, -1).replace(/👩‍👩‍👧‍👦|🚀|x/gu, '')).toBe('');
    }
  });

  it('never leaves a lone surrogate in an ASCII timeline lane name, and aligns by grapheme', () => {
    const text = formatTimelineAscii(
      {
        lanes: [
          { id: 'a', name: '🚀'.repeat(40), kind: 'worker' },
          { id: 'b', name: 'main', kind: 'worker' },
        ],
        spans: [
          { lane: 'a', name: 't', start: 0, end: 5, status: 'fulfilled' },
          { lane: 'b', name: 't', start: 2, end: 8, status: 'fulfilled' },
        ],
        instants: [],
        counters: [],
      },
      { color: false, width: 60 },
    );
    expect(text).not.toMatch(LONE_SURROGATE);
    const [rocket = '', main = ''] = text.split('\n');
    expect(rocket.startsWith(`${'🚀'.repeat(23)}…`)).toBe(true);
    // Both rows draw their axis at the same column, counted in graphemes.
    expect(graphemeColumn(rocket, '|')).toBe(graphemeColumn(main, '|'));
  });

  it('pads console table columns by grapheme, so emoji rows stay aligned', () => {
    const table = formatComparisonTable(
      compare({
        baseline: 'plain',
        rows: [
          { label: 'plain', samples: [10, 11] },
          { label: '🚀🚀', samples: [5, 6] },
        ],
      }),
      { color: false },
    );
    const [plain = '', rocket = ''] = table.split('\n').slice(-2);
    expect(rocket.startsWith('🚀🚀')).toBe(true);
    expect(graphemeColumn(rocket, '  2  ')).toBe(graphemeColumn(plain, '  2  '));
  });
});
