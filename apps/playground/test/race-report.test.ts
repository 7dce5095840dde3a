// The race told right in the HTML report (#22): checked answers with ✔/✘, the lessons' text, and
// wrong answers never drawn as a speed; terminal and page give the ratio in the same direction.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { speedVs } from '../src/experiments/race.js';
import { readJson, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-play-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('speedVs()', () => {
  it('gives the ratio the page draws (baseline / row), and reads it as "slower" below 1', () => {
    expect(speedVs(100, 100)).toBe('1.00×');
    expect(speedVs(135, 1000)).toBe('0.14× (7.4× slower)');
    expect(speedVs(200, 100)).toBe('2.00×');
  });
});

describe('race --html', () => {
  it('carries the checked answers, the lesson and only exact variants in the speed chart', async () => {
    const html = join(dir, 'race.html');
    const json = join(dir, 'race.json');
    const { code, stdout } = await runCli(['race', '--html', html, '--json', json]);
    expect(code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const c = readJson<{
      checks: {
        variants: Record<string, { lostUpdates: number[] }>;
        asyncUnsafe: { lostUpdates: number };
      };
    }>(json).checks;
    // Every variant's answer, marked right or wrong as the run found it.
    const unsafeLost = Math.max(...c.variants['unsafe']!.lostUpdates);
    const mark = unsafeLost > 0 ? 'wrong' : 'ok';
    expect(page).toMatch(
      new RegExp(
        `<tr class="${mark}"><td class="check ${mark}"[^>]*>[✔✘]</td><td>unprotected</td><td>2,000,000</td>`,
      ),
    );
    for (const label of [
      'Atomics.add',
      'Mutex, scoped \\(using\\)',
      'Mutex, acquire/release',
      'event loop, AsyncMutex',
    ]) {
      expect(page).toMatch(
        new RegExp(`<tr class="ok"><td class="check ok"[^>]*>✔</td><td>${label}</td>`),
      );
    }
    expect(page).toContain(`<td>event loop, unprotected (read, await, write)</td><td>1,000</td>`);
    expect(page).toContain(`${c.asyncUnsafe.lostUpdates.toLocaleString('en-US')} lost updates`);
    // The lesson, not just charts.
    expect(page).toContain('<p class="note">The claim: `counter += 1` is three steps');
    expect(page).toContain('<code class="language-python"># The race: two threads');
    expect(page).toContain('with lock:\n            counter += 1');
    expect(page).toContain('<p class="note">The claim: one thread is not enough to be safe');
    expect(page).toMatch(
      unsafeLost > 0
        ? /<strong>Verdict:<\/strong> Unprotected, [1-3] of 3 runs lost updates/
        : /<strong>Verdict:<\/strong> No update was lost in 3 runs/,
    );
    expect(page).toMatch(/<strong>Verdict:<\/strong> One thread, and still [\d,]+ updates lost/);
    // CPython's run of the article's race, beside Node's (python3 is installed where this runs).
    expect(page).toContain('<h2>race: the article&#39;s race in CPython</h2>');
    expect(page).toMatch(
      /<tr class="ok"><td class="check ok"[^>]*>✔<\/td><td>CPython, threading.Lock<\/td><td>2,000,000<\/td><td>2,000,000<\/td>/,
    );
    expect(page).toContain('Beside Node, from this run: CPython, 2 threads × 1,000,000');
    // A wrong answer is never drawn as a speed.
    const chart = page.split('<table class="comparison-table">')[1] ?? '';
    if (unsafeLost > 0) expect(chart).not.toMatch(/<td>unprotected<\/td>/);
    // The terminal reads the ratio the page's way (below 1: slower than Atomics.add).
    expect(stdout).toContain('speed vs Atomics.add');
    expect(stdout).toMatch(/Mutex, acquire\/release .* 0\.\d\d× \(\d+(\.\d)?× slower\)/);
    if (unsafeLost > 0) expect(stdout).toMatch(/^unprotected .*wrong answer$/m);
  }, 180_000);
});
