// Property-based tests of the event-loop family: random schedules of acquire, release, timeout
// and abort keep each primitive's invariants, grant in FIFO order, and never lose a wake-up
// (nobody is left waiting while the lock could be granted; everything settles at the end).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncCondition,
  AsyncEvent,
  AsyncMutex,
  AsyncReadWriteLock,
  AsyncSemaphore,
  WaitAbortedError,
} from '@weft/sync-primitives';

const RUNS = 60;
const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

type Cmd =
  | {
      readonly op: 'acquire';
      readonly how: 'plain' | 'timeout' | 'abortable' | 'try';
      readonly ms: number;
      readonly write: boolean;
    }
  | { readonly op: 'release'; readonly write: boolean }
  | { readonly op: 'abort'; readonly k: number }
  | { readonly op: 'tick'; readonly ms: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    op: fc.constant('acquire' as const),
    how: fc.constantFrom(
      'plain' as const,
      'timeout' as const,
      'abortable' as const,
      'try' as const,
    ),
    ms: fc.integer({ min: 0, max: 20 }),
    write: fc.boolean(),
  }),
  fc.record({ op: fc.constant('release' as const), write: fc.boolean() }),
  fc.record({ op: fc.constant('abort' as const), k: fc.nat(20) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 15 }) }),
);

interface Pending {
  settled: boolean;
  readonly controller?: AbortController;
}

type AcquireCmd = Extract<Cmd, { readonly op: 'acquire' }>;

