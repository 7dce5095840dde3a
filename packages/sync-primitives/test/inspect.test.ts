// util.inspect: every primitive prints its state, Python-repr style, read from shared memory so
// that a worker that revived it prints the same as the thread that made it.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as api from '@weft/sync-primitives';
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
  CountDownLatch,
  Event,
  JoinableQueue,
  Mutex,
  Pipe,
  Queue,
  ReadWriteLock,
  RecursiveMutex,
  Semaphore,
  SharedArena,
  type SharedPrimitive,
} from '@weft/sync-primitives';
import { startWorker } from './helpers.js';

/** Shared primitives in a known, non-trivial state, with what inspect must print for each. */
function sharedInStates(): Record<string, { value: SharedPrimitive; shows: string }> {
  const mutex = new Mutex();
  mutex.acquire();
  const rmutex = new RecursiveMutex();
  rmutex.acquire();
  rmutex.acquire();
  const bounded = new BoundedSemaphore(3);
  bounded.acquire();
  const event = new Event();
  event.set();
  const latch = new CountDownLatch(3);
  latch.countDown();
  const readers = new ReadWriteLock();
  readers.acquireRead();
  readers.acquireRead();
  const writer = new ReadWriteLock();
  writer.acquireWrite();
  const queue = new Queue({ maxsize: 5 });
  queue.put('a');
  queue.put('b');
  const jobs = new JoinableQueue();
  jobs.put(1);
  jobs.put(2);
  jobs.get();
  const closed = new Queue();
  closed.close();
  const [end] = Pipe({ duplex: false });
  const broken = new Barrier(2);
  broken.abort();
  return {
    mutex: { value: mutex, shows: 'Mutex [locked, owner=0]' },
    free: { value: new Mutex(), shows: 'Mutex [unlocked]' },
    rmutex: { value: rmutex, shows: 'RecursiveMutex [locked, owner=0, count=2]' },
    semaphore: { value: new Semaphore(4), shows: 'Semaphore [value=4]' },
    bounded: { value: bounded, shows: 'BoundedSemaphore [value=2/3]' },
    condition: { value: new Condition(mutex), shows: 'Condition [lock=Mutex [locked, owner=0]]' },
    event: { value: event, shows: 'Event [set]' },
    unset: { value: new Event(), shows: 'Event [unset]' },
    barrier: {
      value: new Barrier(3, { timeout: 5000 }),
      shows: 'Barrier [waiters=0/3, timeout=5000]',
    },
    broken: { value: broken, shows: 'Barrier [broken, parties=2]' },
    latch: { value: latch, shows: 'CountDownLatch [count=2]' },
    readers: { value: readers, shows: 'ReadWriteLock [readers=2]' },
    writer: { value: writer, shows: 'ReadWriteLock [write-locked, owner=0]' },
    atomic: { value: new AtomicInt32(-7), shows: 'AtomicInt32 [-7]' },
    queue: { value: queue, shows: 'Queue [size=2, maxsize=5]' },
    jobs: { value: jobs, shows: 'JoinableQueue [size=1, unfinished=2]' },
    closed: { value: closed, shows: 'Queue [size=0, closed]' },
    end: { value: end, shows: 'Connection [readable]' },
  };
}

describe('util.inspect', () => {
  it('shows each shared primitive’s state', () => {
    for (const [key, { value, shows }] of Object.entries(sharedInStates())) {
      expect(`${key}: ${inspect(value)}`).toBe(`${key}: ${shows}`);
    }
  });

  it('reads the state when printed, not when made', () => {
    const mutex = new Mutex();
    const revived = Mutex.from(mutex.toHandle());
    expect(inspect(revived)).toBe('Mutex [unlocked]');
    mutex.acquire();
    expect(inspect(revived)).toBe('Mutex [locked, owner=0]');
    mutex.release();
    const counter = new AtomicInt32();
    counter.add(3);
    expect(inspect(AtomicInt32.from(counter.toHandle()))).toBe('AtomicInt32 [3]');
  });

  it('shows the event-loop family’s state and waiters', async () => {
    const mutex = new AsyncMutex();
    await mutex.acquire();
    const waiting = mutex.acquire();
    expect(inspect(mutex)).toBe('AsyncMutex [locked, waiters=1]');
    mutex.release();
    await waiting;
    mutex.release();
    expect(inspect(new AsyncSemaphore(2, { bounded: true }))).toBe('AsyncSemaphore [value=2/2]');
    expect(inspect(new AsyncSemaphore(0))).toBe('AsyncSemaphore [value=0]');
    const rw = new AsyncReadWriteLock();
    await rw.acquireRead();
    expect(inspect(rw)).toBe('AsyncReadWriteLock [readers=1]');
    const cond = new AsyncCondition();
    expect(inspect(cond)).toBe('AsyncCondition [lock=AsyncMutex [unlocked]]');
    const event = new AsyncEvent();
    const pending = event.wait();
    expect(inspect(event)).toBe('AsyncEvent [unset, waiters=1]');
    event.set();
    await pending;
    expect(inspect(event)).toBe('AsyncEvent [set]');
    const barrier = new AsyncBarrier(2, { timeout: 100 });
    expect(inspect(barrier)).toBe('AsyncBarrier [waiters=0/2, timeout=100]');
    barrier.abort();
    expect(inspect(barrier)).toBe('AsyncBarrier [broken, parties=2, timeout=100]');
    expect(inspect(new SharedArena(64))).toMatch(/^SharedArena \[used=\d+, remaining=\d+\]$/);
  });

  it('nests inside other values as one line', () => {
    expect(inspect({ lock: new Mutex() })).toBe('{ lock: Mutex [unlocked] }');
  });

  it('keeps every class’s own name in the build (tsup keepNames)', () => {
    for (const [name, value] of Object.entries(api)) {
      if (typeof value === 'function' && /^[A-Z]/.test(name)) {
        expect((value as { name: string }).name).toBe(name);
      }
    }
  });

  it('prints the same in a worker thread that revived the same objects', async () => {
    const states = sharedInStates();
    const waiting = new Barrier(2);
    const parked = waiting.waitAsync(); // one waiter, seen by the worker through shared memory
    const all = { ...states, waiting: { value: waiting, shows: 'Barrier [waiters=1/2]' } };
    const handles = Object.fromEntries(
      Object.entries(all).map(([key, { value }]) => [key, value.toHandle()]),
    );
    const printed = (await startWorker({ scenario: 'inspectAll', handles }).result) as Record<
      string,
      string
    >;
    for (const [key, { value, shows }] of Object.entries(all)) {
      expect(`${key}: ${printed[key]}`).toBe(`${key}: ${inspect(value)}`);
      expect(`${key}: ${printed[key]}`).toBe(`${key}: ${shows}`);
    }
    waiting.abort();
    await expect(parked).rejects.toMatchObject({ code: 'ERR_WEFT_BARRIER_BROKEN' });
  });
});
