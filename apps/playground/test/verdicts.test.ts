// Verdicts are computed from the measurements they show: injected figures (idle, one core, a busy
// machine, noise) decide each kind, and the text quotes the speeds the page draws.
import { describe, expect, it } from 'vitest';
import {
  asyncRaceVerdict,
  copiesVerdict,
  cpuVsIoVerdict,
  gilVerdict,
  ioVerdict,
  pairedThroughput,
  poolVerdict,
  raceVerdict,
  roundsText,
  sharedVerdict,
  terminateVerdict,
} from '../src/verdicts.js';

const five = (ms: number, jitter = 0): number[] => [0, 1, -1, 2, -2].map((k) => ms + k * jitter);

describe('gilVerdict()', () => {
  it('shows the GIL when locked threads take turns and free threads run at once', () => {
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: five(100),
      locked: five(200),
      free: five(105),
    });
    expect(v.kind).toBe('gil-shown');
    expect(v.locked.median).toBeCloseTo(1, 5);
    expect(v.free.median).toBeCloseTo(200 / 105, 5);
    expect(v.text).toContain('at 1.00× (1.00–1.00× over 5 rounds) one thread');
    expect(v.text).toContain('reached 1.90×');
  });

  it('says honestly that one core cannot show the contrast', () => {
    const v = gilVerdict({
      threads: 2,
      cores: 1,
      one: five(100),
      locked: five(205),
      free: five(200),
    });
    expect(v.kind).toBe('one-core');
    expect(v.text).toContain('one core');
    expect(v.text).toContain('no gain');
  });

  it('says honestly that busy cores cannot show it, with the load average', () => {
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: five(100),
      locked: five(200),
      free: five(190),
      loadAverage: 9.5,
    });
    expect(v.kind).toBe('no-free-core');
    expect(v.text).toContain('load average 9.5 on 2 cores');
    expect(v.text).toContain('cannot show');
  });

  it('does not call free threads parallel when they are barely faster than the locked ones', () => {
    // 1.6× against one thread, but only 1.1× against the lock: not the contrast the claim makes.
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: five(100),
      locked: five(140),
      free: five(125),
    });
    expect(v.kind).not.toBe('gil-shown');
  });

  it('reports a lock that did not serialise rather than claiming the GIL was shown', () => {
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: five(100),
      locked: five(110),
      free: five(105),
    });
    expect(v.kind).toBe('lock-not-serialising');
    expect(v.text).toContain('did not serialise');
  });

  it('keeps its verdict under noisy rounds (±30% jitter, one outlier round)', () => {
    const noisyOne = [100, 130, 70, 95, 240];
    const noisyLocked = [200, 260, 150, 190, 420];
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: noisyOne,
      locked: noisyLocked,
      free: [104, 140, 75, 100, 230],
    });
    expect(v.kind).toBe('gil-shown');
  });

  it('pairs each round with its own one-thread baseline, so one outlier round cannot decide', () => {
    // Round 5's baseline ran while the machine was swamped: by means the lock would look parallel
    // (160 ms against 101 ms per share, 1.58×); round by round it serialised every time.
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: [100, 100, 100, 100, 400],
      locked: [200, 200, 200, 200, 210],
      free: [105, 105, 105, 105, 110],
    });
    expect(v.kind).toBe('gil-shown');
    expect(v.locked.median).toBeCloseTo(1, 5);
  });

  it('quotes the figures it decided on: the median over rounds and their range', () => {
    const v = gilVerdict({
      threads: 2,
      cores: 2,
      one: [100, 120, 110],
      locked: [230, 210, 220],
      free: [110, 115, 120],
    });
    expect(v.locked).toEqual(pairedThroughput([100, 120, 110], [230, 210, 220], 2));
    expect(v.text).toContain("at 1.00× (0.87–1.14× over 3 rounds) one thread's throughput");
    expect(v.text).toContain(roundsText(v.free));
  });
});

describe('ioVerdict()', () => {
  it('sees the waits overlap', () => {
    const v = ioVerdict({ threads: 2, one: five(250), locked: five(260) });
    expect(v.kind).toBe('waits-overlap');
    expect(v.text).toContain(roundsText(v.speed));
  });
  it('says when they did not', () => {
    expect(ioVerdict({ threads: 2, one: five(250), locked: five(480) }).kind).toBe(
      'waits-did-not-overlap',
    );
  });
});

