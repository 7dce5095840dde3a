// OpenTelemetry cost of @weft/core-scheduler (issue #24): schedule→settle of N no-op async tasks
// at concurrency 16 on the inline executor (the overhead case of bench/run.mjs), in a fresh child
// process per measurement, one mode per child:
// - absent:  `@opentelemetry/api` unresolvable (--require bench/hide-otel-api.cjs), as for a user
//            who never installed the optional peer;
// - present: the API installed and loaded, no SDK registered (the zero-cost case);
// - sdk:     the SDK registered (BasicTracerProvider, BatchSpanProcessor with an exporter that
//            drops what it gets, AsyncLocalStorageContextManager): two spans per task;
// - sdk+metrics: the same plus a MeterProvider with a reader (histograms per task).
// Rounds are interleaved: each round runs every mode once, in an order rotated per round, so
// load on a shared machine hits all modes alike. Prints per-round and median ratios, the goal of
// issue 24 (present ≥ 0.98× absent, i.e. at most 2% slower) and the cost per task with an SDK, and
// writes bench/results/otel.json. Besides wall time each child reports the CPU time of its runs
// (process.cpuUsage): on a machine loaded by other work, the CPU-time ratio is the steadier figure.
// Usage: node bench/otel.mjs [--quick] [--rounds=N]   (a child: node bench/otel.mjs --child <mode>)
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const N = 100_000;
// With an SDK every task makes two spans, an order of magnitude slower: fewer tasks keep a round
// short, and the modes are compared per task.
const SDK_N = 20_000;
const CONCURRENCY = 16;
const RUNS_PER_CHILD = 3; // after one warm-up run; the child reports their median
const MODES = ['absent', 'present', 'sdk', 'sdk+metrics'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x) => Math.round(x * 100) / 100;

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(process.argv[childAt + 1]);
else await parent();

