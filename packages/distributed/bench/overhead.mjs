// Per-call overhead of @weft/distributed against raw BullMQ, in one run on one Redis (a script, not a
// test: it reports, it asserts nothing).
//   raw:  a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
//   weft: BullMQExecutor here, `weft-worker --kind inline --concurrency 2` in another process.
// Both run the tiniest task (a + b). Rounds are interleaved (raw, weft, weft, raw, ...) so that the
// drifting load of a shared machine hits both alike; each figure is the median of the rounds, with
// its range. Also counts the Redis commands each job costs (INFO commandstats deltas over a burst).
//
// Usage: node bench/overhead.mjs [--quick] [--rounds N] [--seq N] [--burst N] [--json FILE]
//          [--cpu-prof DIR]   (profiles both workers; run the caller with `node --cpu-prof` too)
// WEFT_REDIS_URL to use a running Redis; otherwise one is started on a free loopback port.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMQExecutor } from '@weft/distributed';

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
const ROUNDS = Number(opts.rounds ?? (quick ? 1 : 3));
const SEQ = Number(opts.seq ?? (quick ? 300 : 1000));
const BURST = Number(opts.burst ?? (quick ? 2000 : 10_000));
const CONCURRENCY = 2;
const PROF = opts['cpu-prof'] === undefined ? undefined : resolve(opts['cpu-prof']);
if (PROF !== undefined) mkdirSync(PROF, { recursive: true });

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TASKS = new URL('./tasks.mjs', import.meta.url).href;
const { add } = await import(TASKS);
const log = (text) => process.stderr.write(`${text}\n`);
const now = () => performance.now();
const profArgs = (name) =>
  PROF === undefined
    ? []
    : ['--cpu-prof', '--cpu-prof-dir', PROF, '--cpu-prof-name', `${name}.cpuprofile`];

function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

