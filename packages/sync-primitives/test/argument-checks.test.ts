// Run-time argument checks: every public constructor and method refuses a wrong type or range from
// plain-JavaScript callers with the package's typed error, before doing any work.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-argument -- the table calls the API as plain JavaScript does, with values its types forbid */
import { describe, expect, it } from 'vitest';
import {
  AsyncBarrier,
  AsyncCondition,
  AsyncEvent,
  AsyncMutex,
  AsyncReadWriteLock,
  AsyncSemaphore,
  AtomicInt32,
  Barrier,
  BoundedSemaphore,
  Condition,
  Connection,
  CountDownLatch,
  Event,
  InvalidArgumentError,
  InvalidBufferError,
  InvalidHandleError,
  JoinableQueue,
  Mutex,
  Pipe,
  Queue,
  ReadWriteLock,
  RecursiveMutex,
  Semaphore,
  SharedArena,
  type SyncPrimitivesError,
  markOwnerDead,
  reviveShared,
  setLongTimeout,
} from '@weft/sync-primitives';

// Values that are never valid options objects.
const NOT_OPTIONS: unknown[] = [1, 'x', true, null, [], () => {}];
// Values that are never valid timeouts.
const NOT_TIMEOUTS: unknown[] = ['5', -1, Number.NaN, null, {}, 5n];
// Values that are never valid counts.
const NOT_COUNTS: unknown[] = ['1', -1, 1.5, Number.NaN, Infinity, null, {}];
const NOT_FUNCTIONS: unknown[] = [1, 'fn', null, {}];

type ErrorClass = abstract new (...args: never[]) => SyncPrimitivesError;
interface Row {
  readonly name: string;
  readonly call: () => unknown;
  readonly error?: ErrorClass | undefined;
}

const rows: Row[] = [];
function add(name: string, bad: unknown[], call: (bad: any) => unknown, error?: ErrorClass): void {
  for (const value of bad) {
    const label = labelOf(value);
    rows.push({ name: `${name} with ${label}`, call: () => call(value), error });
  }
}
const noop = (): void => {};
function labelOf(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
    return `a ${value.constructor.name}(${value.byteLength})`;
  if (value instanceof Mutex || value instanceof AsyncMutex) return `a ${value.constructor.name}`;
  return JSON.stringify(value) ?? String(value);
}

// Options of the waits: a bad options object, and a bad field in a good one.
function waitOptions(name: string, call: (options: any) => unknown): void {
  add(`${name}(options)`, NOT_OPTIONS, call);
  add(`${name}({ timeout })`, NOT_TIMEOUTS, (timeout) => call({ timeout }));
}
function asyncWaitOptions(name: string, call: (options: any) => unknown): void {
  waitOptions(name, call);
  add(`${name}({ signal })`, [{}, 'signal', 1], (signal) => call({ signal }));
}
function acquireOptions(name: string, call: (options: any) => unknown): void {
  waitOptions(name, call);
  add(`${name}({ blocking })`, ['no', 0, null], (blocking) => call({ blocking }));
}

// Placement: every shared constructor.
const placed: [string, (options: any) => unknown][] = [
  ['new Mutex', (o) => new Mutex(o)],
  ['new RecursiveMutex', (o) => new RecursiveMutex(o)],
  ['new Event', (o) => new Event(o)],
  ['new ReadWriteLock', (o) => new ReadWriteLock(o)],
  ['new Condition', (o) => new Condition(undefined, o)],
  ['new Semaphore', (o) => new Semaphore(1, o)],
  ['new BoundedSemaphore', (o) => new BoundedSemaphore(1, o)],
  ['new CountDownLatch', (o) => new CountDownLatch(1, o)],
  ['new AtomicInt32', (o) => new AtomicInt32(0, o)],
  ['new Barrier', (o) => new Barrier(2, o)],
];
for (const [name, make] of placed) {
  add(`${name}(options)`, NOT_OPTIONS, make);
  add(
    `${name}({ buffer })`,
    [new ArrayBuffer(64), 'buffer'],
    (buffer) => make({ buffer }),
    InvalidBufferError,
  );
}

