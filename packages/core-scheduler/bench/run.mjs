// Benchmark of @weft/core-scheduler.
// 1. Scheduling overhead: schedule→settle of N no-op async tasks at concurrency 16 on the inline
//    executor, against p-queue 9, p-limit 7 and Bottleneck 2 (maxConcurrent 16), and Weft again
//    with a SchedulerGroup of 100 keys and with a reservoir that never blocks, all in the same
//    run (median of rounds, rotating order).
// 2. Mixed run: 8 CPU tasks + 200 I/O waits, makespan under (a) everything on the event loop,
//    (b) everything on a @weft/process-pool pool, (c) the scheduler routing cpu/io, (d) the
//    scheduler with kind 'auto' after a warm-up.
//    A reference row times the 8 CPU tasks alone on the pool: what routing can at best approach.
// Usage: pnpm bench [--quick] [--rounds=N | --rounds N] [--overhead-only] [--write-readme]
// (or WEFT_BENCH_QUICK=1; `pnpm bench`
// runs node --expose-gc so that every run starts from a collected heap: one run's garbage is not
// collected during another's). Rounds are interleaved: each round runs every contender once, in
// an order rotated per round, so load on a shared machine hits all contenders alike; per-round
// ratios against p-queue show the spread. Each contender is also reported by its best round (the
// one least disturbed by other processes: on a shared machine noise only ever adds time). Prints
// ratios, the goals of issues 7 and 14 and Markdown tables for the README, writes
// bench/results/latest.json, and with --write-readme replaces the README's text between
// <!-- bench:overhead:start --> and <!-- bench:overhead:end --> (and the bench:mixed markers)
// with those tables.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import PQueue from 'p-queue';
import pLimit from 'p-limit';
import Bottleneck from 'bottleneck';
import { Scheduler, SchedulerGroup } from '@weft/core-scheduler';
import { spin, wait } from './tasks.mjs';

const round2 = (x) => Math.round(x * 100) / 100;
const loadAtStart = os.loadavg().map(round2);
const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
const N = quick ? 20_000 : 100_000;
// --rounds=N or --rounds N
const roundsAt = process.argv.indexOf('--rounds');
const roundsArg =
  roundsAt >= 0
    ? `--rounds=${process.argv[roundsAt + 1]}`
    : process.argv.find((arg) => arg.startsWith('--rounds='));
const ROUNDS = roundsArg === undefined ? (quick ? 3 : 9) : Number(roundsArg.slice(9));
if (!(Number.isInteger(ROUNDS) && ROUNDS > 0)) throw new Error(`--rounds: a positive integer`);
const overheadOnly = process.argv.includes('--overhead-only');
const writeReadme = process.argv.includes('--write-readme');
/** Warm-up passes of every contender before the measured rounds (JIT, inline caches, heap size). */
const WARMUP = quick ? 1 : 2;
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
// One function per contender. Each makes a fresh queue, submits N no-op tasks, awaits them all
// and returns the elapsed ms (making the queue is not timed; closing it afterwards is not either).
const GROUP_KEYS = 100;
// Bottleneck waits for a timer tick (setTimeout 0, at least 1 ms) at each submission, one after
// another, so 100,000 tasks would take minutes per round; it runs fewer tasks, and its figures are
// per task like everyone's.
const BOTTLENECK_N = quick ? 1_000 : 2_000;
const groupKeys = Array.from({ length: GROUP_KEYS }, (_, k) => `key-${k}`);

async function submitAll(submit, n = N) {
  const t0 = performance.now();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = submit(i);
  await Promise.all(all);
  return performance.now() - t0;
}

async function runPQueue() {
  const queue = new PQueue({ concurrency: CONCURRENCY });
  return submitAll(() => queue.add(noop));
}

async function runPLimit() {
  const limit = pLimit(CONCURRENCY);
  return submitAll(() => limit(noop));
}

