// Raw BullMQ against @weft/distributed on PostgreSQL, in one run on one PostgreSQL (a script, not a
// test: it reports, it asserts nothing). The Redis counterpart is overhead.mjs; compare.mjs runs
// both together.
//   raw:  a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
//   weft: BullMQExecutor here, `weft-worker --postgres <url> --kind inline --concurrency 2` in
//         another process.
// Both run the tiniest task (a + b), in interleaved rounds (raw, weft, weft, raw, ...); medians and
// ranges. BullMQ 6's QueueEvents on PostgreSQL can skip an event whose transaction commits after a
// later-numbered one (see the README), so a raw burst also counts as done when the queue's
// completed count says so; the number of events QueueEvents missed is reported.
//
// Usage: node bench/postgres.mjs [--quick] [--rounds N] [--seq N] [--burst N] [--json FILE]
//          [--cpu-prof DIR]
// WEFT_POSTGRES_URL to use a running PostgreSQL; otherwise a private one is started (as the tests
// do: test/postgres-server.ts) and removed at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareOn, log, machine, startPostgres, table } from './lib.mjs';

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
const postgres = await startPostgres();
let result;
try {
  result = await compareOn(
    { kind: 'postgres', url: postgres.url },
    {
      rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
      seq: Number(opts.seq ?? (quick ? 100 : 300)),
      burst: Number(opts.burst ?? (quick ? 500 : 2000)),
      prof,
    },
  );
} finally {
  await postgres.stop();
}
log('');
log(table(result));
const text = JSON.stringify({ machine: info, ...result }, null, 2);
if (opts.json !== undefined) writeFileSync(opts.json, `${text}\n`);
process.stdout.write(`${text}\n`);
