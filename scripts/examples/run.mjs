#!/usr/bin/env node
// Examples are tests. Extracts every JavaScript and TypeScript code block of every README and
// guide and runs it as a user would: in a fresh npm project outside the workspace, with the
// packages installed from their packed tarballs, on every Node version CI has.
//
// How a block is read (see scripts/examples/README.md for the conventions README authors follow):
// - ```ts / ```js / ```mjs / ```cjs blocks are examples; other languages (sh, text, json…) are not.
// - A first line `// name.ext` (optionally followed by `: comment`) names the block's file;
//   blocks of one section (one heading) share a folder, so `main.ts` can import `./tasks.js`.
// - `// prints: <text>` comments say what the program prints, in order (`…` matches anything,
//   whitespace is compared loosely). A block that is not a fragment and not a named module
//   must print something checkable.
// - ```ts fragment: type-checked, not run; an HTML comment `<!-- example-context … -->` right
//   before it gives the declarations it assumes (hidden on the page). ```js fragment: syntax-checked.
// - `min-node=24`: run only on Node 24 and up (JavaScript `await using`).
// - `redis`: needs Redis; runs with REDIS_URL set from WEFT_REDIS_URL (skipped without it,
//   except under CI, where that is a failure).
// - TypeScript compiles with the `// tsconfig.json` block the same document shows (else the
//   root README's), then runs on every Node version.
// One npm install serves every Node version; one tsc run checks every section that shares a
// tsconfig; programs run two at a time (WEFT_EXAMPLES_JOBS), Redis ones one at a time.
// Usage: `pnpm examples`, or `node scripts/examples/run.mjs [doc.md] [--keep] [--reuse=<dir>]`.
// Prints one line per example and run, and ends with `examples: N passed, N failed` (CI counts it
// into its `tests:` line through scripts/test-totals.mjs).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const ci = Boolean(process.env.CI);
const only = process.argv.slice(2).find((arg) => !arg.startsWith('--')); // one document alone
const keep = process.argv.includes('--keep');
// --reuse=<dir>: install into <dir> once and reuse it on later runs (while editing READMEs; the
// packages are not repacked, so rebuild and drop the folder after changing a package).
const reuseArg = process.argv.find((arg) => arg.startsWith('--reuse='));
const reuse = reuseArg ? resolve(reuseArg.slice('--reuse='.length)) : undefined;

// ── the Node versions CI has ──
const runtimes = [{ name: 'node20', major: 20, bin: process.env.WEFT_NODE20 ?? 'node' }];
for (const major of [22, 24]) {
  const bin =
    process.env[`WEFT_NODE${major}`] ??
    join(root, '.ci', 'runtimes', 'node_modules', `node${major}`, 'bin', 'node');
  if (existsSync(bin)) runtimes.push({ name: `node${major}`, major, bin });
  else if (ci) {
    console.error(`examples: Node ${major} not found at ${bin} (install .ci/runtimes)`);
    process.exit(1);
  } else console.log(`note: Node ${major} not installed (${bin}); running on the others`);
}
for (const runtime of runtimes) {
  runtime.version = execFileSync(runtime.bin, ['--version'], { encoding: 'utf8' }).trim();
}

// ── documents and their blocks ──
const docs = ['README.md'];
for (const parent of ['packages', 'apps']) {
  for (const dir of readdirSync(join(root, parent))) {
    if (existsSync(join(root, parent, dir, 'README.md'))) docs.push(`${parent}/${dir}/README.md`);
  }
}
const walk = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? walk(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );
docs.push(...walk('docs'));

const CODE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs']);
const FILE_NAME = /^\/\/\s*([\w.-]+\.(?:ts|mts|cts|js|mjs|cjs|json))(?::.*|\s.*)?$/;

