// Raw BullMQ against @weft/distributed on PostgreSQL, in one run on one PostgreSQL (a script, not a
// test: it reports, it asserts nothing). The Redis counterpart is overhead.mjs.
//   raw:  a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
//   weft: BullMQExecutor here, `weft-worker --postgres <url> --kind inline --concurrency 2` in
//         another process.
// Both run the tiniest task (a + b). Rounds are interleaved (raw, weft, weft, raw, ...) so that the
// drifting load of a shared machine hits both alike; each figure is the median of the rounds, with
// its range.
// BullMQ 6's QueueEvents on PostgreSQL can skip an event whose transaction commits after a
// later-numbered one (see the README), so a raw burst also counts as done when the queue's completed
// count says so; the number of events QueueEvents missed is reported.
//
// Usage: node bench/postgres.mjs [--quick] [--rounds N] [--seq N] [--burst N] [--json FILE]
// WEFT_POSTGRES_URL to use a running PostgreSQL; otherwise a private one is started (as the tests
// do: test/postgres-server.ts) and removed at the end.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents, createPostgresBackend } from 'bullmq';
import { BullMQExecutor } from '@weft/distributed';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seq: { type: 'string' },
    burst: { type: 'string' },
    json: { type: 'string' },
  },
});
const quick = opts.quick || process.env.WEFT_BENCH_QUICK === '1';
const ROUNDS = Number(opts.rounds ?? (quick ? 1 : 3));
const SEQ = Number(opts.seq ?? 100);
const BURST = Number(opts.burst ?? (quick ? 500 : 2000));
const CONCURRENCY = 2;

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TASKS = new URL('./tasks.mjs', import.meta.url).href;
const { add } = await import(TASKS);
const log = (text) => process.stderr.write(`${text}\n`);
const now = () => performance.now();

async function startPostgres() {
  const given = process.env.WEFT_POSTGRES_URL;
  if (given) return { url: given, stop: async () => {} };
  // The tests' helper, in TypeScript: loaded through tsx (a root devDependency).
  const { tsImport } = await import('tsx/esm/api');
  const server = await tsImport('../test/postgres-server.ts', import.meta.url);
  return server.startPostgres();
}

/**
 * Spawns a node process and resolves once it prints `marker` on stdout; rejects if it exits first.
 * Settles once: later output is drained, not matched again.
 */
function spawnReady(args, marker) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    let buffer = '';
    const onExit = (code, signal) =>
      rej(new Error(`${args.slice(0, 2).join(' ')} exited (${code ?? signal}) before ready`));
    const onData = (c) => {
      buffer += c;
      if (!buffer.includes(marker)) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.stdout.resume();
      res(child);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', rej);
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', res);
    child.kill('SIGTERM');
  });
}

async function sequential(call, n) {
  for (let i = 0; i < 20; i++) await call(i);
  const start = now();
  for (let i = 0; i < n; i++) await call(i);
  return ((now() - start) * 1000) / n; // µs per call
}

// ---- the two setups --------------------------------------------------------------------------

async function rawSetup(url, tag) {
  const name = `bench-pg-raw-${tag}`;
  const connection = { connectionString: url, migrate: true };
  const script = `
    const { Worker, createPostgresBackend } = await import(${JSON.stringify(import.meta.resolve('bullmq'))});
    const worker = new Worker(${JSON.stringify(name)}, async (job) => job.data.a + job.data.b,
      { connection: ${JSON.stringify(connection)}, concurrency: ${CONCURRENCY} }, createPostgresBackend);
    await worker.waitUntilReady();
    process.stdout.write('ready\\n');
    process.once('SIGTERM', () => worker.close().then(() => process.exit(0)));`;
  const child = await spawnReady(['--input-type=module', '-e', script], 'ready');
  const queue = new Queue(name, { connection }, createPostgresBackend);
  const events = new QueueEvents(name, { connection }, createPostgresBackend);
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    call: async (i) => (await queue.add('add', { a: i, b: 1 })).waitUntilFinished(events, 60_000),
    async burst(n) {
      const { completed: before } = await queue.getJobCounts('completed');
      let heard = 0;
      let done;
      const finished = new Promise((r) => (done = r));
      const onCompleted = () => {
        if (++heard >= n) done();
      };
      events.on('completed', onCompleted);
      const start = now();
      for (let i = 0; i < n; i += 1000) {
        const k = Math.min(1000, n - i);
        await queue.addBulk(
          Array.from({ length: k }, (_, j) => ({ name: 'add', data: { a: i + j, b: 1 } })),
        );
      }
      // Polls (one query at a time) for the events QueueEvents may have skipped.
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const { completed } = await queue.getJobCounts('completed');
          if (completed - before >= n) done();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await finished;
      const ms = now() - start;
      polling = false;
      await poll;
      events.off('completed', onCompleted);
      return { perSecond: n / (ms / 1000), missedEvents: Math.max(0, n - heard) };
    },
    close: async () => {
      await stop(child);
      await events.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    },
  };
}

