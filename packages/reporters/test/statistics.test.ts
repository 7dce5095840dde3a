import { describe, expect, it } from 'vitest';
import { ReportInputInvalidError, madOutliers, studentT95, summarize } from '@weft/reporters';

describe('studentT95()', () => {
  it('returns the tabulated two-tailed 95% values for small samples', () => {
    expect(studentT95(1)).toBe(12.706);
    expect(studentT95(9)).toBe(2.262);
    expect(studentT95(30)).toBe(2.042);
  });

  it('extrapolates beyond the table to within 1e-3 of the exact quantile', () => {
    expect(studentT95(31)).toBeCloseTo(2.0395, 3);
    expect(studentT95(60)).toBeCloseTo(2.0003, 3);
    expect(studentT95(120)).toBeCloseTo(1.9799, 3);
    expect(studentT95(1_000_000)).toBeCloseTo(1.96, 3);
  });

  it('rejects degrees of freedom below 1', () => {
    expect(() => studentT95(0)).toThrow(ReportInputInvalidError);
    expect(() => studentT95(1.5)).toThrow(ReportInputInvalidError);
  });
});

describe('summarize()', () => {
  it('computes order statistics with linear interpolation (type 7)', () => {
    const s = summarize([4, 1, 3, 2, 5]);
    expect(s).toMatchObject({ n: 5, min: 1, max: 5, median: 3, mean: 3, p75: 4 });
    expect(s.p99).toBeCloseTo(4.96, 10);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 10);
  });

  it('gives the relative margin of error at 95% with Student t, in percent', () => {
    const s = summarize([4, 1, 3, 2, 5]);
    // sem = sqrt(2.5)/sqrt(5); t(4) = 2.776
    expect(s.rme).toBeCloseTo(((2.776 * Math.sqrt(2.5)) / Math.sqrt(5) / 3) * 100, 8);
  });

  it('reports a zero margin for a single sample', () => {
    expect(summarize([7])).toMatchObject({ n: 1, mean: 7, rme: 0, sd: 0, outliers: 0 });
  });

  it('counts MAD outliers without removing them', () => {
    const s = summarize([10, 11, 10, 12, 11, 95]);
    expect(s.outliers).toBe(1);
    expect(s.max).toBe(95);
  });

  it('names the offending sample when one is not finite', () => {
    try {
      summarize([1, Number.NaN]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ReportInputInvalidError);
      expect((error as ReportInputInvalidError).field).toBe('samples[1]');
      expect((error as ReportInputInvalidError).code).toBe('ERR_WEFT_REPORT_INPUT_INVALID');
    }
  });

  it('rejects an empty sample set', () => {
    expect(() => summarize([])).toThrow(expect.objectContaining({ field: 'samples' }));
  });
});

describe('madOutliers()', () => {
  it('flags samples whose modified z-score exceeds 3.5', () => {
    expect(madOutliers([10, 11, 10, 12, 11, 95])).toEqual([5]);
    expect(madOutliers([1, 2, 3, 4, 5])).toEqual([]);
  });

  it('flags nothing when the MAD is zero', () => {
    expect(madOutliers([5, 5, 5, 5, 9])).toEqual([]);
  });
});
