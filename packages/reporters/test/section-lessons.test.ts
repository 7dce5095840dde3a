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

describe('a lesson: the program it is about and a verdict', () => {
  const lesson: ReportInput = {
    sections: [
      {
        title: 'race in Python',
        notes: ['The claim.'],
        listings: [
          { title: 'race_locked.py', language: 'python', code: 'if a < b:\n    x = "<&>"\n' },
        ],
        verdict: 'The lock kept every <update>.',
      },
    ],
  };

  it('shows the program escaped, as written, and the verdict last in HTML', () => {
    const html = renderHtmlReport(lesson);
    expect(html).toContain(
      '<figure class="listing"><figcaption>race_locked.py (python)</figcaption><pre><code class="language-python">if a &lt; b:\n    x = &quot;&lt;&amp;&gt;&quot;\n</code></pre></figure>',
    );
    expect(html).toContain(
      '<p class="verdict"><strong>Verdict:</strong> The lock kept every &lt;update&gt;.</p>',
    );
    const section = html.slice(html.indexOf('id="section-1"'));
    expect(section.indexOf('class="note"')).toBeLessThan(section.indexOf('class="listing"'));
    expect(section.indexOf('class="listing"')).toBeLessThan(section.indexOf('class="verdict"'));
  });

  it('fences the program and bolds the verdict in Markdown', () => {
    const md = formatMarkdownReport(lesson);
    expect(md).toContain('race_locked.py:\n\n```python\nif a < b:\n    x = "<&>"\n```');
    expect(md).toContain('**Verdict:** The lock kept every <update>.');
  });

  it('names a malformed listing or verdict', () => {
    for (const [section, field] of [
      [
        { title: 'x', listings: [{ title: 'a.py', language: '', code: '' }] },
        'report.sections[0].listings[0].language',
      ],
      [{ title: 'x', verdict: 3 }, 'report.sections[0].verdict'],
    ] as const) {
      expect(() => renderHtmlReport({ sections: [section as never] })).toThrow(
        expect.objectContaining({ field }),
      );
    }
  });
});

describe('charts', () => {
  const html = renderHtmlReport({
    comparison: compare({
      baseline: 'a',
      rows: [
        { label: 'a', samples: [10] },
        { label: 'b', samples: [5] },
      ],
    }),
  });

  it('give a one-sample ratio without a spread of ± 0.00 in the chart and its tooltips', () => {
    const chart = html.slice(html.indexOf('data-chart="speedup"'));
    expect(chart).toContain('>2.00×</text>');
    expect(chart).not.toContain('± 0.00');
    expect(chart).toContain('mean 5.000 ms (one sample)');
  });

  it('name their axes', () => {
    const chart = html.slice(html.indexOf('data-chart="speedup"'));
    expect(chart).toContain(
      '<text class="axis-title" text-anchor="end" x="162" y="14">variant</text>',
    );
    expect(chart).toMatch(
      /<text class="axis-title"[^>]*>speed vs a \(a&#39;s time ÷ this time; right of 1 is faster\)<\/text>/,
    );
  });
});
