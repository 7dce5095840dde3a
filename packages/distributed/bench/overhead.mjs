// Per-call overhead of @weft/distributed against raw BullMQ, in one run on one store, Redis or
// PostgreSQL (a script, not a test: it reports, it asserts nothing).
//   raw:  a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
//   weft: BullMQExecutor here, `weft-worker --kind inline --concurrency 2` (with `--redis` or
//         `--postgres`) in another process.
// Both run the tiniest task (a + b). Rounds are interleaved (raw, weft, weft, raw, ...) so that the
// drifting load of a shared machine hits both alike; each figure is the median of the rounds, with
// its range. Also counts what each job costs: CPU µs per job of the caller, the worker and the
// server (Redis's INFO, PostgreSQL's processes in /proc), and Redis commands per job (INFO
// commandstats deltas over a burst). PostgreSQL's transaction counts were dropped: idle backends
// report theirs up to 10 s late, and a listener's reads of NOTIFYs count only when that connection
// also runs queries, so the figures said more about timing than work. On PostgreSQL, QueueEvents
// can skip an event whose transaction commits after a later-numbered one (see the README), so a
// raw burst also counts as done when the queue's completed count says so; the events it missed
// are reported.
// The setups live in lib.mjs; compare.mjs runs both stores together for the README.
//
// Usage: node bench/overhead.mjs [--store redis|postgres] [--quick] [--rounds N] [--seq N]
//          [--burst N] [--json FILE] [--cpu-prof DIR] [--weft-before DIR]
//   --cpu-prof DIR profiles both workers; run the caller with `node --cpu-prof` too.
//   --weft-before DIR also runs the build in DIR (a saved copy of an older dist/) in the same rounds.
// Defaults: Redis; 3 rounds; Redis 1,000 sequential calls and 10,000 in flight, PostgreSQL 300 and
// 2,000. WEFT_REDIS_URL / WEFT_POSTGRES_URL to use a running server; otherwise a private one is
// started (PostgreSQL as the tests start it: test/postgres-server.ts) and removed at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareStore, log, machine, storeSizes, table } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    store: { type: 'string', default: 'redis' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seq: { type: 'string' },
    burst: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'weft-before': { type: 'string' },
  },
});
const quick = opts.quick || process.env.WEFT_BENCH_QUICK === '1';
const prof = opts['cpu-prof'] === undefined ? undefined : resolve(opts['cpu-prof']);
if (prof !== undefined) mkdirSync(prof, { recursive: true });
const sizes = storeSizes(opts.store, quick);

const info = machine();
const result = await compareStore(opts.store, {
  rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
  seq: Number(opts.seq ?? sizes.seq),
  burst: Number(opts.burst ?? sizes.burst),
  prof,
  before: opts['weft-before'] === undefined ? undefined : resolve(opts['weft-before']),
});
log('');
log(table(result));
const text = JSON.stringify({ machine: info, ...result }, null, 2);
if (opts.json !== undefined) writeFileSync(opts.json, `${text}\n`);
process.stdout.write(`${text}\n`);
