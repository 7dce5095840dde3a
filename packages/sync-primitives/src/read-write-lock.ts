// ReadWriteLock: many readers or one writer, across threads. Writer preference: once a writer
// waits, new readers queue behind it, so writers don't starve. Waiters register in PARKED before
// rechecking and park on a sequence word that releases bump only when someone is parked; with
// sequentially consistent Atomics that cannot lose a wake-up.
import { defineInspect, showState, ownerPart } from './internal/inspect.js';
import {
  AbandonedLockError,
  LockNotHeldError,
  LockNotOwnedError,
  LockTimeoutError,
} from './errors.js';
import { Guard, runGuarded, runGuardedAsync, type LockGuard, type Releasable } from './guard.js';
import { SPIN } from './internal/futex.js';
import { runAsync, runSync, type Slow } from './internal/park.js';
import { place, type Placed } from './internal/placement.js';
import { OWNER_TAG } from './internal/thread.js';
import { brand, trackLock } from './internal/tracking.js';
import {
  acquireDeadline,
  checkFunction,
  checkLiveSignal,
  waitDeadline,
} from './internal/validate.js';
import type {
  AcquireOptions,
  AsyncAcquireOptions,
  AsyncWaitOptions,
  LockOptions,
  PlacementOptions,
} from './options.js';
import { makeHandle, openHandle, type SharedHandle } from './shared-handle.js';

const STATE = 0; // WRITER bit | reader count
const WAITING_WRITERS = 1;
const PARKED = 2;
const SEQ = 3;
const OWNER = 4;
const ABANDONED = 5;
const WRITER = 1 << 30;

function tryRead(s: Int32Array): boolean {
  let v = Atomics.load(s, STATE);
  while ((v & WRITER) === 0 && Atomics.load(s, WAITING_WRITERS) === 0) {
    const seen = Atomics.compareExchange(s, STATE, v, v + 1);
    if (seen === v) return true;
    v = seen;
  }
  return false;
}

function tryWrite(s: Int32Array): boolean {
  if (Atomics.compareExchange(s, STATE, 0, WRITER) !== 0) return false;
  s[OWNER] = OWNER_TAG;
  return true;
}

/** Short spins before parking, as in the Mutex. */
function spinRead(s: Int32Array): boolean {
  for (let i = 0; i < SPIN; i++) if (tryRead(s)) return true;
  return false;
}

function spinWrite(s: Int32Array): boolean {
  for (let i = 0; i < SPIN; i++) if (Atomics.load(s, STATE) === 0 && tryWrite(s)) return true;
  return false;
}

function wakeAll(s: Int32Array): void {
  if (Atomics.load(s, PARKED) > 0) {
    Atomics.add(s, SEQ, 1);
    Atomics.notify(s, SEQ);
  }
}

function* readSlow(s: Int32Array): Slow<boolean> {
  for (;;) {
    const seq = Atomics.load(s, SEQ);
    Atomics.add(s, PARKED, 1);
    let r;
    try {
      if (tryRead(s)) return true;
      r = yield { i32: s, index: SEQ, expected: seq, swallowed: noop };
    } finally {
      Atomics.sub(s, PARKED, 1);
    }
    if (r === 'timed-out') return tryRead(s);
    if (spinRead(s)) return true;
  }
}

function* writeSlow(s: Int32Array): Slow<boolean> {
  Atomics.add(s, WAITING_WRITERS, 1);
  let won = false;
  try {
    for (;;) {
      const seq = Atomics.load(s, SEQ);
      Atomics.add(s, PARKED, 1);
      let r;
      try {
        if (tryWrite(s)) return (won = true);
        r = yield { i32: s, index: SEQ, expected: seq, swallowed: noop };
      } finally {
        Atomics.sub(s, PARKED, 1);
      }
      if (r === 'timed-out') return (won = tryWrite(s));
      if (spinWrite(s)) return (won = true);
    }
  } finally {
    Atomics.sub(s, WAITING_WRITERS, 1);
    // A writer that gave up may have been the only thing holding readers back.
    if (!won) wakeAll(s);
  }
}

function noop(): void {}

/**
 * A lock shared by threads that admits many readers or one writer. Writers don't starve: while a
 * writer waits, new readers wait too. Neither side is reentrant (a reader that reads again while a
 * writer waits deadlocks). The writer's thread is tracked (`owner()`, abandoned-lock detection);
 * readers are only counted.
 *
 * @example
 * ```ts
 * import { ReadWriteLock } from '@weft/sync-primitives';
 * const rw = new ReadWriteLock();
 * const value = rw.withReadLock(() => table.get(key));
 * rw.withWriteLock(() => table.set(key, value + 1));
 * ```
 */
