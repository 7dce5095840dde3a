#!/usr/bin/env node
// Ready to release, without publishing. Checks what `pnpm release` would do:
// 1. the pending changesets (`changeset status`) bump no package to a major (not used before 1.0)
//    and take every package still at 0.0.0 to its first real version, 0.1.0;
// 2. every publishable package passes `pnpm publish --dry-run`, and its tarball holds exactly what
//    users need: package.json, README.md, LICENSE, dist/ with every file that `main`, `types`,
//    `exports` and `bin` name, nothing else outside dist/ (no src, tests, configs), and a manifest whose
//    `workspace:` ranges were replaced by real versions.
// Needs a build first (`pnpm build`). Prints one line per check and fails when any check fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

const failures = [];
const check = (label, ok, detail = '') => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}${ok || !detail ? '' : `\n       ${detail}`}`);
  if (!ok) failures.push(label);
};

const work = mkdtempSync(join(tmpdir(), 'weft-check-release-'));
try {
  console.log('changesets');
  const statusFile = join(work, 'status.json');
  run(join(root, 'node_modules', '.bin', 'changeset'), ['status', '--output', statusFile]);
  const { releases } = JSON.parse(readFileSync(statusFile, 'utf8'));
  const majors = releases.filter((release) => release.type === 'major');
  check(
    'no major bump before 1.0',
    majors.length === 0,
    majors.map((r) => `${r.name}: ${r.oldVersion} → ${r.newVersion}`).join(', '),
  );
  for (const { manifest } of packages) {
    if (manifest.version !== '0.0.0') continue;
    const release = releases.find((r) => r.name === manifest.name);
    check(
      `${manifest.name}: 0.0.0 → 0.1.0`,
      release?.newVersion === '0.1.0',
      release ? `would become ${release.newVersion}` : 'no pending changeset names it',
    );
  }

  for (const { dir, manifest } of packages) {
    console.log(manifest.name);
    try {
      run('pnpm', ['publish', '--dry-run', '--no-git-checks'], dir);
      check('pnpm publish --dry-run', true);
    } catch (error) {
      check('pnpm publish --dry-run', false, String(error.stderr || error.message).trim());
      continue;
    }
    const tarball = run('pnpm', ['pack', '--pack-destination', work], dir)
      .trim()
      .split('\n')
      .at(-1);
    const files = run('tar', ['-tzf', tarball])
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, ''));
    const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));

    for (const required of ['package.json', 'README.md', 'LICENSE']) {
      check(`has ${required}`, files.includes(required));
    }
    const extra = files.filter(
      (path) => !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(path),
    );
    const named = new Set();
    const collect = (value) => {
      if (typeof value === 'string') named.add(value.replace(/^\.\//, ''));
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(manifest.main);
    collect(manifest.types);
    collect(manifest.exports);
    collect(manifest.bin);
    const outsideDist = extra.filter((path) => !path.startsWith('dist/') && !named.has(path));
    check(
      'nothing outside dist/ but the manifest, README, LICENSE, CHANGELOG and files exports name',
      outsideDist.length === 0,
      outsideDist.join(', '),
    );
    const missing = [...named].filter((path) => !files.includes(path));
    check(
      `has every file main/types/exports/bin name (${named.size})`,
      missing.length === 0,
      `missing: ${missing.join(', ')}`,
    );
    const ranges = Object.entries({ ...packed.dependencies, ...packed.peerDependencies }).filter(
      ([, range]) => String(range).startsWith('workspace:'),
    );
    check(
      'no workspace: ranges in the packed manifest',
      ranges.length === 0,
      ranges.map(([n, r]) => `${n}@${r}`).join(', '),
    );
    console.log(`       ${files.length} files: ${files.join(', ')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\ncheck:release failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ncheck:release: changesets and ${packages.length} packages ready to publish`);
