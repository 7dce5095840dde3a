// Raw BullMQ against @weft/distributed on Redis and on PostgreSQL in one run (a script, not a test:
// it reports, it asserts nothing): overhead.mjs's comparison on Redis, then on PostgreSQL, printed
// as Markdown ready for the README (a table per store, and the ratios of both side by side).
// `--write-readme` puts them into README.md between the `bench:compare` markers.
//
// Usage: node bench/compare.mjs [--quick] [--rounds N] [--seq N] [--burst N] [--pg-seq N]
//          [--pg-burst N] [--json FILE] [--write-readme] [--cpu-prof DIR] [--weft-before DIR]
// Defaults: 3 rounds; Redis 1,000 sequential calls and 10,000 in flight; PostgreSQL 300 and 2,000
// (--pg-burst 10000 for the Redis scale). WEFT_REDIS_URL / WEFT_POSTGRES_URL to use running
// servers; otherwise each is started privately and removed at the end.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareStore, describeRun, log, machine, sideBySide, storeSizes, table } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seq: { type: 'string' },
    burst: { type: 'string' },
    'pg-seq': { type: 'string' },
    'pg-burst': { type: 'string' },
    json: { type: 'string' },
    'write-readme': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'weft-before': { type: 'string' },
  },
});
const quick = opts.quick || process.env.WEFT_BENCH_QUICK === '1';
const rounds = Number(opts.rounds ?? (quick ? 1 : 3));
const prof = opts['cpu-prof'] === undefined ? undefined : resolve(opts['cpu-prof']);
if (prof !== undefined) mkdirSync(prof, { recursive: true });
// --weft-before DIR: a saved copy of an older dist/ (inside this package, so that its imports
// resolve), run in the same rounds as a third setup: a same-run before/after, in the log only.
const before = opts['weft-before'] === undefined ? undefined : resolve(opts['weft-before']);

const info = machine();
const redisSizes = storeSizes('redis', quick);
const redis = await compareStore('redis', {
  rounds,
  seq: Number(opts.seq ?? redisSizes.seq),
  burst: Number(opts.burst ?? redisSizes.burst),
  prof,
  before,
});
const postgresSizes = storeSizes('postgres', quick);
const postgres = await compareStore('postgres', {
  rounds,
  seq: Number(opts['pg-seq'] ?? postgresSizes.seq),
  burst: Number(opts['pg-burst'] ?? postgresSizes.burst),
  prof,
  before,
});

const markdown = [
  `Measured ${describeRun(info)}; \`node bench/compare.mjs${process.argv
    .slice(2)
    .filter((a, i, all) => a !== '--write-readme' && a !== '--json' && all[i - 1] !== '--json')
    .map((a) => ` ${a}`)
    .join('')}\`.`,
  '',
  sideBySide(redis, postgres),
  '',
  table(redis),
  '',
  table(postgres),
].join('\n');
log('');
process.stdout.write(`${markdown}\n`);

if (opts['write-readme']) {
  const path = new URL('../README.md', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:compare:start (written by `node bench/compare.mjs --write-readme`) -->';
  const end = '<!-- bench:compare:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
  writeFileSync(path, `${text.slice(0, from + start.length)}\n\n${markdown}\n\n${text.slice(to)}`);
  // The repository's formatting (aligned table columns), when prettier is installed.
  spawnSync('pnpm', ['exec', 'prettier', '--write', fileURLToPath(path)], { stdio: 'inherit' });
  log('README.md: the benchmark tables are rewritten');
}
if (opts.json !== undefined)
  writeFileSync(opts.json, `${JSON.stringify({ machine: info, redis, postgres }, null, 2)}\n`);
