// Sections that teach: notes and checked answers (✔/✘) in HTML and Markdown, not in the v1 JSON.
import { describe, expect, it } from 'vitest';
import {
  ReportInputInvalidError,
  compare,
  createJsonReport,
  formatMarkdownReport,
  renderHtmlReport,
  type ReportInput,
} from '@weft/reporters';

const input: ReportInput = {
  sections: [
    {
      title: 'race',
      notes: ['Two threads add 1 a million times each: <unprotected> loses updates.'],
      checks: [
        {
          label: 'unprotected',
          expected: '2,000,000',
          actual: '1,204,417',
          ok: false,
          detail: '795,583 lost updates',
        },
        { label: 'Atomics.add', expected: '2,000,000', actual: '2,000,000', ok: true },
      ],
    },
  ],
};

describe('section notes and checks', () => {
  it('renders notes as escaped paragraphs and checks marked right or wrong in HTML', () => {
    const html = renderHtmlReport(input);
    expect(html).toContain(
      '<p class="note">Two threads add 1 a million times each: &lt;unprotected&gt; loses updates.</p>',
    );
    expect(html).toMatch(
      /<tr class="wrong"><td class="check wrong"[^>]*>✘<\/td><td>unprotected<\/td><td>2,000,000<\/td><td>1,204,417<\/td><td>795,583 lost updates<\/td><\/tr>/,
    );
    expect(html).toMatch(/<tr class="ok"><td class="check ok"[^>]*>✔<\/td><td>Atomics.add<\/td>/);
  });

  it('renders them in Markdown too', () => {
    const md = formatMarkdownReport(input);
    expect(md).toContain('Two threads add 1 a million times each');
    expect(md).toContain('| ✘ | unprotected | 2,000,000 | 1,204,417 | 795,583 lost updates |');
    expect(md).toContain('| ✔ | Atomics.add | 2,000,000 | 2,000,000 |  |');
  });

  it('keeps the JSON report in its v1 shape', () => {
    expect(createJsonReport(input).sections).toEqual([{ title: 'race' }]);
  });

  it('names a malformed check', () => {
    try {
      renderHtmlReport({
        sections: [{ title: 'x', checks: [{ label: 'a', expected: '1', actual: '2', ok: 'no' }] }],
      } as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ReportInputInvalidError);
      expect((error as ReportInputInvalidError).field).toBe('report.sections[0].checks[0].ok');
    }
  });
});

describe('a row with one sample', () => {
  it('shows no spread, percentiles or outliers in the HTML table', () => {
    const html = renderHtmlReport({
      comparison: compare({
        baseline: 'a',
        rows: [
          { label: 'a', samples: [10] },
          { label: 'b', samples: [5, 6, 5.5] },
        ],
      }),
    });
    const [, , rowA = '', rowB = ''] = html.split('<tr>');
    expect(rowA).toContain('10.00 ms (one sample)');
    expect(rowA).not.toContain('±');
    expect(rowA.match(/title="one sample">—</g)).toHaveLength(3);
    expect(rowB).toContain('±');
  });
});