async function runBottleneck() {
  const limiter = new Bottleneck({ maxConcurrent: CONCURRENCY });
  const ms = await submitAll(() => limiter.schedule(noop), BOTTLENECK_N);
  await limiter.stop();
  return ms;
}

async function runWeft() {
  const scheduler = new Scheduler({ concurrency: CONCURRENCY });
  const task = { fn: noop };
  const ms = await submitAll(() => scheduler.schedule(task));
  await scheduler.close();
  return ms;
}

// The same tasks spread round-robin over 100 keys of a SchedulerGroup (concurrency 16 per key,
// as the group's shared options give every key's scheduler); keys' schedulers are made on first use,
// inside the timing.
async function runWeftGroup() {
  const group = new SchedulerGroup({ concurrency: CONCURRENCY });
  const task = { fn: noop };
  const ms = await submitAll((i) => group.key(groupKeys[i % GROUP_KEYS]).schedule(task));
  await group.close();
  return ms;
}

// A reservoir large enough never to hold a task back: what keeping the count costs.
async function runWeftReservoir() {
  const scheduler = new Scheduler({ concurrency: CONCURRENCY, reservoir: 2 * N });
  const task = { fn: noop };
  const ms = await submitAll(() => scheduler.schedule(task));
  await scheduler.close();
  return ms;
}

const WEFT = '@weft/core-scheduler';
const WEFT_GROUP = `${WEFT}, SchedulerGroup of ${GROUP_KEYS} keys`;
const WEFT_RESERVOIR = `${WEFT}, reservoir set`;
const contenders = {
  'p-queue 9': runPQueue,
  'p-limit 7': runPLimit,
  'Bottleneck 2': runBottleneck,
  [WEFT]: runWeft,
  [WEFT_GROUP]: runWeftGroup,
  [WEFT_RESERVOIR]: runWeftReservoir,
};

const taskCount = (name) => (name === 'Bottleneck 2' ? BOTTLENECK_N : N);
const names = Object.keys(contenders);
const times = Object.fromEntries(names.map((name) => [name, []]));
for (let pass = 0; pass < WARMUP; pass++) {
  for (const name of names) {
    globalThis.gc?.();
    await contenders[name]();
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    // Collect the previous run's garbage (twice: what the first pass finalises, the second frees)
    // so that it is not collected during this run.
    globalThis.gc?.();
    globalThis.gc?.();
    times[name].push(await contenders[name]());
  }
  log(`overhead round ${round + 1}/${ROUNDS} done`);
}
const overhead = Object.fromEntries(
  names.map((name) => {
    const ms = median(times[name]);
    const bestMs = Math.min(...times[name]);
    return [
      name,
      {
        tasks: taskCount(name),
        medianMs: ms,
        bestMs,
        bestUsPerTask: (bestMs * 1000) / taskCount(name),
        tasksPerSecond: Math.round((taskCount(name) / ms) * 1000),
        usPerTask: (ms * 1000) / taskCount(name),
        runsMs: times[name],
      },
    ];
  }),
);
// Throughput ratio of `name` over `baseline`, from the medians.
const ratio = (name, baseline) => overhead[name].tasksPerSecond / overhead[baseline].tasksPerSecond;
// The same from each contender's best round.
const bestRatio = (name, baseline) =>
  overhead[baseline].bestUsPerTask / overhead[name].bestUsPerTask;
