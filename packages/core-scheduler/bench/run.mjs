// Benchmark of @weft/core-scheduler.
// 1. Scheduling overhead: schedule→settle of N no-op async tasks at concurrency 16 on the inline
//    executor, against p-queue 9 and p-limit 7 in the same run (median of rounds, rotating order).
// 2. Mixed run: 8 CPU tasks + 200 I/O waits, makespan under (a) everything on the event loop,
//    (b) everything on a @weft/process-pool pool, (c) the scheduler routing cpu/io, (d) the
//    scheduler with kind 'auto' after a warm-up.
//    A reference row times the 8 CPU tasks alone on the pool: what routing can at best approach.
// Usage: pnpm bench [--quick]   (or WEFT_BENCH_QUICK=1; `pnpm bench` runs node --expose-gc so
// every contender starts from a collected heap). Prints ratios and the goals of issue 7, and
// writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import PQueue from 'p-queue';
import pLimit from 'p-limit';
import { Scheduler } from '@weft/core-scheduler';
import { spin, wait } from './tasks.mjs';

const round2 = (x) => Math.round(x * 100) / 100;
const loadAtStart = os.loadavg().map(round2);
const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
const N = quick ? 20_000 : 100_000;
const ROUNDS = quick ? 3 : 9;
const CONCURRENCY = 16;
const CPU_TASKS = 8;
const CPU_MS = quick ? 40 : 100;
const IO_TASKS = 200;
const IO_MS = 20;

const noop = async () => {};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line) => process.stderr.write(`${line}\n`);
if (globalThis.gc === undefined)
  log('note: run with node --expose-gc (pnpm bench does) to collect garbage between contenders');

// ---- 1. overhead -----------------------------------------------------------------------------
const contenders = {
  'p-queue 9': async () => {
    const queue = new PQueue({ concurrency: CONCURRENCY });
    const t0 = performance.now();
    const all = new Array(N);
    for (let i = 0; i < N; i++) all[i] = queue.add(noop);
    await Promise.all(all);
    return performance.now() - t0;
  },
  'p-limit 7': async () => {
    const limit = pLimit(CONCURRENCY);
    const t0 = performance.now();
    const all = new Array(N);
    for (let i = 0; i < N; i++) all[i] = limit(noop);
    await Promise.all(all);
    return performance.now() - t0;
  },
  '@weft/core-scheduler': async () => {
    const scheduler = new Scheduler({ concurrency: CONCURRENCY });
    const task = { fn: noop };
    const t0 = performance.now();
    const all = new Array(N);
    for (let i = 0; i < N; i++) all[i] = scheduler.schedule(task);
    await Promise.all(all);
    return performance.now() - t0;
  },
};

const names = Object.keys(contenders);
const times = Object.fromEntries(names.map((name) => [name, []]));
for (const name of names) await contenders[name](); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    globalThis.gc?.();
    times[name].push(await contenders[name]());
  }
  log(`overhead round ${round + 1}/${ROUNDS} done`);
}
const overhead = Object.fromEntries(
  names.map((name) => {
    const ms = median(times[name]);
    return [
      name,
      {
        medianMs: ms,
        tasksPerSecond: Math.round((N / ms) * 1000),
        usPerTask: (ms * 1000) / N,
        runsMs: times[name],
      },
    ];
  }),
);
const weft = overhead['@weft/core-scheduler'];
const vsPQueue = weft.tasksPerSecond / overhead['p-queue 9'].tasksPerSecond;
const vsPLimit = weft.tasksPerSecond / overhead['p-limit 7'].tasksPerSecond;
// Paired ratios: each round runs all contenders back to back, so a load spike on this shared
// machine hits a round's contenders alike; their median and range show how much noise there was.
const paired = (anchor) => {
  const ratios = times[anchor].map((ms, r) => ms / times['@weft/core-scheduler'][r]);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), ratios };
};
const pairedVsPQueue = paired('p-queue 9');
const pairedVsPLimit = paired('p-limit 7');

