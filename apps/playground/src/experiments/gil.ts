// Experiment 4: Python's GIL made visible. CPU work on T threads under a simulated interpreter lock,
// on free threads and on processes; then I/O waits under the lock, which still overlap.
import { loadavg } from 'node:os';
import { Pool } from '@weft/process-pool';
import type { ReportCheck } from '@weft/reporters';
import { gil, piSeries, runSplit, type GilResult } from '@weft/workloads';
import type { Experiment } from '../experiment.js';
import {
  cores,
  pythonFlag,
  readSize,
  readWorkers,
  reportFlags,
  sizeFlag,
  workersFlag,
} from '../flags.js';
import { pythonBeside } from '../python-beside.js';
import { Lesson } from '../lesson.js';
import { comparison, progressBar, timed } from '../measure.js';
import { ms, Printer, spreadText } from '../print.js';
import {
  gilVerdict,
  ioVerdict,
  pairedThroughput,
  pythonGilVerdict,
  roundsText,
  speedText,
  type PythonGilFigures,
} from '../verdicts.js';

// Each run long enough (a few hundred ms per share on a loaded 2-core machine) and repeated in
// interleaved rounds, so that one noisy run cannot decide the verdict.
const UNITS = { small: 40_000_000, medium: 100_000_000, large: 400_000_000 } as const;
const ROUNDS = { small: 5, medium: 5, large: 3 } as const;
const WAITS = { small: 40, medium: 100, large: 200 } as const;
const IO_ROUNDS = 3;
/** Intervals per call of the CPython program: a few hundred ms per call in CPython 3.11. */
const PY_INTERVALS = { small: 2_000_000, medium: 5_000_000, large: 10_000_000 } as const;
const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');

