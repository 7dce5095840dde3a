// Experiment 1: Python's classic multiprocessing example in Node, with processes, then threads,
// then a counter in shared memory, showing where memory is and is not shared.
import { Pool, type PoolOptions } from '@weft/process-pool';
import { AtomicInt32 } from '@weft/sync-primitives';
import type { ReportCheck } from '@weft/reporters';
import type { Experiment, ExperimentContext, ReportSection } from '../experiment.js';
import { pythonFlag, reportFlags } from '../flags.js';
import { pythonBeside } from '../python-beside.js';
import { PoolRecorder } from '../pool-recorder.js';
import { Lesson } from '../lesson.js';
import { Printer } from '../print.js';
import { copiesVerdict, sharedVerdict } from '../verdicts.js';
import { counterValue, greet, greetShared, type GreetingReport } from '../tasks/classic.js';

const TASKS = new URL('./tasks/classic.js', import.meta.url);
const SLEEP_MS = 1000;

interface Round {
  readonly label: string;
  readonly reports: readonly GreetingReport[];
  readonly section: ReportSection;
}

async function runRound(
  ctx: ExperimentContext,
  out: Printer,
  label: string,
  kind: PoolOptions['kind'] & string,
  launch: (pool: Pool) => Promise<GreetingReport>[],
): Promise<Round> {
  const pool = ctx.manage(new Pool({ module: TASKS, kind, maxWorkers: 5 }));
  const recorder = new PoolRecorder(pool, label);
  const results = launch(pool);
  pool.close();
  await pool.join();
  const reports = await Promise.all(results);
  for (const r of reports) {
    const where = kind === 'process' ? `pid ${r.pid}` : `pid ${r.pid} thread ${r.threadId}`;
    out.line(`  [${where}] ${r.name}: counter → ${r.values.join(', ')}`);
  }
  return {
    label,
    reports,
    section: { title: `processes: ${label}`, timeline: recorder.timeline() },
  };
}