// Paired ratios: each round runs all contenders back to back, so a load spike on this shared
// machine hits a round's contenders alike; their median and range show how much noise there was.
const paired = (name, baseline) => {
  const perTask = (n, ms) => ms / taskCount(n);
  const ratios = times[baseline].map(
    (ms, r) => perTask(baseline, ms) / perTask(name, times[name][r]),
  );
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), ratios };
};
const pairedVsPQueue = paired(WEFT, 'p-queue 9');
const pairedVsPLimit = paired(WEFT, 'p-limit 7');
// The goals of issue 14.
const goals = [
  {
    text: `${WEFT} ≥ 2× p-queue in every round`,
    value: pairedVsPQueue.min,
    shown: `lowest round ${pairedVsPQueue.min.toFixed(2)}×`,
    min: 2,
  },
  {
    text: `${WEFT} ≥ 1.5× p-limit`,
    value: ratio(WEFT, 'p-limit 7'),
    shown: `${ratio(WEFT, 'p-limit 7').toFixed(2)}×`,
    min: 1.5,
  },
  {
    text: `${WEFT_GROUP} ≥ 1.5× p-queue`,
    value: ratio(WEFT_GROUP, 'p-queue 9'),
    shown: `${ratio(WEFT_GROUP, 'p-queue 9').toFixed(2)}×`,
    min: 1.5,
  },
  {
    text: `${WEFT_RESERVOIR} ≥ 1.5× p-queue`,
    value: ratio(WEFT_RESERVOIR, 'p-queue 9'),
    shown: `${ratio(WEFT_RESERVOIR, 'p-queue 9').toFixed(2)}×`,
    min: 1.5,
  },
].map((goal) => ({ ...goal, met: goal.value >= goal.min }));

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

if (overheadOnly) mixed = { status: 'pending', reason: 'not run (--overhead-only)' };
else if (Pool !== undefined) {
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
const W = 50;
lines.push(
  `${pad('library', W)}${pad('tasks/s', 12)}${pad('µs/task', 10)}${pad('vs p-queue', 12)}per round vs p-queue`,
);
for (const name of names) {
  const r = overhead[name];
  const p = paired(name, 'p-queue 9');
  lines.push(
    `${pad(name, W)}${pad(r.tasksPerSecond.toLocaleString('en-US'), 12)}${pad(r.usPerTask.toFixed(2), 10)}${pad(`${ratio(name, 'p-queue 9').toFixed(2)}×`, 12)}${p.min.toFixed(2)}–${p.max.toFixed(2)}×`,
  );
}
const range = (p) =>
  `median ${p.median.toFixed(2)}×, range ${p.min.toFixed(2)}–${p.max.toFixed(2)}×`;
lines.push(
  `best rounds: ${names.map((name) => `${name} ${bestRatio(name, 'p-queue 9').toFixed(2)}×`).join(', ')} (vs p-queue)`,
);
lines.push(
  `${WEFT} per-round paired ratios: vs p-queue ${range(pairedVsPQueue)}; vs p-limit ${range(pairedVsPLimit)}`,
);
for (const name of [WEFT, WEFT_GROUP, WEFT_RESERVOIR]) {
  lines.push(
    `per round, ${name} vs p-queue: ${paired(name, 'p-queue 9')
      .ratios.map((r) => `${r.toFixed(2)}×`)
      .join(' ')}`,
  );
}
lines.push(
  `(Bottleneck 2 ran ${BOTTLENECK_N.toLocaleString('en-US')} tasks per round, not ${N.toLocaleString('en-US')}: each submission waits for a timer tick)`,
);
for (const goal of goals)
  lines.push(`goal: ${goal.text}: ${goal.met ? 'met' : 'NOT met'} (${goal.shown})`);
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

// ---- Markdown for the README ---------------------------------------------------------------
const fmt = (x, digits = 2) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const label = (name) =>
  name === WEFT
    ? `**${WEFT}**`
    : name === WEFT_GROUP
      ? `${WEFT}, \`SchedulerGroup\` of ${GROUP_KEYS} keys`
      : name === 'Bottleneck 2'
        ? `Bottleneck 2 (${BOTTLENECK_N.toLocaleString('en-US')} tasks a round)`
        : name;
const overheadMd = [
  `| scheduling overhead (${N.toLocaleString('en-US')} no-op tasks, concurrency ${CONCURRENCY}, ${ROUNDS} rounds) | tasks/s (median) | µs/task (median) | µs/task (best round) | vs p-queue (median) | vs p-queue (best rounds) | per round vs p-queue |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...names.map((name) => {
    const r = overhead[name];
    const p = paired(name, 'p-queue 9');
    return `| ${label(name)} | ${r.tasksPerSecond.toLocaleString('en-US')} | ${fmt(r.usPerTask)} | ${fmt(r.bestUsPerTask)} | ${fmt(ratio(name, 'p-queue 9'))}× | ${fmt(bestRatio(name, 'p-queue 9'))}× | ${fmt(p.min)}–${fmt(p.max)}× |`;
  }),
  '',
  `Per-round ratios of ${WEFT} against p-queue: ${pairedVsPQueue.ratios.map((r) => fmt(r)).join(', ')} (median ${fmt(pairedVsPQueue.median)}×); against p-limit a median of ${fmt(pairedVsPLimit.median)}×, range ${fmt(pairedVsPLimit.min)}–${fmt(pairedVsPLimit.max)}×. Goals of issue 14, as this run measured them:`,
  '',
  ...goals.map((goal) => `- ${goal.text}: ${goal.met ? 'met' : '**not met**'} (${goal.shown})`),
  '',
  `Machine: ${machine.cpus} vCPU ${machine.model.trim()}, Node ${machine.node}, load average ${machine.loadavgAtStart[0]} at the start and ${machine.loadavg[0]} at the end, ${new Date().toISOString().slice(0, 10)}${quick ? ', quick mode' : ''}.`,
].join('\n');
let mixedMd;
if (mixed.status === 'done') {
  const best = Math.min(...Object.values(mixed.results).map((r) => r.makespanMs));
  const row = (name, ms) =>
    `| ${name} | ${Math.round(ms).toLocaleString('en-US')} ms | ${fmt(ms / best)}× |`;
  mixedMd = [
    `| mixed: ${CPU_TASKS} CPU × ${CPU_MS} ms + ${IO_TASKS} I/O waits × ${IO_MS} ms | makespan | vs best |`,
    '| --- | ---: | ---: |',
    ...Object.entries(mixed.results).map(([name, r]) => row(name, r.makespanMs)),
    row(
      `reference: the ${CPU_TASKS} CPU tasks alone on the pool, no I/O`,
      mixed.cpuOnlyOnPool.makespanMs,
    ),
    '',
    `The scheduler's makespan is ${mixed.goal.met ? 'the smallest' : '**not** the smallest'}: ${fmt(mixed.goal.speedup)}× the speed of the best setup without it.`,
  ].join('\n');
}
console.log(
  `\nMarkdown for the README:\n\n${overheadMd}\n${mixedMd === undefined ? '' : `\n${mixedMd}\n`}`,
);

