// The zero-cost benchmark of issue #24: 100,000 tiny tasks through a 2-thread pool
//   no-api      `@opentelemetry/api` unresolvable (a --require preload hides it), as without the peer
//   api-no-sdk  the API installed, no SDK registered: the goal is >= 0.98x the no-api speed
//   sdk-batch   an SDK with a BatchSpanProcessor (spans exported to a discarding exporter):
//               what tracing costs per task
// Each variant runs in its own child process, in interleaved rounds (round r runs every variant
// once, in an order rotated by r) so load from elsewhere falls on all of them alike. Prints
// medians, ranges and the per-round ratios, and writes JSON.
//
// Usage: node bench/otel.mjs [--tasks n] [--rounds n] [--out file]
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { fmt, median, range } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '7' },
    child: { type: 'string' },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('./results/otel.json', import.meta.url)),
    },
  },
});
const tasks = Number(args.tasks);

// ------------------------------------------------------------------ one measurement (child)
if (args.child !== undefined) {
  if (args.child === 'sdk-batch') {
    const { context, trace } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider, BatchSpanProcessor } =
      await import('@opentelemetry/sdk-trace-base');
    const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(discard, { maxQueueSize: 4096 })],
      }),
    );
  }
  const { Pool } = await import('@weft/process-pool');
  const pool = new Pool({
    module: new URL('./tasks.mjs', import.meta.url),
    maxWorkers: 2,
    minWorkers: 2,
  });
  await pool.ready();
  const burst = async (n) => {
    const all = new Array(n);
    for (let i = 0; i < n; i++) all[i] = pool.run('noop', i);
    await Promise.all(all);
  };
  await burst(Math.min(tasks, 20_000)); // warm-up: JIT, prefetch estimate
  const t0 = performance.now();
  await burst(tasks);
  const ms = performance.now() - t0;
  await pool.terminate();
  let api = true;
  try {
    createRequire(import.meta.url).resolve('@opentelemetry/api');
  } catch {
    api = false;
  }
  process.stdout.write(JSON.stringify({ ms, api }) + '\n');
  process.exit(0);
}

// ------------------------------------------------------------------ the rounds (parent)
const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const hide = fileURLToPath(new URL('./lib/hide-otel-api.cjs', import.meta.url));
const variants = ['no-api', 'api-no-sdk', 'sdk-batch'];
const times = Object.fromEntries(variants.map((v) => [v, []]));

async function measure(variant) {
  const flags = variant === 'no-api' ? ['--require', hide] : [];
  const { stdout } = await run(
    process.execPath,
    [...flags, self, '--child', variant, '--tasks', String(tasks)],
    { timeout: 300_000 },
  );
  const { ms, api } = JSON.parse(stdout.trim().split('\n').at(-1));
  if (api !== (variant !== 'no-api'))
    throw new Error(`${variant}: @opentelemetry/api resolvable: ${api}`);
  return ms;
}

const rounds = Number(args.rounds);
console.log(
  `otel bench: ${tasks.toLocaleString('en-US')} tiny tasks, 2 thread workers, ${rounds} rounds ` +
    `(load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${availableParallelism()} CPUs)`,
);
for (let r = 0; r < rounds; r++) {
  const order = variants.map((_, i) => variants[(i + r) % variants.length]);
  for (const variant of order) times[variant].push(await measure(variant));
  console.log(
    `round ${r + 1}: ` + variants.map((v) => `${v} ${fmt(times[v].at(-1))} ms`).join(', '),
  );
}

// Speed of api-no-sdk relative to no-api, per round (>= 1 means no slower).
const ratios = times['no-api'].map((t, i) => t / times['api-no-sdk'][i]);
const perTaskUs = times['sdk-batch'].map((t, i) => ((t - times['api-no-sdk'][i]) * 1000) / tasks);
const summary = Object.fromEntries(
  variants.map((v) => [v, { medianMs: median(times[v]), range: range(times[v]) }]),
);
for (const v of variants) {
  const [lo, hi] = summary[v].range;
  const rate = (tasks / summary[v].medianMs) * 1000;
  console.log(
    `${v.padEnd(11)} median ${fmt(summary[v].medianMs)} ms (range ${fmt(lo)}–${fmt(hi)}), ${fmt(rate)} tasks/s`,
  );
}
const ratio = median(ratios);
const [rlo, rhi] = range(ratios);
const goal = ratio >= 0.98;
console.log(
  `api-no-sdk ÷ no-api speed: median ${ratio.toFixed(3)}× (range ${rlo.toFixed(3)}–${rhi.toFixed(3)}): ` +
    `goal >= 0.98× ${goal ? 'met' : 'NOT met'}`,
);
const [clo, chi] = range(perTaskUs);
console.log(
  `sdk-batch cost: median ${fmt(median(perTaskUs))} µs per task (range ${fmt(clo)}–${fmt(chi)}) ` +
    `over api-no-sdk (two spans per task, BatchSpanProcessor)`,
);
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(
  args.out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model,
      cpus: availableParallelism(),
      loadavg: loadavg(),
      tasks,
      rounds,
      times,
      summary,
      ratio: { median: ratio, range: [rlo, rhi], perRound: ratios, goal: 0.98, met: goal },
      sdkBatchUsPerTask: { median: median(perTaskUs), range: [clo, chi], perRound: perTaskUs },
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${args.out}`);