export class ReadWriteLock {
  /** Bytes one ReadWriteLock occupies in a shared buffer. */
  static readonly byteLength: number = 24;

  readonly #placed: Placed;
  readonly #s: Int32Array;
  readonly #reader: Releasable = { release: () => this.releaseRead() };
  readonly #writer: Releasable = { release: () => this.releaseWrite() };

  /**
   * Create a read-write lock.
   *
   * @param options - Where to place it; see {@link PlacementOptions}.
   * @throws {@link InvalidBufferError} for a bad region.
   */
  constructor(options?: PlacementOptions) {
    this.#placed = place(options, ReadWriteLock.byteLength, 'ReadWriteLock');
    this.#s = this.#placed.i32;
    brand(this);
    trackLock(this, ReadWriteLock.#markDead);
  }

  static #markDead(l: ReadWriteLock, tag: number): boolean {
    const s = l.#s;
    if (s[OWNER] !== tag || (Atomics.load(s, STATE) & WRITER) === 0) return false;
    Atomics.store(s, ABANDONED, tag);
    s[OWNER] = 0;
    Atomics.store(s, STATE, 0);
    wakeAll(s);
    return true;
  }

  /**
   * Revive a read-write lock from a handle made in another thread.
   *
   * @param handle - What `toHandle()` returned.
   * @returns The same lock.
   * @throws {@link InvalidHandleError} if it is not a ReadWriteLock handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = ReadWriteLock.from(workerData.rw);
   * ```
   */
  static from(handle: SharedHandle): ReadWriteLock {
    const p = openHandle(handle, 'ReadWriteLock', ReadWriteLock.byteLength);
    return new ReadWriteLock({ buffer: p.buffer, byteOffset: p.byteOffset });
  }

  /**
   * Describe this lock as a structured-clonable handle.
   *
   * @returns The handle.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * worker.postMessage(new ReadWriteLock().toHandle());
   * ```
   */
  toHandle(): SharedHandle {
    return makeHandle('ReadWriteLock', this.#placed);
  }

  #tookWrite(raise: boolean): boolean {
    const s = this.#s;
    if (s[ABANDONED] === 0) return false;
    const tag = Atomics.exchange(s, ABANDONED, 0);
    if (tag === 0) return false;
    if (raise) {
      throw new AbandonedLockError(
        `ReadWriteLock: the previous writer (thread ${tag - 1}) exited while holding the write lock; you hold it now`,
        tag - 1,
      );
    }
    return true;
  }