/** Replaces the text between `<!-- bench:<part>:start -->` and its end marker in the README. */
function replaceSection(text, part, body) {
  const start = `<!-- bench:${part}:start -->`;
  const end = `<!-- bench:${part}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no ${start} … ${end} section`);
  return `${text.slice(0, from)}${start}\n\n${body}\n\n${text.slice(to)}`;
}
if (writeReadme) {
  const readme = new URL('../README.md', import.meta.url);
  let text = replaceSection(readFileSync(readme, 'utf8'), 'overhead', overheadMd);
  if (mixedMd !== undefined) text = replaceSection(text, 'mixed', mixedMd);
  writeFileSync(readme, text);
  // The repository's formatting (aligned table columns), which CI's format check requires.
  spawnSync('pnpm', ['exec', 'prettier', '--write', readme.pathname], { stdio: 'inherit' });
  log(`README.md: benchmark section${mixedMd === undefined ? ' (overhead only)' : 's'} replaced`);
}

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
        groupKeys: GROUP_KEYS,
        results: overhead,
        paired: Object.fromEntries(names.map((name) => [name, paired(name, 'p-queue 9')])),
        pairedVsPLimit,
        goals,
      },
      mixed,
    },
    null,
    2,
  )}\n`,
);
log(`results written to ${new URL('latest.json', out).pathname}`);
