// Timeouts above 2^31 - 1 ms on the event-loop family. Node's setTimeout turns such a delay into
// 1 ms; vitest's fake timers do the same, so these tests fail on a primitive that arms a plain
// setTimeout and pass only when the whole timeout is waited.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncBarrier,
  AsyncCondition,
  AsyncEvent,
  AsyncMutex,
  AsyncReadWriteLock,
  AsyncSemaphore,
  BrokenBarrierError,
} from '@weft/sync-primitives';

/** One timed wait: `start(timeout)` begins a wait that can only end by timing out. */
interface TimedWait {
  readonly name: string;
  readonly start: (timeout: number) => Promise<unknown>;
  /** What the wait settles with once the timeout passed. */
  readonly timedOut: (outcome: Settled) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const resolvesFalse = (outcome: Settled): void =>
  expect(outcome).toEqual({ ok: true, value: false });

const waits: TimedWait[] = [
  {
    name: 'AsyncMutex.acquire',
    start: async (timeout) => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      return mutex.acquire({ timeout });
    },
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncMutex.lockAsync',
    start: async (timeout) => {
      const mutex = new AsyncMutex();
      await mutex.acquire();
      return mutex.lockAsync({ timeout });
    },
    timedOut: (outcome) =>
      expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_WEFT_LOCK_TIMEOUT' } }),
  },
  {
    name: 'AsyncSemaphore.acquire',
    start: (timeout) => new AsyncSemaphore(0).acquire({ timeout }),
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncReadWriteLock.acquireRead',
    start: async (timeout) => {
      const rw = new AsyncReadWriteLock();
      await rw.acquireWrite();
      return rw.acquireRead({ timeout });
    },
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncReadWriteLock.acquireWrite',
    start: async (timeout) => {
      const rw = new AsyncReadWriteLock();
      await rw.acquireRead();
      return rw.acquireWrite({ timeout });
    },
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncCondition.wait',
    start: async (timeout) => {
      const cond = new AsyncCondition();
      await cond.lock.acquire();
      return cond.wait({ timeout });
    },
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncCondition.waitFor',
    start: async (timeout) => {
      const cond = new AsyncCondition();
      await cond.lock.acquire();
      return cond.waitFor(() => false, { timeout });
    },
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncEvent.wait',
    start: (timeout) => new AsyncEvent().wait({ timeout }),
    timedOut: resolvesFalse,
  },
  {
    name: 'AsyncBarrier.wait',
    start: (timeout) => new AsyncBarrier(2).wait({ timeout }),
    timedOut: (outcome) => {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(BrokenBarrierError);
    },
  },
];

// The waits and setLongTimeout's steps compute deadlines on performance.now(): fake it with the
// timers (and Date, so nothing reads a real clock while time is fake).
const FAKE: Parameters<typeof vi.useFakeTimers>[0] = {
  toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'],
};

/** Start a wait and record how it settles, without awaiting it. */
function track(promise: Promise<unknown>): { settled: Settled | undefined } {
  const state: { settled: Settled | undefined } = { settled: undefined };
  promise.then(
    (value) => (state.settled = { ok: true, value }),
    (error: unknown) => (state.settled = { ok: false, error }),
  );
  return state;
}

describe('event-loop primitives honour timeouts above 2^31 - 1 ms', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // 2^31 is the first value Node clamps; MAX_SAFE_INTEGER is the largest the issue names;
  // Number.MAX_VALUE is the largest finite timeout every one of them accepts.
  describe.each(waits)('$name', ({ start, timedOut }) => {
    it.each([2 ** 31, 2 ** 40])('waits the whole %d ms, then times out', async (timeout) => {
      vi.useFakeTimers(FAKE);
      const wait = track(start(timeout));
      await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
      expect(wait.settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(timeout - (2 ** 31 - 1) - 1);
      expect(wait.settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(wait.settled).toBeDefined();
      timedOut(wait.settled!);
    });

    it.each([Number.MAX_SAFE_INTEGER, Number.MAX_VALUE])(
      'is still waiting after 2^33 ms with timeout %d',
      async (timeout) => {
        vi.useFakeTimers(FAKE);
        const wait = track(start(timeout));
        await vi.advanceTimersByTimeAsync(2 ** 33);
        expect(wait.settled).toBeUndefined();
      },
    );
  });
});
