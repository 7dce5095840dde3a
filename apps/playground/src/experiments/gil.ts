// Experiment 4: Python's GIL made visible. CPU work on T threads under a simulated interpreter lock,
// on free threads and on processes; then I/O waits under the lock, which still overlap.
import { Pool } from '@weft/process-pool';
import { gil, piSeries, runSplit, type GilResult } from '@weft/workloads';
import type { Experiment } from '../experiment.js';
import { readSize, readWorkers, reportFlags, sizeFlag, workersFlag } from '../flags.js';
import { comparison, timed } from '../measure.js';
import { ms, Printer } from '../print.js';

const UNITS = { small: 50_000_000, medium: 200_000_000, large: 800_000_000 } as const;
const WAITS = { small: 40, medium: 100, large: 200 } as const;
const WORKLOADS_MODULE = import.meta.resolve('@weft/workloads');

export const gilExperiment: Experiment = {
  name: 'gil',
  summary: 'CPU threads under a simulated GIL vs free threads vs processes; I/O under the GIL',
  description:
    "Simulates CPython's global interpreter lock: a thread must hold it to compute and hands it over " +
    'every 5 ms switch interval when another thread waits; a wait on I/O releases it. T threads of CPU ' +
    "work under the lock take about T times one thread's time; Node's worker threads, which have no such " +
    'lock, and processes run in parallel. I/O waits under the lock still overlap.',
  flags: [workersFlag(2), sizeFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const size = readSize(ctx.flags);
    const threads = readWorkers(ctx.flags, 2);
    const units = UNITS[size];
    const opts = { signal: ctx.signal };

    out.heading(
      `CPU work: π by numerical integration, ${units.toLocaleString('en-US')} intervals per thread`,
    );
    const one = await gil.run(
      { threads: 1, work: 'cpu', locked: false, units, delayMs: 5, switchIntervalMs: 5 },
      opts,
    );
    const locked = await gil.run(
      { threads, work: 'cpu', locked: true, units, delayMs: 5, switchIntervalMs: 5 },
      opts,
    );
    const free = await gil.run(
      { threads, work: 'cpu', locked: false, units, delayMs: 5, switchIntervalMs: 5 },
      opts,
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
    const processes = await timed(() =>
      runSplit(
        piSeries,
        { intervals: units * threads },
        { parts: threads, executor: pool, signal: ctx.signal },
      ),
    );
    await pool.terminate();

    const cpuRows: [string, number, string][] = [
      ['1 thread (the work of one)', one.elapsedMs, 'baseline'],
      [`${threads} threads with the GIL`, locked.elapsedMs, `${threads}× the work`],
      [`${threads} free threads (Node)`, free.elapsedMs, `${threads}× the work`],
      [`${threads} processes`, processes.ms, `${threads}× the work`],
    ];
    out.table(
      ['variant', 'time', 'work', 'throughput vs 1 thread'],
      cpuRows.map(([label, t, work], i) => [
        label,
        ms(t),
        work,
        `${(((i === 0 ? 1 : threads) * one.elapsedMs) / t).toFixed(2)}×`,
      ]),
    );
    const stats = locked.lock;
    if (stats) {
      out.line(
        `interpreter lock: ${stats.switches} forced switches, ${stats.acquisitions} acquisitions, longest hold ${ms(stats.maxHeldMs)}`,
      );
    }
    out.why(
      `Under the lock only one thread computes at a time, so ${threads} threads of work take about ${threads}× ` +
        "as long as one: no speedup at all, exactly what CPython's GIL does to CPU-bound threads. Node's " +
        'worker threads have no interpreter lock (each is its own V8 isolate), so they compute in parallel, ' +
        'as processes do; how close they get to the ideal depends on free cores.',
    );

    out.heading(`I/O work under the GIL: ${WAITS[size]} timer waits of 5 ms per thread`);
    const ioOne = await gil.run(
      { threads: 1, work: 'io', locked: true, units: WAITS[size], delayMs: 5, switchIntervalMs: 5 },
      opts,
    );
    const ioLocked = await gil.run(
      { threads, work: 'io', locked: true, units: WAITS[size], delayMs: 5, switchIntervalMs: 5 },
      opts,
    );
    out.table(
      ['variant', 'time', 'work'],
      [
        ['1 thread with the GIL', ms(ioOne.elapsedMs), '1×'],
        [`${threads} threads with the GIL`, ms(ioLocked.elapsedMs), `${threads}×`],
      ],
    );
    out.why(
      `${threads} threads did ${threads}× the waiting in about the time of one: a thread releases the lock ` +
        "while it waits, so the waits overlap. That is why Python's threads still help I/O-bound programs.",
    );

    const checks: Record<string, unknown> = {
      threads,
      cpuVerified:
        [one, locked, free].every((r: GilResult) => r.allVerified) &&
        processes.value.verification.ok,
      ioVerified: ioOne.allVerified && ioLocked.allVerified,
      lockSwitches: stats?.switches ?? 0,
      ms: {
        one: one.elapsedMs,
        locked: locked.elapsedMs,
        free: free.elapsedMs,
        processes: processes.ms,
        ioOne: ioOne.elapsedMs,
        ioLocked: ioLocked.elapsedMs,
      },
    };
    const failures: string[] = [];
    if (checks['cpuVerified'] !== true)
      failures.push('a CPU answer of the gil experiment was wrong');
    if (checks['ioVerified'] !== true)
      failures.push('an I/O answer of the gil experiment was wrong');
    return {
      experiment: 'gil',
      failures,
      checks,
      sections: [
        {
          title: `gil: ${threads} threads of CPU work`,
          comparison: comparison(
            `gil: ${threads}× the work of one thread (time)`,
            `${threads} threads with the GIL`,
            cpuRows.slice(1).map(([label, t]) => ({ label, samples: [t] })),
          ),
        },
      ],
    };
  },
};
