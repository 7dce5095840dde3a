// What the benchmark scripts share: starting Redis and PostgreSQL, spawning worker processes, the
// two setups compared (raw BullMQ and Weft, on either store), interleaved rounds, medians and the
// Markdown tables. Scripts: overhead.mjs (one store, `--store redis|postgres`), compare.mjs (both,
// side by side, for the README), run.mjs (pool, Redis and CPU scaling).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, QueueEvents, createPostgresBackend } from 'bullmq';
import { Redis } from 'ioredis';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** This package's build, which the `weft` setup runs (`--weft-before` adds another). */
export const DIST = fileURLToPath(new URL('../dist', import.meta.url));
export const TASKS = new URL('./tasks.mjs', import.meta.url).href;
export const { add } = await import(TASKS);
/** Worker concurrency of both setups. */
export const CONCURRENCY = 2;

export const log = (text) => process.stderr.write(`${text}\n`);
export const now = () => performance.now();

export function machine() {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    availableParallelism: availableParallelism(),
    node: process.version,
    loadAverage: loadavg()[0],
  };
}

export function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

/** WEFT_REDIS_URL, or a redis-server of its own on a free loopback port (removed by stop()). */
export async function startRedis() {
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
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** WEFT_POSTGRES_URL, or a private cluster as the tests start one (test/postgres-server.ts). */
export async function startPostgres() {
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
export function spawnReady(args, marker) {
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

export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', res);
    child.kill('SIGTERM');
  });
}

/**
 * `--cpu-prof` flags for a child process writing `<dir>/<name>.cpuprofile` (none without dir); the
 * sampling interval is `WEFT_PROF_INTERVAL` µs (Node's default, 1000, without it).
 */
export const profArgs = (dir, name) =>
  dir === undefined
    ? []
    : [
        '--cpu-prof',
        '--cpu-prof-interval',
        process.env.WEFT_PROF_INTERVAL ?? '1000',
        '--cpu-prof-dir',
        dir,
        '--cpu-prof-name',
        `${name}.cpuprofile`,
      ];

/** µs per call, `n` calls one after another (after 20 to warm up). */
export async function sequential(call, n) {
  for (let i = 0; i < 20; i++) await call(i);
  const start = now();
  for (let i = 0; i < n; i++) await call(i);
  return ((now() - start) * 1000) / n;
}

// ---- CPU time ----------------------------------------------------------------------------------

// utime and stime of a /proc/<pid>/stat text, in µs: fields 14 and 15 (11 and 12 after the
// command), in clock ticks of 10 ms (over a burst of thousands of jobs a process runs for seconds,
// so that is fine enough).
function statCpu(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A process's CPU time so far, in µs, from /proc (Linux; `undefined` elsewhere or once it exited). */
export function processCpu(pid) {
  try {
    return statCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * CPU time so far of every PostgreSQL server process on this machine (the postmaster and each
 * backend), in µs, from /proc: what the store spends, when it runs here (a backend that exits takes
 * its time with it, so this counts the long-lived connections of the setups being measured).
 */
export function postgresCpu() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (stat.includes('(postgres)')) total += statCpu(stat);
  }
  return total;
}

/** Redis's own CPU time so far, in µs (INFO cpu). */
export async function redisCpu(client) {
  const text = await client.info('cpu');
  const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)[1]);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

// ---- Redis command counts -----------------------------------------------------------------------

