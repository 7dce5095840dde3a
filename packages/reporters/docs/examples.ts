// Regenerates the README's examples from the test fixtures: prints each text output and saves
// screenshots of the HTML report in light and dark mode to docs/html-report{,-dark}.png.
// Run after a build: pnpm exec tsx docs/examples.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import {
  compare,
  formatChromeTrace,
  formatComparisonCsv,
  formatComparisonTable,
  formatJsonReport,
  formatMarkdownReport,
  formatTimelineAscii,
  formatTimelineCsv,
  renderHtmlReport,
} from '@weft/reporters';
import { comparisonInput, metadata, timeline } from '../test/fixtures/data.js';

const comparison = compare(comparisonInput);
const section = (name: string, text: string): void => console.log(`\n===== ${name}\n${text}`);
section('table', formatComparisonTable(comparison, { color: false }));
section('ascii', formatTimelineAscii(timeline, { color: false, width: 100 }));
section('markdown', formatMarkdownReport({ comparison, metadata }));
section('csv', formatComparisonCsv(comparison));
section('timeline csv', formatTimelineCsv(timeline));
section('json', formatJsonReport({ comparison, metadata }).slice(0, 1200));
section('trace', formatChromeTrace(timeline).slice(0, 800));

const html = renderHtmlReport({ title: 'mandelbrot on 2 workers', comparison, timeline, metadata });
const dir = mkdtempSync(join(tmpdir(), 'weft-reporters-docs-'));
const htmlFile = join(dir, 'report.html');
writeFileSync(htmlFile, html);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
try {
  for (const [colorScheme, file] of [
    ['light', './html-report.png'],
    ['dark', './html-report-dark.png'],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: 960, height: 900 }, colorScheme });
    await page.goto(pathToFileURL(htmlFile).href);
    await page.locator('rect.span.rejected').hover();
    await page.screenshot({ path: fileURLToPath(new URL(file, import.meta.url)), fullPage: true });
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