async function child(mode) {
  if (!MODES.includes(mode)) throw new Error(`--child: one of ${MODES.join(', ')}`);
  const { Scheduler } = await import('@weft/core-scheduler');
  // Resolve from the scheduler's own location, as its loader does.
  const fromScheduler = createRequire(import.meta.resolve('@weft/core-scheduler'));
  let resolvable = true;
  try {
    fromScheduler('@opentelemetry/api');
  } catch {
    resolvable = false;
  }
  if (resolvable !== (mode !== 'absent'))
    throw new Error(`mode ${mode}: @opentelemetry/api ${resolvable ? 'resolves' : 'does not'}`);
  let shutdown = async () => {};
  if (mode.startsWith('sdk')) shutdown = await registerSdk(mode === 'sdk+metrics');
  const noop = async () => {};
  const task = { fn: noop };
  const n = mode.startsWith('sdk') ? SDK_N : N;
  const once = async () => {
    const scheduler = new Scheduler({ concurrency: CONCURRENCY });
    globalThis.gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const all = new Array(n);
    for (let i = 0; i < n; i++) all[i] = scheduler.schedule(task);
    await Promise.all(all);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await scheduler.close();
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  await once();
  const runs = [];
  for (let r = 0; r < RUNS_PER_CHILD; r++) runs.push(await once());
  await shutdown();
  const ms = median(runs.map((run) => run.ms));
  const cpuMs = median(runs.map((run) => run.cpuMs));
  // Per task, in µs, so that modes with different task counts compare.
  const result = { mode, n, usPerTask: (ms / n) * 1000, cpuUsPerTask: (cpuMs / n) * 1000 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function registerSdk(withMetrics) {
  const { context, metrics, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  let exported = 0;
  const exporter = {
    export(spans, done) {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  let meterProvider;
  if (withMetrics) {
    const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
    class Reader extends MetricReader {
      async onForceFlush() {}
      async onShutdown() {}
    }
    meterProvider = new MeterProvider({ readers: [new Reader()] });
    metrics.setGlobalMeterProvider(meterProvider);
  }
  return async () => {
    await provider.shutdown();
    await meterProvider?.shutdown();
    if (exported === 0) throw new Error('the SDK exported no span: telemetry was not on');
  };
}

function runChild(mode) {
  const script = fileURLToPath(import.meta.url);
  const preload = fileURLToPath(new URL('./hide-otel-api.cjs', import.meta.url));
  const args = ['--expose-gc', ...(mode === 'absent' ? ['--require', preload] : [])];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...args, script, '--child', mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`child ${mode} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

async function parent() {
  const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
  const roundsArg = process.argv.find((arg) => arg.startsWith('--rounds='));
  const rounds = roundsArg === undefined ? (quick ? 3 : 9) : Number(roundsArg.slice(9));
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error('--rounds: a positive integer');
  const loadAtStart = os.loadavg().map(round2);
  // µs per task, wall and CPU, per mode and round.
  const us = Object.fromEntries(MODES.map((mode) => [mode, []]));
  const cpuUs = Object.fromEntries(MODES.map((mode) => [mode, []]));
  for (let r = 0; r < rounds; r++) {
    const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
    for (const mode of order) {
      const result = await runChild(mode);
      us[mode].push(result.usPerTask);
      cpuUs[mode].push(result.cpuUsPerTask);
    }
    const line = MODES.map(
      (mode) => `${mode} ${us[mode][r].toFixed(2)} (CPU ${cpuUs[mode][r].toFixed(2)})`,
    ).join(', ');
    console.log(`round ${r + 1}/${rounds}, µs per task: ${line}`);
  }
  // present ÷ absent throughput = absent time ÷ present time: 1 means no cost, 0.98 is 2% slower.
  const ratios = (of) => of.absent.map((x, i) => x / of.present[i]);
  const zeroCost = ratios(us);
  const zeroCostCpu = ratios(cpuUs);
  const extra = (of, mode) => round2(median(of[mode]) - median(of.present));
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAtStart,
    loadAtEnd: os.loadavg().map(round2),
    tasks: N,
    sdkTasks: SDK_N,
    concurrency: CONCURRENCY,
    rounds,
    medianUsPerTask: Object.fromEntries(MODES.map((mode) => [mode, round2(median(us[mode]))])),
    usPerTask: us,
    cpuUsPerTask: cpuUs,
    presentVsAbsent: {
      perRound: zeroCost.map(round2),
      median: round2(median(zeroCost)),
      goal: 0.98,
    },
    presentVsAbsentCpu: { perRound: zeroCostCpu.map(round2), median: round2(median(zeroCostCpu)) },
    costPerTaskUs: { sdk: extra(us, 'sdk'), 'sdk+metrics': extra(us, 'sdk+metrics') },
    cpuCostPerTaskUs: { sdk: extra(cpuUs, 'sdk'), 'sdk+metrics': extra(cpuUs, 'sdk+metrics') },
  };
  const { presentVsAbsent: wall, presentVsAbsentCpu: cpu } = result;
  console.log(
    `\nAPI present, no SDK vs API absent: ${wall.median}× throughput (per round ` +
      `${wall.perRound.join(', ')}); goal ≥ 0.98×: ${wall.median >= 0.98 ? 'met' : 'NOT met'}. ` +
      `On CPU time: ${cpu.median}× (per round ${cpu.perRound.join(', ')})`,
  );
  console.log(
    `SDK (BatchSpanProcessor, 2 spans per task): +${result.costPerTaskUs.sdk} µs per task ` +
      `(CPU +${result.cpuCostPerTaskUs.sdk}); with metrics too: ` +
      `+${result.costPerTaskUs['sdk+metrics']} µs (CPU +${result.cpuCostPerTaskUs['sdk+metrics']}); ` +
      `medians: ${MODES.map((mode) => `${mode} ${result.medianUsPerTask[mode]} µs`).join(', ')}`,
  );
  console.log(
    `load average ${loadAtStart.join(' ')} → ${result.loadAtEnd.join(' ')} on ${result.cpus} CPUs`,
  );
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('otel.json', dir), `${JSON.stringify(result, null, 2)}\n`);
}
