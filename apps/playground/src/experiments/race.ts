// Experiment 5: the classic race. Two threads increment one shared counter without protection, with
// a Mutex (scoped and manual) and with Atomics.add; then the same race on the event loop.
import {
  asyncCounter,
  sharedCounter,
  type CounterMode,
  type SharedCounterResult,
} from '@weft/workloads';
import type { ReportCheck } from '@weft/reporters';
import type { Experiment } from '../experiment.js';
import { readSize, readWorkers, reportFlags, sizeFlag, workersFlag } from '../flags.js';
import { comparison, median, progressBar } from '../measure.js';
import { ms, Printer } from '../print.js';

const INCREMENTS = { small: 1_000_000, medium: 2_000_000, large: 10_000_000 } as const;
const ROUNDS = { small: 3, medium: 5, large: 5 } as const;

const MODES: readonly { mode: CounterMode; label: string }[] = [
  { mode: 'unsafe', label: 'unprotected' },
  { mode: 'atomic', label: 'Atomics.add' },
  { mode: 'mutex-scoped', label: 'Mutex, scoped (using)' },
  { mode: 'mutex-manual', label: 'Mutex, acquire/release' },
];

export const race: Experiment = {
  name: 'race',
  summary:
    'threads racing on a shared counter: lost updates, Mutex and Atomics.add, then the async race',
  description:
    'Starts threads together at a Barrier; each adds 1 to one Int32 in a SharedArrayBuffer a million ' +
    "times: unprotected (read, add, write), with a Mutex used as a scope (like Python's `with lock:`), " +
    'with acquire()/release(), and with Atomics.add. Counts lost updates and times each. Then the race ' +
    'on the event loop (read, await, write back) and its AsyncMutex fix.',
  flags: [workersFlag(2), sizeFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const size = readSize(ctx.flags);
    const threads = readWorkers(ctx.flags, 2);
    const increments = INCREMENTS[size];
    out.heading(
      `${threads} threads × ${increments.toLocaleString('en-US')} increments of one shared counter`,
    );

    const results = new Map<CounterMode, SharedCounterResult[]>();
    const bar = progressBar(ctx, MODES.length * ROUNDS[size], 'race');
    for (const { mode } of MODES) {
      const runs: SharedCounterResult[] = [];
      for (let round = 0; round < ROUNDS[size]; round++) {
        ctx.signal.throwIfAborted();
        runs.push(await sharedCounter.run({ threads, increments, mode }, { signal: ctx.signal }));
        bar.tick();
      }
      results.set(mode, runs);
    }
    bar.finish();
    const rows = MODES.map(({ mode, label }) => {
      const runs = results.get(mode)!;
      const worst = runs.reduce((a, b) => (b.lostUpdates > a.lostUpdates ? b : a));
      return { mode, label, runs, worst, median: median(runs.map((r) => r.ms)) };
    });
    const atomicMs = rows.find((r) => r.mode === 'atomic')!.median;
    out.table(
      [
        'variant',
        'final value (worst run)',
        'lost updates',
        'time (median)',
        'speed vs Atomics.add',
      ],
      rows.map((r) => [
        r.label,
        `${r.worst.finalValue.toLocaleString('en-US')} / ${r.worst.expected.toLocaleString('en-US')}`,
        r.worst.lostUpdates.toLocaleString('en-US'),
        ms(r.median),
        r.worst.lostUpdates > 0 ? 'wrong answer' : speedVs(atomicMs, r.median),
      ]),
    );
    const unsafe = rows.find((r) => r.mode === 'unsafe')!;
    const lost = unsafe.runs.map((r) => r.lostUpdates);
    const notes: string[] = [
      `The claim: threads that share memory race. ${threads} threads start together and each adds 1 ` +
        `to one shared counter ${increments.toLocaleString('en-US')} times, unprotected (read, add, ` +
        'write back), under a Mutex, and with Atomics.add. Right answers and lost updates come first; ' +
        'time is shown only for the variants that gave the right answer.',
    ];
    const why = (text: string): void => {
      out.why(text);
      notes.push(text);
    };
    out.line();
    if (Math.max(...lost) > 0) {
      why(
        `Unprotected, ${lost.filter((l) => l > 0).length} of ${lost.length} runs lost updates (up to ` +
          `${Math.max(...lost).toLocaleString('en-US')}): both threads read the same value, both wrote ` +
          'value + 1, and one increment vanished. The Mutex and Atomics.add versions are exact every time; ' +
          'Atomics.add is the cheapest because the hardware does read-add-write as one step.',
      );
    } else {
      why(
        'No update was lost this time. The race is still there: on one core, or when the operating ' +
          'system happened to run the threads one after the other, their read-add-write steps never ' +
          'overlapped. Run it again, or with more threads, on a machine with free cores. The Mutex and ' +
          'Atomics.add versions are exact by construction, not by luck.',
      );
    }
    why(
      'A lock costs a few times Atomics.add here because two threads hand one lock back and forth ' +
        'a million times; real critical sections do more than one addition, so the share falls. The ' +
        'scoped form costs more than acquire/release because Node 20 has no native `using`: the build ' +
        'turns it into a disposal stack and a try/finally that run while the lock is held, plus a guard ' +
        'object per acquisition.',
    );

    out.heading('The same race on the event loop: read, await, write back');
    const tasks = 100;
    const asyncIncrements = 10;
    const unsafeAsync = await asyncCounter.run(
      { tasks, increments: asyncIncrements, mode: 'unsafe' },
      { signal: ctx.signal },
    );
    const mutexAsync = await asyncCounter.run(
      { tasks, increments: asyncIncrements, mode: 'mutex' },
      { signal: ctx.signal },
    );
    out.table(
      ['variant', 'final value', 'lost updates', 'time'],
      [
        [
          'unprotected',
          `${unsafeAsync.finalValue} / ${unsafeAsync.expected}`,
          String(unsafeAsync.lostUpdates),
          ms(unsafeAsync.ms),
        ],
        [
          'AsyncMutex',
          `${mutexAsync.finalValue} / ${mutexAsync.expected}`,
          String(mutexAsync.lostUpdates),
          ms(mutexAsync.ms),
        ],
      ],
    );
    why(
      'One thread, and still a race: every `await` between reading and writing lets the other tasks run, ' +
        'and they all wrote back a stale value. Holding an AsyncMutex across the await makes the ' +
        'read-await-write one step for everyone else.',
    );

    const failures: string[] = [];
    for (const r of rows) {
      for (const run of r.runs) {
        if (r.mode !== 'unsafe' && run.finalValue !== run.expected)
          failures.push(`race: ${r.label} ended at ${run.finalValue}, not ${run.expected}`);
        if (run.finalValue + run.lostUpdates !== run.expected)
          failures.push(`race: ${r.label} final value + lost updates is not ${run.expected}`);
      }
    }
    if (mutexAsync.finalValue !== mutexAsync.expected)
      failures.push(
        `race: the AsyncMutex run ended at ${mutexAsync.finalValue}, not ${mutexAsync.expected}`,
      );
    return {
      experiment: 'race',
      failures,
      checks: {
        threads,
        increments,
        expected: threads * increments,
        variants: Object.fromEntries(
          rows.map((r) => [
            r.mode,
            {
              finalValues: r.runs.map((x) => x.finalValue),
              lostUpdates: r.runs.map((x) => x.lostUpdates),
            },
          ]),
        ),
        asyncUnsafe: unsafeAsync,
        asyncMutex: mutexAsync,
      },
      sections: [
        {
          title: `race: ${threads} threads × ${increments.toLocaleString('en-US')} increments`,
          notes,
          checks: [
            ...rows.map((r) => raceCheck(r.label, r.worst)),
            raceCheck('event loop, unprotected (read, await, write)', unsafeAsync),
            raceCheck('event loop, AsyncMutex', mutexAsync),
          ],
          // A wrong answer is not a speed: only the variants whose every run was exact are timed.
          comparison: comparison(
            `race: ${threads} threads × ${increments.toLocaleString('en-US')} increments (speed of the exact variants)`,
            'Atomics.add',
            rows
              .filter((r) => r.runs.every((x) => x.lostUpdates === 0))
              .map((r) => ({ label: r.label, samples: r.runs.map((x) => x.ms) })),
          ),
        },
      ],
    };
  },
};

/** `1.00×` as fast as the baseline, or `0.14× (7.4× slower)`: the page's ratio, read both ways. */
export function speedVs(baselineMs: number, rowMs: number): string {
  const ratio = baselineMs / rowMs;
  return ratio >= 1
    ? `${ratio.toFixed(2)}×`
    : `${ratio.toFixed(2)}× (${(1 / ratio).toFixed(1)}× slower)`;
}

function raceCheck(
  label: string,
  run: { readonly finalValue: number; readonly expected: number; readonly lostUpdates: number },
): ReportCheck {
  return {
    label,
    expected: run.expected.toLocaleString('en-US'),
    actual: run.finalValue.toLocaleString('en-US'),
    ok: run.finalValue === run.expected,
    detail: `${run.lostUpdates.toLocaleString('en-US')} lost updates`,
  };
}
