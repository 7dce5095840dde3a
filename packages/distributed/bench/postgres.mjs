// Benchmark of @weft/distributed on PostgreSQL (a script, not a test: it reports, it asserts
// nothing), kept apart from run.mjs (Redis). In one run, on one PostgreSQL, interleaved rounds:
//  - raw BullMQ on PostgreSQL: a Queue + QueueEvents caller here, a BullMQ Worker in another
//    process (concurrency 2);
//  - Weft on PostgreSQL: BullMQExecutor here -> `weft-worker --kind inline --concurrency 2
//    --postgres` in another process.
// Each round measures a burst (BURST calls in flight: tasks/s) and sequential calls (µs per call).
// BullMQ 6.7.6's QueueEvents skips PostgreSQL events whose transaction commits after a
// later-numbered one (see the README), so the raw burst counts a job done when QueueEvents reports
// it or when the queue's completed count says so, and prints how many events QueueEvents missed.
// Usage: WEFT_POSTGRES_URL=postgres://... node bench/postgres.mjs [--quick]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, createPostgresBackend } from 'bullmq';
import { BullMQExecutor } from '@weft/distributed';

const url = process.env.WEFT_POSTGRES_URL;
if (!url) {
  process.stderr.write('set WEFT_POSTGRES_URL (postgres://user@host:port/db)\n');
  process.exit(2);
}
const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
const ROUNDS = quick ? 1 : 3;
const BURST = quick ? 1000 : 10_000;
const SEQ = quick ? 100 : 500;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TASKS = new URL('./tasks.mjs', import.meta.url).href;
const { add } = await import(TASKS);
const connection = { connectionString: url, migrate: true };
const log = (text) => process.stderr.write(`${text}\n`);
const now = () => performance.now();

// A child process that prints a line once ready; resolves with a stop function.
function child(args, ready) {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    proc.once('exit', (code) => reject(new Error(`child exited (${code}) before ready`)));
    proc.stdout.on('data', (chunk) => {
      text += chunk;
      if (ready(text)) {
        proc.removeAllListeners('exit');
        resolve(async () => {
          const exited = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          await exited;
        });
      }
    });
  });
}

const RAW_WORKER = `
  import { Worker, createPostgresBackend } from 'bullmq';
  const [url, queue] = process.argv.slice(-2);
  const worker = new Worker(queue, async (job) => job.data.a + job.data.b,
    { connection: { connectionString: url, migrate: true }, concurrency: 2 }, createPostgresBackend);
  await worker.waitUntilReady();
  console.log('ready');
  process.once('SIGTERM', () => worker.close().then(() => process.exit(0)));
`;

async function rawRound(round) {
  const name = `bench-pg-raw-${process.pid}-${round}`;
  const stop = await child(['--input-type=module', '-e', RAW_WORKER, '--', url, name], (t) =>
    t.includes('ready'),
  );
  const queue = new Queue(name, { connection }, createPostgresBackend);
  const events = new QueueEvents(name, { connection }, createPostgresBackend);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  try {
    let heard = 0;
    let target = Infinity;
    let done;
    const finished = new Promise((resolve) => (done = resolve));
    events.on('completed', () => {
      if (++heard >= target) done();
    });
    const t0 = now();
    target = BURST;
    for (let i = 0; i < BURST; i += 1000) {
      const n = Math.min(1000, BURST - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, k) => ({ name: 'add', data: { a: i + k, b: 1 } })),
      );
    }
    // The completed count settles it when QueueEvents missed some.
    const poll = setInterval(async () => {
      const { completed } = await queue.getJobCounts('completed');
      if (completed >= BURST) done();
    }, 50);
    await finished;
    clearInterval(poll);
    const burstMs = now() - t0;
    const missed = BURST - heard;
    const s0 = now();
    for (let i = 0; i < SEQ; i++) {
      const job = await queue.add('add', { a: i, b: 1 });
      await job.waitUntilFinished(events, 30_000);
    }
    return { tasksPerS: BURST / (burstMs / 1000), usPerCall: ((now() - s0) * 1000) / SEQ, missed };
  } finally {
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await stop();
  }
}

async function weftRound(round) {
  const name = `bench-pg-weft-${process.pid}-${round}`;
  const args = [CLI, '--json', '--quiet', '--postgres', url, '--queue', name, '--kind', 'inline'];
  const stop = await child([...args, '--concurrency', '2', '--tasks', TASKS], (t) =>
    t.includes('"ready"'),
  );
  const executor = new BullMQExecutor({ connection: url, queue: name, tasks: [TASKS] });
  await executor.ready();
  try {
    const t0 = now();
    await Promise.all(Array.from({ length: BURST }, (_, i) => executor.apply(add, [i, 1])));
    const burstMs = now() - t0;
    const s0 = now();
    for (let i = 0; i < SEQ; i++) await executor.apply(add, [i, 1]);
    return { tasksPerS: BURST / (burstMs / 1000), usPerCall: ((now() - s0) * 1000) / SEQ };
  } finally {
    await executor.close();
    await stop();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const raw = [];
const weft = [];
for (let round = 0; round < ROUNDS; round++) {
  log(`round ${round + 1}/${ROUNDS}: raw BullMQ on PostgreSQL`);
  raw.push(await rawRound(round));
  log(`round ${round + 1}/${ROUNDS}: Weft on PostgreSQL`);
  weft.push(await weftRound(round));
}
const rawTps = median(raw.map((r) => r.tasksPerS));
const weftTps = median(weft.map((r) => r.tasksPerS));
const rawUs = median(raw.map((r) => r.usPerCall));
const weftUs = median(weft.map((r) => r.usPerCall));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(
  `PostgreSQL, ${ROUNDS} interleaved round(s), medians; worker concurrency 2, another process`,
);
console.log(`| | raw BullMQ | Weft | Weft / raw |`);
console.log(`| --- | --- | --- | --- |`);
console.log(
  `| ${fmt(BURST)} calls in flight (tasks/s) | ${fmt(rawTps)} | ${fmt(weftTps)} | ${(weftTps / rawTps).toFixed(2)}x |`,
);
console.log(
  `| sequential (µs per call) | ${fmt(rawUs)} | ${fmt(weftUs)} | ${(weftUs / rawUs).toFixed(2)}x |`,
);
console.log(
  `raw QueueEvents missed ${raw.map((r) => r.missed).join(', ')} of ${BURST} completed events per round`,
);
