// Benchmark of @weft/distributed (a script, not a test: it reports, it asserts nothing).
//  1. Per-task overhead for tiny tasks: sequential round trip and throughput with many in flight,
//     through BullMQ (BullMQExecutor -> weft-worker process) vs the local @weft/process-pool pool,
//     with raw BullMQ (Queue + in-process Worker + QueueEvents) as the anchor for BullMQ's own cost.
//  2. CPU scaling: a split Mandelbrot render on 1 vs 2 weft-worker processes, against the machine's
//     real ceiling measured in the same run: 2 independent processes each rendering half the parts.
// Usage: node bench/run.mjs [--quick]   (WEFT_REDIS_URL to use a running Redis; otherwise one is
// started on a free loopback port and killed at the end)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { BullMQExecutor } from '@weft/distributed';
import { Pool } from '@weft/process-pool';
import { mandelbrot, runWorkload } from '@weft/workloads';
import { CLI, TASKS, add, log, machine, now, sequential, startRedis } from './lib.mjs';

const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
const here = new URL('.', import.meta.url);

const SEQ = quick ? 300 : 2000;
const BURST = quick ? 1000 : 5000;
const CPU_PARAMS = quick
  ? { size: 800, frames: 8, iterations: 50, zoom: 0.75 }
  : mandelbrot.sizes.large;
const PARTS = 8;

const workers = new Set();
function startWorkerProcess(args) {
  const child = spawn(process.execPath, [CLI, '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (c) => {
      buffer += c;
      if (!buffer.includes('"type":"ready"')) return;
      // Stop reading once it is up: with --quiet it prints nothing more until it stops.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve(child);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`weft-worker exited with ${code}`)));
  });
}

