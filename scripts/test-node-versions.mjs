#!/usr/bin/env node
// Runs every package's vitest suite again on Node 22 and Node 24 (pinned npm packages from
// .ci/runtimes), as `pnpm test` runs them on the machine's Node. Each run puts that Node first on
// PATH, so turbo, pnpm, vitest and every worker and child process the tests start run on it.
//
//   node scripts/test-node-versions.mjs              Node 22, then Node 24
//   node scripts/test-node-versions.mjs node24       one of them
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { ensureRuntimes, runtimes } from './runtimes.mjs';

const wanted = process.argv.slice(2);
const chosen = runtimes.filter(
  (r) =>
    r.id.startsWith('node') && r.id !== 'node' && (wanted.length === 0 || wanted.includes(r.id)),
);
if (chosen.length === 0) {
  console.error(`test-node-versions: nothing to run; known: node22, node24`);
  process.exit(2);
}
ensureRuntimes();

let failed = false;
for (const runtime of chosen) {
  const version = runtime.version();
  console.log(`\n# vitest suites on Node.js ${version}`);
  const { status } = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', '--output-logs=full'],
    {
      stdio: 'inherit',
      env: { ...process.env, PATH: `${runtime.binDir}${delimiter}${process.env.PATH}` },
    },
  );
  if (status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
