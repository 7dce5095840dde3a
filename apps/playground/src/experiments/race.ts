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
import { comparison, median, progressBar } from '../measure.js';
import { ms, Printer } from '../print.js';
import { asyncRaceVerdict, pythonRaceVerdict, raceVerdict } from '../verdicts.js';

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
  flags: [workersFlag(2), sizeFlag, pythonFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const size = readSize(ctx.flags);
    const threads = readWorkers(ctx.flags, 2);
    const increments = INCREMENTS[size];
    out.heading(
      `${threads} threads × ${increments.toLocaleString('en-US')} increments of one shared counter`,
    );

    const lesson = new Lesson(
      out,
      '`counter += 1` is three steps (read, add, write back). Threads that share memory and run at ' +
        'once can interleave them: both read the same value, both write value + 1, and an update is ' +
        'lost. A lock around the increment, or an atomic add, makes it exact.',
    );
    lesson.python('race_unlocked', "The article's race");
    lesson.python('race_locked', 'and its fix with a lock');
    lesson.note(
      `What ran: ${threads} worker threads start together at a Barrier and each adds 1 to one Int32 in a ` +
        `SharedArrayBuffer ${increments.toLocaleString('en-US')} times: unprotected, under a Mutex (scoped ` +
        `and acquire/release) and with Atomics.add, ${ROUNDS[size]} runs each. Answers first; only the ` +
        'variants that gave the right answer are timed.',
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
    const mutexSpeeds = rows
      .filter((r) => r.mode.startsWith('mutex'))
      .map((r) => `${r.label} ${speedVs(atomicMs, r.median)}`)
      .join(', ');
    lesson.note(
      `Speed against Atomics.add (its time ÷ the variant's, as on the page): ${mutexSpeeds}. Two threads ` +
        'hand one lock back and forth for every single addition; real critical sections do more work per ' +
        'lock, so the share falls. The scoped form pays more on Node 20, which has no native `using`: ' +
        'the build lowers it to a disposal stack and a try/finally run while the lock is held.',
    );
    lesson.verdict(raceVerdict({ lost, cores }).text);

    out.heading('The same race on the event loop: read, await, write back');
    const tasks = 100;
    const asyncIncrements = 10;
    const asyncLesson = new Lesson(
      out,
      'one thread is not enough to be safe: an `await` between reading and writing lets other tasks ' +
        'run, so they can write back stale values. An async lock held across the await fixes it.',
    );
    asyncLesson.python('async_race', 'In Python, with asyncio');
    asyncLesson.note(
      `What ran: ${tasks} async tasks on the event loop each add 1 ${asyncIncrements} times (read, ` +
        'await, write back), unprotected and under an AsyncMutex.',
    );
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
    asyncLesson.verdict(
      asyncRaceVerdict({ unsafeLost: unsafeAsync.lostUpdates, mutexLost: mutexAsync.lostUpdates })
        .text,
    );

    interface PyRace {
      readonly final: number;
      readonly expected: number;
      readonly ms: number;
    }
    const PY_TIMES = 1_000_000;
    const py = await pythonBeside<PyRace>(ctx, out, {
      title: "race: the article's race in CPython",
      claim:
        'the same two-thread race in Python: unprotected `counter += 1` can lose updates; ' +
        '`with lock:` makes it exact.',
      runs: [
        ['race_unlocked', PY_TIMES],
        ['race_locked', PY_TIMES],
      ],
      timeoutMs: 120_000,
      figures: ([unlocked, locked]) => {
        const lostU = unlocked!.expected - unlocked!.final;
        const lostL = locked!.expected - locked!.final;
        const manual = rows.find((r) => r.mode === 'mutex-manual')!;
        return {
          notes: [
            `Beside Node, from this run: CPython, 2 threads × ${PY_TIMES.toLocaleString('en-US')}: unprotected ` +
              `${unlocked!.final.toLocaleString('en-US')} / ${unlocked!.expected.toLocaleString('en-US')} in ${ms(unlocked!.ms)}, ` +
              `with threading.Lock ${locked!.final.toLocaleString('en-US')} in ${ms(locked!.ms)}. Node, ${threads} threads × ` +
              `${increments.toLocaleString('en-US')}: unprotected lost up to ${Math.max(...lost).toLocaleString('en-US')}, ` +
              `Mutex (acquire/release) exact in ${ms(manual.median)}, Atomics.add in ${ms(atomicMs)}.`,
          ],
          verdict: pythonRaceVerdict({ unlockedLost: lostU, lockedLost: lostL }).text,
          section: {
            checks: [
              raceCheck('CPython, unprotected', {
                finalValue: unlocked!.final,
                expected: unlocked!.expected,
                lostUpdates: lostU,
              }),
              raceCheck('CPython, threading.Lock', {
                finalValue: locked!.final,
                expected: locked!.expected,
                lostUpdates: lostL,
              }),
            ],
          },
        };
      },
    });

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
        python: { status: py.status, results: py.values },
      },
      sections: [
        lesson.section({
          title: `race: ${threads} threads × ${increments.toLocaleString('en-US')} increments`,
          checks: rows.map((r) => raceCheck(r.label, r.worst)),
          // A wrong answer is not a speed: only the variants whose every run was exact are timed.
          comparison: comparison(
            `race: ${threads} threads × ${increments.toLocaleString('en-US')} increments (speed of the exact variants)`,
            'Atomics.add',
            rows
              .filter((r) => r.runs.every((x) => x.lostUpdates === 0))
              .map((r) => ({ label: r.label, samples: r.runs.map((x) => x.ms) })),
          ),
        }),
        asyncLesson.section({
          title: 'race: the same race on the event loop',
          checks: [
            raceCheck('event loop, unprotected (read, await, write)', unsafeAsync),
            raceCheck('event loop, AsyncMutex', mutexAsync),
          ],
        }),
        py.section,
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
