// The worker side alone: how fast a raw BullMQ Worker and Weft's worker (`startWorker`, kind
// inline, concurrency 2) empty a queue that already holds `n` jobs of the tiniest task, on Redis
// and on PostgreSQL, in interleaved rounds, with the CPU time the worker process spends per job
// (and, on Redis, the server's). A script, not a test: it reports, it asserts nothing. No caller
// runs while a worker drains, so the figures are the worker's own; compare.mjs measures the whole
// path. Each drain runs in a process of its own (a worker's process-wide state, such as async
// hooks, must not leak into the other's figures).
//
// Usage: node bench/worker.mjs [--rounds 3] [--jobs 5000] [--pg-jobs 2000] [--store redis|postgres]
//          [--weft-before DIR]... [--cpu-prof DIR]
// --weft-before DIR (repeatable): also drain with the build in DIR (a copy of dist/ from before a
// change), in the same rounds: a same-run before/after. Weft's jobs are written as BullMQExecutor
// writes a call of two numbers (the arguments as a JSON list, the store's retention options); raw
// jobs as bench/lib.mjs adds them. --cpu-prof DIR: a profile per drain process.
// WEFT_REDIS_URL / WEFT_POSTGRES_URL to use running servers; otherwise each is started privately.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { Redis } from 'ioredis';
import {
  CONCURRENCY,
  TASKS,
  log,
  machine,
  median,
  now,
  profArgs,
  startPostgres,
  startRedis,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '5000' },
    'pg-jobs': { type: 'string', default: '2000' },
    store: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'weft-before': { type: 'string', multiple: true },
    // Internal: this process is one drain (see drainHere).
    child: { type: 'string' },
  },
});

const bull = (kind, url) =>
  kind === 'redis'
    ? { connection: { url }, backend: [] }
    : { connection: { connectionString: url, migrate: true }, backend: [createPostgresBackend] };

// ---- one drain, in a process of its own ---------------------------------------------------------

/** Starts the worker on the full queue, prints the drain's wall and CPU time, and exits. */
async function drainHere({ which, kind, url, queue, n, dist }) {
  // Measured from the first job's end to the last one's: n - 1 jobs, without the start-up.
  let done = 0;
  let cpu;
  let t0;
  let finished;
  const all = new Promise((r) => (finished = r));
  const onDone = () => {
    done++;
    if (done === 1) {
      cpu = process.cpuUsage();
      t0 = now();
    }
    if (done === n) finished();
  };
  let worker;
  if (which === 'raw') {
    const { connection, backend } = bull(kind, url);
    worker = new Worker(
      queue,
      async (job) => job.data.a + job.data.b,
      {
        connection,
        concurrency: CONCURRENCY,
      },
      ...backend,
    );
    worker.on('completed', onDone);
  } else {
    const { startWorker } = await import(pathToFileURL(join(dist, 'index.js')).href);
    worker = await startWorker({
      connection: url,
      queue,
      tasks: [TASKS],
      kind: 'inline',
      concurrency: CONCURRENCY,
    });
    worker.subscribe((e) => {
      if (e.type === 'job:settled') onDone();
    });
  }
  await all;
  const ms = now() - t0;
  const used = process.cpuUsage(cpu);
  await worker.close();
  process.stdout.write(
    `${JSON.stringify({ jobs: n - 1, ms, cpuUs: used.user + used.system, sysUs: used.system })}\n`,
  );
}

if (opts.child !== undefined) {
  await drainHere(JSON.parse(opts.child));
  process.exit(0);
}

// ---- the comparison -----------------------------------------------------------------------------

const rounds = Number(opts.rounds);
const prof = opts['cpu-prof'] === undefined ? undefined : resolve(opts['cpu-prof']);
if (prof !== undefined) mkdirSync(prof, { recursive: true });
const builds = { weft: fileURLToPath(new URL('../dist', import.meta.url)) };
// Each --weft-before DIR is one more build, named by its directory (`before` for a directory of
// that name), drained in the same rounds. Names must differ from each other and from raw and weft.
for (const dir of opts['weft-before'] ?? []) {
  const name = basename(dir).replace(/^\./, '');
  if (name === 'raw' || name in builds)
    throw new Error(`--weft-before ${dir}: a build named "${name}" is already measured`);
  builds[name] = resolve(dir);
}

