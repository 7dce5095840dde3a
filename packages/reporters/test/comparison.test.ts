import { describe, expect, it } from 'vitest';
import {
  ReportInputInvalidError,
  compare,
  validateComparison,
  type ComparisonInput,
} from '@weft/reporters';
import { comparisonInput } from './fixtures/data.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportInputInvalidError);
    expect((error as ReportInputInvalidError).code).toBe('ERR_WEFT_REPORT_INPUT_INVALID');
    return (error as ReportInputInvalidError).field;
  }
  throw new Error('expected a ReportInputInvalidError');
}

describe('compare()', () => {
  it('gives the baseline a ratio of 1 and others baseline.mean / row.mean for durations', () => {
    const c = compare(comparisonInput);
    const [base, two] = c.rows;
    expect(base).toMatchObject({ label: 'sequential', isBaseline: true, ratio: 1, ratioError: 0 });
    expect(two!.ratio).toBeCloseTo(base!.stats.mean / two!.stats.mean, 12);
    expect(c).toMatchObject({
      baseline: 'sequential',
      unit: 'ms',
      better: 'lower',
      title: 'mandelbrot 400×400',
    });
  });

  it('propagates both rows’ relative errors in quadrature', () => {
    const c = compare({
      baseline: 'a',
      rows: [
        {
          label: 'a',
          stats: { n: 10, min: 90, median: 100, mean: 100, rme: 3, p75: 101, p99: 110, max: 110 },
        },
        {
          label: 'b',
          stats: { n: 10, min: 45, median: 50, mean: 50, rme: 4, p75: 51, p99: 55, max: 55 },
        },
      ],
    });
    expect(c.rows[1]!.ratio).toBe(2);
    expect(c.rows[1]!.ratioError).toBeCloseTo(2 * 0.05, 12);
  });

  it('inverts the ratio when higher is better', () => {
    const c = compare({
      baseline: 'a',
      better: 'higher',
      unit: 'ops/s',
      rows: [
        { label: 'a', samples: [100, 100] },
        { label: 'b', samples: [300, 300] },
      ],
    });
    expect(c.rows[1]!.ratio).toBe(3);
  });

  it('accepts pre-computed stats and keeps their outlier count', () => {
    const c = compare({
      baseline: 'x',
      rows: [
        {
          label: 'x',
          stats: {
            n: 3,
            min: 1,
            median: 2,
            mean: 2,
            rme: 1,
            p75: 2.5,
            p99: 3,
            max: 3,
            outliers: 1,
          },
        },
      ],
    });
    expect(c.rows[0]!.stats.outliers).toBe(1);
  });

  it.each<[string, unknown, string]>([
    ['no rows', { baseline: 'a', rows: [] }, 'comparison.rows'],
    ['a missing baseline', { rows: [{ label: 'a', samples: [1] }] }, 'comparison.baseline'],
    [
      'a baseline naming no row',
      { baseline: 'z', rows: [{ label: 'a', samples: [1] }] },
      'comparison.baseline',
    ],
    [
      'a duplicate label',
      {
        baseline: 'a',
        rows: [
          { label: 'a', samples: [1] },
          { label: 'a', samples: [1] },
        ],
      },
      'comparison.rows[1].label',
    ],
    ['a row without data', { baseline: 'a', rows: [{ label: 'a' }] }, 'comparison.rows[0].samples'],
    [
      'a non-finite sample',
      { baseline: 'a', rows: [{ label: 'a', samples: [1, Infinity] }] },
      'comparison.rows[0].samples[1]',
    ],
    [
      'a negative rme',
      {
        baseline: 'a',
        rows: [
          {
            label: 'a',
            stats: { n: 1, min: 1, median: 1, mean: 1, rme: -1, p75: 1, p99: 1, max: 1 },
          },
        ],
      },
      'comparison.rows[0].stats.rme',
    ],
    [
      'a median outside min..max',
      {
        baseline: 'a',
        rows: [
          {
            label: 'a',
            stats: { n: 1, min: 1, median: 9, mean: 1, rme: 0, p75: 1, p99: 1, max: 2 },
          },
        ],
      },
      'comparison.rows[0].stats.median',
    ],
    [
      'an unknown direction',
      { baseline: 'a', better: 'faster', rows: [{ label: 'a', samples: [1] }] },
      'comparison.better',
    ],
    [
      'a zero baseline mean',
      { baseline: 'a', rows: [{ label: 'a', samples: [0] }] },
      'comparison.rows[0]',
    ],
  ])('rejects %s, naming the field', (_name, input, field) => {
    expect(fieldOf(() => compare(input as ComparisonInput))).toBe(field);
  });
});

describe('validateComparison()', () => {
  it('accepts a computed comparison after a JSON round trip', () => {
    const c = compare(comparisonInput);
    expect(validateComparison(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('rejects a row whose isBaseline contradicts the baseline label', () => {
    const c = JSON.parse(JSON.stringify(compare(comparisonInput))) as {
      rows: { isBaseline: boolean }[];
    };
    c.rows[1]!.isBaseline = true;
    expect(fieldOf(() => validateComparison(c))).toBe('comparison.rows[1].isBaseline');
  });
});
