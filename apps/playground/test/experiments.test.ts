import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, childPids, readJson, runCli, startCli } from './helpers.js';
import { launch, open, SKIP_NOTE, skipBrowser, type Browser } from './tour-browser.js';

interface Report {
  schema: string;
  experiment: string;
  checks: Record<string, unknown>;
  sections: { title: string; report: { schemaVersion?: number } }[];
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-playground-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Greeting {
  name: string;
  pid: number;
  threadId: number;
  values: number[];
}

describe('weft-playground tour', () => {
  let report: Report;
  let stdout: string;

  beforeAll(async () => {
    const json = join(dir, 'tour.json');
    const html = join(dir, 'tour.html');
    const result = await runCli(
      ['tour', '--json', json, '--html', html, '--trace', join(dir, 'tour.trace.json')],
      480_000,
    );
    stdout = result.stdout;
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    report = readJson<Report>(json);
  }, 500_000);

  it('runs the five experiments in order and writes the HTML report it names', () => {
    expect(Object.keys(report.checks)).toEqual(['processes', 'pool', 'cpu-vs-io', 'gil', 'race']);
    expect(stdout).toContain(`report written: ${join(dir, 'tour.html')}`);
    const html = readFileSync(join(dir, 'tour.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    const trace = readJson<{ traceEvents: unknown[] }>(join(dir, 'tour.trace.json'));
    expect(trace.traceEvents.length).toBeGreaterThan(0);
  });

  describe('the page teaches every section', () => {
    const unescape = (s: string): string =>
      s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    const sections = (): string[] =>
      readFileSync(join(dir, 'tour.html'), 'utf8')
        .split('<section class="report-section"')
        .slice(1);

    it('has every part of the terminal tour, each with its claim and a computed verdict', () => {
      const titles = sections().map((s) => unescape(/<h2>([^<]*)<\/h2>/.exec(s)?.[1] ?? ''));
      expect(titles).toEqual([
        'processes: process pool',
        'processes: thread pool',
        'processes: shared counter',
        'processes: the same program in CPython',
        'pool: 20 tasks on 5 thread workers',
        'pool: terminate() on a busy pool',
        'cpu-vs-io: π digits (BigInt)',
        'cpu-vs-io: Mandelbrot frames',
        'cpu-vs-io: HTTP requests',
        'cpu-vs-io: disk (write + fsync + read)',
        'cpu-vs-io: the scheduler’s timeline',
        'gil: 2 threads of CPU work under a simulated GIL',
        'gil: 2 threads of I/O under the GIL',
        "gil: the article's thread pool against a process pool, in CPython",
        'gil: what has changed in Python since the article',
        'race: 2 threads × 1,000,000 increments',
        'race: the same race on the event loop',
        "race: the article's race in CPython",
      ]);
      const terminal = stdout.replace(/\s+/g, ' ');
      for (const section of sections()) {
        expect(section).toContain('<p class="note">The claim: ');
        const verdict = /<p class="verdict"><strong>Verdict:<\/strong> ([^<]*)<\/p>/.exec(section);
        expect(verdict, section.slice(0, 200)).not.toBeNull();
        // The terminal said the same verdict, word for word.
        expect(terminal).toContain(`Verdict: ${unescape(verdict![1]!)}`);
      }
    });

    it("shows the article's Python where the article has a program", () => {
      const withPython = sections().filter((s) => s.includes('class="language-python"'));
      expect(withPython.length).toBeGreaterThanOrEqual(7);
      const page = sections().join('');
      for (const file of [
        'pool_counter',
        'pool_terminate',
        'cpu_vs_io',
        'cpu_threads_vs_processes',
        'io_threads',
        'race_unlocked',
        'race_locked',
        'async_race',
      ]) {
        expect(page).toContain(`${file}.py (python)</figcaption>`);
      }
    });

    it('gives the GIL measurement with its spread over rounds, the one-thread baseline included', () => {
      const gil = sections().find((s) => s.includes('threads of CPU work under a simulated GIL'))!;
      expect(gil).toContain('<td><strong>1 thread (one share)</strong></td><td>5</td>');
      expect(gil).toMatch(/<td>2 threads with the GIL<\/td><td>5<\/td>[^]*?± /);
      expect(gil).not.toContain('± 0.0%');
      const c = report.checks['gil'] as Record<string, unknown>;
      expect(['gil-shown', 'one-core', 'no-free-core', 'lock-not-serialising']).toContain(
        c['verdict'],
      );
    });

    it('shows CPython beside Node, and what has changed since the article with its sources', () => {
      const page = sections().join('');
      expect(page).toContain('Beside Node, from this run: CPython, 2,000,000 intervals per call');
      for (const pep of ['pep-0703', 'pep-0779', 'pep-0734'])
        expect(page).toContain(`https://peps.python.org/${pep}/`);
      expect(page).toMatch(
        /<strong>Verdict:<\/strong> This machine&#39;s Python is CPython 3\.\d+/,
      );
      const c = report.checks['gil'] as { python: { status: string } };
      expect(c.python.status).toBe('ran');
    });

    it('gives each cpu-vs-io strategy with its spread over rounds (the scheduler: its third run)', () => {
      for (const s of sections().filter(
        (x) => x.includes('<h2>cpu-vs-io: ') && x.includes('comparison-table'),
      )) {
        expect(s).toContain('<td><strong>sequential</strong></td><td>3</td>');
        expect(s).toMatch(/<td>thread pool<\/td><td>3<\/td>/);
        expect(s).toMatch(/<td>scheduler auto \(→ \w+\)<\/td><td>1<\/td>[^]*?\(one sample\)/);
      }
    });

    it('leaves out the scheduler timeline lanes on which nothing ran, and explains its gaps', () => {
      const timeline = sections().find((s) => s.includes('the scheduler’s timeline'))!;
      expect(timeline).not.toMatch(/<td>scheduler<\/td><td>main<\/td><td>0<\/td>/);
      expect(timeline).toContain('The gaps between them are the other strategies');
    });
  });

  describe.skipIf(skipBrowser)(
    `the real tour's page in headless Chromium${skipBrowser ? SKIP_NOTE : ''}`,
    () => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await launch();
      }, 60_000);
      afterAll(async () => {
        await browser?.close();
      });

      it('shows every section with its lesson, checked answers and verdict on screen', async () => {
        const { page, errors, requests } = await open(browser, join(dir, 'tour.html'));
        try {
          const sections = page.locator('section.report-section');
          const count = await sections.count();
          expect(count).toBe(18);
          const withChecks: string[] = [];
          for (let i = 0; i < count; i++) {
            const section = sections.nth(i);
            const title = await section.locator('h2').innerText();
            await section.scrollIntoViewIfNeeded();
            // Visible, not merely present: each part has a real box on the page.
            const claim = section.locator('p.note').first();
            expect(await claim.isVisible(), title).toBe(true);
            expect(await claim.innerText(), title).toMatch(/^The claim: /);
            const verdict = section.locator('p.verdict');
            expect(await verdict.isVisible(), title).toBe(true);
            expect(await verdict.innerText(), title).toMatch(/^Verdict: \S/);
            expect((await verdict.boundingBox())!.height, title).toBeGreaterThan(10);
            const checks = section.locator('table.checks tbody tr');
            if ((await checks.count()) > 0) withChecks.push(title);
            for (let k = 0; k < (await checks.count()); k++) {
              const mark = checks.nth(k).locator('td.check');
              expect(await mark.isVisible(), title).toBe(true);
              expect(await mark.innerText(), title).toMatch(/^[✔✘]$/);
            }
          }
          // The sections that check answers show them.
          expect(withChecks).toEqual(
            expect.arrayContaining([
              'processes: process pool',
              'pool: terminate() on a busy pool',
              'race: 2 threads × 1,000,000 increments',
              'race: the same race on the event loop',
            ]),
          );
          // The Python program is on screen as written.
          const listing = page.locator('figure.listing pre').first();
          expect(await listing.isVisible()).toBe(true);
          expect(await listing.innerText()).toContain('from multiprocessing import Pool');
          expect(errors).toEqual([]);
          expect(requests).toEqual([]);
        } finally {
          await page.close();
        }
      }, 120_000);
    },
  );

  describe('processes', () => {
    it("keeps each process's and thread's module counter separate and the main one at 100", () => {
      const c = report.checks['processes'] as Record<string, unknown>;
      expect(c['mainCounter']).toBe(100);
      const procs = c['processReports'] as Greeting[];
      expect(procs.map((r) => r.name)).toEqual(['Worker-A', 'Worker-B']);
      for (const r of procs) {
        expect(r.values).toEqual([101, 102, 103]);
        expect(r.pid).not.toBe(c['mainPid']);
      }
      expect(procs[0]!.pid).not.toBe(procs[1]!.pid);
      const threads = c['threadReports'] as Greeting[];
      for (const r of threads) {
        expect(r.values).toEqual([101, 102, 103]);
        expect(r.pid).toBe(c['mainPid']);
        expect(r.threadId).toBeGreaterThan(0);
      }
    });

    it('shares a SharedArrayBuffer counter between threads', () => {
      const c = report.checks['processes'] as Record<string, unknown>;
      const all = (c['sharedReports'] as Greeting[]).flatMap((r) => r.values).sort((a, b) => a - b);
      expect(all).toEqual([101, 102, 103, 104, 105, 106]);
      expect(c['sharedFinal']).toBe(106);
    });
  });

  describe('pool', () => {
    it('starts workers lazily up to the limit, reuses them and cleans up', () => {
      const c = report.checks['pool'] as Record<string, unknown>;
      expect(c['indices']).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(c['workersStarted']).toBeLessThanOrEqual(5);
      expect(c['maxWorkersSeen']).toBeLessThanOrEqual(5);
      const perWorker = Object.values(c['tasksByWorker'] as Record<string, number>);
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(20);
      expect(Math.max(...perWorker)).toBeGreaterThan(1);
      expect(c['workersAfterJoin']).toBe(0);
    });

    it('terminate() rejects pending tasks and leaves no worker', () => {
      const c = report.checks['pool'] as Record<string, unknown>;
      expect(c['terminatedRejected']).toBe(6);
      expect(c['workersAfterTerminate']).toBe(0);
    });
  });

  describe('cpu-vs-io', () => {
    it('verifies every answer of every strategy', () => {
      const c = report.checks['cpu-vs-io'] as Record<string, { verified: boolean }>;
      expect(Object.keys(c)).toEqual(['pi-digits', 'mandelbrot', 'http', 'disk']);
      for (const entry of Object.values(c)) expect(entry.verified).toBe(true);
    });
  });

  describe('gil', () => {
    it('verifies the CPU and I/O answers and switches the interpreter lock', () => {
      const c = report.checks['gil'] as Record<string, unknown>;
      expect(c['cpuVerified']).toBe(true);
      expect(c['ioVerified']).toBe(true);
      expect(c['lockSwitches']).toBeGreaterThan(0);
    });
  });

  describe('race', () => {
    it('is exact with Atomics.add and both Mutex forms, and counts what the unprotected run lost', () => {
      const c = report.checks['race'] as {
        expected: number;
        variants: Record<string, { finalValues: number[]; lostUpdates: number[] }>;
        asyncUnsafe: { lostUpdates: number };
        asyncMutex: { lostUpdates: number; finalValue: number; expected: number };
      };
      expect(c.expected).toBe(2_000_000);
      for (const mode of ['atomic', 'mutex-scoped', 'mutex-manual']) {
        expect(c.variants[mode]!.finalValues.every((v) => v === c.expected)).toBe(true);
      }
      const unsafe = c.variants['unsafe']!;
      unsafe.finalValues.forEach((v, i) => expect(v + unsafe.lostUpdates[i]!).toBe(c.expected));
      expect(c.asyncMutex.lostUpdates).toBe(0);
      expect(c.asyncMutex.finalValue).toBe(c.asyncMutex.expected);
      expect(c.asyncUnsafe.lostUpdates).toBeGreaterThan(0);
    });
  });
});

