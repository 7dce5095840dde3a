import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compare, renderHtmlReport } from '@weft/reporters';
import { comparisonInput, metadata, timeline } from './fixtures/data.js';

// Browser-side globals used inside page.evaluate callbacks (the test program has no DOM lib).
declare const document: { readonly body: unknown };
declare function getComputedStyle(element: unknown): {
  readonly backgroundColor: string;
  readonly fill: string;
  readonly color: string;
};
interface SVGGraphicsElement {
  getBBox(): { readonly x: number; readonly width: number };
}

const comparison = compare(comparisonInput);
const html = renderHtmlReport({ title: 'mandelbrot on 2 workers', comparison, timeline, metadata });

describe('renderHtmlReport()', () => {
  it('is one self-contained document: no src, href or url() pointing anywhere', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*"(?!#)/i); // in-page anchors only
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('has a section per part given, and only those', () => {
    for (const id of ['summary', 'speedup', 'timeline', 'counters'])
      expect(html).toContain(`<section id="${id}">`);
    const onlyComparison = renderHtmlReport({ comparison });
    expect(onlyComparison).toContain('<section id="speedup">');
    expect(onlyComparison).not.toContain('<section id="timeline">');
  });

  it('renders each section as its own block with its tables and charts', () => {
    const out = renderHtmlReport({
      title: 'two experiments',
      sections: [
        { title: 'pool', comparison, timeline },
        { title: 'only numbers', comparison },
      ],
    });
    expect(out).toContain('<ol id="contents"><li><a href="#section-1">pool</a></li>');
    const [, first = '', second = ''] = out.split('<section class="report-section"');
    expect(first.match(/data-chart="(\w+)"/g)).toEqual([
      'data-chart="speedup"',
      'data-chart="gantt"',
      'data-chart="counters"',
    ]);
    expect(second.match(/data-chart="(\w+)"/g)).toEqual(['data-chart="speedup"']);
    expect(out).not.toContain('<section id="speedup">');
  });

  it('names the field of a malformed section', () => {
    expect(() =>
      renderHtmlReport({
        sections: [{ title: 'ok' }, { title: 'bad', timeline: { ...timeline, spans: 1 as never } }],
      }),
    ).toThrow(expect.objectContaining({ field: 'report.sections[1].timeline.spans' }));
  });

  it('escapes every string from the input', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const out = renderHtmlReport({
      title: evil,
      comparison: compare({ baseline: evil, rows: [{ label: evil, samples: [1] }] }),
    });
    expect(out).not.toContain(evil);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders an empty timeline and negative counter values without failing', () => {
    const out = renderHtmlReport({
      timeline: {
        lanes: [],
        spans: [],
        instants: [],
        counters: [
          {
            name: 'delta',
            points: [
              { time: 0, value: -3 },
              { time: 5, value: 2 },
            ],
          },
        ],
      },
    });
    expect(out).toContain('data-chart="gantt"');
    expect(out).toContain('data-chart="counters"');
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('validates its input, naming the field', () => {
    expect(() =>
      renderHtmlReport({ timeline: { ...timeline, counters: [{ name: '', points: [] }] } }),
    ).toThrow(expect.objectContaining({ field: 'report.timeline.counters[0].name' }));
  });
});

// The browser check needs Debian's chromium. Without it, skip locally with a clear message; under
// CI a missing browser must fail, so the check can never silently disappear there.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'; // override only to test this skip logic
const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);
const skipBrowser = !existsSync(CHROMIUM) && !ci;
const SKIP_NOTE = ` (SKIPPED: ${CHROMIUM} not found; install it with \`apt-get install -y chromium\`, or set CI=true to make this a failure)`;
if (skipBrowser) console.warn(`html-report browser test${SKIP_NOTE}`);

const shots = fileURLToPath(new URL('./__screenshots__/', import.meta.url));

describe.skipIf(skipBrowser)(
  `HTML report in headless Chromium${skipBrowser ? SKIP_NOTE : ''}`,
  () => {
    let browser: Browser;
    let dir: string;
    let file: string;

    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      // The page is opened from a file:// URL, as a user would open the saved report.
      dir = mkdtempSync(join(tmpdir(), 'weft-reporters-'));
      file = join(dir, 'report.html');
      writeFileSync(file, html);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function open(
      colorScheme: 'light' | 'dark',
      path: string = file,
    ): Promise<{ page: Page; errors: string[]; requests: string[] }> {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, colorScheme });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (r.url() !== pathToFileURL(path).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(path).href);
      return { page, errors, requests };
    }

    it('renders every chart with its elements, with no console error and no network request', async () => {
      const { page, errors, requests } = await open('light');
      try {
        expect(await page.locator('svg[data-chart="speedup"] rect.bar').count()).toBe(
          comparison.rows.length,
        );
        expect(await page.locator('svg[data-chart="gantt"] rect.span').count()).toBe(
          timeline.spans.length,
        );
        expect(await page.locator('svg[data-chart="gantt"] path.instant').count()).toBe(
          timeline.instants.length,
        );
        expect(await page.locator('svg[data-chart="counters"] path.series').count()).toBe(
          timeline.counters.length,
        );
        expect(await page.locator('#summary .comparison-table tbody tr').count()).toBe(
          comparison.rows.length,
        );
        // Rendered, not merely present: every chart and bar has a real size on screen.
        for (const chart of ['speedup', 'gantt', 'counters']) {
          const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
          expect(box!.width).toBeGreaterThan(500);
          expect(box!.height).toBeGreaterThan(50);
        }
        const widths = await page
          .locator('svg[data-chart="speedup"] rect.bar')
          .evaluateAll((els) => els.map((e) => (e as SVGGraphicsElement).getBBox().width));
        expect(widths.every((w) => w > 1)).toBe(true);
        await page.screenshot({ path: `${shots}report-light.png`, fullPage: true });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('renders the charts of every section', async () => {
      const path = join(dir, 'sections.html');
      writeFileSync(
        path,
        renderHtmlReport({
          title: 'sections',
          metadata,
          sections: [
            { title: 'first', comparison, timeline },
            { title: 'second', timeline },
          ],
        }),
      );
      const { page, errors, requests } = await open('light', path);
      try {
        expect(await page.locator('#section-1 svg[data-chart="speedup"] rect.bar').count()).toBe(
          comparison.rows.length,
        );
        for (const id of ['#section-1', '#section-2']) {
          expect(await page.locator(`${id} svg[data-chart="gantt"] rect.span`).count()).toBe(
            timeline.spans.length,
          );
          expect(await page.locator(`${id} svg[data-chart="counters"] path.series`).count()).toBe(
            timeline.counters.length,
          );
        }
        await page.locator('#contents a[href="#section-2"]').click();
        expect(await page.evaluate('location.hash')).toBe('#section-2');
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('fits long lane and row labels inside their charts', async () => {
      const long = 'thread pool worker 12 (pid 123456, thread 7)';
      const tooLong = `${'a very long lane name '.repeat(4)}end`;
      const wide = {
        ...timeline,
        lanes: timeline.lanes.map((lane, i) =>
          i === 2 ? { ...lane, name: long } : i === 3 ? { ...lane, name: tooLong } : lane,
        ),
      };
      const path = join(dir, 'long-labels.html');
      writeFileSync(
        path,
        renderHtmlReport({
          comparison: compare({ ...comparisonInput, rows: [...comparisonInput.rows] }),
          timeline: wide,
        }),
      );
      const { page, errors } = await open('light', path);
      try {
        for (const chart of ['gantt', 'speedup']) {
          const boxes = await page
            .locator(`svg[data-chart="${chart}"] text[text-anchor="end"]`)
            .evaluateAll((els) =>
              els.map((e) => {
                const box = (e as SVGGraphicsElement).getBBox();
                return { x: box.x, width: box.width };
              }),
            );
          expect(boxes.length).toBeGreaterThan(0);
          // Nothing is cut off at the left edge of the chart.
          for (const box of boxes) expect(box.x).toBeGreaterThanOrEqual(0);
        }
        const labels = await page.locator('svg[data-chart="gantt"] text').allTextContents();
        expect(labels).toContain(long);
        expect(labels.some((l) => l.endsWith('…') && tooLong.startsWith(l.slice(0, -1)))).toBe(
          true,
        );
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('shows the details of a span on hover', async () => {
      const { page, errors } = await open('light');
      try {
        await expect.poll(() => page.locator('#tooltip').isHidden()).toBe(true);
        await page.locator('rect.span.rejected').hover();
        const tip = page.locator('#tooltip');
        expect(await tip.isVisible()).toBe(true);
        const text = await tip.innerText();
        expect(text).toContain('fetch b');
        expect(text).toContain('status: rejected');
        expect(text).toContain('error: ECONNRESET');
        await page.locator('h1').hover();
        expect(await tip.isHidden()).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('follows the dark colour scheme', async () => {
      const light = await open('light');
      const dark = await open('dark');
      try {
        const bg = (p: Page): Promise<string> =>
          p.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(await bg(light.page)).toBe('rgb(255, 255, 255)');
        expect(await bg(dark.page)).toBe('rgb(13, 17, 23)');
        const fill = (p: Page): Promise<string> =>
          p
            .locator('rect.span.fulfilled')
            .first()
            .evaluate((e) => getComputedStyle(e).fill);
        expect(await fill(dark.page)).not.toBe(await fill(light.page));
        await dark.page.screenshot({ path: `${shots}report-dark.png`, fullPage: true });
        expect(dark.errors).toEqual([]);
      } finally {
        await light.page.close();
        await dark.page.close();
      }
    });
    it('shows the notes and checked answers, wrong ones marked in the bad colour', async () => {
      const lessonFile = join(dir, 'lesson.html');
      writeFileSync(
        lessonFile,
        renderHtmlReport({
          sections: [
            {
              title: 'race',
              notes: ['Threads that share memory race: one increment vanished.'],
              checks: [
                { label: 'unprotected', expected: '2,000,000', actual: '1,204,417', ok: false },
                { label: 'Atomics.add', expected: '2,000,000', actual: '2,000,000', ok: true },
              ],
              comparison,
            },
          ],
        }),
      );
      const { page, errors } = await open('light', lessonFile);
      try {
        await expect
          .poll(() => page.getByText('Threads that share memory race').isVisible())
          .toBe(true);
        const wrong = page.locator('table.checks tr.wrong');
        expect(await wrong.isVisible()).toBe(true);
        expect((await wrong.innerText()).replace(/\s+/g, ' ').trim()).toBe(
          '✘ unprotected 2,000,000 1,204,417',
        );
        expect(await page.locator('table.checks tr.ok td.check').innerText()).toBe('✔');
        const colour = (selector: string): Promise<string> =>
          page
            .locator(selector)
            .first()
            .evaluate((e) => getComputedStyle(e).color);
        expect(await colour('td.check.wrong')).toBe('rgb(207, 34, 46)');
        expect(await colour('td.check.ok')).toBe('rgb(26, 127, 55)');
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  },
);