// The jobs as each caller writes them: raw BullMQ's `{ a, b }` as bench/lib.mjs adds them (a
// burst: on Redis keeping 10,000 completed jobs, on PostgreSQL `addBulk` without options), and
// Weft's wire format (src/internal/wire.ts) with the options BullMQExecutor gives its jobs.
const rawJob = (kind) => (i) => ({
  name: 'add',
  data: { a: i, b: 1 },
  ...(kind === 'redis' ? { opts: { removeOnComplete: { count: 10_000 } } } : {}),
});
// The retention options BullMQExecutor gives its jobs (src/internal/executor-submit.ts): none on
// PostgreSQL, where the workers' sweep deletes finished jobs.
const WEFT_RETENTION = {
  redis: { removeOnComplete: { count: 10_000 }, removeOnFail: { age: 3600, count: 1000 } },
  postgres: {},
};
const weftJob = (kind) => (i) => ({
  name: `${TASKS}#add`,
  data: { weft: 1, module: TASKS, export: 'add', args: [i, 1], result: 2 },
  opts: { jobId: `w${i}`, attempts: 1, ...WEFT_RETENTION[kind] },
});

// Redis's own CPU time so far, in µs (INFO cpu).
async function serverCpu(redis) {
  const text = await redis.info('cpu');
  const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)[1]);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

async function drain(store, which, queueName, n, redis) {
  const { connection, backend } = bull(store.kind, store.url);
  const queue = new Queue(queueName, { connection }, ...backend);
  const job = which === 'raw' ? rawJob(store.kind) : weftJob(store.kind);
  for (let i = 0; i < n; i += 1000)
    await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, j) => job(i + j)));
  const serverBefore = redis === undefined ? undefined : await serverCpu(redis);
  const child = {
    which,
    kind: store.kind,
    url: store.url,
    queue: queueName,
    n,
    dist: builds[which],
  };
  const args = [
    ...profArgs(prof, `${which}-${queueName}`),
    fileURLToPath(import.meta.url),
    '--child',
    JSON.stringify(child),
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  const code = await new Promise((r) => proc.once('exit', r));
  if (code !== 0) throw new Error(`the ${which} drain exited with ${code}`);
  const serverUs = redis === undefined ? undefined : (await serverCpu(redis)) - serverBefore;
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const { jobs, ms, cpuUs, sysUs } = JSON.parse(out.trim().split('\n').at(-1));
  return {
    perSecond: jobs / (ms / 1000),
    cpuUsPerJob: cpuUs / jobs,
    sysUsPerJob: sysUs / jobs,
    ...(serverUs === undefined ? {} : { serverUsPerJob: serverUs / n }),
  };
}

async function compare(store, n) {
  const names = ['raw', ...Object.keys(builds)];
  const runs = Object.fromEntries(names.map((which) => [which, []]));
  const redis = store.kind === 'redis' ? new Redis(store.url) : undefined;
  try {
    for (let r = 0; r < rounds; r++) {
      // Each round starts with the next setup: none always drains first.
      for (const which of names.map((_, i) => names[(i + r) % names.length])) {
        const res = await drain(store, which, `drain-${which}-${process.pid}-${r}`, n, redis);
        runs[which].push(res);
        const server =
          res.serverUsPerJob === undefined
            ? ''
            : `, Redis ${res.serverUsPerJob.toFixed(0)} µs CPU/job`;
        log(
          `${store.kind} round ${r + 1}: ${which} ${res.perSecond.toFixed(0)} jobs/s, worker ${res.cpuUsPerJob.toFixed(0)} µs CPU/job (${res.sysUsPerJob.toFixed(0)} in the kernel)${server}`,
        );
      }
    }
  } finally {
    redis?.disconnect();
  }
  const m = (which, key) => median(runs[which].map((x) => x[key]));
  const line = (key, unit) =>
    `${store.kind}, ${unit} (median; / raw):${names
      .map((w) => ` ${w} ${m(w, key).toFixed(0)} (${(m(w, key) / m('raw', key)).toFixed(2)}×)`)
      .join(',')}`;
  log(line('perSecond', `draining ${n} jobs, jobs/s`));
  log(line('cpuUsPerJob', 'worker CPU µs per job'));
  if (store.kind === 'redis') log(line('serverUsPerJob', 'Redis CPU µs per job'));
}

const info = machine();
log(
  `${info.cpus} vCPU ${info.model}, Node ${info.node}, load average ${info.loadAverage.toFixed(1)}`,
);
if (opts.store !== 'postgres') {
  const server = await startRedis();
  try {
    await compare({ kind: 'redis', url: server.url }, Number(opts.jobs));
  } finally {
    await server.stop();
  }
}
if (opts.store !== 'redis') {
  const server = await startPostgres();
  try {
    await compare({ kind: 'postgres', url: server.url }, Number(opts['pg-jobs']));
  } finally {
    await server.stop();
  }
}