/** Total commands Redis ran so far, and per command. */
export async function commandStats(client) {
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

export function perJob(before, after, jobs) {
  const by = {};
  for (const [name, calls] of Object.entries(after.by)) {
    const d = calls - (before.by[name] ?? 0);
    if (d > 0) by[name] = Math.round((d / jobs) * 100) / 100;
  }
  // INFO itself runs once per sample.
  delete by.info;
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  return { total: Math.round(total * 100) / 100, by };
}

// ---- the two setups, on either store ------------------------------------------------------------

/** BullMQ's connection options and backend factory for a store. */
function bullConnection(store) {
  return store.kind === 'redis'
    ? { connection: { url: store.url }, backend: [] }
    : {
        connection: { connectionString: store.url, migrate: true },
        backend: [createPostgresBackend],
      };
}

/**
 * Raw BullMQ: a Queue + QueueEvents caller here, a BullMQ Worker (concurrency 2) in another process.
 * On Redis a burst is `n` times `add` + `waitUntilFinished`. On PostgreSQL, QueueEvents can skip a
 * `completed` event whose transaction commits after a later-numbered one (see the README), and
 * `waitUntilFinished` would then wait forever: the burst goes out as `addBulk`s and counts as done
 * when `n` `completed` events arrived or the queue's completed count says so (missed events are
 * reported).
 */
export async function rawSetup(store, tag, prof) {
  const name = `bench-${store.kind}-raw-${tag}`;
  const { connection, backend } = bullConnection(store);
  const bullmq = JSON.stringify(import.meta.resolve('bullmq'));
  const script = `
    const { Worker, createPostgresBackend } = await import(${bullmq});
    const worker = new Worker(${JSON.stringify(name)}, async (job) => job.data.a + job.data.b,
      { connection: ${JSON.stringify(connection)}, concurrency: ${CONCURRENCY} }
      ${store.kind === 'redis' ? '' : ', createPostgresBackend'});
    await worker.waitUntilReady();
    process.stdout.write('ready\\n');
    process.once('SIGTERM', () => worker.close().then(() => process.exit(0)));`;
  const child = await spawnReady(
    [...profArgs(prof, `raw-worker-${store.kind}-${tag}`), '--input-type=module', '-e', script],
    'ready',
  );
  const queue = new Queue(name, { connection }, ...backend);
  const events = new QueueEvents(name, { connection }, ...backend);
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  let missedSequential = 0;
  const call = async (i) => {
    const job = await queue.add('add', { a: i, b: 1 }, { removeOnComplete: { count: 10_000 } });
    if (store.kind === 'redis') return job.waitUntilFinished(events);
    // On PostgreSQL the `completed` event may never come (see above): after a second without it,
    // the job itself is asked every 200 ms (counted as missed when that is what settles it).
    let waiting = true;
    const heard = job.waitUntilFinished(events, 600_000).finally(() => (waiting = false));
    const asked = (async () => {
      await new Promise((r) => setTimeout(r, 1000));
      while (waiting) {
        const state = await queue.getJobState(job.id);
        if (waiting && state === 'completed') {
          missedSequential++;
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return new Promise(() => {});
    })();
    return Promise.race([heard, asked]);
  };
  const close = async () => {
    await stop(child);
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  };
  if (store.kind === 'redis') {
    return {
      workerPid: child.pid,
      call,
      burst: async (n) => {
        const start = now();
        await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
        return { perSecond: n / ((now() - start) / 1000) };
      },
      close,
    };
  }
  return {
    workerPid: child.pid,
    call,
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
      return {
        perSecond: n / (ms / 1000),
        missedEvents: Math.max(0, n - heard),
        missedSequential: missedSequential,
      };
    },
    close,
  };
}

/**
 * Weft: BullMQExecutor here, `weft-worker --kind inline --concurrency 2` in another process, both
 * from the build in `dist` (this package's, or a saved copy of an older one for a before/after).
 */
export async function weftSetup(store, tag, prof, dist = DIST, label = 'weft') {
  const name = `bench-${store.kind}-${label}-${tag}`;
  const { BullMQExecutor } =
    dist === DIST
      ? await import('@weft/distributed')
      : await import(pathToFileURL(join(dist, 'index.js')).href);
  const child = await spawnReady(
    [
      ...profArgs(prof, `${label}-worker-${store.kind}-${tag}`),
      join(dist, 'cli.js'),
      '--json',
      store.kind === 'redis' ? '--redis' : '--postgres',
      store.url,
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
  const executor = new BullMQExecutor({ connection: store.url, queue: name, tasks: [TASKS] });
  await executor.ready();
  const call = (i) => executor.apply(add, [i, 1]);
  return {
    workerPid: child.pid,
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
      const { connection, backend } = bullConnection(store);
      const q = new Queue(name, { connection }, ...backend);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    },
  };
}

// ---- interleaved rounds -------------------------------------------------------------------------

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * Raw BullMQ against Weft on one store, `rounds` interleaved rounds (raw first in odd rounds, Weft
 * first in even ones) of `seq` sequential calls then `burst` calls in flight. On Redis, also the
 * commands each job of a burst costs (INFO commandstats).
 *
 * @param store - `{ kind: 'redis' | 'postgres', url }`.
 */
export async function compareOn(store, { rounds, seq, burst, prof, before }) {
  const stats = store.kind === 'redis' ? new Redis(store.url) : undefined;
  let pgStats;
  if (store.kind === 'postgres') {
    const { default: pg } = await import('pg');
    pgStats = new pg.Client({ connectionString: store.url });
    await pgStats.connect();
  }
  const setups = { raw: rawSetup, weft: weftSetup };
  // --weft-before DIR: the build in DIR too, in the same rounds (a same-run before/after).
  if (before !== undefined) setups.before = (s, tag, p) => weftSetup(s, tag, p, before, 'before');
  const names = Object.keys(setups);
  const runs = Object.fromEntries(names.map((which) => [which, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      // Each round starts with the next setup, so none always goes first.
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const which of order) {
        log(`${store.kind} round ${r + 1}/${rounds}: ${which}`);
        // PostgreSQL's plans follow its table statistics, which the previous setup's jobs left
        // stale (a plan made on a near-empty table scans it whole once it is not): every setup
        // starts from fresh statistics and no dead rows.
        if (pgStats !== undefined) await pgStats.query('VACUUM ANALYZE');
        const setup = await setups[which](store, `${process.pid}-${r}`, prof);
        try {
          const seqUs = await sequential(setup.call, seq);
          await setup.burst(50);
          const before = stats === undefined ? undefined : await commandStats(stats);
          const cpuBefore = {
            caller: process.cpuUsage(),
            worker: processCpu(setup.workerPid),
            redis: stats === undefined ? undefined : await redisCpu(stats),
            postgres: pgStats === undefined ? undefined : postgresCpu(),
          };
          const b = await setup.burst(burst);
          // CPU µs per job of the burst: this process (the caller), the worker process, and Redis.
          const callerUsed = process.cpuUsage(cpuBefore.caller);
          const workerAfter = processCpu(setup.workerPid);
          b.cpuPerJob = {
            caller: Math.round((callerUsed.user + callerUsed.system) / burst),
            worker:
              workerAfter === undefined || cpuBefore.worker === undefined
                ? undefined
                : Math.round((workerAfter - cpuBefore.worker) / burst),
            redis:
              stats === undefined
                ? undefined
                : Math.round(((await redisCpu(stats)) - cpuBefore.redis) / burst),
            postgres:
              pgStats === undefined
                ? undefined
                : Math.round((postgresCpu() - cpuBefore.postgres) / burst),
          };
          const commandsPerJob =
            stats === undefined ? undefined : perJob(before, await commandStats(stats), burst);
          runs[which].push({
            seqUs,
            ...b,
            ...(commandsPerJob === undefined ? {} : { commandsPerJob }),
          });
          const extra = [
            commandsPerJob === undefined ? '' : `, ${commandsPerJob.total} Redis commands/job`,
            b.missedEvents === undefined ? '' : `, QueueEvents missed ${b.missedEvents}`,
          ].join('');
          const cpu = Object.entries(b.cpuPerJob)
            .filter(([, us]) => us !== undefined)
            .map(([who, us]) => `${who} ${us}`)
            .join(', ');
          log(
            `  ${which}: ${seqUs.toFixed(0)} µs/call sequential, ${b.perSecond.toFixed(0)} tasks/s with ${burst} in flight${extra}; CPU µs/job: ${cpu}`,
          );
        } finally {
          await setup.close();
        }
      }
    }
  } finally {
    stats?.disconnect();
    await pgStats?.end();
  }
  const cpuMedian = (which, who) => median(runs[which].map((x) => x.cpuPerJob[who] ?? NaN));
  const server = store.kind === 'redis' ? 'redis' : 'postgres';
  const summary = (which) => ({
    seqUs: spread(runs[which].map((x) => x.seqUs)),
    perSecond: spread(runs[which].map((x) => x.perSecond)),
    cpuPerJob: {
      caller: cpuMedian(which, 'caller'),
      worker: cpuMedian(which, 'worker'),
      server: cpuMedian(which, server),
    },
    ...(store.kind === 'redis' ? { commandsPerJob: runs[which].at(-1).commandsPerJob } : {}),
  });
  const raw = summary('raw');
  const weft = summary('weft');
  // Weft ÷ raw round by round (the two ran minutes apart at most, under the same load).
  const perRound = (key) => spread(runs.weft.map((x, r) => x[key] / runs.raw[r][key]));
  for (const which of names) {
    const m = (key) => median(runs[which].map((x) => x[key]));
    const cpu = (who) => cpuMedian(which, who);
    log(
      `${store.kind} ${which} (medians): ${m('seqUs').toFixed(0)} µs/call sequential (${(m('seqUs') / raw.seqUs.median).toFixed(2)}× raw), ` +
        `${m('perSecond').toFixed(0)} tasks/s in flight (${(m('perSecond') / raw.perSecond.median).toFixed(2)}× raw); ` +
        `CPU µs/job caller ${cpu('caller')}, worker ${cpu('worker')}, ${store.kind === 'redis' ? `Redis ${cpu('redis')}` : `PostgreSQL ${cpu('postgres')}`}`,
    );
  }
  return {
    store: store.kind,
    rounds,
    sequentialCalls: seq,
    inFlight: burst,
    workerConcurrency: CONCURRENCY,
    raw,
    weft,
    ratios: {
      // Goals: throughput ≥ 1.0× raw, sequential ≤ 1.1× raw.
      throughput: weft.perSecond.median / raw.perSecond.median,
      sequential: weft.seqUs.median / raw.seqUs.median,
      throughputRounds: perRound('perSecond'),
      sequentialRounds: perRound('seqUs'),
    },
    runs,
  };
}

/**
 * Each store's default sizes: sequential calls and calls in flight, full and `--quick`. PostgreSQL's
 * are smaller (each job costs several transactions); `--burst 10000 --seq 1000` gives it the Redis
 * scale.
 */
const STORE_SIZES = {
  redis: { full: { seq: 1000, burst: 10_000 }, quick: { seq: 300, burst: 2000 } },
  postgres: { full: { seq: 300, burst: 2000 }, quick: { seq: 100, burst: 500 } },
};

/** `{ seq, burst }` for a store, `quick` or full (an unknown store gets Redis's). */
export const storeSizes = (kind, quick) =>
  (STORE_SIZES[kind] ?? STORE_SIZES.redis)[quick ? 'quick' : 'full'];

/**
 * Starts the store's server (or takes WEFT_REDIS_URL / WEFT_POSTGRES_URL), runs compareOn() on it
 * and removes the server it started.
 *
 * @param kind - `'redis'` or `'postgres'`.
 */
export async function compareStore(kind, options) {
  if (kind !== 'redis' && kind !== 'postgres')
    throw new Error(`--store is redis or postgres, not ${JSON.stringify(kind)}`);
  const server = kind === 'redis' ? await startRedis() : await startPostgres();
  try {
    return await compareOn({ kind, url: server.url }, options);
  } finally {
    await server.stop();
  }
}

// ---- Markdown -----------------------------------------------------------------------------------

export const fmt = (x) => Math.round(x).toLocaleString('en-US');
const cell = (s) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
/** The ratio of the medians, then the round-by-round ratios' median and range. */
const ratioCell = (ratio, rounds) =>
  `${ratio.toFixed(2)}× (per round: median ${rounds.median.toFixed(2)}×, ${rounds.min.toFixed(2)}–${rounds.max.toFixed(2)}×)`;
const cpuCell = (cpu) => [cpu.caller, cpu.worker, cpu.server].map(fmt).join(' / ');

/** One store's comparison as a Markdown table. */
export function table(result) {
  const name = result.store === 'redis' ? 'Redis' : 'PostgreSQL';
  const rows = [
    `| ${name}, worker concurrency ${result.workerConcurrency}, ${result.rounds} interleaved rounds | raw BullMQ | \`BullMQExecutor\` → \`weft-worker --kind inline\` | Weft / raw |`,
    '| --- | --- | --- | --- |',
    `| ${fmt(result.inFlight)} calls in flight, tasks/s (median, range) | ${cell(result.raw.perSecond)} | ${cell(result.weft.perSecond)} | ${ratioCell(result.ratios.throughput, result.ratios.throughputRounds)} |`,
    `| sequential, µs per call (median, range) | ${cell(result.raw.seqUs)} | ${cell(result.weft.seqUs)} | ${ratioCell(result.ratios.sequential, result.ratios.sequentialRounds)} |`,
    `| CPU µs per job in the burst (median): caller / worker / ${name} | ${cpuCell(result.raw.cpuPerJob)} | ${cpuCell(result.weft.cpuPerJob)} | |`,
  ];
  if (result.raw.commandsPerJob !== undefined)
    rows.push(
      `| Redis commands per job (burst) | ${result.raw.commandsPerJob.total} | ${result.weft.commandsPerJob.total} | ${(result.weft.commandsPerJob.total / result.raw.commandsPerJob.total).toFixed(2)}× |`,
    );
  const missed = result.runs.raw.filter((x) => x.missedEvents !== undefined);
  if (missed.length > 0)
    rows.push(
      `| \`completed\` events raw \`QueueEvents\` missed, per round (sequential; burst) | ${missed.map((x) => `${fmt(x.missedSequential)}; ${fmt(x.missedEvents)}`).join(', ')} | (not used) | |`,
    );
  return rows.join('\n');
}

/** Both stores in one table: each figure as raw → Weft (ratio), Redis and PostgreSQL side by side. */
export function sideBySide(redis, postgres) {
  const pair = (r, key) =>
    `${fmt(r.raw[key].median)} → ${fmt(r.weft[key].median)} (**${(key === 'perSecond' ? r.ratios.throughput : r.ratios.sequential).toFixed(2)}×**)`;
  return [
    '| raw BullMQ → Weft (Weft / raw), medians | Redis | PostgreSQL | goal |',
    '| --- | --- | --- | --- |',
    `| calls in flight, tasks/s | ${fmt(redis.inFlight)}: ${pair(redis, 'perSecond')} | ${fmt(postgres.inFlight)}: ${pair(postgres, 'perSecond')} | ≥ 1.0× |`,
    `| sequential, µs per call | ${pair(redis, 'seqUs')} | ${pair(postgres, 'seqUs')} | ≤ 1.1× |`,
  ].join('\n');
}

/** What the tables were measured on, in one sentence. */
export function describeRun(info) {
  const date = new Date().toISOString().slice(0, 10);
  return `${date}, ${info.cpus} vCPU ${info.model?.trim() ?? ''}, Node ${info.node.slice(1)}, load average ${info.loadAverage.toFixed(1)} at the start`;
}
