// The processes lesson on the page (#22): the checked answers of the article's Pool counter (each
// worker 101–103 in its own copy, 100 in the main process, the shared counter) with ✔/✘.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-play-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('processes --html', () => {
  it('carries each counter check and the lesson of each round', async () => {
    const html = join(dir, 'processes.html');
    const { code } = await runCli(['processes', '--html', html]);
    expect(code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const ok = (label: string, expected: string): RegExp =>
      new RegExp(
        `<tr class="ok"><td class="check ok"[^>]*>✔</td><td>${label}</td><td>${expected}</td><td>${expected}</td>`,
        'g',
      );
    // Worker-A and Worker-B in the process round and in the thread round.
    expect(
      page.match(ok('Worker-A&#39;s counter \\(pid \\d+[^<]*\\)', '101, 102, 103')),
    ).toHaveLength(2);
    expect(
      page.match(ok('Worker-B&#39;s counter \\(pid \\d+[^<]*\\)', '101, 102, 103')),
    ).toHaveLength(2);
    expect(page.match(ok('main process counter', '100'))).toHaveLength(2);
    expect(page).toMatch(ok('shared counter after both tasks', '106'));
    expect(page).toContain('<p class="note">The claim: each process has its own memory.');
    expect(page).toContain('<p class="note">The claim: threads share one process');
    expect(page).toContain('<p class="note">The claim: only memory shared on purpose is shared');
    // The article's program as the Python it is, and verdicts computed from the counters.
    expect(page).toContain('<code class="language-python"># The classic multiprocessing program');
    expect(page).toContain(
      '<strong>Verdict:</strong> Each task counted 101, 102, 103 and 101, 102, 103 from its own 100, in 2 processes',
    );
    expect(page).toContain('all in one process (pid shared)');
    expect(page).toContain('the counter ends at 106: one number in shared memory');
    expect(page).not.toContain('class="check wrong"');
  }, 120_000);
});
