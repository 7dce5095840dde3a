import { describe, expect, it } from 'vitest';
import { compare, formatMarkdownReport } from '@weft/reporters';
import { comparisonInput, metadata, timeline } from './fixtures/data.js';

describe('formatMarkdownReport()', () => {
  it('renders metadata, the comparison table and the lane summary', () => {
    const text = formatMarkdownReport({ comparison: compare(comparisonInput), timeline, metadata });
    expect(text).toMatchSnapshot();
    expect(text).toContain('| 2 workers | 8 |');
    expect(text).toContain('1.82× ± 0.18 |');
  });

  it('escapes pipes in labels so the table keeps its columns', () => {
    const text = formatMarkdownReport({
      comparison: compare({ baseline: 'a|b', rows: [{ label: 'a|b', samples: [1, 2] }] }),
    });
    expect(text).toContain('| **a\\|b** |');
  });

  it('renders each section under its own heading', () => {
    const text = formatMarkdownReport({
      title: 'Run',
      sections: [
        { title: 'pool', comparison: compare(comparisonInput), timeline },
        { title: 'empty' },
      ],
    });
    expect(text).toMatchSnapshot();
    expect(text).toContain('\n## pool\n\n|  | n |');
    expect(text).toContain('\n### Timeline (120.0 ms)\n');
    expect(text.endsWith('## empty\n')).toBe(true);
  });

  it('renders only the parts given', () => {
    expect(formatMarkdownReport({ title: 'Empty' })).toBe('# Empty\n');
  });
});
