#!/usr/bin/env node
// Packs every publishable package, exactly as `pnpm publish` would, into one folder (default
// `tarballs/` at the repository root, or the folder given) under a name without the version
// (`weft-process-pool.tgz`), so the command that installs them from a clone never changes. Needs
// a build first (`pnpm pack:all` builds). Prints the paths, one per line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dest = resolve(process.argv[2] ?? join(root, 'tarballs'));
mkdirSync(dest, { recursive: true });

for (const dir of readdirSync(join(root, 'packages'))) {
  const path = join(root, 'packages', dir);
  if (!existsSync(join(path, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  if (manifest.private === true) continue;
  const packed = execFileSync('pnpm', ['pack', '--pack-destination', dest], {
    cwd: path,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .trim()
    .split('\n')
    .at(-1);
  const target = join(dest, `${manifest.name.replace(/^@/, '').replace('/', '-')}.tgz`);
  renameSync(packed, target);
  console.log(target);
}