/** The options a waiting acquire command asks for, and its record, pushed onto `pending`. */
function startWait(
  c: AcquireCmd,
  pending: Pending[],
): {
  readonly options: { readonly timeout: number } | { readonly signal: AbortSignal } | undefined;
  readonly state: Pending;
} {
  const controller = c.how === 'abortable' ? new AbortController() : undefined;
  const options =
    c.how === 'timeout'
      ? { timeout: c.ms }
      : controller
        ? { signal: controller.signal }
        : undefined;
  const state: Pending = controller ? { settled: false, controller } : { settled: false };
  pending.push(state);
  return { options, state };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Drive a permit-style lock (AsyncMutex = 1 permit, AsyncSemaphore = n) through a schedule. */
async function runPermits(
  lock: {
    acquire(o?: object): Promise<boolean>;
    tryAcquire(): boolean;
    release(): void;
    readonly waiting: number;
  },
  permits: number,
  free: () => number,
  cmds: readonly Cmd[],
): Promise<void> {
  vi.clearAllTimers();
  let holders = 0;
  let nextId = 0;
  const granted: number[] = [];
  const pending: Pending[] = [];
  const check = (): void => {
    expect(holders).toBeLessThanOrEqual(permits);
    expect(free() + holders).toBe(permits);
    if (free() > 0) expect(lock.waiting).toBe(0); // no lost wake-up
  };
  for (const c of cmds) {
    if (c.op === 'acquire') {
      if (c.how === 'try') {
        if (lock.tryAcquire()) holders++;
      } else {
        const id = nextId++;
        const { options, state } = startWait(c, pending);
        lock.acquire(options).then(
          (ok) => {
            state.settled = true;
            if (ok) {
              holders++;
              granted.push(id);
            }
          },
          (error: unknown) => {
            state.settled = true;
            expect(error).toBeInstanceOf(WaitAbortedError);
          },
        );
      }
    } else if (c.op === 'release') {
      if (holders > 0) {
        holders--;
        lock.release();
      }
    } else if (c.op === 'abort') {
      const abortable = pending.filter((p) => !p.settled && p.controller);
      abortable[c.k % Math.max(1, abortable.length)]?.controller?.abort('stop');
    } else {
      await vi.advanceTimersByTimeAsync(c.ms);
    }
    await flush();
    check();
  }
  // Drain: release everything until every waiter has had its turn.
  for (let round = 0; round < pending.length + 2 && pending.some((p) => !p.settled); round++) {
    while (holders > 0) {
      holders--;
      lock.release();
    }
    await flush();
    await vi.advanceTimersByTimeAsync(25);
  }
  while (holders > 0) {
    holders--;
    lock.release();
  }
  await flush();
  expect(pending.every((p) => p.settled)).toBe(true);
  expect(lock.waiting).toBe(0);
  expect(free()).toBe(permits);
  for (let i = 1; i < granted.length; i++) expect(granted[i]!).toBeGreaterThan(granted[i - 1]!); // FIFO
}

describe('event-loop family under random schedules', () => {
  it('AsyncMutex: one holder at most, FIFO grants, no lost wake-up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 40 }), async (cmds) => {
        const mutex = new AsyncMutex();
        await runPermits(mutex, 1, () => (mutex.locked() ? 0 : 1), cmds);
      }),
      { numRuns: RUNS },
    );
  });

  it('AsyncSemaphore: never more holders than permits, FIFO grants, no lost wake-up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(cmd, { maxLength: 40 }),
        async (permits, cmds) => {
          const sem = new AsyncSemaphore(permits);
          await runPermits(sem, permits, () => sem.value, cmds);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('AsyncReadWriteLock: a writer is alone, nobody waits on a free lock, everything settles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 40 }), async (cmds) => {
        vi.clearAllTimers();
        const rw = new AsyncReadWriteLock();
        let readers = 0;
        let writers = 0;
        const pending: Pending[] = [];
        const check = (): void => {
          expect(writers).toBeLessThanOrEqual(1);
          if (writers > 0) expect(readers).toBe(0);
          expect(rw.readers).toBe(readers);
          expect(rw.writeLocked()).toBe(writers === 1);
          if (readers === 0 && writers === 0) expect(rw.waiting).toBe(0);
        };
        const releaseAll = (): void => {
          while (readers > 0) {
            readers--;
            rw.releaseRead();
          }
          if (writers > 0) {
            writers--;
            rw.releaseWrite();
          }
        };
        for (const c of cmds) {
          if (c.op === 'acquire') {
            if (c.how === 'try') {
              if (c.write ? rw.tryAcquireWrite() : rw.tryAcquireRead()) {
                if (c.write) writers++;
                else readers++;
              }
            } else {
              const { options, state } = startWait(c, pending);
              (c.write ? rw.acquireWrite(options) : rw.acquireRead(options)).then(
                (ok) => {
                  state.settled = true;
                  if (ok && c.write) writers++;
                  else if (ok) readers++;
                },
                () => {
                  state.settled = true;
                },
              );
            }
          } else if (c.op === 'release') {
            if (c.write && writers > 0) {
              writers--;
              rw.releaseWrite();
            } else if (!c.write && readers > 0) {
              readers--;
              rw.releaseRead();
            }
          } else if (c.op === 'abort') {
            const abortable = pending.filter((p) => !p.settled && p.controller);
            abortable[c.k % Math.max(1, abortable.length)]?.controller?.abort();
          } else {
            await vi.advanceTimersByTimeAsync(c.ms);
          }
          await flush();
          check();
        }
        for (
          let round = 0;
          round < pending.length + 2 && pending.some((p) => !p.settled);
          round++
        ) {
          releaseAll();
          await flush();
          await vi.advanceTimersByTimeAsync(25);
        }
        releaseAll();
        await flush();
        expect(pending.every((p) => p.settled)).toBe(true);
        expect(rw.waiting).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('AsyncEvent: a set() reaches every waiter pending at that moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('wait', 'waitTimeout', 'set', 'clear', 'tick'), { maxLength: 40 }),
        async (ops) => {
          vi.clearAllTimers();
          const event = new AsyncEvent();
          const results: { value?: boolean; setWhilePending: boolean }[] = [];
          for (const op of ops) {
            if (op === 'wait' || op === 'waitTimeout') {
              const r: { value?: boolean; setWhilePending: boolean } = {
                setWhilePending: event.isSet(),
              };
              results.push(r);
              void event
                .wait(op === 'waitTimeout' ? { timeout: 5 } : undefined)
                .then((v) => (r.value = v));
            } else if (op === 'set') {
              for (const r of results) if (r.value === undefined) r.setWhilePending = true;
              event.set();
            } else if (op === 'clear') {
              event.clear();
            } else {
              await vi.advanceTimersByTimeAsync(3);
            }
            await flush();
            if (event.isSet()) expect(event.waiting).toBe(0);
          }
          event.set();
          await flush();
          for (const r of results) {
            expect(r.value).toBeDefined();
            if (r.setWhilePending && r.value === false)
              expect.unreachable('a waiter pending at set() timed out');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('AsyncCondition: notify(n) wakes min(n, waiting) waiters, none is lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(-1), fc.constant(-2), fc.integer({ min: 0, max: 3 })), {
          maxLength: 30,
        }),
        async (ops) => {
          vi.clearAllTimers();
          const cond = new AsyncCondition();
          let woken = 0;
          let parked = 0;
          const tasks: Promise<void>[] = [];
          for (const op of ops) {
            if (op === -1) {
              parked++;
              tasks.push(
                (async () => {
                  await cond.lock.acquire();
                  if (await cond.wait()) woken++;
                  cond.lock.release();
                })(),
              );
            } else {
              const before = woken;
              const waitingNow = cond.waiting;
              await cond.lock.acquire();
              if (op === -2) cond.notifyAll();
              else cond.notify(op);
              cond.lock.release();
              await flush();
              const expected = op === -2 ? waitingNow : Math.min(op, waitingNow);
              expect(woken - before).toBe(expected);
            }
            await flush();
            expect(cond.waiting + woken).toBe(parked);
          }
          await cond.lock.acquire();
          cond.notifyAll();
          cond.lock.release();
          await Promise.all(tasks);
          expect(woken).toBe(parked);
          expect(cond.lock.locked()).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
