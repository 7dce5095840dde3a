// The runtimes Weft is tested on, and how to start a script on each. Node 22, Node 24, Bun and Deno
// come from the npm registry as pinned packages (.ci/runtimes/package.json, locked by its
// package-lock.json); the first entry is the machine's own Node.js. Used by runtime-suite.mjs,
// test-node-versions.mjs and runtime-bench.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(root, '.ci/runtimes/node_modules');

/** The first x.y.z that `<bin> --version` prints. */
function versionOf(bin) {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8' });
  return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
}

/**
 * @typedef {object} Runtime
 * @property {string} id           what `--runtime` takes
 * @property {string} label        the name in tables
 * @property {string[]} command    argv that runs a script given after it (`[bin, ...flags]`)
 * @property {string | undefined} binDir  a folder holding a `node` to put first on PATH (Node only)
 * @property {Record<string, string>} env  extra environment
 * @property {() => string} version
 */

/** @type {Runtime[]} */
export const runtimes = [
  {
    id: 'node',
    label: 'Node.js',
    command: [process.execPath],
    binDir: dirname(process.execPath),
    env: {},
    version: () => process.versions.node,
  },
  ...['22', '24'].map((major) => {
    const bin = join(installed, `node${major}/bin/node`);
    return {
      id: `node${major}`,
      label: 'Node.js',
      command: [bin],
      binDir: dirname(bin),
      env: {},
      version: () => versionOf(bin),
    };
  }),
  {
    id: 'bun',
    label: 'Bun',
    command: [join(installed, '@oven/bun-linux-x64/bin/bun')],
    binDir: undefined,
    env: {},
    version: () => versionOf(join(installed, '@oven/bun-linux-x64/bin/bun')),
  },
  {
    id: 'deno',
    label: 'Deno',
    command: [join(installed, '@deno/linux-x64-glibc/deno'), 'run', '-A'],
    binDir: undefined,
    env: { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    version: () => versionOf(join(installed, '@deno/linux-x64-glibc/deno')),
  },
];

/** Installs the pinned runtimes from npm (`npm ci --prefix .ci/runtimes`) unless they are there. */
export function ensureRuntimes() {
  const missing = runtimes.filter((r) => r.id !== 'node' && !existsSync(r.command[0]));
  if (missing.length === 0) return;
  console.log(
    `runtimes: installing ${missing.map((r) => r.id).join(', ')} from npm (.ci/runtimes)`,
  );
  execFileSync('npm', ['ci', '--prefix', join(root, '.ci/runtimes'), '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
}
