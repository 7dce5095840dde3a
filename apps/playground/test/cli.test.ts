import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
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
});
