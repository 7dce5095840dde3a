// Experiment 3: CPU-bound work needs cores, I/O-bound work needs overlap, measured. Each workload
// runs sequentially, on the event loop with async concurrency, on a thread pool, on a process pool
// and under the scheduler with `auto` routing.
import { trace } from '@opentelemetry/api';
import { InlineExecutor, Recorder, Scheduler, type Task } from '@weft/core-scheduler';
import { Pool } from '@weft/process-pool';
import {
  diskFiles,
  getWorkload,
  httpRequests,
  mandelbrot,
  piDigits,
  runSplit,
  type Workload,
} from '@weft/workloads';
import type { Experiment, ExperimentContext, ReportSection } from '../experiment.js';
import {
  cores,
  readSize,
  readWorkers,
  reportFlags,
  sizeFlag,
  workersFlag,
  type Size,
} from '../flags.js';
import { comparison, progressBar, timed } from '../measure.js';
import { Lesson } from '../lesson.js';
import { Printer, spreadText } from '../print.js';
import { cpuVsIoVerdict, speedOf, speedText } from '../verdicts.js';

const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');

/**
 * Runs one measured step inside a span named after it (`cpu-vs-io <workload>: <strategy>`), so that
 * with `--otlp` the trace shows each step, with the Weft spans of its tasks inside. Without an SDK
 * the API's no-op tracer makes this a plain call.
 */
function stepSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('@weft/playground').startActiveSpan(`cpu-vs-io ${name}`, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

interface Case {
  readonly label: string;
  readonly kind: 'cpu' | 'io';
  readonly workload: Workload<unknown, unknown>;
  readonly params: (size: Size) => Record<string, unknown>;
  /** The same job with its own internal concurrency at 1, for the sequential run. */
  readonly sequential: (params: Record<string, unknown>) => Record<string, unknown>;
}

const CASES: readonly Case[] = [
  {
    label: 'π digits (BigInt)',
    kind: 'cpu',
    workload: getWorkload(piDigits.name),
    params: (size) => ({ digits: { small: 25_000, medium: 50_000, large: 100_000 }[size] }),
    sequential: (p) => p,
  },
  {
    label: 'Mandelbrot frames',
    kind: 'cpu',
    workload: getWorkload(mandelbrot.name),
    params: (size) =>
      ({
        small: { size: 600, frames: 12 },
        medium: { size: 1000, frames: 24 },
        large: { size: 1600, frames: 48 },
      })[size],
    sequential: (p) => p,
  },
  {
    label: 'HTTP requests',
    kind: 'io',
    workload: getWorkload(httpRequests.name),
    params: (size) =>
      ({
        small: { requests: 80, concurrency: 20, delayMs: 20 },
        medium: { requests: 400, concurrency: 50, delayMs: 20 },
        large: { requests: 2000, concurrency: 100, delayMs: 20 },
      })[size],
    sequential: (p) => ({ ...p, concurrency: 1 }),
  },
  {
    label: 'disk (write + fsync + read)',
    kind: 'io',
    workload: getWorkload(diskFiles.name),
    params: (size) =>
      ({
        small: { files: 32, fileBytes: 65_536, concurrency: 8 },
        medium: { files: 64, fileBytes: 1_048_576, concurrency: 8 },
        large: { files: 256, fileBytes: 1_048_576, concurrency: 16 },
      })[size],
    sequential: (p) => ({ ...p, concurrency: 1 }),
  },
];

/** Strategies measured in rounds per workload: sequential, event loop, thread pool, process pool. */
const ROUND_STRATEGIES = 4;
/** Rounds of those four, interleaved so that a change of load hits them all alike. */
const ROUNDS = { small: 3, medium: 3, large: 2 } as const;

interface Measured {
  readonly label: string;
  /** One time per round (ms). */
  readonly ms: readonly number[];
  /** Whether every round's answer verified. */
  readonly ok: boolean;
}

async function measureCase(
  ctx: ExperimentContext,
  c: Case,
  size: Size,
  parts: number,
  pools: { thread: Pool; process: Pool },
  scheduler: Scheduler,
  step: () => void,
): Promise<Measured[]> {
  const { workload } = c;
  const params = workload.validate(c.params(size));
  const signal = ctx.signal;
  const results: Measured[] = [];

  // One untimed run first, so the JIT has compiled the kernel before anything is measured.
  const [warmPart] = workload.split(params, parts);
  await workload.run(warmPart, { signal });

  const sequentialParams = workload.validate(c.sequential(c.params(size)));
  const labels = ['sequential', 'event loop (async)', 'thread pool', 'process pool'] as const;
  const times = new Map<string, number[]>(labels.map((l) => [l, []]));
  const oks = new Map<string, boolean>(labels.map((l) => [l, true]));
  const record = (label: string, ms: number, ok: boolean): void => {
    times.get(label)!.push(ms);
    oks.set(label, oks.get(label)! && ok);
    step();
  };
  for (let round = 0; round < ROUNDS[size]; round++) {
    signal?.throwIfAborted();
    const seq = await stepSpan(`${workload.name}: sequential`, () =>
      timed(async () => {
        const outputs = [];
        for (const part of workload.split(sequentialParams, parts))
          outputs.push(await workload.run(part, { signal }));
        return workload.verify(workload.merge(outputs, sequentialParams), sequentialParams);
      }),
    );
    record('sequential', seq.ms, seq.value.ok);

    const loop = await stepSpan(`${workload.name}: event loop`, () =>
      timed(async () => {
        const outputs = await Promise.all(
          workload.split(params, parts).map((part) => workload.run(part, { signal })),
        );
        return workload.verify(workload.merge(outputs, params), params);
      }),
    );
    record('event loop (async)', loop.ms, loop.value.ok);

    for (const kind of ['thread', 'process'] as const) {
      const run = await stepSpan(`${workload.name}: ${kind} pool`, () =>
        timed(() =>
          runSplit(workload, params, {
            parts,
            executor: pools[kind],
            signal,
            throwOnWrongAnswer: false,
          }),
        ),
      );
      record(`${kind} pool`, run.ms, run.value.verification.ok);
    }
  }
  for (const label of labels) results.push({ label, ms: times.get(label)!, ok: oks.get(label)! });

  // Under the scheduler, `auto` learns from the first runs whether the task computes or waits; the
  // figure is the last of three runs.
  const viaScheduler = {
    apply: <A extends readonly unknown[], R>(fn: (...args: A) => R, args: A) =>
      scheduler.schedule({
        fn,
        args,
        kind: 'auto',
        name: workload.name,
        ...(signal === undefined ? {} : { signal }),
      } as unknown as Task<A, R>),
  };
  const viaAuto = () =>
    stepSpan(`${workload.name}: scheduler auto`, () =>
      timed(() =>
        runSplit(workload, params, {
          parts,
          executor: viaScheduler,
          signal,
          throwOnWrongAnswer: false,
        }),
      ),
    );
  let auto = await viaAuto();
  for (let i = 0; i < 2; i++) auto = await viaAuto();
  const route = scheduler.explain(workload.name);
  results.push({
    label: `scheduler auto (→ ${route.executor})`,
    ms: [auto.ms],
    ok: auto.value.verification.ok,
  });
  step();
  return results;
}

export const cpuVsIo: Experiment = {
  name: 'cpu-vs-io',
  summary:
    'CPU-bound work needs cores, I/O-bound work needs overlap: four workloads, five strategies',
  description:
    'Runs π digits, Mandelbrot frames, HTTP requests to a local server and fsync-ed disk writes, each ' +
    'split into parts: sequentially, on the event loop with async concurrency, on a thread pool, on a ' +
    'process pool, and under the scheduler with `auto` routing. Prints a speedup table against ' +
    'sequential and a verdict per workload. Every answer is checked.',
  flags: [workersFlag(cores), sizeFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const size = readSize(ctx.flags);
    const workers = readWorkers(ctx.flags, cores);
    const parts = Math.max(4, workers * 2);
    const pools = {
      thread: ctx.manage(
        new Pool({
          module: WORKLOADS_MODULE,
          kind: 'thread',
          maxWorkers: workers,
          minWorkers: workers,
        }),
      ),
      process: ctx.manage(
        new Pool({
          module: WORKLOADS_MODULE,
          kind: 'process',
          maxWorkers: workers,
          minWorkers: workers,
        }),
      ),
    };
    await Promise.all([pools.thread.ready(), pools.process.ready()]);
    // Warm both pools so start-up is not counted against them.
    await Promise.all(
      [pools.thread, pools.process].map((p) =>
        runSplit(piDigits, { digits: 50 }, { parts: workers, executor: p }),
      ),
    );
    const recorder = new Recorder();
    const scheduler = new Scheduler({
      cpu: { executor: pools.thread, concurrency: workers },
      io: { executor: new InlineExecutor({ concurrency: 64 }) },
      recorder,
    });

    out.line(
      `${workers} workers per pool, each job split into ${parts} parts; ${ROUNDS[size]} rounds of each strategy but the scheduler's.`,
    );
    const sections: ReportSection[] = [];
    const checks: Record<string, unknown> = {};
    const bar = progressBar(ctx, CASES.length * (ROUND_STRATEGIES * ROUNDS[size] + 1), 'cpu-vs-io');
    for (const c of CASES) {
      ctx.signal.throwIfAborted();
      out.heading(`${c.label} (${c.kind === 'cpu' ? 'CPU-bound' : 'I/O-bound'})`);
      const lesson = new Lesson(
        out,
        c.kind === 'cpu'
          ? `${c.label} is CPU-bound: it needs cores. The event loop has one thread, so async ` +
              'concurrency cannot speed it up; a pool of threads or processes can, up to the free cores.'
          : `${c.label} is I/O-bound: it mostly waits. Overlapping the waits speeds it up, and the ` +
              'event loop does that on one thread; pools add start-up cost and no waiting capacity.',
      );
      if (sections.length === 0) lesson.python('cpu_vs_io', 'In Python');
      lesson.note(
        `What ran: the job split into ${parts} parts, sequentially, on the event loop (Promise.all), on ` +
          `a thread pool and a process pool of ${workers}, and under the scheduler's auto routing (its ` +
          `third run, after it learned the kind). The first four in ${ROUNDS[size]} interleaved rounds; ` +
          'every answer checked.',
      );
      const rows = await measureCase(ctx, c, size, parts, pools, scheduler, () => bar.tick());
      const seq = rows[0]!.ms;
      out.table(
        ['strategy', 'time (median, min–max)', 'speed vs sequential', 'answer'],
        rows.map((r, i) => [
          r.label,
          spreadText(r.ms),
          i === 0 ? 'baseline' : speedText(speedOf(seq, r.ms)),
          r.ok ? 'verified' : 'WRONG',
        ]),
      );
      lesson.verdict(cpuVsIoVerdict(c.kind, rows, workers).text);
      checks[c.workload.name] = {
        verified: rows.every((r) => r.ok),
        route: scheduler.explain(c.workload.name).executor,
        ms: Object.fromEntries(rows.map((r) => [r.label, r.ms])),
      };
      sections.push(
        lesson.section({
          title: `cpu-vs-io: ${c.label}`,
          checks: rows.map((r) => ({
            label: `${r.label}: the answer`,
            expected: 'verified',
            actual: r.ok ? 'verified' : 'wrong',
            ok: r.ok,
          })),
          comparison: comparison(
            `${c.label}: time by strategy`,
            'sequential',
            rows.map((r) => ({ label: r.label, samples: [...r.ms] })),
          ),
        }),
      );
    }
    bar.finish();
    await scheduler.close();
    const timeline = recorder.timeline();
    // Lanes on which nothing ran (the scheduler's own main lane) would be empty rows: left out.
    const used = new Set([...timeline.spans, ...timeline.instants].map((x) => x.lane));
    const sched = new Lesson(
      out,
      'the scheduler routes each task to the executor for its kind; with `auto`, it learns the kind ' +
        'from the first runs (CPU time against wall time).',
    );
    sched.note(
      'What the timeline shows: only the tasks that went through the scheduler, the three `scheduler ' +
        'auto` runs of each workload. The gaps between them are the other strategies (sequential, event ' +
        'loop, the pools) running outside the scheduler, so its lanes sit idle then.',
    );
    sched.verdict(
      CASES.map((c) => {
        const route = scheduler.explain(c.workload.name).executor;
        return `${c.label} (${c.kind}) went to ${route}${route === c.kind ? '' : ', not to its kind'}`;
      }).join('; ') + '.',
    );
    sections.push(
      sched.section({
        title: 'cpu-vs-io: the scheduler’s timeline',
        timeline: { ...timeline, lanes: timeline.lanes.filter((l) => used.has(l.id)) },
      }),
    );
    const failures = Object.entries(checks)
      .filter(([, c]) => !(c as { verified: boolean }).verified)
      .map(([name]) => `cpu-vs-io: a strategy computed a wrong ${name} answer`);
    return { experiment: 'cpu-vs-io', checks, sections, failures };
  },
};
