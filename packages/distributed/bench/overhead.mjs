// Per-call overhead of @weft/distributed against raw BullMQ, in one run on one Redis (a script, not a
// test: it reports, it asserts nothing).
//   raw:  a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
//   weft: BullMQExecutor here, `weft-worker --kind inline --concurrency 2` in another process.
// Both run the tiniest task (a + b). Rounds are interleaved (raw, weft, weft, raw, ...) so that the
// drifting load of a shared machine hits both alike; each figure is the median of the rounds, with
// its range. Also counts the Redis commands each job costs (INFO commandstats deltas over a burst).
// The setups live in lib.mjs; compare.mjs runs this and the PostgreSQL one together.
//
// Usage: node bench/overhead.mjs [--quick] [--rounds N] [--seq N] [--burst N] [--json FILE]
//          [--cpu-prof DIR]   (profiles both workers; run the caller with `node --cpu-prof` too)
// WEFT_REDIS_URL to use a running Redis; otherwise one is started on a free loopback port.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareOn, log, machine, startRedis, table } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seq: { type: 'string' },
    burst: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const quick = opts.quick || process.env.WEFT_BENCH_QUICK === '1';
const prof = opts['cpu-prof'] === undefined ? undefined : resolve(opts['cpu-prof']);
if (prof !== undefined) mkdirSync(prof, { recursive: true });

const info = machine();
const redis = await startRedis();
let result;
try {
  result = await compareOn(
    { kind: 'redis', url: redis.url },
    {
      rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
      seq: Number(opts.seq ?? (quick ? 300 : 1000)),
      burst: Number(opts.burst ?? (quick ? 2000 : 10_000)),
      prof,
    },
  );
} finally {
  await redis.stop();
}
log('');
log(table(result));
const text = JSON.stringify({ machine: info, ...result }, null, 2);
if (opts.json !== undefined) writeFileSync(opts.json, `${text}\n`);
process.stdout.write(`${text}\n`);
