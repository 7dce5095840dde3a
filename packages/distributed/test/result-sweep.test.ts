// The sweep reads calls back from Redis only when the result source may really have dropped
// events unread: a reader that keeps up with a stream whose window is shorter than the calls in
// flight must not read every older call back, every time (it did: about 13 HGETALL per job with
// 10,000 calls in flight).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queue } from 'bullmq';
import { JobLostError } from '../src/errors.js';
import type { Call } from '../src/internal/call-state.js';
import { ExecutorCore } from '../src/internal/executor-core.js';
import { ResultHandler } from '../src/internal/executor-results.js';
import type { ResultSource } from '../src/internal/result-source.js';

/** A source whose positions are plain numbers, its reader at `position`, holding from `first`. */
function fakeSource(state: {
  position: number;
  first: number | undefined;
  asked?: (string | undefined)[];
}): ResultSource {
  return {
    start: () => Promise.resolve(),
    get position() {
      return String(state.position);
    },
    readableFrom: (checked) => {
      state.asked?.push(checked);
      return Promise.resolve(state.first === undefined ? undefined : String(state.first));
    },
    compare: (a, b) => Number(a) - Number(b),
    stop: () => Promise.resolve(),
  };
}

function setup(state: {
  position: number;
  first: number | undefined;
  asked?: (string | undefined)[];
}) {
  const core = new ExecutorCore('q', undefined, 'postgres');
  const reads: string[] = [];
  core.bull = {
    getJob: (id: string) => {
      reads.push(id);
      return Promise.resolve(undefined); // gone from Redis
    },
  } as unknown as Queue;
  core.source = fakeSource(state);
  const results = new ResultHandler(core, () => undefined);
  const outcomes = new Map<string, unknown>();
  const addCall = (jobId: string, since: number): void => {
    const call: Call = {
      state: 'queued',
      jobId,
      task: 'm#f',
      data: { weft: 1, module: 'm', export: 'f', args: '' },
      retry: { attempts: 1 },
      options: {},
      resolve: (v) => outcomes.set(jobId, v),
      reject: (e) => outcomes.set(jobId, e),
      inCallerContext: (fn) => fn(),
      since: String(since),
      started: undefined,
      lastSettle: undefined,
      added: true,
      detach: () => undefined,
    };
    core.calls.set(jobId, call);
  };
  return { core, results, reads, outcomes, addCall };
}

describe('the sweep', () => {
  it('reads nothing back while the reader keeps up with a trimmed stream', async () => {
    const state = { position: 100, first: undefined as number | undefined };
    const { results, reads, addCall, core } = setup(state);
    results.begin('100');
    // Calls submitted long ago, far before the stream's window.
    for (let i = 0; i < 50; i++) addCall(`j${i}`, 10 + i);
    // The stream moves on and is trimmed far past those calls, but the reader stays ahead of the
    // trimming: every check finds the first entry at or before the reader's previous position.
    for (const [position, first] of [
      [200, 90],
      [300, 180],
      [400, 290],
    ] as const) {
      state.position = position;
      state.first = first;
      await results.sweep();
    }
    expect(reads).toEqual([]);
    expect(core.calls.size).toBe(50);
  });

  it('reads back the calls older than the window when the trimming passed the reader', async () => {
    const state = { position: 100, first: 90 as number | undefined };
    const { results, reads, addCall, outcomes, core } = setup(state);
    results.begin('100');
    addCall('old', 50);
    addCall('new', 500);
    await results.sweep(); // whole: 90 ≤ 100
    expect(reads).toEqual([]);
    // The reader stalled at 100 (a starved caller) while the stream was trimmed to 400.
    state.first = 400;
    await results.sweep();
    expect(reads).toEqual(['old']);
    expect(outcomes.get('old')).toBeInstanceOf(JobLostError);
    expect(core.calls.has('new')).toBe(true);
  });

  // A source may then answer with any position up to it (PostgreSQL finds one among live rows,
  // where the oldest lies past every row its trimming deleted).
  it('tells the source the position of its last check', async () => {
    const asked: (string | undefined)[] = [];
    const state = { position: 100, first: 90 as number | undefined, asked };
    const { results, addCall } = setup(state);
    results.begin('100');
    addCall('a', 150);
    await results.sweep();
    state.position = 200;
    await results.sweep();
    expect(asked).toEqual(['100', '100']);
    await results.sweep();
    expect(asked).toEqual(['100', '100', '200']);
  });

  it('reads every call back when the stream is gone', async () => {
    const state = { position: 100, first: 90 as number | undefined };
    const { results, reads, addCall } = setup(state);
    results.begin('100');
    addCall('a', 150);
    state.first = undefined;
    await results.sweep();
    expect(reads).toEqual(['a']);
  });

  describe('on a store where a removal leaves no event (PostgreSQL)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('asks which jobs are gone at most once a second, not on every sweep', async () => {
      // Each sweep is 100 ms apart; asking on each one looked every job of a burst up ~35 times.
      vi.useFakeTimers({ toFake: ['performance'] });
      const state = { position: 100, first: 90 as number | undefined };
      const { core, results, addCall } = setup(state);
      const asked: string[][] = [];
      core.source = {
        ...fakeSource(state),
        gone: (ids) => {
          asked.push([...ids]);
          return Promise.resolve([]);
        },
      };
      results.begin('100');
      addCall('a', 150);
      for (let i = 0; i < 5; i++) {
        await results.sweep();
        vi.advanceTimersByTime(100);
      }
      expect(asked).toEqual([['a']]);
      vi.advanceTimersByTime(500);
      await results.sweep();
      expect(asked).toEqual([['a'], ['a']]);
    });
  });
});