export const gilExperiment: Experiment = {
  name: 'gil',
  summary: 'CPU threads under a simulated GIL vs free threads vs processes; I/O under the GIL',
  description:
    "Simulates CPython's global interpreter lock: a thread must hold it to compute and hands it over " +
    'every 5 ms switch interval when another thread waits; a wait on I/O releases it. T threads of CPU ' +
    "work under the lock take about T times one thread's time; Node's worker threads, which have no such " +
    'lock, and processes run in parallel. I/O waits under the lock still overlap.',
  flags: [workersFlag(2), sizeFlag, pythonFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const size = readSize(ctx.flags);
    const threads = readWorkers(ctx.flags, 2);
    const units = UNITS[size];
    const rounds = ROUNDS[size];
    const opts = { signal: ctx.signal };
    const cpu = (locked: boolean, t: number): Promise<GilResult> =>
      gil.run({ threads: t, work: 'cpu', locked, units, delayMs: 5, switchIntervalMs: 5 }, opts);

    out.heading(
      `CPU work: π by numerical integration, ${units.toLocaleString('en-US')} intervals per thread`,
    );
    const lesson = new Lesson(
      out,
      "CPython's global interpreter lock (GIL) lets one thread run Python code at a time, so CPU-bound " +
        "threads take turns: T threads do T times the work in T times the time, no faster than one. Node's " +
        'worker threads each have their own engine and no such lock.',
    );
    lesson.python(
      'cpu_threads_vs_processes',
      "The article's program: a thread pool against a process pool",
    );
    lesson.note(
      `What ran: the GIL simulated with a lock that a thread must hold to compute and hands over every 5 ms ` +
        `when another waits. In each of ${rounds} rounds (variants interleaved, so load changes hit all alike): ` +
        `1 thread doing one share; ${threads} threads, a share each, under the lock; ${threads} free threads; ` +
        `${threads} processes. Every answer is checked against π.`,
    );
    const pool = ctx.manage(
      new Pool({
        module: WORKLOADS_MODULE,
        kind: 'process',
        maxWorkers: threads,
        minWorkers: threads,
      }),
    );
    await pool.ready();
    const samples = {
      one: [] as number[],
      locked: [] as number[],
      free: [] as number[],
      processes: [] as number[],
    };
    const all: GilResult[] = [];
    let processesOk = true;
    let lockStats: GilResult['lock'];
    const bar = progressBar(ctx, rounds, 'gil');
    for (let round = 0; round < rounds; round++) {
      ctx.signal.throwIfAborted();
      const one = await cpu(false, 1);
      const locked = await cpu(true, threads);
      const free = await cpu(false, threads);
      const processes = await timed(() =>
        runSplit(
          piSeries,
          { intervals: units * threads },
          { parts: threads, executor: pool, signal: ctx.signal },
        ),
      );
      all.push(one, locked, free);
      processesOk &&= processes.value.verification.ok;
      lockStats ??= locked.lock;
      samples.one.push(one.elapsedMs);
      samples.locked.push(locked.elapsedMs);
      samples.free.push(free.elapsedMs);
      samples.processes.push(processes.ms);
      bar.tick();
    }
    bar.finish();
    await pool.terminate();

    // Rows compare time per share of work, so the speed is throughput against one thread.
    const perShare = (xs: readonly number[], n: number): number[] => xs.map((x) => x / n);
    const cpuRows = [
      { label: '1 thread (one share)', work: 1, samples: samples.one },
      { label: `${threads} threads with the GIL`, work: threads, samples: samples.locked },
      { label: `${threads} free threads (Node)`, work: threads, samples: samples.free },
      { label: `${threads} processes`, work: threads, samples: samples.processes },
    ];
    const cpuComparison = comparison(
      `gil: time per share of work (${units.toLocaleString('en-US')} intervals), ${rounds} rounds`,
      '1 thread (one share)',
      cpuRows.map((r) => ({ label: r.label, samples: perShare(r.samples, r.work) })),
    );
    out.table(
      ['variant', 'time (median, min–max)', 'work', 'throughput vs 1 thread, per round'],
      cpuRows.map((r, i) => [
        r.label,
        spreadText(r.samples),
        `${r.work}×`,
        i === 0 ? 'baseline' : roundsText(pairedThroughput(samples.one, r.samples, r.work)),
      ]),
    );
    if (lockStats) {
      out.line(
        `interpreter lock (first round): ${lockStats.switches} forced switches, ${lockStats.acquisitions} acquisitions, longest hold ${ms(lockStats.maxHeldMs)}`,
      );
    }
    const cpuVerdict = gilVerdict({
      threads,
      cores,
      one: samples.one,
      locked: samples.locked,
      free: samples.free,
      loadAverage: loadavg()[0],
    });
    lesson.verdict(cpuVerdict.text);

    out.heading(`I/O work under the GIL: ${WAITS[size]} timer waits of 5 ms per thread`);
    const io = new Lesson(
      out,
      'a thread waiting on I/O releases the GIL, so threads that wait overlap their waits even under the lock.',
    );
    io.python('io_threads', 'In Python');
    io.note(
      `What ran: 1 thread, then ${threads} threads, under the simulated GIL, each doing ${WAITS[size]} waits of 5 ms, ` +
        `${IO_ROUNDS} rounds.`,
    );
    const ioSamples = { one: [] as number[], locked: [] as number[] };
    let ioOk = true;
    for (let round = 0; round < IO_ROUNDS; round++) {
      const ioArgs = {
        work: 'io',
        locked: true,
        units: WAITS[size],
        delayMs: 5,
        switchIntervalMs: 5,
      } as const;
      const ioOne = await gil.run({ ...ioArgs, threads: 1 }, opts);
      const ioLocked = await gil.run({ ...ioArgs, threads }, opts);
      ioOk &&= ioOne.allVerified && ioLocked.allVerified;
      ioSamples.one.push(ioOne.elapsedMs);
      ioSamples.locked.push(ioLocked.elapsedMs);
    }
    const ioComparison = comparison(
      `gil: I/O, time per share of waiting (${WAITS[size]} waits of 5 ms), ${IO_ROUNDS} rounds`,
      '1 thread with the GIL',
      [
        { label: '1 thread with the GIL', samples: ioSamples.one },
        { label: `${threads} threads with the GIL`, samples: perShare(ioSamples.locked, threads) },
      ],
    );
    out.table(
      ['variant', 'time (median, min–max)', 'work', 'throughput vs 1 thread, per round'],
      [
        ['1 thread with the GIL', spreadText(ioSamples.one), '1×', 'baseline'],
        [
          `${threads} threads with the GIL`,
          spreadText(ioSamples.locked),
          `${threads}×`,
          roundsText(pairedThroughput(ioSamples.one, ioSamples.locked, threads)),
        ],
      ],
    );
    const ioV = ioVerdict({ threads, one: ioSamples.one, locked: ioSamples.locked });
    io.verdict(ioV.text);

    const pyIntervals = PY_INTERVALS[size];
    const py = await pythonBeside<PythonGilFigures & { verified: boolean }>(ctx, out, {
      title: "gil: the article's thread pool against a process pool, in CPython",
      claim:
        "in CPython itself, CPU-bound work on a thread pool takes turns on the GIL, while a process pool's " +
        'workers, one interpreter each, compute at once.',
      runs: [['cpu_threads_vs_processes', pyIntervals, threads]],
      timeoutMs: 120_000,
      figures: ([v]) => {
        const f = v!;
        const verdict = pythonGilVerdict({ ...f, cores });
        return {
          notes: [
            `Beside Node, from this run: CPython, ${pyIntervals.toLocaleString('en-US')} intervals per call: 1 call ` +
              `${ms(f.oneMs)}; ${f.workers} on a thread pool ${ms(f.threadsMs)} (${speedText(verdict.threads)} ` +
              `one call's throughput); ${f.workers} on a process pool ${ms(f.processesMs)} (${speedText(verdict.processes)}). ` +
              `Node above: under the simulated GIL ${roundsText(cpuVerdict.locked)}, free threads ${roundsText(cpuVerdict.free)}.`,
          ],
          verdict: verdict.text,
          section: {
            checks: [
              {
                label: "CPython: every call's π",
                expected: 'π to 6 decimals',
                actual: f.verified ? 'π to 6 decimals' : 'a wrong value',
                ok: f.verified,
              },
            ],
            comparison: comparison(
              `gil in CPython: time per call's share (${pyIntervals.toLocaleString('en-US')} intervals), one run`,
              'CPython: 1 call',
              [
                { label: 'CPython: 1 call', samples: [f.oneMs] },
                { label: `CPython: ${f.workers} threads`, samples: [f.threadsMs / f.workers] },
                { label: `CPython: ${f.workers} processes`, samples: [f.processesMs / f.workers] },
              ],
            ),
          },
        };
      },
    });

    interface Probe {
      readonly version: string;
      readonly freeThreadedBuild: boolean;
      readonly gilEnabled: boolean;
      readonly interpreterPool: boolean;
    }
    const since = await pythonBeside<Probe>(ctx, out, {
      title: 'gil: what has changed in Python since the article',
      claim:
        'CPython is losing the GIL and has gained isolated interpreters in its standard library; each ' +
        'maps onto something Node already has. Python 3.13 added an optional free-threaded build, with the GIL ' +
        'disabled, as an experiment (PEP 703, https://peps.python.org/pep-0703/). Python 3.14 made that build ' +
        'officially supported, still optional and not the default (PEP 779, https://peps.python.org/pep-0779/). ' +
        'Python 3.14 also added concurrent.interpreters and concurrent.futures.InterpreterPoolExecutor ' +
        '(PEP 734, https://peps.python.org/pep-0734/): several interpreters in one process, each with its own ' +
        'GIL and its own modules, passing data instead of sharing objects.',
      runs: [['probe']],
      timeoutMs: 30_000,
      figures: ([v]) => {
        const p = v!;
        return {
          notes: [
            "How they map: InterpreterPoolExecutor is the closest match to Node's worker threads (one " +
              'process, an isolated engine per thread, module globals per worker, as the processes lesson ' +
              'showed). Free-threaded Python threads share every object, which Node threads do not: they ' +
              'share only a SharedArrayBuffer, as in the race lesson. multiprocessing and ProcessPoolExecutor ' +
              "map to child processes, Weft's Pool with kind: 'process'.",
          ],
          verdict:
            `This machine's Python is CPython ${p.version}, ` +
            (p.freeThreadedBuild
              ? `a free-threaded build (GIL ${p.gilEnabled ? 're-enabled at run time' : 'off'})`
              : 'a build with the GIL') +
            `; InterpreterPoolExecutor is ${p.interpreterPool ? 'available' : 'not available (it needs Python 3.14)'}. ` +
            (p.freeThreadedBuild && !p.gilEnabled
              ? 'The CPython figures above were measured without the GIL.'
              : 'So the CPython figures above show the GIL.'),
          section: {},
        };
      },
    });

    const cpuVerified = all.every((r) => r.allVerified) && processesOk;
    const checks: Record<string, unknown> = {
      threads,
      rounds,
      cpuVerified,
      ioVerified: ioOk,
      lockSwitches: lockStats?.switches ?? 0,
      verdict: cpuVerdict.kind,
      ioVerdict: ioV.kind,
      python: { status: py.status, result: py.values?.[0], since: since.values?.[0] },
      ms: { ...samples, ioOne: ioSamples.one, ioLocked: ioSamples.locked },
    };
    const failures: string[] = [];
    if (!cpuVerified) failures.push('a CPU answer of the gil experiment was wrong');
    if (!ioOk) failures.push('an I/O answer of the gil experiment was wrong');
    const answer = (label: string, ok: boolean): ReportCheck => ({
      label,
      expected: 'π to 6 decimals',
      actual: ok ? 'π to 6 decimals' : 'a wrong value',
      ok,
    });
    return {
      experiment: 'gil',
      failures,
      checks,
      sections: [
        lesson.section({
          title: `gil: ${threads} threads of CPU work under a simulated GIL`,
          checks: [
            answer(
              'every thread’s π, every round, every variant',
              all.every((r) => r.allVerified),
            ),
            answer(`the processes’ π, every round`, processesOk),
          ],
          comparison: cpuComparison,
        }),
        io.section({
          title: `gil: ${threads} threads of I/O under the GIL`,
          checks: [
            {
              label: 'every wait completed',
              expected: `${WAITS[size]} per thread`,
              actual: ioOk ? `${WAITS[size]} per thread` : 'fewer',
              ok: ioOk,
            },
          ],
          comparison: ioComparison,
        }),
        py.section,
        since.section,
      ],
    };
  },
};