describe('raceVerdict()', () => {
  it('counts the runs that lost updates', () => {
    const v = raceVerdict({ lost: [0, 5, 798_328], cores: 2 });
    expect(v.kind).toBe('updates-lost');
    expect(v.text).toContain('2 of 3 runs lost updates (up to 798,328)');
  });
  it('explains a run that lost none, on one core and on two', () => {
    expect(raceVerdict({ lost: [0, 0, 0], cores: 1 }).text).toContain('one core');
    expect(raceVerdict({ lost: [0, 0, 0], cores: 2 }).kind).toBe('none-lost');
  });
});

describe('asyncRaceVerdict()', () => {
  it('tells the lost updates, and a failed fix', () => {
    expect(asyncRaceVerdict({ unsafeLost: 990, mutexLost: 0 }).text).toContain('990 updates lost');
    expect(asyncRaceVerdict({ unsafeLost: 990, mutexLost: 3 }).kind).toBe('mutex-lost');
    expect(asyncRaceVerdict({ unsafeLost: 0, mutexLost: 0 }).kind).toBe('none-lost');
  });
});

describe('poolVerdict() and terminateVerdict()', () => {
  const ok = {
    limit: 5,
    workersStarted: 5,
    maxWorkersSeen: 5,
    tasks: 20,
    returned: 20,
    maxQueued: 15,
    elapsedMs: 500,
    idealMs: 400,
    leftAfterJoin: 0,
  };
  it('holds when the limit is kept and nothing is left', () => {
    const v = poolVerdict(ok);
    expect(v.kind).toBe('holds');
    expect(v.text).toContain('1.25× the ideal time');
  });
  it('names what broke', () => {
    const v = poolVerdict({ ...ok, maxWorkersSeen: 6, leftAfterJoin: 1 });
    expect(v.kind).toBe('does-not-hold');
    expect(v.text).toContain('6 workers ran at once, over the limit of 5');
  });
  it('judges terminate()', () => {
    expect(terminateVerdict({ pending: 6, rejected: 6, left: 0 }).kind).toBe('holds');
    expect(terminateVerdict({ pending: 6, rejected: 4, left: 0 }).kind).toBe('does-not-hold');
  });
});

describe('cpuVsIoVerdict()', () => {
  const rows = (seq: number, loop: number, threads: number) => [
    { label: 'sequential', ms: [seq] },
    { label: 'event loop (async)', ms: [loop] },
    { label: 'thread pool', ms: [threads] },
    { label: 'process pool', ms: [threads * 1.1] },
  ];
  it('CPU work gaining from cores', () => {
    const v = cpuVsIoVerdict('cpu', rows(400, 400, 220), 2);
    expect(v.kind).toBe('cpu-gains-from-cores');
    expect(v.text).toContain('(1.82×;');
  });
  it('CPU work on a machine with no free core', () => {
    expect(cpuVsIoVerdict('cpu', rows(400, 400, 390), 2).kind).toBe('cpu-no-free-core');
  });
  it('I/O work gaining from overlap, and not', () => {
    expect(cpuVsIoVerdict('io', rows(1600, 40, 90), 2).kind).toBe('io-gains-from-overlap');
    expect(cpuVsIoVerdict('io', rows(40, 39, 45), 2).kind).toBe('io-no-gain');
  });
});

describe('copiesVerdict() and sharedVerdict()', () => {
  it('sees one copy per process, and contradicts a shared one', () => {
    const own = copiesVerdict({
      where: 'process',
      values: [
        [101, 102, 103],
        [101, 102, 103],
      ],
      mainCounter: 100,
      distinctPids: 2,
    });
    expect(own.kind).toBe('own-copies');
    expect(own.text).toContain('in 2 processes');
    const shared = copiesVerdict({
      where: 'thread',
      values: [
        [101, 102, 103],
        [104, 105, 106],
      ],
      mainCounter: 100,
      distinctPids: 1,
    });
    expect(shared.kind).toBe('not-own-copies');
  });
  it('sees one shared counter', () => {
    expect(
      sharedVerdict({
        values: [
          [101, 103, 105],
          [102, 104, 106],
        ],
        final: 106,
      }).kind,
    ).toBe('shared');
    expect(sharedVerdict({ values: [[101, 102, 103]], final: 104 }).kind).toBe('not-shared');
  });
});