  /**
   * Take a read lock, Python style.
   *
   * @param options - `{ blocking: false }` or `{ timeout }` in ms.
   * @returns `true` if taken, `false` if not.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * if (rw.acquireRead({ timeout: 100 })) rw.releaseRead();
   * ```
   */
  acquireRead(options?: AcquireOptions): boolean {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'ReadWriteLock.acquireRead');
    if (tryRead(this.#s)) return true;
    if (deadline === -Infinity) return false;
    return spinRead(this.#s) || runSync(readSlow(this.#s), deadline);
  }

  /**
   * Take a read lock if no writer holds or waits for the lock.
   *
   * @returns Whether it was taken.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * console.log(new ReadWriteLock().tryAcquireRead()); // true
   * ```
   */
  tryAcquireRead(): boolean {
    return tryRead(this.#s);
  }

  /**
   * Release a read lock.
   *
   * @throws {@link LockNotHeldError} if no read lock is held.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * rw.acquireRead();
   * rw.releaseRead();
   * ```
   */
  releaseRead(): void {
    const s = this.#s;
    let v = Atomics.load(s, STATE);
    for (;;) {
      if ((v & WRITER) !== 0 || v === 0) {
        throw new LockNotHeldError(
          `ReadWriteLock.releaseRead: no read lock is held (${(v & WRITER) !== 0 ? 'a writer holds it' : 'it is free'})`,
        );
      }
      const seen = Atomics.compareExchange(s, STATE, v, v - 1);
      if (seen === v) break;
      v = seen;
    }
    if (v === 1) wakeAll(s);
  }

  /**
   * Take the write lock, Python style.
   *
   * @param options - `{ blocking: false }` or `{ timeout }` in ms.
   * @returns `true` if taken, `false` if not.
   * @throws {@link AbandonedLockError} when the previous writer died holding it (you hold it now).
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * if (rw.acquireWrite({ timeout: 100 })) rw.releaseWrite();
   * ```
   */
  acquireWrite(options?: AcquireOptions): boolean {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'ReadWriteLock.acquireWrite');
    if (
      !tryWrite(this.#s) &&
      (deadline === -Infinity || (!spinWrite(this.#s) && !runSync(writeSlow(this.#s), deadline)))
    ) {
      return false;
    }
    this.#tookWrite(true);
    return true;
  }

  /**
   * Take the write lock if the lock is free.
   *
   * @returns Whether it was taken.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * console.log(new ReadWriteLock().tryAcquireWrite()); // true
   * ```
   */
  tryAcquireWrite(): boolean {
    if (!tryWrite(this.#s)) return false;
    this.#tookWrite(true);
    return true;
  }

  /**
   * Release the write lock.
   *
   * @throws {@link LockNotHeldError} if it is not write-locked; {@link LockNotOwnedError} if
   *   another thread holds it.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * rw.acquireWrite();
   * rw.releaseWrite();
   * ```
   */
  releaseWrite(): void {
    const s = this.#s;
    if ((Atomics.load(s, STATE) & WRITER) === 0) {
      throw new LockNotHeldError('ReadWriteLock.releaseWrite: the write lock is not held');
    }
    if (s[OWNER] !== OWNER_TAG) {
      throw new LockNotOwnedError(
        `ReadWriteLock.releaseWrite: thread ${OWNER_TAG - 1} does not hold the write lock (writer: thread ${String(this.owner())})`,
      );
    }
    s[OWNER] = 0;
    Atomics.store(s, STATE, 0);
    wakeAll(s);
  }

  /**
   * Take a read lock and return a guard for `using`.
   *
   * @param options - `{ timeout }` in ms.
   * @returns The guard.
   * @throws {@link LockTimeoutError} on timeout.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * { using reading = rw.readLock(); }
   * ```
   */
  readLock(options?: LockOptions): LockGuard {
    if (options !== undefined) waitDeadline(options, 'ReadWriteLock.readLock');
    if (
      !this.acquireRead(
        options === undefined ? undefined : { timeout: options.timeout ?? Infinity },
      )
    ) {
      throw new LockTimeoutError(
        `ReadWriteLock.readLock: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#reader, false);
  }

  /**
   * Take the write lock and return a guard for `using`.
   *
   * @param options - `{ timeout }` in ms.
   * @returns The guard; `abandoned` tells whether the previous writer died holding it.
   * @throws {@link LockTimeoutError} on timeout.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * { using writing = rw.writeLock(); }
   * ```
   */
  writeLock(options?: LockOptions): LockGuard {
    const deadline =
      options === undefined ? Infinity : waitDeadline(options, 'ReadWriteLock.writeLock');
    if (!tryWrite(this.#s) && !spinWrite(this.#s) && !runSync(writeSlow(this.#s), deadline)) {
      throw new LockTimeoutError(
        `ReadWriteLock.writeLock: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#writer, this.#tookWrite(false));
  }

  /**
   * Run `fn` holding a read lock.
   *
   * @param fn - The reading section.
   * @param options - `{ timeout }` in ms.
   * @returns What `fn` returned.
   * @throws {@link LockTimeoutError}; what `fn` throws.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * new ReadWriteLock().withReadLock(() => 1);
   * ```
   */
  withReadLock<T>(fn: (guard: LockGuard) => T, options?: LockOptions): T {
    checkFunction(fn, 'ReadWriteLock.withReadLock: fn');
    return runGuarded(this.readLock(options), fn);
  }

  /**
   * Run `fn` holding the write lock.
   *
   * @param fn - The writing section.
   * @param options - `{ timeout }` in ms.
   * @returns What `fn` returned.
   * @throws {@link LockTimeoutError}; what `fn` throws.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * new ReadWriteLock().withWriteLock(() => 1);
   * ```
   */
  withWriteLock<T>(fn: (guard: LockGuard) => T, options?: LockOptions): T {
    checkFunction(fn, 'ReadWriteLock.withWriteLock: fn');
    return runGuarded(this.writeLock(options), fn);
  }

  /**
   * Take a read lock without blocking the event loop.
   *
   * @param options - `blocking`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * if (await rw.acquireReadAsync()) rw.releaseRead();
   * ```
   */
  async acquireReadAsync(options?: AsyncAcquireOptions): Promise<boolean> {
    const deadline =
      options === undefined ? Infinity : acquireDeadline(options, 'ReadWriteLock.acquireReadAsync');
    const signal = checkLiveSignal(options?.signal, 'ReadWriteLock.acquireReadAsync');
    if (tryRead(this.#s)) return true;
    if (deadline === -Infinity) return false;
    return spinRead(this.#s) || runAsync(readSlow(this.#s), deadline, signal);
  }

  /**
   * Take the write lock without blocking the event loop.
   *
   * @param options - `blocking`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort; {@link AbandonedLockError}.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * if (await rw.acquireWriteAsync()) rw.releaseWrite();
   * ```
   */
  async acquireWriteAsync(options?: AsyncAcquireOptions): Promise<boolean> {
    const deadline =
      options === undefined
        ? Infinity
        : acquireDeadline(options, 'ReadWriteLock.acquireWriteAsync');
    const signal = checkLiveSignal(options?.signal, 'ReadWriteLock.acquireWriteAsync');
    if (!tryWrite(this.#s)) {
      if (
        deadline === -Infinity ||
        (!spinWrite(this.#s) && !(await runAsync(writeSlow(this.#s), deadline, signal)))
      )
        return false;
    }
    this.#tookWrite(true);
    return true;
  }

  /**
   * Take a read lock without blocking the event loop; the guard is for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * { await using reading = await rw.readLockAsync(); }
   * ```
   */
  async readLockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    const deadline = waitDeadline(options, 'ReadWriteLock.readLockAsync');
    const signal = checkLiveSignal(options?.signal, 'ReadWriteLock.readLockAsync');
    if (
      !tryRead(this.#s) &&
      !spinRead(this.#s) &&
      !(await runAsync(readSlow(this.#s), deadline, signal))
    ) {
      throw new LockTimeoutError(
        `ReadWriteLock.readLockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#reader, false);
  }

  /**
   * Take the write lock without blocking the event loop; the guard is for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * const rw = new ReadWriteLock();
   * { await using writing = await rw.writeLockAsync(); }
   * ```
   */
  async writeLockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    const deadline = waitDeadline(options, 'ReadWriteLock.writeLockAsync');
    const signal = checkLiveSignal(options?.signal, 'ReadWriteLock.writeLockAsync');
    if (
      !tryWrite(this.#s) &&
      !spinWrite(this.#s) &&
      !(await runAsync(writeSlow(this.#s), deadline, signal))
    ) {
      throw new LockTimeoutError(
        `ReadWriteLock.writeLockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#writer, this.#tookWrite(false));
  }

  /**
   * Run `fn` (sync or async) holding a read lock taken without blocking the event loop.
   *
   * @param fn - The reading section.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * await new ReadWriteLock().withReadLockAsync(async () => 1);
   * ```
   */
  async withReadLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'ReadWriteLock.withReadLockAsync: fn');
    return runGuardedAsync(await this.readLockAsync(options), fn);
  }

  /**
   * Run `fn` (sync or async) holding the write lock taken without blocking the event loop.
   *
   * @param fn - The writing section.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * await new ReadWriteLock().withWriteLockAsync(async () => 1);
   * ```
   */
  async withWriteLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'ReadWriteLock.withWriteLockAsync: fn');
    return runGuardedAsync(await this.writeLockAsync(options), fn);
  }

  /** How many readers hold the lock now. */
  get readers(): number {
    const v = Atomics.load(this.#s, STATE);
    return (v & WRITER) === 0 ? v : 0;
  }

  /**
   * Whether a writer holds the lock.
   *
   * @returns `true` if write-locked.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * console.log(new ReadWriteLock().writeLocked()); // false
   * ```
   */
  writeLocked(): boolean {
    return (Atomics.load(this.#s, STATE) & WRITER) !== 0;
  }

  /**
   * The writer's `threadId`, for debugging.
   *
   * @returns The `threadId` of the thread holding the write lock, or `undefined`.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * console.log(new ReadWriteLock().owner()); // undefined
   * ```
   */
  owner(): number | undefined {
    if (!this.writeLocked()) return undefined;
    const tag = this.#s[OWNER]!;
    return tag === 0 ? undefined : tag - 1;
  }

  /**
   * Whether the write lock is marked abandoned (its writer died holding it; nobody took it since).
   *
   * @returns `true` until the next writer takes it over.
   * @example
   * ```ts
   * import { ReadWriteLock } from '@weft/sync-primitives';
   * console.log(new ReadWriteLock().isAbandoned()); // false
   * ```
   */
  isAbandoned(): boolean {
    return Atomics.load(this.#s, ABANDONED) !== 0;
  }

  static {
    // What util.inspect and console.log print, e.g. `ReadWriteLock [unlocked]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(ReadWriteLock.prototype, function (this: ReadWriteLock): string {
      const writing = this.writeLocked();
      const readers = this.readers;
      return showState('ReadWriteLock', [
        writing ? 'write-locked' : readers > 0 ? `readers=${readers}` : 'unlocked',
        writing && ownerPart(this.owner()),
        this.isAbandoned() && 'abandoned',
      ]);
    });
  }
}
