// The tour's default report goes to a fresh directory in the temp folder (#25): a symlink planted
// at the old fixed name, or anywhere else there, is never followed.
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Experiment } from '../src/experiment.js';

const tour: Experiment = {
  name: 'tour',
  summary: 'a stand-in tour',
  description: 'A stand-in tour.',
  flags: [],
  run: () => Promise.resolve({ experiment: 'tour', checks: {}, sections: [], failures: [] }),
};

async function runTour(): Promise<{ code: number; stdout: string }> {
  // Imported after TMPDIR is set, so a path computed at load time would land in the test's folder.
  vi.resetModules();
  const { main } = await import('../src/main.js');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const code = await main(['tour'], {
    stdout: out,
    stderr: new PassThrough(),
    signal: new AbortController().signal,
    experiments: [tour],
  });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

describe('the tour writes its default report to a fresh temp directory', () => {
  let dir = '';
  const savedTmp = process.env['TMPDIR'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-play-test-'));
    process.env['TMPDIR'] = dir;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmp;
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a victim untouched through a symlink planted at the old fixed name', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'weft-tour-report.html'));
    const { code, stdout } = await runTour();
    expect(code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const path = /report written: (.+)\n/.exec(stdout)?.[1] ?? '';
    // It says where the report went: a new directory of its own in the temp folder.
    expect(dirname(dirname(path))).toBe(dir);
    expect(lstatSync(path).isFile()).toBe(true);
    expect(lstatSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(readFileSync(path, 'utf8').startsWith('<!doctype html>')).toBe(true);
  });

  it('writes each run to a new place', async () => {
    const first = /report written: (.+)\n/.exec((await runTour()).stdout)?.[1];
    const second = /report written: (.+)\n/.exec((await runTour()).stdout)?.[1];
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
    expect(existsSync(first!) && existsSync(second!)).toBe(true);
  });
});