// ---- 2. mixed ------------------------------------------------------------------------------
let mixed = { status: 'pending', reason: '' };
let Pool;
try {
  ({ Pool } = await import('@weft/process-pool'));
} catch (error) {
  mixed = {
    status: 'pending',
    reason: `@weft/process-pool not importable (${error.message}); build it first`,
  };
}

async function makespan(run) {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

if (Pool !== undefined) {
  const pool = new Pool({
    module: new URL('./tasks.mjs', import.meta.url),
    kind: 'thread',
    maxWorkers: 2,
  });
  try {
    // Start both workers before timing (two overlapping tasks need two workers).
    await Promise.all([pool.apply(spin, [20]), pool.apply(spin, [20])]);
    const workload = (submitCpu, submitIo) => {
      const all = [];
      for (let i = 0; i < IO_TASKS; i++) {
        all.push(submitIo());
        if (i % (IO_TASKS / CPU_TASKS) === 0) all.push(submitCpu());
      }
      return Promise.all(all);
    };
    const scheduler = new Scheduler({ cpu: pool });
    const auto = new Scheduler({ cpu: pool, defaultKind: 'auto' });
    // Warm-up: two measured runs of each name teach 'auto' where they belong.
    for (let i = 0; i < 2; i++) {
      await auto.schedule({ fn: spin, args: [CPU_MS / 4] });
      await auto.schedule({ fn: wait, args: [IO_MS] });
    }
    await pool.apply(spin, [1]);
    const setups = {
      'all on the event loop': () =>
        workload(
          () => Promise.resolve().then(() => spin(CPU_MS)),
          () => wait(IO_MS),
        ),
      'all on the pool (2 threads)': () =>
        workload(
          () => pool.apply(spin, [CPU_MS]),
          () => pool.apply(wait, [IO_MS]),
        ),
      "scheduler, kind 'cpu'/'io'": () =>
        workload(
          () => scheduler.schedule({ fn: spin, args: [CPU_MS], kind: 'cpu' }),
          () => scheduler.schedule({ fn: wait, args: [IO_MS], kind: 'io' }),
        ),
      "scheduler, kind 'auto' (learned)": () =>
        workload(
          () => auto.schedule({ fn: spin, args: [CPU_MS] }),
          () => auto.schedule({ fn: wait, args: [IO_MS] }),
        ),
    };
    const results = {};
    const mixedRounds = quick ? 1 : 5;
    for (const [name, run] of Object.entries(setups)) {
      const runs = [];
      for (let r = 0; r < mixedRounds; r++) {
        globalThis.gc?.();
        runs.push(await makespan(run));
      }
      results[name] = { makespanMs: median(runs), runsMs: runs };
      log(`mixed: ${name} done`);
    }
    // Reference: the CPU tasks alone on the pool, no I/O at all; what routing can at best approach.
    // On 2 shared vCPUs two workers do not reach twice the speed of one, so the floor is measured,
    // not computed.
    const floorRuns = [];
    for (let r = 0; r < mixedRounds; r++) {
      globalThis.gc?.();
      floorRuns.push(
        await makespan(() =>
          Promise.all(Array.from({ length: CPU_TASKS }, () => pool.apply(spin, [CPU_MS]))),
        ),
      );
    }
    const scheduled = Math.min(
      results["scheduler, kind 'cpu'/'io'"].makespanMs,
      results["scheduler, kind 'auto' (learned)"].makespanMs,
    );
    const unscheduled = Math.min(
      results['all on the event loop'].makespanMs,
      results['all on the pool (2 threads)'].makespanMs,
    );
    mixed = {
      status: 'done',
      cpuTasks: CPU_TASKS,
      cpuMsEach: CPU_MS,
      ioTasks: IO_TASKS,
      ioMsEach: IO_MS,
      results,
      cpuOnlyOnPool: { makespanMs: median(floorRuns), runsMs: floorRuns },
      goal: {
        text: "the scheduler's makespan is the smallest",
        bestScheduledMs: scheduled,
        bestUnscheduledMs: unscheduled,
        speedup: unscheduled / scheduled,
        met: scheduled < unscheduled,
      },
      explain: { spin: auto.explain('spin').reason, wait: auto.explain('wait').reason },
    };
    await scheduler.close();
    await auto.close();
  } finally {
    await pool.terminate();
  }
}

// ---- report ------------------------------------------------------------------------------
const machine = {
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadavgAtStart: loadAtStart,
  loadavg: os.loadavg().map(round2),
  gcBetweenRuns: globalThis.gc !== undefined,
  quick,
};
const pad = (s, n) => String(s).padEnd(n);
const lines = [];
lines.push(
  `Scheduling overhead: ${N.toLocaleString('en-US')} no-op async tasks, concurrency ${CONCURRENCY}, median of ${ROUNDS}`,
);
lines.push(`${pad('library', 24)}${pad('tasks/s', 12)}${pad('µs/task', 10)}vs p-queue`);
for (const name of names) {
  const r = overhead[name];
  const ratio = r.tasksPerSecond / overhead['p-queue 9'].tasksPerSecond;
  lines.push(
    `${pad(name, 24)}${pad(r.tasksPerSecond.toLocaleString('en-US'), 12)}${pad(r.usPerTask.toFixed(2), 10)}${ratio.toFixed(2)}×`,
  );
}
const met = (ok) => (ok ? 'met' : 'NOT met');
lines.push(
  `@weft/core-scheduler: ${vsPQueue.toFixed(2)}× p-queue (goal ≥ 2×: ${met(vsPQueue >= 2)}), ${vsPLimit.toFixed(2)}× p-limit (goal ≥ 1×: ${met(vsPLimit >= 1)})`,
);
const range = (p) =>
  `median ${p.median.toFixed(2)}×, range ${p.min.toFixed(2)}–${p.max.toFixed(2)}×`;
lines.push(
  `per-round paired ratios: vs p-queue ${range(pairedVsPQueue)}; vs p-limit ${range(pairedVsPLimit)}`,
);
lines.push('');
if (mixed.status === 'done') {
  lines.push(
    `Mixed: ${CPU_TASKS} CPU tasks × ${CPU_MS} ms + ${IO_TASKS} I/O waits × ${IO_MS} ms (makespan, lower is better)`,
  );
  const best = Math.min(...Object.values(mixed.results).map((r) => r.makespanMs));
  for (const [name, r] of Object.entries(mixed.results)) {
    lines.push(
      `${pad(name, 44)}${pad(`${Math.round(r.makespanMs)} ms`, 12)}${(r.makespanMs / best).toFixed(2)}× best`,
    );
  }
  lines.push(
    `${pad('reference: the CPU tasks alone on the pool', 44)}${pad(`${Math.round(mixed.cpuOnlyOnPool.makespanMs)} ms`, 12)}${(mixed.cpuOnlyOnPool.makespanMs / best).toFixed(2)}× best`,
  );
  lines.push(
    `goal: ${mixed.goal.text}: ${mixed.goal.met ? 'met' : 'NOT met'} (${mixed.goal.speedup.toFixed(2)}× faster than the best unscheduled setup)`,
  );
  lines.push(`auto routing: spin → ${mixed.explain.spin}`);
  lines.push(`              wait → ${mixed.explain.wait}`);
} else {
  lines.push(`Mixed run: pending (${mixed.reason})`);
}
lines.push('');
lines.push(
  `machine: ${machine.cpus} vCPU ${machine.model}, Node ${machine.node}, load average ${machine.loadavgAtStart.join(' ')} at start, ${machine.loadavg.join(' ')} at end${quick ? ', quick mode' : ''}`,
);
console.log(lines.join('\n'));

const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('latest.json', out),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      overhead: {
        n: N,
        concurrency: CONCURRENCY,
        rounds: ROUNDS,
        results: overhead,
        ratioVsPQueue: vsPQueue,
        ratioVsPLimit: vsPLimit,
        pairedVsPQueue,
        pairedVsPLimit,
        goals: {
          vsPQueue: { min: 2, met: vsPQueue >= 2 },
          vsPLimit: { min: 1, met: vsPLimit >= 1 },
        },
      },
      mixed,
    },
    null,
    2,
  )}\n`,
);
log(`results written to ${new URL('latest.json', out).pathname}`);
