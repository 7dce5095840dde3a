// Opens a saved report in headless Chromium (Debian's /usr/bin/chromium) through playwright-core,
// the browser driver the reporters package's own browser test uses. The playground borrows it from
// there instead of pinning a second copy.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The few playwright-core calls these tests make, typed here: the playground does not depend on
// playwright-core itself (it loads the reporters package's copy at run time).
export interface Locator {
  count(): Promise<number>;
  nth(index: number): Locator;
  first(): Locator;
  locator(selector: string): Locator;
  isVisible(): Promise<boolean>;
  innerText(): Promise<string>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  scrollIntoViewIfNeeded(): Promise<void>;
}
export interface Page {
  locator(selector: string): Locator;
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', fn: (e: Error) => void): void;
  on(event: 'request', fn: (r: { url(): string }) => void): void;
}
export interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Chromium {
  launch(options: { executablePath: string; args: string[] }): Promise<Browser>;
}

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);
/** Skip locally without Chromium; under CI a missing browser fails, so the check never vanishes. */
export const skipBrowser: boolean = !existsSync(CHROMIUM) && !ci;
export const SKIP_NOTE = ` (SKIPPED: ${CHROMIUM} not found; install it with \`apt-get install -y chromium\`, or set CI=true to make this a failure)`;

export async function launch(): Promise<Browser> {
  const fromReporters = createRequire(import.meta.resolve('@weft/reporters'));
  const { chromium } = (await import(
    pathToFileURL(fromReporters.resolve('playwright-core')).href
  )) as { chromium: Chromium };
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
}

/** Opens a file as a user would (file://), collecting console errors and any network request. */
export async function open(
  browser: Browser,
  path: string,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
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