async function startRedis() {
  if (process.env.WEFT_REDIS_URL) return { url: process.env.WEFT_REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-redis-'));
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res, rej) => {
    child.once('error', rej);
    let text = '';
    child.stdout.on('data', (c) => {
      text += c;
      if (text.includes('Ready to accept connections')) res();
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns a node process and resolves once it prints `marker` on stdout. */
function spawnReady(args, marker) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    let buffer = '';
    const onData = (c) => {
      buffer += c;
      if (!buffer.includes(marker)) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      res(child);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => rej(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', res);
    child.kill('SIGTERM');
  });
}

// Total commands Redis ran so far, and per command.
async function commandStats(client) {
  const text = await client.info('commandstats');
  const by = {};
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m === null) continue;
    by[m[1]] = Number(m[2]);
    total += Number(m[2]);
  }
  return { total, by };
}

function perJob(before, after, jobs) {
  const by = {};
  for (const [name, calls] of Object.entries(after.by)) {
    const d = calls - (before.by[name] ?? 0);
    if (d > 0) by[name] = Math.round((d / jobs) * 100) / 100;
  }
  // INFO itself runs once per sample.
  if (by.info !== undefined) delete by.info;
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  return { total: Math.round(total * 100) / 100, by };
}

async function sequential(call, n) {
  for (let i = 0; i < 20; i++) await call(i);
  const start = now();
  for (let i = 0; i < n; i++) await call(i);
  return ((now() - start) * 1000) / n; // µs per call
}

async function burst(call, n, stats) {
  await Promise.all(Array.from({ length: 50 }, (_, i) => call(i)));
  const before = await commandStats(stats);
  const start = now();
  await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
  const ms = now() - start;
  const after = await commandStats(stats);
  return { perSecond: n / (ms / 1000), commands: perJob(before, after, n) };
}

// ---- the two setups --------------------------------------------------------------------------

async function rawSetup(url, tag) {
  const name = `bench-raw-${tag}`;
  const script = `
    const { Worker } = await import(${JSON.stringify(import.meta.resolve('bullmq'))});
    const worker = new Worker(${JSON.stringify(name)}, async (job) => job.data.a + job.data.b,
      { connection: { url: ${JSON.stringify(url)} }, concurrency: ${CONCURRENCY} });
    await worker.waitUntilReady();
    process.stdout.write('ready\\n');
    process.once('SIGTERM', () => worker.close().then(() => process.exit(0)));`;
  const child = await spawnReady(
    [...profArgs(`raw-worker-${tag}`), '--input-type=module', '-e', script],
    'ready',
  );
  const connection = { url };
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const call = async (i) =>
    (
      await queue.add('add', { a: i, b: 1 }, { removeOnComplete: { count: 10_000 } })
    ).waitUntilFinished(events);
  return {
    call,
    close: async () => {
      await stop(child);
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

async function weftSetup(url, tag) {
  const queue = `bench-weft-${tag}`;
  const child = await spawnReady(
    [
      ...profArgs(`weft-worker-${tag}`),
      CLI,
      '--json',
      '--redis',
      url,
      '--queue',
      queue,
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
  const executor = new BullMQExecutor({ connection: url, queue, tasks: [TASKS] });
  await executor.ready();
  return {
    call: (i) => executor.apply(add, [i, 1]),
    close: async () => {
      await executor.close();
      await stop(child);
      const q = new Queue(queue, { connection: { url } });
      await q.obliterate({ force: true });
      await q.close();
    },
  };
}

// ---- run ---------------------------------------------------------------------------------------

const redis = await startRedis();
const stats = new Redis(redis.url);
const setups = { raw: rawSetup, weft: weftSetup };
const runs = { raw: [], weft: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always runs on a colder or hotter machine.
    const order = r % 2 === 0 ? ['raw', 'weft'] : ['weft', 'raw'];
    for (const which of order) {
      log(`round ${r + 1}/${ROUNDS}: ${which}`);
      const setup = await setups[which](redis.url, `${process.pid}-${r}`);
      try {
        const seqUs = await sequential(setup.call, SEQ);
        const b = await burst(setup.call, BURST, stats);
        runs[which].push({ seqUs, perSecond: b.perSecond, commandsPerJob: b.commands });
        log(
          `  ${which}: ${seqUs.toFixed(0)} µs/call sequential, ${b.perSecond.toFixed(0)} tasks/s with ${BURST} in flight, ${b.commands.total} Redis commands/job`,
        );
      } finally {
        await setup.close();
      }
    }
  }
} finally {
  stats.disconnect();
  await redis.stop();
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
    commandsPerJob: runs[which].at(-1).commandsPerJob,
  };
};
const raw = summary('raw');
const weft = summary('weft');
const results = {
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
    // Goals: throughput ≥ 1.0× raw, sequential ≤ 1.1× raw.
    throughput: weft.perSecond.median / raw.perSecond.median,
    sequential: weft.seqUs.median / raw.seqUs.median,
  },
  runs,
};
const f = (x) => Math.round(x).toLocaleString('en-US');
log('');
log(`| | raw BullMQ | BullMQExecutor → weft-worker --kind inline | ratio |`);
log(`|---|---|---|---|`);
log(
  `| ${f(BURST)} calls in flight, tasks/s (median, range) | ${f(raw.perSecond.median)} (${f(raw.perSecond.min)}–${f(raw.perSecond.max)}) | ${f(weft.perSecond.median)} (${f(weft.perSecond.min)}–${f(weft.perSecond.max)}) | ${results.ratios.throughput.toFixed(2)}× |`,
);
log(
  `| sequential, µs per call (median, range) | ${f(raw.seqUs.median)} (${f(raw.seqUs.min)}–${f(raw.seqUs.max)}) | ${f(weft.seqUs.median)} (${f(weft.seqUs.min)}–${f(weft.seqUs.max)}) | ${results.ratios.sequential.toFixed(2)}× |`,
);
log(
  `| Redis commands per job (burst) | ${raw.commandsPerJob.total} | ${weft.commandsPerJob.total} | |`,
);
const text = JSON.stringify(results, null, 2);
if (opts.json !== undefined) writeFileSync(opts.json, `${text}\n`);
process.stdout.write(`${text}\n`);
