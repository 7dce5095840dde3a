#!/usr/bin/env node
// Proves that "install one package" works for users: every publishable package passes publint and
// arethetypeswrong, is packed exactly as `pnpm publish` would pack it, installed from the tarball
// into a fresh npm project outside the workspace, and loaded with both import() and require().
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const bin = (name) => join(root, 'node_modules', '.bin', name);

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

const work = mkdtempSync(join(tmpdir(), 'weft-check-packages-'));
const failures = [];
const step = (label, fn) => {
  try {
    const out = fn();
    console.log(`  ok   ${label}`);
    return out;
  } catch (error) {
    const detail = [error.stdout, error.stderr, error.message].filter(Boolean).join('\n');
    console.log(`  FAIL ${label}\n${detail.replace(/^/gm, '       ')}`);
    failures.push(label);
    return undefined;
  }
};

try {
  const tarballs = new Map();
  for (const { dir, manifest } of packages) {
    console.log(manifest.name);
    step('publint', () => run(bin('publint'), ['run', '--strict', dir]));
    const packed = step('pnpm pack', () =>
      run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n').at(-1),
    );
    if (packed) {
      tarballs.set(manifest.name, packed);
      step('arethetypeswrong (esm-only profile)', () =>
        run(bin('attw'), [packed, '--profile', 'esm-only', '--format', 'table-flipped']),
      );
    }
  }

  // A fresh npm project outside the workspace, with every package installed from its tarball.
  const project = join(work, 'consumer');
  const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      { name: 'consumer', private: true, dependencies: deps, overrides: deps },
      null,
      2,
    ),
  );
  console.log('consumer project');
  step('npm install (tarballs only)', () =>
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
      project,
    ),
  );
  for (const name of tarballs.keys()) {
    step(`${name}: import()`, () => {
      const out = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length);`,
        ],
        project,
      );
      return out;
    });
    step(`${name}: require()`, () =>
      run(
        process.execPath,
        [
          '--no-warnings',
          '-e',
          `const m = require(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`,
        ],
        project,
      ),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\ncheck:packages failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ncheck:packages: ${packages.length} packages pass`);
