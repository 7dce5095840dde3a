#!/usr/bin/env node
// `pnpm release`, for a maintainer with an npm token (NPM_TOKEN, or `npm login`): applies the
// pending changesets (`changeset version`: versions, dependents' ranges, CHANGELOG.md files),
// refreshes the lockfile, builds, runs the package and release checks, then publishes every
// package whose version is not on the registry yet (`changeset publish`, which also tags each one)
// with npm provenance. Provenance needs a CI provider npm trusts (GitHub Actions with
// `id-token: write`); elsewhere pass `--no-provenance`. Commit and push the version commit and
// the tags afterwards. `--dry-run` stops before publishing.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const provenance = !args.has('--no-provenance');
const sh = (cmd, cmdArgs, env = {}) => {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  execFileSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
};

if (!args.has('--dry-run')) {
  try {
    execFileSync('npm', ['whoami'], { stdio: 'ignore' });
  } catch {
    console.error('release: npm whoami failed: log in (npm login) or set NPM_TOKEN first');
    process.exit(1);
  }
}
sh('pnpm', ['exec', 'changeset', 'version']);
sh('pnpm', ['install', '--lockfile-only']);
sh('pnpm', ['build']);
sh('pnpm', ['check:packages']);
sh('node', ['scripts/check-release.mjs']);
if (args.has('--dry-run')) {
  console.log('\nrelease: dry run, nothing published (the version bump is in the work tree)');
  process.exit(0);
}
sh('pnpm', ['exec', 'changeset', 'publish'], provenance ? { npm_config_provenance: 'true' } : {});
