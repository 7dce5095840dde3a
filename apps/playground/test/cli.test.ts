import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const start = fileURLToPath(new URL('../dist/start.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(...args: string[]): Promise<Result> {
  return runEntry(cli, args);
}

function runEntry(entry: string, args: readonly string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('weft-playground', () => {
  describe('--help', () => {
    it('prints the usage with every command and exits 0', async () => {
      const { code, stdout } = await runCli('--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: weft-playground <command>/);
      expect(stdout).toContain('list');
    });
  });

  describe('--version', () => {
    it('prints the package version', async () => {
      const { code, stdout } = await runCli('--version');
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(pkg.version);
    });
  });

  describe('list', () => {
    it('exits 0 and prints one line per experiment', async () => {
      const { code, stdout } = await runCli('list');
      expect(code).toBe(0);
      expect(stdout.trim().length).toBeGreaterThan(0);
    });
  });

  describe('bad input', () => {
    it('rejects an unknown command with a message, the usage and exit code 2', async () => {
      const { code, stderr } = await runCli('frobnicate');
      expect(code).toBe(2);
      expect(stderr).toContain("unknown command 'frobnicate'");
      expect(stderr).toContain('Usage: weft-playground');
    });

    it('rejects an unknown flag with exit code 2', async () => {
      const { code, stderr } = await runCli('--frobnicate');
      expect(code).toBe(2);
      expect(stderr).toContain("unknown option '--frobnicate'");
    });

    it('rejects arguments to list with exit code 2', async () => {
      const { code, stderr } = await runCli('list', 'extra');
      expect(code).toBe(2);
      expect(stderr).toContain("'list' takes no arguments");
    });
  });

  describe('edges (#22)', () => {
    it('takes --help on every command, list included', async () => {
      const names = (await runCli('list')).stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[0]!);
      expect(names.length).toBeGreaterThan(3);
      for (const name of ['list', ...names]) {
        const { code, stdout } = await runCli(name, '--help');
        expect(code, name).toBe(0);
        expect(stdout, name).toMatch(new RegExp(`^Usage: weft-playground ${name}`));
      }
    });

    it('gives the same range message for a negative number in every spelling', async () => {
      for (const args of [['--workers', '-3'], ['--workers=-3'], ['--workers', '-3.5']]) {
        const { code, stderr, stdout } = await runCli('race', ...args);
        expect(code, args.join(' ')).toBe(2);
        expect(stderr).toMatch(
          /--workers was given '-3(\.5)?'; expected a whole number from 1 to 64/,
        );
        expect(stdout).toBe('');
      }
      const malformed = await runCli('race', '--workers', 'lots');
      expect(malformed.stderr).toContain(
        "--workers was given 'lots'; expected a whole number from 1 to 64",
      );
    });

    it('refuses an unwritable --html or --json path before the run, without a stack trace', async () => {
      for (const flag of ['--html', '--json', '--trace']) {
        const { code, stdout, stderr } = await runCli('race', flag, '/no/such/dir/x.html');
        expect(code, flag).toBe(2);
        expect(stdout).toBe(''); // the experiment never started
        expect(stderr).toContain(`${flag} /no/such/dir/x.html: cannot write the report there`);
        expect(stderr).toContain('/no/such/dir does not exist');
        expect(stderr).not.toMatch(/\n\s+at /);
      }
      const dir = await runCli('race', '--html', tmpdir());
      expect(dir.code).toBe(2);
      expect(dir.stderr).toContain('it is a directory');
    });

    it('runs the command given to the start entry (`pnpm start <command>`)', async () => {
      const { code, stdout, stderr } = await runEntry(start, ['list']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^processes /m);
    });
  });
});
