// Verdicts computed from measurements: each lesson's conclusion is decided here, from the figures it
// shows, so it can never contradict them, including the honest "this machine cannot show it".
import { compare } from '@weft/reporters';

/** A conclusion: a stable kind (for tests and JSON) and the sentence the lesson shows. */
export interface Verdict<K extends string> {
  readonly kind: K;
  readonly text: string;
}

/** A speed against a baseline as the page computes it (baseline mean ÷ row mean), with its 95% error. */
export interface Speed {
  readonly ratio: number;
  readonly error: number;
}

/** Speed of `row` against `baseline` (time samples, ms), exactly as the report's comparison gives it. */
export function speedOf(baseline: readonly number[], row: readonly number[]): Speed {
  const c = compare({
    baseline: 'baseline',
    rows: [
      { label: 'baseline', samples: [...baseline] },
      { label: 'row', samples: [...row] },
    ],
  });
  const r = c.rows[1]!;
  return { ratio: r.ratio, error: r.ratioError };
}

/** `1.93×`, or `1.93× ± 0.12` when there is a spread. */
export function speedText(s: Speed): string {
  return s.error > 0 ? `${s.ratio.toFixed(2)}× ± ${s.error.toFixed(2)}` : `${s.ratio.toFixed(2)}×`;
}

/**
 * Throughput against one thread, round by round: in round i, T shares of work took `rows[i]` and one
 * share took `one[i]`, measured next to each other, so a load change between rounds cancels out.
 */