async function stopWorkers() {
  await Promise.all(
    [...workers].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function burst(call, n) {
  await Promise.all(Array.from({ length: 20 }, (_, i) => call(i)));
  const start = now();
  await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
  return n / ((now() - start) / 1000); // tasks per second
}

const redis = await startRedis();
const results = {
  machine: machine(),
  quick,
};
try {
  // ---- 1. tiny tasks ------------------------------------------------------------------------
  log('tiny tasks: local pool (thread, 1 and 2 workers)');
  const pool1 = new Pool({ module: TASKS, kind: 'thread', maxWorkers: 1, minWorkers: 1 });
  const poolSeq = await sequential((i) => pool1.apply(add, [i, 1]), SEQ);
  await pool1.terminate();
  const pool2 = new Pool({ module: TASKS, kind: 'thread', maxWorkers: 2, minWorkers: 2 });
  const poolBurst = await burst((i) => pool2.apply(add, [i, 1]), BURST);
  await pool2.terminate();

  log('tiny tasks: raw BullMQ (Queue + in-process Worker + QueueEvents)');
  const rawName = `bench-raw-${process.pid}`;
  const connection = { url: redis.url };
  const rawQueue = new Queue(rawName, { connection });
  const rawEvents = new QueueEvents(rawName, { connection });
  rawQueue.setMaxListeners(0);
  rawEvents.setMaxListeners(0);
  const rawWorker = new Worker(rawName, async (job) => job.data.a + job.data.b, {
    connection,
    concurrency: 2,
  });
  await Promise.all([
    rawQueue.waitUntilReady(),
    rawEvents.waitUntilReady(),
    rawWorker.waitUntilReady(),
  ]);
  const rawCall = async (i) =>
    (
      await rawQueue.add('add', { a: i, b: 1 }, { removeOnComplete: { age: 600 } })
    ).waitUntilFinished(rawEvents);
  const rawSeq = await sequential(rawCall, SEQ);
  const rawBurst = await burst(rawCall, BURST);
  await rawWorker.close();

  // The same, with BullMQ's Worker in another process, as weft-worker is.
  log('tiny tasks: raw BullMQ (Worker in another process)');
  const rawRemoteName = `bench-raw-remote-${process.pid}`;
  const rawRemoteScript = `
    const { Worker } = await import(${JSON.stringify(import.meta.resolve('bullmq'))});
    const worker = new Worker(${JSON.stringify(rawRemoteName)}, async (job) => job.data.a + job.data.b,
      { connection: { url: ${JSON.stringify(redis.url)} }, concurrency: 2 });
    await worker.waitUntilReady();
    process.send('ready');
    process.once('disconnect', () => worker.close().then(() => process.exit(0)));`;
  const rawRemote = spawn(process.execPath, ['--input-type=module', '-e', rawRemoteScript], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => rawRemote.once('message', resolve));
  const rawRemoteQueue = new Queue(rawRemoteName, { connection });
  const rawRemoteEvents = new QueueEvents(rawRemoteName, { connection });
  rawRemoteQueue.setMaxListeners(0);
  rawRemoteEvents.setMaxListeners(0);
  await Promise.all([rawRemoteQueue.waitUntilReady(), rawRemoteEvents.waitUntilReady()]);
  const rawRemoteCall = async (i) =>
    (
      await rawRemoteQueue.add('add', { a: i, b: 1 }, { removeOnComplete: { age: 600 } })
    ).waitUntilFinished(rawRemoteEvents);
  const rawRemoteSeq = await sequential(rawRemoteCall, SEQ);
  const rawRemoteBurst = await burst(rawRemoteCall, BURST);
  rawRemote.disconnect();
  await new Promise((resolve) => rawRemote.once('exit', resolve));
  for (const [q, e] of [
    [rawQueue, rawEvents],
    [rawRemoteQueue, rawRemoteEvents],
  ]) {
    await e.close();
    await q.obliterate({ force: true });
    await q.close();
  }

  log('tiny tasks: BullMQExecutor -> weft-worker (thread pool, concurrency 1 then 2)');
  const seqQueue = `bench-seq-${process.pid}`;
  await startWorkerProcess([
    '--redis',
    redis.url,
    '--queue',
    seqQueue,
    '--kind',
    'thread',
    '--concurrency',
    '1',
    '--quiet',
    '--tasks',
    TASKS,
  ]);
  const seqExec = new BullMQExecutor({ connection: redis.url, queue: seqQueue, tasks: [TASKS] });
  const weftSeq = await sequential((i) => seqExec.apply(add, [i, 1]), SEQ);
  await seqExec.close();
  await stopWorkers();
  const burstQueue = `bench-burst-${process.pid}`;
  await startWorkerProcess([
    '--redis',
    redis.url,
    '--queue',
    burstQueue,
    '--kind',
    'thread',
    '--concurrency',
    '2',
    '--quiet',
    '--tasks',
    TASKS,
  ]);
  const burstExec = new BullMQExecutor({
    connection: redis.url,
    queue: burstQueue,
    tasks: [TASKS],
  });
  const weftBurst = await burst((i) => burstExec.apply(add, [i, 1]), BURST);
  await burstExec.close();
  await stopWorkers();
  // Inline workers skip the pool hop: the floor for I/O-style tasks through BullMQ.
  const inlineQueue = `bench-inline-${process.pid}`;
  await startWorkerProcess([
    '--redis',
    redis.url,
    '--queue',
    inlineQueue,
    '--kind',
    'inline',
    '--concurrency',
    '2',
    '--quiet',
    '--tasks',
    TASKS,
  ]);
  const inlineExec = new BullMQExecutor({
    connection: redis.url,
    queue: inlineQueue,
    tasks: [TASKS],
  });
  const inlineSeq = await sequential((i) => inlineExec.apply(add, [i, 1]), SEQ);
  const inlineBurst = await burst((i) => inlineExec.apply(add, [i, 1]), BURST);
  await inlineExec.close();
  await stopWorkers();

  results.tiny = {
    sequentialCalls: SEQ,
    burstCalls: BURST,
    rows: [
      { setup: 'local pool (2 threads; 1 for sequential)', seqUs: poolSeq, perSecond: poolBurst },
      {
        setup: 'raw BullMQ, Worker in the same process (anchor)',
        seqUs: rawSeq,
        perSecond: rawBurst,
      },
      {
        setup: 'raw BullMQ, Worker in another process (anchor)',
        seqUs: rawRemoteSeq,
        perSecond: rawRemoteBurst,
      },
      { setup: 'BullMQExecutor -> weft-worker, thread pool', seqUs: weftSeq, perSecond: weftBurst },
      { setup: 'BullMQExecutor -> weft-worker, inline', seqUs: inlineSeq, perSecond: inlineBurst },
    ],
  };

  // ---- 2. CPU scaling -----------------------------------------------------------------------
  const params = mandelbrot.validate(CPU_PARAMS);
  const parts = mandelbrot.split(params, PARTS);
  const expected = mandelbrot.merge(
    await Promise.all(parts.map((p) => runWorkload('mandelbrot', p))),
    params,
  );

  // Ceiling: N independent node processes, each rendering its share of the parts, all started at
  // once after they have loaded the module (process start-up is not part of the measure).
  const partsFile = join(mkdtempSync(join(tmpdir(), 'weft-bench-')), 'parts.json');
  writeFileSync(partsFile, JSON.stringify(parts));
  const childScript = `
    const { readFileSync } = await import('node:fs');
    const { runWorkload } = await import(${JSON.stringify(import.meta.resolve('@weft/workloads'))});
    const parts = JSON.parse(readFileSync(${JSON.stringify(partsFile)}, 'utf8'));
    const [i, n] = process.argv.slice(-2).map(Number);
    await runWorkload('mandelbrot', parts[0]);
    process.send('ready');
    process.once('message', async () => {
      for (let k = i; k < parts.length; k += n) await runWorkload('mandelbrot', parts[k]);
      process.send('done');
      process.disconnect();
    });`;
  const independent = async (n) => {
    const children = Array.from({ length: n }, (_, i) =>
      spawn(
        process.execPath,
        ['--input-type=module', '-e', childScript, '--', String(i), String(n)],
        { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      ),
    );
    const next = (child) =>
      new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`exit ${code}`)));
      });
    await Promise.all(children.map(next));
    const start = now();
    const done = children.map(next);
    for (const child of children) child.send('go');
    await Promise.all(done);
    const ms = now() - start;
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined,
      ),
    );
    return ms;
  };

  const distributed = async (n) => {
    const queue = `bench-cpu-${n}-${process.pid}`;
    await Promise.all(
      Array.from({ length: n }, () =>
        startWorkerProcess([
          '--redis',
          redis.url,
          '--queue',
          queue,
          '--kind',
          'process',
          '--concurrency',
          '1',
          '--quiet',
          '--tasks',
          '@weft/workloads',
        ]),
      ),
    );
    const ex = new BullMQExecutor({ connection: redis.url, queue, tasks: ['@weft/workloads'] });
    await ex.ready();
    // Warm each worker's pool child (spawn + module load) outside the timing.
    await Promise.all(
      Array.from({ length: n * 2 }, () =>
        ex.apply(runWorkload, ['mandelbrot', mandelbrot.split(params, 64)[0]]),
      ),
    );
    const start = now();
    const out = await Promise.all(parts.map((p) => ex.apply(runWorkload, ['mandelbrot', p])));
    const ms = now() - start;
    const ok =
      JSON.stringify(mandelbrot.merge(out, params)) === JSON.stringify(expected) &&
      mandelbrot.verify(mandelbrot.merge(out, params), params).ok;
    await ex.close();
    await stopWorkers();
    return { ms, ok };
  };

  // Interleaved and repeated (median): the load of a shared machine drifts between measurements.
  const REPEATS = quick ? 1 : 3;
  const runs = { ind1: [], ind2: [], d1: [], d2: [] };
  let ok = true;
  for (let r = 0; r < REPEATS; r++) {
    log(
      `CPU round ${r + 1}/${REPEATS}: independent processes (ceiling) and weft-worker processes, 1 then 2`,
    );
    runs.ind1.push(await independent(1));
    const one = await distributed(1);
    runs.d1.push(one.ms);
    runs.ind2.push(await independent(2));
    const two = await distributed(2);
    runs.d2.push(two.ms);
    ok &&= one.ok && two.ok;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ind1 = median(runs.ind1);
  const ind2 = median(runs.ind2);
  const d1 = { ms: median(runs.d1), ok };
  const d2 = { ms: median(runs.d2), ok };
  rmSync(partsFile, { force: true });
  results.cpu = {
    workload: { name: 'mandelbrot', params: CPU_PARAMS, parts: PARTS },
    independent1Ms: ind1,
    independent2Ms: ind2,
    ceiling: ind1 / ind2,
    weft1Ms: d1.ms,
    weft2Ms: d2.ms,
    speedup: d1.ms / d2.ms,
    ofCeiling: d1.ms / d2.ms / (ind1 / ind2),
    verified: d1.ok && d2.ok,
    repeats: REPEATS,
    runs,
  };
} finally {
  await stopWorkers();
  await redis.stop();
}