// The lock family: Python-style acquire, guards, and the function-taking forms.
const locks: [string, () => Mutex | RecursiveMutex | Semaphore][] = [
  ['Mutex', () => new Mutex()],
  ['RecursiveMutex', () => new RecursiveMutex()],
  ['Semaphore', () => new Semaphore(1)],
  ['BoundedSemaphore', () => new BoundedSemaphore(1)],
];
for (const [name, make] of locks) {
  acquireOptions(`${name}.acquire`, (o) => make().acquire(o));
  acquireOptions(`${name}.acquireAsync`, (o) => make().acquireAsync(o));
  waitOptions(`${name}.lock`, (o) => make().lock(o));
  asyncWaitOptions(`${name}.lockAsync`, (o) => make().lockAsync(o));
  add(`${name}.withLock(fn)`, NOT_FUNCTIONS, (fn) => make().withLock(fn));
  waitOptions(`${name}.withLock`, (o) => make().withLock(noop, o));
  add(`${name}.withLockAsync(fn)`, NOT_FUNCTIONS, (fn) => make().withLockAsync(fn));
  asyncWaitOptions(`${name}.withLockAsync`, (o) => make().withLockAsync(noop, o));
}
add('new Semaphore(value)', NOT_COUNTS, (v) => new Semaphore(v));
add('new BoundedSemaphore(value)', NOT_COUNTS, (v) => new BoundedSemaphore(v));
add('Semaphore.release(n)', [...NOT_COUNTS, 0], (n) => new Semaphore(0).release(n));

const rw = (): ReadWriteLock => new ReadWriteLock();
for (const side of ['Read', 'Write'] as const) {
  acquireOptions(`ReadWriteLock.acquire${side}`, (o) => rw()[`acquire${side}`](o));
  acquireOptions(`ReadWriteLock.acquire${side}Async`, (o) => rw()[`acquire${side}Async`](o));
  const lower = side === 'Read' ? 'read' : 'write';
  waitOptions(`ReadWriteLock.${lower}Lock`, (o) => rw()[`${lower}Lock`](o));
  asyncWaitOptions(`ReadWriteLock.${lower}LockAsync`, (o) => rw()[`${lower}LockAsync`](o));
  add(`ReadWriteLock.with${side}Lock(fn)`, NOT_FUNCTIONS, (fn) => rw()[`with${side}Lock`](fn));
  waitOptions(`ReadWriteLock.with${side}Lock`, (o) => rw()[`with${side}Lock`](noop, o));
  add(`ReadWriteLock.with${side}LockAsync(fn)`, NOT_FUNCTIONS, (fn) =>
    rw()[`with${side}LockAsync`](fn),
  );
  asyncWaitOptions(`ReadWriteLock.with${side}LockAsync`, (o) =>
    rw()[`with${side}LockAsync`](noop, o),
  );
}

// Condition: the lock API, timeouts as numbers, predicates, notify(n).
const held = (): Condition => {
  const cond = new Condition();
  cond.acquire();
  return cond;
};
add('new Condition(lock)', [1, 'lock', {}, new AsyncMutex()], (lock) => new Condition(lock));
acquireOptions('Condition.acquire', (o) => new Condition().acquire(o));
add('Condition.withLock(fn)', NOT_FUNCTIONS, (fn) => new Condition().withLock(fn));
add('Condition.wait(timeout)', NOT_TIMEOUTS, (t) => held().wait(t));
add('Condition.waitFor(predicate)', NOT_FUNCTIONS, (p) => held().waitFor(p));
add('Condition.waitFor(_, timeout)', NOT_TIMEOUTS, (t) => held().waitFor(() => true, t));
asyncWaitOptions('Condition.waitAsync', (o) => held().waitAsync(o));
add('Condition.waitForAsync(predicate)', NOT_FUNCTIONS, (p) => held().waitForAsync(p));
asyncWaitOptions('Condition.waitForAsync', (o) => held().waitForAsync(() => true, o));
add('Condition.notify(n)', NOT_COUNTS, (n) => held().notify(n));

// Event, CountDownLatch, Barrier.
const setEvent = (): Event => {
  const event = new Event();
  event.set();
  return event;
};
add('Event.wait(timeout)', NOT_TIMEOUTS, (t) => setEvent().wait(t));
asyncWaitOptions('Event.waitAsync', (o) => setEvent().waitAsync(o));
add('new CountDownLatch(count)', NOT_COUNTS, (c) => new CountDownLatch(c));
add('CountDownLatch.wait(timeout)', NOT_TIMEOUTS, (t) => new CountDownLatch(0).wait(t));
asyncWaitOptions('CountDownLatch.waitAsync', (o) => new CountDownLatch(0).waitAsync(o));
add('new Barrier(parties)', [...NOT_COUNTS, 0], (p) => new Barrier(p));
add('new Barrier(_, { action })', NOT_FUNCTIONS, (action) => new Barrier(2, { action }));
add('new Barrier(_, { timeout })', NOT_TIMEOUTS, (timeout) => new Barrier(2, { timeout }));
add('Barrier.from(_, options)', NOT_OPTIONS, (o) => Barrier.from(new Barrier(1).toHandle(), o));
add('Barrier.wait(timeout)', NOT_TIMEOUTS, (t) => new Barrier(1).wait(t));
asyncWaitOptions('Barrier.waitAsync', (o) => new Barrier(1).waitAsync(o));