export interface RoundSpeeds {
  /** The median over the rounds: what the verdict decides on (one noisy round cannot move it far). */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

/** {@link RoundSpeeds} of `rows` (T shares per run) against `one` (one share), paired by round. */
export function pairedThroughput(
  one: readonly number[],
  rows: readonly number[],
  threads: number,
): RoundSpeeds {
  const ratios = rows.map((t, i) => (threads * one[i]!) / t).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return { median, min: ratios[0]!, max: ratios[ratios.length - 1]!, rounds: ratios.length };
}

/** `1.20× (0.95–1.40× over 5 rounds)`, or `1.20×` for one round. */
export function roundsText(r: RoundSpeeds): string {
  return r.rounds < 2
    ? `${r.median.toFixed(2)}×`
    : `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}× over ${r.rounds} rounds)`;
}

/**
 * Threads count as parallel at or above the midpoint between serial (1×) and the ideal T×, and as
 * serialised below it: the boundary farthest from both outcomes, so noise rarely crosses it.
 */
const PARALLEL_SHARE = 0.5;

/** Measurements of the GIL lesson: time samples (ms) per round, each variant doing its work. */
export interface GilMeasurements {
  readonly threads: number;
  readonly cores: number;
  /** One thread doing one share of the work. */
  readonly one: readonly number[];
  /** `threads` threads, each a share, under the simulated GIL. */
  readonly locked: readonly number[];
  /** `threads` free threads (Node), each a share. */
  readonly free: readonly number[];
  /** The 1-minute load average when measured, to say why free threads could not run at once. */
  readonly loadAverage?: number | undefined;
}

export type GilVerdictKind = 'gil-shown' | 'one-core' | 'no-free-core' | 'lock-not-serialising';

/** Throughput against one thread: T shares of work in `time`, against one share in `one`'s time. */
export function throughput(
  one: readonly number[],
  rows: readonly number[],
  threads: number,
): Speed {
  return speedOf(
    one,
    rows.map((t) => t / threads),
  );
}

/**
 * The GIL lesson's verdict. Under the lock, T threads should do T shares at about one thread's
 * throughput (1×); free threads at up to T× when T cores are free. The lock's effect is judged
 * first (it holds on any machine); the contrast with free threads only when the machine could show
 * it, otherwise the verdict says why it could not (one core; cores busy with other work).
 */
export function gilVerdict(m: GilMeasurements): Verdict<GilVerdictKind> & {
  readonly locked: RoundSpeeds;
  readonly free: RoundSpeeds;
} {
  const locked = pairedThroughput(m.one, m.locked, m.threads);
  const free = pairedThroughput(m.one, m.free, m.threads);
  const gain = 1 + PARALLEL_SHARE * (m.threads - 1);
  const T = m.threads;
  const lockedSays = `${T} threads under the GIL did ${T}× the work at ${roundsText(locked)} one thread's throughput`;
  if (locked.median >= gain) {
    return {
      kind: 'lock-not-serialising',
      locked,
      free,
      text:
        `${lockedSays}: they ran in parallel, so this run's lock did not serialise them and does not ` +
        'show the claim (a lock that serialises gives about 1×).',
    };
  }
  const contrast =
    free.median >= gain && free.median >= 1.25 * locked.median && m.cores >= 2
      ? undefined
      : m.cores < 2
        ? 'one-core'
        : 'no-free-core';
  if (contrast === undefined) {
    return {
      kind: 'gil-shown',
      locked,
      free,
      text:
        `${lockedSays} (no gain: they took turns), while ${T} free threads reached ${roundsText(free)}. ` +
        "That is the GIL's cost to CPU-bound threads, and what Node's worker threads, with no such lock, avoid.",
    };
  }
  const load =
    m.loadAverage === undefined
      ? ''
      : ` (load average ${m.loadAverage.toFixed(1)} on ${m.cores} cores)`;
  return {
    kind: contrast,
    locked,
    free,
    text:
      `${lockedSays} (no gain: they took turns), as the GIL predicts. ` +
      (contrast === 'one-core'
        ? `This machine has one core, so free threads cannot compute at once either (${roundsText(free)}): it cannot show what the lock takes away.`
        : `But ${T} free threads reached only ${roundsText(free)}: the cores were busy with other work${load}, so this run cannot show what the lock takes away. Run it on an idle machine to see free threads near ${T}×.`),
  };
}

export type IoVerdictKind = 'waits-overlap' | 'waits-did-not-overlap';

/**
 * The GIL-with-I/O verdict: T threads each waiting as long as one thread should, under the lock,
 * take about one thread's time when the lock is released during waits.
 */
export function ioVerdict(m: {
  readonly threads: number;
  readonly one: readonly number[];
  readonly locked: readonly number[];
}): Verdict<IoVerdictKind> & { readonly speed: RoundSpeeds } {
  const speed = pairedThroughput(m.one, m.locked, m.threads);
  const T = m.threads;
  if (speed.median >= 1 + PARALLEL_SHARE * (T - 1)) {
    return {
      kind: 'waits-overlap',
      speed,
      text:
        `${T} threads under the GIL did ${T}× the waiting at ${roundsText(speed)} one thread's throughput: ` +
        "a waiting thread releases the lock, so the waits overlapped. That is why Python's threads still help I/O-bound programs.",
    };
  }
  return {
    kind: 'waits-did-not-overlap',
    speed,
    text:
      `${T} threads under the GIL did ${T}× the waiting at only ${roundsText(speed)} one thread's throughput: ` +
      'the waits did not overlap this time (timers fire late on a machine this busy), so this run does not show the claim.',
  };
}

export type RaceVerdictKind = 'updates-lost' | 'none-lost';

/** The thread race's verdict, from the lost updates of each unprotected run. */
export function raceVerdict(m: {
  readonly lost: readonly number[];
  readonly cores: number;
}): Verdict<RaceVerdictKind> {
  const lossy = m.lost.filter((l) => l > 0);
  if (lossy.length > 0) {
    return {
      kind: 'updates-lost',
      text:
        `Unprotected, ${lossy.length} of ${m.lost.length} runs lost updates (up to ` +
        `${Math.max(...lossy).toLocaleString('en-US')}): both threads read the same value, both wrote ` +
        'value + 1, and one increment vanished. The Mutex and Atomics.add versions were exact every time.',
    };
  }
  return {
    kind: 'none-lost',
    text:
      `No update was lost in ${m.lost.length} runs. The race is still there: ` +
      (m.cores < 2
        ? 'this machine has one core, so the threads never ran at the same instant.'
        : 'the operating system happened to run the threads one after the other (a busy machine does that).') +
      ' The Mutex and Atomics.add versions are exact by construction, not by luck.',
  };
}

/** The event-loop race's verdict, from the unprotected and the AsyncMutex runs. */
export function asyncRaceVerdict(m: {
  readonly unsafeLost: number;
  readonly mutexLost: number;
}): Verdict<'updates-lost' | 'none-lost' | 'mutex-lost'> {
  if (m.mutexLost > 0) {
    return {
      kind: 'mutex-lost',
      text: `The AsyncMutex run lost ${m.mutexLost} updates: the fix did not hold.`,
    };
  }
  if (m.unsafeLost > 0) {
    return {
      kind: 'updates-lost',
      text:
        `One thread, and still ${m.unsafeLost.toLocaleString('en-US')} updates lost: every await between ` +
        'reading and writing let the other tasks run, and they wrote back stale values. The AsyncMutex ' +
        'held across the await lost none.',
    };
  }
  return {
    kind: 'none-lost',
    text: 'No update was lost unprotected this time, and none with the AsyncMutex.',
  };
}

/** What the pool lesson measured. */
export interface PoolMeasurements {
  readonly limit: number;
  readonly workersStarted: number;
  readonly maxWorkersSeen: number;
  readonly tasks: number;
  readonly returned: number;
  readonly maxQueued: number;
  readonly elapsedMs: number;
  readonly idealMs: number;
  readonly leftAfterJoin: number;
}

/** The pool lesson's verdict: limit kept, queue used, workers reused, nothing left. */
export function poolVerdict(m: PoolMeasurements): Verdict<'holds' | 'does-not-hold'> {
  const problems: string[] = [];
  if (m.returned !== m.tasks) problems.push(`${m.returned} of ${m.tasks} tasks returned`);
  if (m.maxWorkersSeen > m.limit)
    problems.push(`${m.maxWorkersSeen} workers ran at once, over the limit of ${m.limit}`);
  if (m.leftAfterJoin > 0) problems.push(`${m.leftAfterJoin} workers outlived close() + join()`);
  if (problems.length > 0)
    return { kind: 'does-not-hold', text: `The pool broke its contract: ${problems.join('; ')}.` };
  return {
    kind: 'holds',
    text:
      `${m.workersStarted} workers (limit ${m.limit}) ran all ${m.tasks} tasks, up to ${m.maxQueued} waiting ` +
      `in the queue, each worker reused for about ${(m.tasks / Math.max(1, m.workersStarted)).toFixed(0)}; ` +
      `${(m.elapsedMs / m.idealMs).toFixed(2)}× the ideal time (start-up and one message per task), ` +
      'and nothing left after close() + join().',
  };
}

/** The terminate() lesson's verdict. */
export function terminateVerdict(m: {
  readonly pending: number;
  readonly rejected: number;
  readonly left: number;
}): Verdict<'holds' | 'does-not-hold'> {
  if (m.rejected === m.pending && m.left === 0) {
    return {
      kind: 'holds',
      text: `terminate() rejected all ${m.pending} pending tasks with PoolTerminatedError at once and left no worker: nothing hangs, nothing outlives the pool.`,
    };
  }
  return {
    kind: 'does-not-hold',
    text: `terminate() rejected ${m.rejected} of ${m.pending} pending tasks and left ${m.left} workers: this run contradicts the claim.`,
  };
}

export type CpuVsIoVerdictKind =
  'cpu-gains-from-cores' | 'cpu-no-free-core' | 'io-gains-from-overlap' | 'io-no-gain';

/** A strategy's time (ms) for one workload. */
export interface StrategyTime {
  readonly label: string;
  readonly ms: readonly number[];
}

/**
 * The cpu-vs-io verdict for one workload, from the strategies' times: the first is sequential.
 * CPU-bound work should gain from a pool (cores), not from the event loop; I/O-bound work from the
 * event loop (overlap).
 */
export function cpuVsIoVerdict(
  kind: 'cpu' | 'io',
  rows: readonly StrategyTime[],
  workers: number,
): Verdict<CpuVsIoVerdictKind> {
  const seq = rows[0]!.ms;
  const of = (prefix: string): StrategyTime => rows.find((r) => r.label.startsWith(prefix))!;
  const loop = speedOf(seq, of('event loop').ms);
  const threads = speedOf(seq, of('thread pool').ms);
  const best = rows
    .slice(1)
    .reduce((a, b) => (speedOf(seq, b.ms).ratio > speedOf(seq, a.ms).ratio ? b : a));
  const bestText = `Fastest here: ${best.label} (${speedText(speedOf(seq, best.ms))}).`;
  if (kind === 'cpu') {
    const loopText = `the event loop, one thread, only interleaved the parts (${speedText(loop)})`;
    if (threads.ratio >= 1.2) {
      return {
        kind: 'cpu-gains-from-cores',
        text:
          `CPU-bound: ${loopText}, while the thread pool computed them on several cores at once ` +
          `(${speedText(threads)}; at most ${workers}× with ${workers} workers and ${workers} free cores). ${bestText}`,
      };
    }
    return {
      kind: 'cpu-no-free-core',
      text:
        `CPU-bound: ${loopText}, and the thread pool gained little too (${speedText(threads)}): fewer free ` +
        'cores than workers (a busy machine), or a job too small for start-up and messages to pay off ' +
        `(try --size medium). ${bestText}`,
    };
  }
  if (loop.ratio >= 1.2) {
    return {
      kind: 'io-gains-from-overlap',
      text:
        `I/O-bound: overlapping the waits on the event loop gave ${speedText(loop)} on one thread; ` +
        `pools add start-up and messages but no extra waiting capacity. ${bestText}`,
    };
  }
  return {
    kind: 'io-no-gain',
    text:
      `I/O-bound, yet overlapping on the event loop gave only ${speedText(loop)}: the waits were too short ` +
      `against the work around them on this machine, so this run does not show the gain. ${bestText}`,
  };
}

/** The processes lesson's verdict for one round, from what each task saw of its counter. */
export function copiesVerdict(m: {
  readonly where: 'process' | 'thread';
  readonly values: readonly (readonly number[])[];
  readonly mainCounter: number;
  readonly distinctPids: number;
}): Verdict<'own-copies' | 'not-own-copies'> {
  const own = m.values.every((v) => v.join() === '101,102,103') && m.mainCounter === 100;
  const seen = m.values.map((v) => v.join(', ')).join(' and ');
  if (!own) {
    return {
      kind: 'not-own-copies',
      text: `The tasks saw ${seen} and the main process ${m.mainCounter}: not one copy each, so this run contradicts the claim.`,
    };
  }
  return {
    kind: 'own-copies',
    text:
      m.where === 'process'
        ? `Each task counted ${seen} from its own 100, in ${m.distinctPids} processes, and the main process still has 100: processes share no memory.`
        : `Each task counted ${seen} from its own 100, all in one process (pid shared), and the main thread still has 100: each worker thread loads its own copy of every module.`,
  };
}

/** The shared-memory round's verdict: one counter, every increment landed. */
export function sharedVerdict(m: {
  readonly values: readonly (readonly number[])[];
  readonly final: number;
}): Verdict<'shared' | 'not-shared'> {
  const expected = 100 + m.values.length * 3;
  const seen = m.values.flat().sort((a, b) => a - b);
  const distinct = new Set(seen).size === seen.length;
  if (m.final === expected && distinct) {
    return {
      kind: 'shared',
      text: `Together the tasks saw ${seen.join(', ')} and the counter ends at ${m.final}: one number in shared memory, every increment landed.`,
    };
  }
  return {
    kind: 'not-shared',
    text: `The tasks saw ${seen.join(', ')} and the counter ends at ${m.final}, not ${expected}: this run contradicts the claim.`,
  };
}

/** What cpu_threads_vs_processes.py measured in CPython (ms). */
export interface PythonGilFigures {
  readonly workers: number;
  readonly oneMs: number;
  readonly threadsMs: number;
  readonly processesMs: number;
}

/** Verdict on CPython's thread pool against its process pool, from one run of each. */
export function pythonGilVerdict(m: PythonGilFigures & { readonly cores: number }): Verdict<
  'gil-shown' | 'no-free-core' | 'threads-parallel'
> & {
  readonly threads: Speed;
  readonly processes: Speed;
} {
  const threads = throughput([m.oneMs], [m.threadsMs], m.workers);
  const processes = throughput([m.oneMs], [m.processesMs], m.workers);
  const mid = 1 + PARALLEL_SHARE * (m.workers - 1);
  const T = m.workers;
  if (threads.ratio >= mid) {
    return {
      kind: 'threads-parallel',
      threads,
      processes,
      text: `CPython's ${T} threads reached ${speedText(threads)} one call's throughput: they ran at once, so this interpreter did not serialise them (a free-threaded build does that).`,
    };
  }
  if (processes.ratio >= mid && m.cores >= 2) {
    return {
      kind: 'gil-shown',
      threads,
      processes,
      text: `CPython's ${T} threads gave ${speedText(threads)} one call's throughput (they took turns on the GIL), its ${T} processes ${speedText(processes)} (one interpreter each, at once): the article's point, in CPython itself.`,
    };
  }
  return {
    kind: 'no-free-core',
    threads,
    processes,
    text: `CPython's ${T} threads gave ${speedText(threads)} one call's throughput (they took turns on the GIL), but its ${T} processes also only ${speedText(processes)}: ${m.cores < 2 ? 'one core' : 'the cores were busy with other work'}, so this run cannot show what processes win back.`,
  };
}

/** Verdict on the article's race in CPython, unprotected and with threading.Lock. */
export function pythonRaceVerdict(m: {
  readonly unlockedLost: number;
  readonly lockedLost: number;
}): Verdict<'updates-lost' | 'none-lost' | 'lock-lost'> {
  if (m.lockedLost > 0)
    return {
      kind: 'lock-lost',
      text: `With threading.Lock CPython still lost ${m.lockedLost} updates: the fix did not hold.`,
    };
  if (m.unlockedLost > 0)
    return {
      kind: 'updates-lost',
      text: `CPython lost ${m.unlockedLost.toLocaleString('en-US')} updates unprotected and none with threading.Lock: the GIL does not make \`counter += 1\` safe.`,
    };
  return {
    kind: 'none-lost',
    text:
      'CPython lost no update this time, even unprotected: its GIL hands over between threads only at ' +
      'certain points of the bytecode, so the read and the write of `counter += 1` were not split in ' +
      'this run. The code is still unsafe (nothing in the language promises it, and the free-threaded ' +
      'build runs threads at once); with threading.Lock it is exact by construction.',
  };
}
