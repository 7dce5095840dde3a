// Benchmark of a Weft Queue used by a process worker through the pool (issue 9, process side)
// against the raw child_process IPC channel (advanced serialization) in the same run: items/s of a
// child → parent stream and the one-item round trip. Absolute figures swing by up to 2x on a shared
// machine, so the table reports ratios to the anchor measured alongside.
// Usage: node --import tsx bench/queue-ipc.bench.ts [--quick]   (BENCH_QUICK=1 works too)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from '@weft/process-pool';
import { Queue } from '@weft/sync-primitives';

interface BenchTasks {
  produceBlocking(queue: Queue<number>, n: number): number;
  producePipelined(queue: Queue<number>, n: number): Promise<number>;
  echo(input: Queue<number>, output: Queue<number>, n: number): number;
}

const quick = process.argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';
const runs = quick ? 1 : 3;
const size = quick ? { stream: 5_000, pingPong: 1_000 } : { stream: 40_000, pingPong: 5_000 };

const tasksUrl = new URL('./workers/queue-bench-tasks.mjs', import.meta.url);
const rawChild = fileURLToPath(new URL('./workers/raw-ipc-child.mjs', import.meta.url));
const tasks = (await import(tasksUrl.href)) as BenchTasks;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (...a: unknown[]): void => void process.stderr.write(a.join(' ') + '\n');

async function withPool<T>(fn: (pool: Pool<BenchTasks>) => Promise<T>): Promise<T> {
  const pool = new Pool<BenchTasks>({
    module: tasksUrl,
    kind: 'process',
    maxWorkers: 1,
    minWorkers: 1,
  });
  try {
    await pool.ready();
    // Warm up the worker, the call channel and the queue paths.
    const warm = new Queue<number>();
    await pool.apply(tasks.produceBlocking, [warm, 200]);
    for (let i = 0; i < 200; i++) await warm.getAsync();
    return await fn(pool);
  } finally {
    await pool.terminate();
  }
}

async function withChild<T>(fn: (child: ChildProcess) => Promise<T>): Promise<T> {
  const child = fork(rawChild, [], { serialization: 'advanced' });
  try {
    await roundTrip(child, 0); // started and listening
    for (let i = 0; i < 200; i++) await roundTrip(child, i);
    return await fn(child);
  } finally {
    child.send('exit');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function roundTrip(child: ChildProcess, value: number): Promise<unknown> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(value);
  });
}

// ---------------------------------------------------------------- Weft Queue through the pool

/** Items/s of a worker putting `n` items that the parent takes with getAsync(). */
function weftStream(form: 'produceBlocking' | 'producePipelined', n: number): Promise<number> {
  return withPool(async (pool) => {
    const queue = new Queue<number>();
    const t = performance.now();
    const producing =
      form === 'produceBlocking'
        ? pool.apply(tasks.produceBlocking, [queue, n])
        : pool.apply(tasks.producePipelined, [queue, n]);
    for (let i = 0; i < n; i++) {
      const got = queue.tryGet();
      if (!got.ok) await queue.getAsync();
    }
    const rate = n / ((performance.now() - t) / 1000);
    await producing;
    return rate;
  });
}

/** µs per one-item round trip: parent put → worker get → worker put → parent getAsync. */
function weftPingPong(n: number): Promise<number> {
  return withPool(async (pool) => {
    const ping = new Queue<number>();
    const pong = new Queue<number>();
    const echoing = pool.apply(tasks.echo, [ping, pong, n]);
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      ping.put(i);
      await pong.getAsync();
    }
    const us = ((performance.now() - t) * 1000) / n;
    await echoing;
    return us;
  });
}

// ---------------------------------------------------------------- raw IPC anchors

/** Items/s of a child sending `n` messages with process.send. */
function rawStream(n: number): Promise<number> {
  return withChild(
    (child) =>
      new Promise<number>((resolve) => {
        let got = 0;
        const t = performance.now();
        const onMessage = (): void => {
          if (++got < n) return;
          child.off('message', onMessage);
          resolve(n / ((performance.now() - t) / 1000));
        };
        child.on('message', onMessage);
        child.send({ stream: n });
      }),
  );
}

/** µs per process.send ping-pong. */
function rawPingPong(n: number): Promise<number> {
  return withChild(async (child) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await roundTrip(child, i);
    return ((performance.now() - t) * 1000) / n;
  });
}

async function measure(name: string, fn: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push(await fn());
  const value = median(samples);
  log(`${name}: ${value.toFixed(1)}`);
  return value;
}

const stream = {
  raw: await measure('raw IPC stream (items/s)', () => rawStream(size.stream)),
  blocking: await measure('weft put() stream (items/s)', () =>
    weftStream('produceBlocking', size.stream),
  ),
  pipelined: await measure('weft putAsync() stream (items/s)', () =>
    weftStream('producePipelined', size.stream),
  ),
};
const latency = {
  raw: await measure('raw IPC ping-pong (µs)', () => rawPingPong(size.pingPong)),
  weft: await measure('weft queue ping-pong (µs)', () => weftPingPong(size.pingPong)),
};

const machine = `${availableParallelism()} vCPU (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
const lines = [
  `Machine: ${machine}${quick ? ', quick mode' : ''}; median of ${runs} run(s); ${size.stream} items per stream, ${size.pingPong} round trips.`,
  '',
  '| child ↔ parent | value | Weft ÷ raw IPC |',
  '|---|---:|---:|',
  `| raw IPC stream, \`process.send\` (anchor) | ${stream.raw.toFixed(0)} items/s | — |`,
  `| Weft Queue, blocking \`put()\` in the worker | ${stream.blocking.toFixed(0)} items/s | ${(stream.blocking / stream.raw).toFixed(2)}× |`,
  `| Weft Queue, pipelined \`putAsync()\` in the worker | ${stream.pipelined.toFixed(0)} items/s | ${(stream.pipelined / stream.raw).toFixed(2)}× |`,
  `| raw IPC ping-pong (anchor) | ${latency.raw.toFixed(1)} µs | — |`,
  `| Weft Queue ping-pong (\`get()\`/\`put()\` in the worker, \`put\`/\`getAsync\` in the parent) | ${latency.weft.toFixed(1)} µs | ${(latency.weft / latency.raw).toFixed(2)}× |`,
];
console.log(lines.join('\n'));

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/queue-ipc.json', import.meta.url),
  JSON.stringify(
    {
      machine,
      node: process.version,
      quick,
      runs,
      size,
      stream: {
        ...stream,
        blockingRatio: stream.blocking / stream.raw,
        pipelinedRatio: stream.pipelined / stream.raw,
      },
      latencyUs: { ...latency, ratio: latency.weft / latency.raw },
    },
    null,
    2,
  ) + '\n',
);
