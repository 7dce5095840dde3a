#!/usr/bin/env node
// Runs Weft's runtime-neutral suite (tests/runtime-suite/checks/*.mjs) on every runtime CI has:
// the machine's Node.js, and Node 22, Node 24, Bun and Deno from .ci/runtimes (pinned npm packages,
// installed with `npm ci --prefix .ci/runtimes` when missing). Prints one line per check, then
//   runtime-suite: N passed, N failed, N skipped
// which scripts/test-totals.mjs adds to the totals, and writes the results as JSON to
// tests/runtime-suite/results/latest.json.
//
//   node scripts/runtime-suite.mjs                      every runtime, every check file
//   node scripts/runtime-suite.mjs --runtime bun        one runtime (repeatable)
//   node scripts/runtime-suite.mjs --table              also print the support table (Markdown)
//   node scripts/runtime-suite.mjs --write-readmes      also write the table into the READMEs
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureRuntimes, runtimes } from './runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = join(root, 'tests/runtime-suite');
/** A check file that has not finished by then is killed and counted as failed. */
const FILE_TIMEOUT_MS = 300_000;

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', multiple: true },
    table: { type: 'boolean', default: false },
    'write-readmes': { type: 'boolean', default: false },
  },
});

/** Runs one check file on one runtime and returns the checks it reported. */
function runFile(runtime, file) {
  return new Promise((resolve) => {
    const [command, ...prefix] = runtime.command;
    const child = spawn(command, [...prefix, join('checks', file)], {
      cwd: suite,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: {
        ...process.env,
        ...runtime.env,
        WEFT_RUNTIME_COMMAND: JSON.stringify(runtime.command),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the whole group: its workers and children too
      } catch {
        child.kill('SIGKILL');
      }
    }, FILE_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const checks = [];
      for (const line of stdout.split('\n')) {
        const match = /^(ok|not ok|skip) (.+?)(?: :: (.*))?$/.exec(line);
        if (!match) continue;
        // "<feature> :: <what>": the name itself holds one " :: "; a reason follows a second.
        const [feature, what, ...reason] = `${match[2]}${match[3] ? ` :: ${match[3]}` : ''}`.split(
          ' :: ',
        );
        checks.push({ status: match[1], feature, name: what, detail: reason.join(' :: ') });
      }
      const clean = code === 0 && !timedOut;
      if (!clean && !checks.some((c) => c.status === 'not ok')) {
        const why = timedOut
          ? `did not finish within ${FILE_TIMEOUT_MS / 1_000} s`
          : `exited with ${code ?? signal}`;
        const tail = stderr.trim().split('\n').slice(-5).join(' | ');
        checks.push({ status: 'not ok', feature: file, name: why, detail: tail });
      }
      resolve(checks);
    });
  });
}

const wanted = values.runtime ?? runtimes.map((r) => r.id);
const unknown = wanted.filter((id) => !runtimes.some((r) => r.id === id));
if (unknown.length > 0) {
  console.error(
    `runtime-suite: unknown runtime ${unknown.join(', ')}; known: ${runtimes.map((r) => r.id).join(', ')}`,
  );
  process.exit(2);
}
ensureRuntimes();

const files = readdirSync(join(suite, 'checks'))
  .filter((f) => f.endsWith('.mjs'))
  .sort();
const results = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const runtime of runtimes.filter((r) => wanted.includes(r.id))) {
  const version = runtime.version();
  console.log(`\n# ${runtime.label} ${version}`);
  for (const file of files) {
    for (const check of await runFile(runtime, file)) {
      results.push({ runtime: runtime.label, version, file, ...check });
      if (check.status === 'ok') totals.passed += 1;
      else if (check.status === 'skip') totals.skipped += 1;
      else totals.failed += 1;
      const detail = check.detail ? ` :: ${check.detail}` : '';
      console.log(
        `[${runtime.label} ${version}] ${check.status} ${check.feature} :: ${check.name}${detail}`,
      );
    }
  }
}

mkdirSync(join(suite, 'results'), { recursive: true });
writeFileSync(join(suite, 'results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);

if (values.table) console.log(`\n${supportTable(results)}`);
if (values['write-readmes']) writeReadmes(results);
console.log(
  `\nruntime-suite: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
);
process.exitCode = totals.failed > 0 ? 1 : 0;

/** Runtime × version columns, one row per feature: ✓ all its checks passed, ✗ one failed, — skipped. */
function supportTable(rows) {
  const columns = [...new Map(rows.map((r) => [`${r.runtime} ${r.version}`, r])).keys()];
  const features = [...new Set(rows.map((r) => r.feature))];
  const cell = (feature, column) => {
    const mine = rows.filter(
      (r) => r.feature === feature && `${r.runtime} ${r.version}` === column,
    );
    if (mine.length === 0) return ' ';
    if (mine.some((r) => r.status === 'not ok')) return '✗';
    if (mine.every((r) => r.status === 'skip')) return '—';
    return '✓';
  };
  const lines = [
    `| feature | ${columns.join(' | ')} |`,
    `| --- | ${columns.map(() => ':---:').join(' | ')} |`,
    ...features.map((f) => `| ${f} | ${columns.map((c) => cell(f, c)).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * Replaces the text between the support-table markers in every README that has them: the root
 * README gets every row, a package's README the rows of its own features ("<folder name>: …").
 */
function writeReadmes(rows) {
  const start = '<!-- runtime-support:start -->';
  const end = '<!-- runtime-support:end -->';
  const readmes = [
    { file: join(root, 'README.md'), mine: () => true },
    ...['packages', 'apps'].flatMap((dir) =>
      readdirSync(join(root, dir)).map((name) => ({
        file: join(root, dir, name, 'README.md'),
        mine: (row) => row.feature.startsWith(`${name}:`),
      })),
    ),
  ].filter(({ file }) => existsSync(file));
  const date = new Date().toISOString().slice(0, 10);
  for (const { file, mine } of readmes) {
    const text = readFileSync(file, 'utf8');
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to === -1) continue;
    const table = supportTable(rows.filter(mine));
    const note = `From \`pnpm test:runtimes\` (tests/runtime-suite) on ${date}, ${osLine()}: ✓ every check of the feature passed, ✗ one failed, — not available on that runtime.`;
    writeFileSync(
      file,
      `${text.slice(0, from)}${start}\n\n${table}\n\n${note}\n\n${end}${text.slice(to + end.length)}`,
    );
    // Prettier aligns the table, so format:check stays green after a rewrite.
    execFileSync('pnpm', ['exec', 'prettier', '--write', file], { cwd: root, stdio: 'ignore' });
    console.log(`runtime-suite: wrote the support table into ${file.slice(root.length + 1)}`);
  }
}

function osLine() {
  try {
    const cpus = execFileSync('nproc', { encoding: 'utf8' }).trim();
    return `Linux x64, ${cpus} vCPU`;
  } catch {
    return 'Linux x64';
  }
}
