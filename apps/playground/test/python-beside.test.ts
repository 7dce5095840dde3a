// CPython beside Node (#22): the article's programs run in CPython in the same run, bounded by a
// timeout; without Python the section says how to get it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runPythonProgram } from '../src/python-runner.js';
import { pythonGilVerdict, pythonRaceVerdict } from '../src/verdicts.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-play-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let hasPython = true;
try {
  execFileSync('python3', ['--version']);
} catch {
  hasPython = false;
}

describe('runPythonProgram()', () => {
  it('reports a missing interpreter as an outcome, not an error', async () => {
    const outcome = await runPythonProgram('race_locked', [10], {
      command: '/no/such/python3',
      timeoutMs: 10_000,
    });
    expect(outcome).toEqual({ status: 'missing', command: '/no/such/python3' });
  });

  it.skipIf(!hasPython)('parses the RESULT line of a program', async () => {
    const outcome = await runPythonProgram<{ final: number; expected: number }>(
      'race_locked',
      [1000],
      { command: 'python3', timeoutMs: 60_000 },
    );
    expect(outcome.status).toBe('ran');
    if (outcome.status === 'ran')
      expect(outcome.value).toMatchObject({ final: 2000, expected: 2000 });
  });

  it.skipIf(!hasPython)(
    'stops a program that outlives its bound, pool workers included',
    async () => {
      // pool_counter's tasks sleep 30 s in 2 pool processes; the bound is 1.5 s.
      const started = Date.now();
      const outcome = await runPythonProgram('pool_counter', [30], {
        command: 'python3',
        timeoutMs: 1_500,
      });
      expect(outcome.status).toBe('failed');
      if (outcome.status === 'failed') expect(outcome.reason).toContain('took longer than 1500 ms');
      expect(Date.now() - started).toBeLessThan(25_000);
      const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes('pool_counter.py 30'));
      expect(left).toEqual([]);
    },
  );

  it.skipIf(!hasPython)('ships only programs that compile', () => {
    const folder = fileURLToPath(new URL('../python/', import.meta.url));
    const files = readdirSync(folder).filter((f) => f.endsWith('.py'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    // One interpreter compiles them all (compile() only parses: nothing runs).
    execFileSync('python3', [
      '-c',
      'import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, "exec")',
      ...files.map((f) => join(folder, f)),
    ]);
  });
});

describe('CPython verdicts', () => {
  it('sees threads take turns and processes run at once, or says why not', () => {
    const base = { workers: 2, oneMs: 300, cores: 2 };
    expect(pythonGilVerdict({ ...base, threadsMs: 610, processesMs: 330 }).kind).toBe('gil-shown');
    expect(pythonGilVerdict({ ...base, threadsMs: 610, processesMs: 560 }).kind).toBe(
      'no-free-core',
    );
    expect(
      pythonGilVerdict({ ...base, cores: 1, threadsMs: 610, processesMs: 320 }).text,
    ).toContain('one core');
    expect(pythonGilVerdict({ ...base, threadsMs: 320, processesMs: 320 }).kind).toBe(
      'threads-parallel',
    );
  });

  it('tells the race as CPython ran it', () => {
    expect(pythonRaceVerdict({ unlockedLost: 0, lockedLost: 0 }).kind).toBe('none-lost');
    expect(pythonRaceVerdict({ unlockedLost: 12_345, lockedLost: 0 }).text).toContain(
      'lost 12,345 updates',
    );
    expect(pythonRaceVerdict({ unlockedLost: 5, lockedLost: 1 }).kind).toBe('lock-lost');
  });
});

describe('processes with and without Python', () => {
  it.skipIf(!hasPython)(
    'runs the Pool counter in CPython and shows its figures beside Node',
    async () => {
      const html = join(dir, 'with.html');
      const { code } = await runCli(['processes', '--html', html]);
      expect(code).toBe(0);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<h2>processes: the same program in CPython</h2>');
      expect(page).toMatch(
        /<td>CPython: Worker-A&#39;s counter \(pid \d+\)<\/td><td>101, 102, 103<\/td><td>101, 102, 103<\/td>/,
      );
      expect(page).toContain('Beside Node, from this run: CPython&#39;s tasks ran in pids');
      expect(page).toContain('<strong>Verdict:</strong> CPython: Each task counted 101, 102, 103');
    },
    120_000,
  );

  it('says how to get Python when the command is not found (--python override)', async () => {
    const html = join(dir, 'without.html');
    const { code, stdout } = await runCli([
      'processes',
      '--python',
      '/no/such/python3',
      '--html',
      html,
    ]);
    expect(code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('`/no/such/python3` was not found');
    expect(page).toContain('sudo apt-get install python3');
    expect(page).toContain('No CPython figures in this run: Python was not found.');
    expect(stdout.replace(/\s+/g, ' ')).toContain('`/no/such/python3` was not found');
  }, 120_000);
});
