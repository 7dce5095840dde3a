// Regenerates the README's examples from the test fixtures: prints each text output and saves a
// screenshot of the HTML report to docs/html-report.png. Run: npx tsx docs/examples.ts
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
  renderHtmlReport,
} from '@weft/reporters';
import { comparisonInput, metadata, timeline } from '../test/fixtures/data.js';

const comparison = compare(comparisonInput);
const section = (name: string, text: string): void => console.log(`\n===== ${name}\n${text}`);
section('table', formatComparisonTable(comparison, { color: false }));
section('ascii', formatTimelineAscii(timeline, { color: false, width: 100 }));
section('markdown', formatMarkdownReport({ comparison, metadata }));
section('csv', formatComparisonCsv(comparison));
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
  const page = await browser.newPage({
    viewport: { width: 960, height: 900 },
    colorScheme: 'light',
  });
  await page.goto(pathToFileURL(htmlFile).href);
  await page.locator('rect.span.rejected').hover();
  await page.screenshot({
    path: fileURLToPath(new URL('./html-report.png', import.meta.url)),
    fullPage: true,
  });
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