describe('weft-playground experiments on their own', () => {
  it('pool --kind process --workers 3 runs on 3 process workers and leaves no child', async () => {
    const json = join(dir, 'pool.json');
    const { code } = await runCli(['pool', '--kind', 'process', '--workers', '3', '--json', json]);
    expect(code).toBe(0);
    const c = readJson<Report>(json).checks;
    expect(c['maxWorkers']).toBe(3);
    expect(c['workersStarted']).toBeLessThanOrEqual(3);
    expect(c['childProcessesAfterJoin']).toBe(0);
    expect(c['childProcessesAfterTerminate']).toBe(0);
  });

  it('rejects a bad --workers value with exit code 2', async () => {
    const { code, stderr } = await runCli(['race', '--workers', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain("--workers was given '0'");
  });

  it('rejects a bad --size value with exit code 2', async () => {
    const { code, stderr } = await runCli(['gil', '--size', 'huge']);
    expect(code).toBe(2);
    expect(stderr).toContain('allowed: small, medium, large');
  });

  it('prints help for an experiment', async () => {
    const { code, stdout } = await runCli(['cpu-vs-io', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: weft-playground cpu-vs-io');
    expect(stdout).toContain('--workers');
  });
});

describe('Ctrl-C', () => {
  it('stops a run with exit code 130 and leaves no child process', async () => {
    const child = startCli(['cpu-vs-io', '--size', 'large']);
    const pid = child.pid!;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The line is printed once both pools are up and warm: child processes exist by then.
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => {
        if (output.includes('workers per pool')) resolve();
      };
      child.stdout!.on('data', onData);
      child.once('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    const children = childPids(pid);
    expect(children.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    for (const c of children) {
      // A child may take a moment to be reaped after its parent exits.
      for (let i = 0; i < 50 && alive(c); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(c)).toBe(false);
    }
  }, 120_000);
});