async function weftSetup(url, tag) {
  const name = `bench-pg-weft-${tag}`;
  const child = await spawnReady(
    [
      CLI,
      '--json',
      '--postgres',
      url,
      '--queue',
      name,
      '--kind',
      'inline',
      '--concurrency',
      String(CONCURRENCY),
      '--quiet',
      '--tasks',
      TASKS,
    ],
    '"type":"ready"',
  );
  const executor = new BullMQExecutor({ connection: url, queue: name, tasks: [TASKS] });
  await executor.ready();
  const call = (i) => executor.apply(add, [i, 1]);
  return {
    call,
    async burst(n) {
      const start = now();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
      const perSecond = n / ((now() - start) / 1000);
      const wrong = results.findIndex((value, i) => value !== i + 1);
      if (wrong !== -1)
        throw new Error(`call ${wrong} returned ${results[wrong]}, not ${wrong + 1}`);
      return { perSecond };
    },
    close: async () => {
      await executor.close();
      await stop(child);
      const q = new Queue(name, { connection: { connectionString: url } }, createPostgresBackend);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    },
  };
}

// ---- run ---------------------------------------------------------------------------------------

const postgres = await startPostgres();
const setups = { raw: rawSetup, weft: weftSetup };
const runs = { raw: [], weft: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always runs on a colder or hotter machine.
    const order = r % 2 === 0 ? ['raw', 'weft'] : ['weft', 'raw'];
    for (const which of order) {
      log(`round ${r + 1}/${ROUNDS}: ${which}`);
      const setup = await setups[which](postgres.url, `${process.pid}-${r}`);
      try {
        const seqUs = await sequential(setup.call, SEQ);
        const b = await setup.burst(BURST);
        runs[which].push({ seqUs, ...b });
        const missed = b.missedEvents === undefined ? '' : `, QueueEvents missed ${b.missedEvents}`;
        log(
          `  ${which}: ${seqUs.toFixed(0)} µs/call sequential, ${b.perSecond.toFixed(0)} tasks/s with ${BURST} in flight${missed}`,
        );
      } finally {
        await setup.close();
      }
    }
  }
} finally {
  await postgres.stop();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (which) => {
  const seq = runs[which].map((x) => x.seqUs);
  const tps = runs[which].map((x) => x.perSecond);
  return {
    seqUs: { median: median(seq), min: Math.min(...seq), max: Math.max(...seq) },
    perSecond: { median: median(tps), min: Math.min(...tps), max: Math.max(...tps) },
  };
};
const raw = summary('raw');
const weft = summary('weft');
const results = {
  store: 'postgresql',
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    availableParallelism: availableParallelism(),
    node: process.version,
  },
  rounds: ROUNDS,
  sequentialCalls: SEQ,
  inFlight: BURST,
  workerConcurrency: CONCURRENCY,
  raw,
  weft,
  ratios: {
    throughput: weft.perSecond.median / raw.perSecond.median,
    sequential: weft.seqUs.median / raw.seqUs.median,
  },
  runs,
};
const f = (x) => Math.round(x).toLocaleString('en-US');
log('');
log(`| PostgreSQL | raw BullMQ | BullMQExecutor → weft-worker --kind inline | Weft / raw |`);
log(`|---|---|---|---|`);
log(
  `| ${f(BURST)} calls in flight, tasks/s (median, range) | ${f(raw.perSecond.median)} (${f(raw.perSecond.min)}–${f(raw.perSecond.max)}) | ${f(weft.perSecond.median)} (${f(weft.perSecond.min)}–${f(weft.perSecond.max)}) | ${results.ratios.throughput.toFixed(2)}× |`,
);
log(
  `| sequential, µs per call (median, range) | ${f(raw.seqUs.median)} (${f(raw.seqUs.min)}–${f(raw.seqUs.max)}) | ${f(weft.seqUs.median)} (${f(weft.seqUs.min)}–${f(weft.seqUs.max)}) | ${results.ratios.sequential.toFixed(2)}× |`,
);
log(`raw QueueEvents missed ${runs.raw.map((x) => x.missedEvents).join(', ')} of ${BURST} events`);
const text = JSON.stringify(results, null, 2);
if (opts.json !== undefined) writeFileSync(opts.json, `${text}\n`);
process.stdout.write(`${text}\n`);