// AtomicInt32 and SharedArena.
const NOT_INT32: unknown[] = ['1', 1.5, Number.NaN, 2 ** 32, -(2 ** 31) - 1, null, 1n];
add('new AtomicInt32(initial)', NOT_INT32, (v) => new AtomicInt32(v));
for (const method of ['store', 'add', 'sub', 'exchange'] as const) {
  add(`AtomicInt32.${method}(value)`, NOT_INT32, (v) => new AtomicInt32()[method](v));
}
add('AtomicInt32.compareExchange(expected)', NOT_INT32, (v) =>
  new AtomicInt32().compareExchange(v, 1),
);
add('AtomicInt32.compareExchange(_, replacement)', NOT_INT32, (v) =>
  new AtomicInt32().compareExchange(0, v),
);
add(
  'new SharedArena(size)',
  [-1, 1.5, Number.NaN, Infinity, 'x', [], true, null],
  (size) => new SharedArena(size),
);
add(
  'new SharedArena({ buffer })',
  [new ArrayBuffer(64), new SharedArrayBuffer(4), 1],
  (buffer) => new SharedArena({ buffer }),
  InvalidBufferError,
);
add('SharedArena.allocate(byteLength)', [...NOT_COUNTS, 0], (n) =>
  new SharedArena(1024).allocate(n),
);
add('SharedArena.allocate(_, alignment)', [...NOT_COUNTS, 0, 3, 6], (a) =>
  new SharedArena(1024).allocate(8, a),
);

// Queue, JoinableQueue, Pipe.
const filled = (): Queue => {
  const queue = new Queue();
  queue.put(1);
  return queue;
};
add('new Queue(options)', NOT_OPTIONS, (o) => new Queue(o));
add('new Queue({ maxsize })', NOT_COUNTS, (maxsize) => new Queue({ maxsize }));
add('new Queue({ capacityBytes })', NOT_COUNTS, (capacityBytes) => new Queue({ capacityBytes }));
add('new JoinableQueue(options)', NOT_OPTIONS, (o) => new JoinableQueue(o));
waitOptions('Queue.put', (o) => new Queue().put(1, o));
add('Queue.put(_, { block })', ['no', 0, null], (block) => new Queue().put(1, { block }));
asyncWaitOptions('Queue.putAsync', (o) => new Queue().putAsync(1, o));
waitOptions('Queue.get', (o) => filled().get(o));
asyncWaitOptions('Queue.getAsync', (o) => filled().getAsync(o));
waitOptions('JoinableQueue.join', (o) => new JoinableQueue().join(o));
asyncWaitOptions('JoinableQueue.joinAsync', (o) => new JoinableQueue().joinAsync(o));
add('Pipe(options)', NOT_OPTIONS, (o) => Pipe(o));
add('Pipe({ duplex })', ['yes', 1, null], (duplex) => Pipe({ duplex }));
const sent = (): Connection => {
  const [a, b] = Pipe();
  a.send(1);
  return b;
};
waitOptions('Connection.recv', (o) => sent().recv(o));
asyncWaitOptions('Connection.recvAsync', (o) => sent().recvAsync(o));
asyncWaitOptions('Connection.sendAsync', (o) => Pipe()[0].sendAsync(1, o));
add('Connection.poll(timeout)', NOT_TIMEOUTS, (t) => sent().poll(t));
add('new Connection(handle)', [1, {}, null], (h) => new Connection(h), InvalidHandleError);