export const processes: Experiment = {
  name: 'processes',
  summary: 'the classic process-pool program: each worker changes its own copy of a global',
  description:
    "Python's classic multiprocessing example: a pool of 5 process workers runs two tasks, Worker-A " +
    'and Worker-B; each adds 1 three times to a module-global counter that starts at 100, then sleeps ' +
    '1 s. The main process keeps its own counter at 100. Then the same with thread workers, and with ' +
    'a counter in a SharedArrayBuffer, which every thread shares.',
  flags: [pythonFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    out.line(`main process: pid ${process.pid}, counter = ${counterValue()}`);

    out.heading('1. A pool of 5 process workers, two tasks (applyAsync, close, join)');
    const processLesson = new Lesson(
      out,
      'each process has its own memory. Two tasks on a pool of processes each change a module-global ' +
        'counter that starts at 100: each changes its own copy, and the main process keeps its 100.',
    );
    processLesson.python('pool_counter', "The article's program");
    processLesson.note(
      'What ran: the same in Node. A Pool of 5 process workers, Worker-A and Worker-B by applyAsync, each ' +
        `adding 1 three times to its module's counter, then sleeping ${SLEEP_MS} ms; close(), join().`,
    );
    const processRound = await runRound(ctx, out, 'process pool', 'process', (pool) => [
      pool.applyAsync(greet, ['Worker-A', SLEEP_MS]).get(),
      pool.applyAsync(greet, ['Worker-B', SLEEP_MS]).get(),
    ]);
    processLesson.verdict(
      copiesVerdict({
        where: 'process',
        values: processRound.reports.map((r) => r.values),
        mainCounter: counterValue(),
        distinctPids: new Set(processRound.reports.map((r) => r.pid)).size,
      }).text,
    );

    out.heading('2. The same with 5 thread workers');
    const threadLesson = new Lesson(
      out,
      'threads share one process, yet in Node module globals are still per thread: each worker thread ' +
        'is its own V8 isolate and loads its own copy of every module.',
    );
    threadLesson.note('What ran: the same two tasks on a Pool of 5 thread workers.');
    const threadRound = await runRound(ctx, out, 'thread pool', 'thread', (pool) => [
      pool.applyAsync(greet, ['Worker-A', SLEEP_MS]).get(),
      pool.applyAsync(greet, ['Worker-B', SLEEP_MS]).get(),
    ]);
    threadLesson.verdict(
      copiesVerdict({
        where: 'thread',
        values: threadRound.reports.map((r) => r.values),
        mainCounter: counterValue(),
        distinctPids: new Set(threadRound.reports.map((r) => r.pid)).size,
      }).text,
    );

    out.heading('3. Threads with a counter in a SharedArrayBuffer');
    const sharedLesson = new Lesson(
      out,
      'only memory shared on purpose is shared: a counter in a SharedArrayBuffer is one number that ' +
        'every thread sees.',
    );
    sharedLesson.note(
      'What ran: the two tasks on thread workers again, now adding 1 three times (with Atomics.add) to ' +
        'one Int32 in a SharedArrayBuffer that starts at 100.',
    );
    const shared = new AtomicInt32(100);
    const sharedRound = await runRound(ctx, out, 'shared counter', 'thread', (pool) => [
      pool.applyAsync(greetShared, ['Worker-A', shared, SLEEP_MS]).get(),
      pool.applyAsync(greetShared, ['Worker-B', shared, SLEEP_MS]).get(),
    ]);
    sharedLesson.verdict(
      sharedVerdict({ values: sharedRound.reports.map((r) => r.values), final: shared.load() })
        .text,
    );

    out.line();
    out.line(`main process: counter is still ${counterValue()} (each worker changed its own copy)`);

    interface PyGreeting {
      readonly name: string;
      readonly pid: number;
      readonly values: readonly number[];
    }
    const py = await pythonBeside<{ reports: PyGreeting[]; mainCounter: number }>(ctx, out, {
      title: 'processes: the same program in CPython',
      claim:
        "the article's program shows the same in Python: each pool process counts from its own 100, " +
        'and the main process keeps its counter.',
      runs: [['pool_counter', SLEEP_MS / 1000]],
      timeoutMs: 60_000,
      figures: ([v]) => {
        const { reports, mainCounter } = v!;
        const node = processRound.reports;
        return {
          notes: [
            `Beside Node, from this run: CPython's tasks ran in pids ${reports.map((r) => r.pid).join(' and ')} ` +
              `and counted ${reports.map((r) => r.values.join(', ')).join(' and ')}; its main process kept ` +
              `${mainCounter}. Node's process pool: pids ${node.map((r) => r.pid).join(' and ')}, counted ` +
              `${node.map((r) => r.values.join(', ')).join(' and ')}; main process ${counterValue()}.`,
          ],
          verdict: `CPython: ${
            copiesVerdict({
              where: 'process',
              values: reports.map((r) => r.values),
              mainCounter,
              distinctPids: new Set(reports.map((r) => r.pid)).size,
            }).text
          }`,
          section: {
            checks: [
              ...reports.map((r) => ({
                label: `CPython: ${r.name}'s counter (pid ${r.pid})`,
                expected: '101, 102, 103',
                actual: r.values.join(', '),
                ok: r.values.join() === '101,102,103',
              })),
              {
                label: 'CPython: main process counter',
                expected: '100',
                actual: String(mainCounter),
                ok: mainCounter === 100,
              },
            ],
          },
        };
      },
    });

    const failures: string[] = [];
    for (const round of [processRound, threadRound]) {
      for (const r of round.reports) {
        if (r.values.join() !== '101,102,103')
          failures.push(
            `${round.label}: ${r.name} counted ${r.values.join(', ')}, not 101, 102, 103`,
          );
      }
    }
    if (counterValue() !== 100)
      failures.push(`the main process's counter is ${counterValue()}, not 100`);
    const expectedShared = 100 + sharedRound.reports.length * 3;
    if (shared.load() !== expectedShared)
      failures.push(`the shared counter ends at ${shared.load()}, not ${expectedShared}`);
    const mainCheck: ReportCheck = {
      label: 'main process counter',
      expected: '100',
      actual: String(counterValue()),
      ok: counterValue() === 100,
      detail: 'its own copy, untouched by the workers',
    };
    return {
      failures,
      experiment: 'processes',
      checks: {
        mainPid: process.pid,
        mainCounter: counterValue(),
        processReports: processRound.reports,
        threadReports: threadRound.reports,
        sharedReports: sharedRound.reports,
        sharedFinal: shared.load(),
        python: { status: py.status, result: py.values?.[0] },
      },
      sections: [
        processLesson.section({
          ...processRound.section,
          checks: [...counterChecks(processRound), mainCheck],
        }),
        threadLesson.section({
          ...threadRound.section,
          checks: [...counterChecks(threadRound), mainCheck],
        }),
        sharedLesson.section({
          ...sharedRound.section,
          checks: [
            {
              label: 'shared counter after both tasks',
              expected: String(expectedShared),
              actual: String(shared.load()),
              ok: shared.load() === expectedShared,
            },
          ],
        }),
        py.section,
      ],
    };
  },
};

/** Each task's counter in its worker's own copy of the module: 101, 102, 103 from 100. */
function counterChecks(round: Round): ReportCheck[] {
  return round.reports.map((r) => ({
    label: `${r.name}'s counter (pid ${r.pid}${round.label === 'process pool' ? '' : `, thread ${r.threadId}`})`,
    expected: '101, 102, 103',
    actual: r.values.join(', '),
    ok: r.values.join() === '101,102,103',
  }));
}