// ---- report ---------------------------------------------------------------------------------
const f = (n, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const { rows } = results.tiny;
const pool = rows[0];
const lines = [];
lines.push(`**Tiny tasks** (\`add\`): ${SEQ} sequential calls, ${BURST} in flight at once`, '');
lines.push('| setup | µs per sequential round trip | × pool | tasks/s, many in flight | × pool |');
lines.push('|---|---|---|---|---|');
for (const r of rows) {
  lines.push(
    `| ${r.setup} | ${f(r.seqUs)} | ${f(r.seqUs / pool.seqUs, 1)}× | ${f(r.perSecond)} | ${f(r.perSecond / pool.perSecond, 3)}× |`,
  );
}
const c = results.cpu;
lines.push('');
lines.push(
  `**CPU scaling**: Mandelbrot ${c.workload.params.size} px × ${c.workload.params.frames} frames in ${PARTS} parts, median of ${c.repeats} interleaved runs (results verified: ${c.verified})`,
  '',
);
lines.push('| run | 1 process | 2 processes | speedup |');
lines.push('|---|---|---|---|');
lines.push(
  `| independent node processes (ceiling) | ${f(c.independent1Ms)} ms | ${f(c.independent2Ms)} ms | ${f(c.ceiling, 2)}× |`,
);
lines.push(
  `| BullMQExecutor -> weft-worker (process pool of 1) | ${f(c.weft1Ms)} ms | ${f(c.weft2Ms)} ms | ${f(c.speedup, 2)}× (${f(c.ofCeiling * 100)}% of ceiling) |`,
);
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(new URL('./results/', here), { recursive: true });
writeFileSync(new URL('./results/latest.json', here), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