// The event-loop family.
add('new AsyncSemaphore(value)', NOT_COUNTS, (v) => new AsyncSemaphore(v));
add('new AsyncSemaphore(_, options)', NOT_OPTIONS, (o) => new AsyncSemaphore(1, o));
add(
  'new AsyncSemaphore(_, { bounded })',
  ['yes', 1, null],
  (bounded) => new AsyncSemaphore(1, { bounded }),
);
add('AsyncSemaphore.release(n)', [...NOT_COUNTS, 0], (n) => new AsyncSemaphore(0).release(n));
const asyncLocks: [string, () => AsyncMutex | AsyncSemaphore | AsyncCondition][] = [
  ['AsyncMutex', () => new AsyncMutex()],
  ['AsyncSemaphore', () => new AsyncSemaphore(1)],
  ['AsyncCondition', () => new AsyncCondition()],
];
for (const [name, make] of asyncLocks) {
  acquireOptions(`${name}.acquire`, (o) => make().acquire(o));
  asyncWaitOptions(`${name}.lockAsync`, (o) => make().lockAsync(o));
  add(`${name}.withLockAsync(fn)`, NOT_FUNCTIONS, (fn) => make().withLockAsync(fn));
  asyncWaitOptions(`${name}.withLockAsync`, (o) => make().withLockAsync(noop, o));
}
const arw = (): AsyncReadWriteLock => new AsyncReadWriteLock();
for (const side of ['Read', 'Write'] as const) {
  acquireOptions(`AsyncReadWriteLock.acquire${side}`, (o) => arw()[`acquire${side}`](o));
  const lower = side === 'Read' ? 'read' : 'write';
  asyncWaitOptions(`AsyncReadWriteLock.${lower}LockAsync`, (o) => arw()[`${lower}LockAsync`](o));
  add(`AsyncReadWriteLock.with${side}LockAsync(fn)`, NOT_FUNCTIONS, (fn) =>
    arw()[`with${side}LockAsync`](fn),
  );
  asyncWaitOptions(`AsyncReadWriteLock.with${side}LockAsync`, (o) =>
    arw()[`with${side}LockAsync`](noop, o),
  );
}
const heldAsync = (): AsyncCondition => {
  const cond = new AsyncCondition();
  cond.tryAcquire();
  return cond;
};
add('new AsyncCondition(lock)', [1, 'lock', {}, new Mutex()], (lock) => new AsyncCondition(lock));
asyncWaitOptions('AsyncCondition.wait', (o) => heldAsync().wait(o));
add('AsyncCondition.waitFor(predicate)', NOT_FUNCTIONS, (p) => heldAsync().waitFor(p));
asyncWaitOptions('AsyncCondition.waitFor', (o) => heldAsync().waitFor(() => true, o));
add('AsyncCondition.notify(n)', NOT_COUNTS, (n) => heldAsync().notify(n));
const setAsyncEvent = (): AsyncEvent => {
  const event = new AsyncEvent();
  event.set();
  return event;
};
asyncWaitOptions('AsyncEvent.wait', (o) => setAsyncEvent().wait(o));
add('new AsyncBarrier(parties)', [...NOT_COUNTS, 0], (p) => new AsyncBarrier(p));
add('new AsyncBarrier(_, options)', NOT_OPTIONS, (o) => new AsyncBarrier(2, o));
add('new AsyncBarrier(_, { action })', NOT_FUNCTIONS, (action) => new AsyncBarrier(2, { action }));
asyncWaitOptions('AsyncBarrier.wait', (o) => new AsyncBarrier(1).wait(o));

// Handles and timers.
add('reviveShared(handle)', [1, 'Mutex', null, {}], (h) => reviveShared(h), InvalidHandleError);
add('Mutex.from(handle)', [1, null, {}], (h) => Mutex.from(h), InvalidHandleError);
add('markOwnerDead(threadId)', NOT_COUNTS, (id) => markOwnerDead(id));
add('setLongTimeout(callback)', NOT_FUNCTIONS, (fn) => setLongTimeout(fn, 1));
add('setLongTimeout(_, ms)', ['5', null, {}, 5n], (ms) => setLongTimeout(noop, ms).clear());

/** How a call ended: its error, or a note that it did not throw (in time). */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (!(result instanceof Promise)) return 'returned without an error';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pending = new Promise((resolve) => {
      timer = setTimeout(() => resolve('still pending after 1 s'), 1_000);
    });
    try {
      return await Promise.race([result.then(() => 'resolved without an error'), pending]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    return error;
  }
}

describe('argument checks at run time', () => {
  it.each(rows)('$name throws a typed error', async ({ call, error }) => {
    const got = await outcome(call);
    expect(got).toBeInstanceOf(error ?? InvalidArgumentError);
    // The message says what was given.
    expect((got as Error).message).toMatch(/got /);
  });

  it('covers every kind of argument (a table with hundreds of rows)', () => {
    expect(rows.length).toBeGreaterThan(400);
  });

  it('the same primitives accept good arguments', async () => {
    const mutex = new Mutex();
    expect(mutex.acquire({ blocking: false })).toBe(true);
    mutex.release();
    expect(mutex.withLock(() => 1, { timeout: Infinity })).toBe(1);
    expect(await mutex.withLockAsync(() => 2, { signal: new AbortController().signal })).toBe(2);
    expect(new Barrier(1, { timeout: 10, action: noop }).wait()).toBe(0);
    expect(new AtomicInt32(-(2 ** 31)).add(2 ** 32 - 1)).toBe(-(2 ** 31));
    expect(new SharedArena(64).allocate(8, 8).byteOffset % 8).toBe(0);
    setLongTimeout(noop, Number.NaN).clear(); // NaN and negative delays mean 0, as setTimeout's
  });
});