function parse(doc) {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks = [];
  let section = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^#{1,6}\s/.test(lines[i])) section++;
    const open = /^```(\S+)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const lang = open[1];
    const attrs = new Set(open[2].split(/\s+/).filter(Boolean));
    // An <!-- example-context … --> comment right before the block (blank lines allowed).
    let context = '';
    let j = start - 1;
    while (j >= 0 && lines[j].trim() === '') j--;
    if (j >= 0 && lines[j].trim() === '-->') {
      const end = j;
      while (j >= 0 && !lines[j].startsWith('<!-- example-context')) j--;
      if (j >= 0) context = lines.slice(j + 1, end).join('\n');
    }
    blocks.push({ doc, line: start + 1, lang, attrs, body: body.join('\n'), context, section });
  }
  return blocks;
}

const all = docs.filter((doc) => !only || doc === only).flatMap(parse);
const rootTsconfig = all.find(
  (b) => b.doc === 'README.md' && FILE_NAME.exec(b.body.split('\n')[0])?.[1] === 'tsconfig.json',
);
const tsconfigOf = (doc) => {
  const own = parse(doc).find(
    (b) => FILE_NAME.exec(b.body.split('\n')[0])?.[1] === 'tsconfig.json',
  );
  const block =
    own ??
    rootTsconfig ??
    parse('README.md').find((b) => FILE_NAME.exec(b.body.split('\n')[0])?.[1] === 'tsconfig.json');
  if (!block) throw new Error(`${doc}: no tsconfig.json block here or in README.md`);
  return block.body.split('\n').slice(1).join('\n');
};

// ── the project a user would have ──
const work = mkdtempSync(join(tmpdir(), 'weft-examples-'));
let passed = 0;
let failed = 0;
const failures = [];
const report = (ok, label, detail = '') => {
  if (ok) passed++;
  else {
    failed++;
    failures.push(label);
  }
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok && detail) console.log(detail.trim().replace(/^/gm, '       '));
};

try {
  const project = reuse ?? join(work, 'project');
  if (reuse && existsSync(join(reuse, 'node_modules'))) {
    console.log(`reusing the install in ${reuse}`);
    for (const entry of readdirSync(reuse)) {
      if (entry.startsWith('ts-')) rmSync(join(reuse, entry), { recursive: true, force: true });
    }
  } else {
    console.log(`packing the packages into ${work}`);
    const tarballs = execFileSync(
      'node',
      [join(root, 'scripts', 'pack-all.mjs'), join(work, 'tarballs')],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'my-app', private: true, type: 'module' }, null, 2),
    );
    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const pin = (name) => `${name}@${rootManifest.devDependencies[name]}`;
    // The tracing examples (packages/distributed/README.md) import OpenTelemetry and bullmq-otel,
    // optional peers of @weft/distributed: install them at the exact versions its tests use.
    const distributedDev = JSON.parse(
      readFileSync(join(root, 'packages', 'distributed', 'package.json'), 'utf8'),
    ).devDependencies;
    const tracing = Object.entries(distributedDev)
      .filter(([name]) => name === 'bullmq-otel' || name.startsWith('@opentelemetry/'))
      .map(([name, version]) => `${name}@${version}`);
    // One install serves every Node version: nothing in it is built for one Node's ABI.
    console.log(`npm install (the tarballs, typescript, @types/node, ${tracing.join(', ')})`);
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...tarballs,
        pin('typescript'),
        pin('@types/node'),
        ...tracing,
      ],
      { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  const tsc = join(project, 'node_modules', '.bin', 'tsc');

  // Group the code blocks by document section; the sections of documents that compile with the
  // same tsconfig.json share one folder, so one tsc run checks them all (tsc's start-up, not the
  // checking, is what costs: one run per section took minutes).
  const groups = new Map();
  for (const block of all) {
    if (!CODE.has(block.lang)) continue;
    const key = `${block.doc}#${block.section}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(block);
  }
  const configs = new Map(); // tsconfig text → folder
  const sections = [];
  let index = 0;
  for (const [key, blocks] of groups) {
    const doc = blocks[0].doc;
    const config = tsconfigOf(doc);
    if (!configs.has(config)) {
      const folder = join(project, `ts-${configs.size + 1}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'tsconfig.json'), config);
      configs.set(config, folder);
    }
    const name = `${String(++index).padStart(2, '0')}-${doc.replace(/[/.]/g, '-')}-${key.split('#')[1]}`;
    const dir = join(configs.get(config), name);
    mkdirSync(dir);
    const section = { key, doc, name, dir, config, blocks, entries: [], jsFragments: [] };
    const where = (block) => `${doc}:${block.line}`;
    let n = 0;
    for (const block of blocks) {
      const isTs = block.lang === 'ts' || block.lang === 'typescript';
      const ext = isTs ? 'ts' : block.lang === 'cjs' ? 'cjs' : block.lang === 'mjs' ? 'mjs' : 'js';
      const named = FILE_NAME.exec(block.body.split('\n')[0])?.[1];
      const fragment = block.attrs.has('fragment');
      const file = named ?? `example-${++n}${fragment ? '-fragment' : ''}.${ext}`;
      let source = block.body;
      if (fragment && isTs) source = `${block.context}\n${source}\nexport {};\n`;
      writeFileSync(join(dir, file), source);
      if (isTs) section.hasTs = true;
      const expected = [...block.body.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
      if (fragment) {
        if (!isTs) section.jsFragments.push({ block, file });
        continue;
      }
      if (named && expected.length === 0) continue; // a module other blocks import
      if (expected.length === 0) {
        section.silent = [...(section.silent ?? []), where(block)];
        continue;
      }
      section.entries.push({ block, file, expected, isTs, where: where(block) });
    }
    sections.push(section);
  }

  // One tsc per tsconfig; its diagnostics go back to the section folder they name.
  const diagnostics = new Map(); // section name → text
  const broken = new Map(); // config → diagnostics naming no section (a broken tsconfig)
  for (const [config, folder] of configs) {
    if (!sections.some((s) => s.config === config && s.hasTs)) continue;
    console.log(`tsc -p ${folder.replace(project + '/', '')}`);
    const compiled = spawnSync(tsc, ['-p', '.', '--pretty', 'false'], {
      cwd: folder,
      encoding: 'utf8',
    });
    let current;
    for (const line of (compiled.stdout + compiled.stderr).split('\n')) {
      if (line.trim() === '') continue;
      if (!/^\s/.test(line)) current = /^([^/\\(]+)[/\\]/.exec(line)?.[1];
      if (current && sections.some((s) => s.name === current)) {
        diagnostics.set(
          current,
          `${diagnostics.get(current) ?? ''}${line.replace(`${current}/`, '')}\n`,
        );
      } else broken.set(config, `${broken.get(config) ?? ''}${line}\n`);
    }
    if (compiled.status !== 0 && !diagnostics.size && !broken.has(config)) {
      broken.set(config, `tsc exited ${compiled.status ?? compiled.signal}`);
    }
  }

  const jobs = [];
  for (const section of sections) {
    const { doc, blocks } = section;
    for (const where of section.silent ?? []) {
      report(
        false,
        `${where}: prints nothing checkable`,
        'add `// prints: …` comments, or mark the block `fragment`',
      );
    }
    if (section.hasTs) {
      const tsBlocks = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
      const fragments = tsBlocks.filter((b) => b.attrs.has('fragment'));
      const label = `${doc} §${section.key.split('#')[1]}: tsc (${tsBlocks.length} TypeScript blocks, ${fragments.length} fragments)`;
      const output = (broken.get(section.config) ?? '') + (diagnostics.get(section.name) ?? '');
      report(output === '', label, output);
      if (output !== '') continue;
    }
    for (const { block, file } of section.jsFragments) {
      const checked = spawnSync('node', ['--check', join(section.dir, file)], { encoding: 'utf8' });
      report(checked.status === 0, `${doc}:${block.line}: node --check (fragment)`, checked.stderr);
    }
    for (const entry of section.entries) {
      const { block, file, isTs } = entry;
      const program = isTs
        ? file
            .replace(/\.ts$/, '.js')
            .replace(/\.mts$/, '.mjs')
            .replace(/\.cts$/, '.cjs')
        : file;
      const minNode = Number(
        [...block.attrs].find((a) => a.startsWith('min-node='))?.split('=')[1] ?? 0,
      );
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      const redis = block.attrs.has('redis');
      if (redis) {
        if (!process.env.WEFT_REDIS_URL) {
          if (ci) report(false, `${entry.where}: needs Redis, WEFT_REDIS_URL is not set`);
          else console.log(`  skip ${entry.where}: needs Redis (set WEFT_REDIS_URL)`);
          continue;
        }
        env.REDIS_URL = process.env.WEFT_REDIS_URL;
      }
      const targets = runtimes.filter((runtime) => runtime.major >= minNode);
      jobs.push({ ...entry, dir: section.dir, program, env, redis, targets });
    }
  }

  // Run the programs: a few at once (each mostly waits for its workers to start), the runtimes
  // of one example one after another, and at most one Redis example at a time (they share the
  // server). Results print in document order.
  const parallel = Math.max(1, Number(process.env.WEFT_EXAMPLES_JOBS ?? 2));
  const results = jobs.map(() => undefined);
  let printed = 0;
  const flush = () => {
    while (printed < jobs.length && results[printed] !== undefined) {
      for (const [ok, label, detail] of results[printed]) report(ok, label, detail);
      printed++;
    }
  };
  let next = 0;
  let redisBusy = false;
  await new Promise((done) => {
    let running = 0;
    const pump = () => {
      while (running < parallel) {
        let pick = -1;
        for (let i = next; i < jobs.length; i++) {
          if (jobs[i].started) continue;
          if (jobs[i].redis && redisBusy) continue;
          pick = i;
          break;
        }
        if (pick === -1) break;
        const job = jobs[pick];
        job.started = true;
        while (next < jobs.length && jobs[next].started) next++;
        running++;
        if (job.redis) redisBusy = true;
        runJob(job).then((outcome) => {
          results[pick] = outcome;
          running--;
          if (job.redis) redisBusy = false;
          flush();
          if (printed === jobs.length) done();
          else pump();
        });
      }
      if (jobs.length === 0) done();
    };
    pump();
  });
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** Runs one example on each of its runtimes, one after another; resolves to its report lines. */
async function runJob({ dir, program, env, targets, expected, where }) {
  const outcome = [];
  for (const runtime of targets) {
    const result = await run(runtime.bin, [program], { cwd: dir, env, timeout: 120_000 });
    const label = `${where} (${program}) on Node ${runtime.version}`;
    if (result.status !== 0) {
      outcome.push([
        false,
        label,
        `exit ${result.status ?? result.signal}${result.error ? ` (${result.error.message})` : ''}\n${result.stdout}${result.stderr}`,
      ]);
      continue;
    }
    const mismatch = compare(result.stdout, expected);
    outcome.push([
      mismatch === undefined,
      label,
      mismatch ? `${mismatch}\n--- it printed:\n${result.stdout}${result.stderr}` : '',
    ]);
  }
  return outcome;
}

/** spawnSync's result shape, without blocking the other runs. */
function run(bin, args, { cwd, env, timeout }) {
  return new Promise((resolvePromise) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    let error;
    const timer = setTimeout(() => {
      error = new Error(`timed out after ${timeout} ms`);
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (cause) => (error = cause));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, stdout, stderr, error });
    });
  });
}

/** undefined when every expected line appears in the output, in order; else what is missing. */
function compare(stdout, expected) {
  const loose = (text) => text.replace(/\s+/g, ' ').trim();
  const out = loose(stdout);
  let from = 0;
  for (const line of expected) {
    const pattern = new RegExp(
      loose(line)
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*?'),
    );
    const match = pattern.exec(out.slice(from));
    if (!match) return `expected, after what matched so far: ${line}`;
    from += match.index + match[0].length;
  }
  return undefined;
}

if (failures.length > 0) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
console.log(`\nexamples: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
