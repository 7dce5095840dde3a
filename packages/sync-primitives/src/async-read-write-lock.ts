// AsyncReadWriteLock: many readers or one writer among async tasks of one event loop. One FIFO
// queue for both kinds: a reader arriving behind a queued writer waits, so writers don't starve,
// and a release admits the run of readers at the head together.
import { defineInspect, showState } from './internal/inspect.js';
import { LockNotHeldError, LockTimeoutError } from './errors.js';
import { Guard, runGuardedAsync, type LockGuard, type Releasable } from './guard.js';
import { acquireDeadline, checkFunction, checkLiveSignal } from './internal/validate.js';
import { enqueue, rejected, FALSE, TRUE, WaitQueue, type Waiter } from './internal/wait-queue.js';
import { watchWait } from './internal/telemetry.js';
import type { AsyncAcquireOptions, AsyncWaitOptions } from './options.js';

const READ = 0;
const WRITE = 1;

/**
 * A read-write lock for async tasks on one event loop: many readers or one writer, FIFO, writers
 * don't starve. For threads, use {@link ReadWriteLock}.
 *
 * @example
 * ```ts
 * import { AsyncReadWriteLock } from '@weft/sync-primitives';
 * const rw = new AsyncReadWriteLock();
 * const value = await rw.withReadLockAsync(() => cache.get(key));
 * await rw.withWriteLockAsync(async () => cache.set(key, await load(key)));
 * ```
 */
export class AsyncReadWriteLock {
  #readers = 0;
  #writer = false;
  readonly #queue = new WaitQueue<boolean>();
  readonly #reader: Releasable = { release: () => this.releaseRead() };
  readonly #writerGuard: Releasable = { release: () => this.releaseWrite() };
  readonly #timedOut = (w: Waiter<boolean>): void => {
    w.resolve(false);
    this.#grant();
  };
  readonly #left = (): void => this.#grant();

  /** How many readers hold the lock. */
  get readers(): number {
    return this.#readers;
  }

  /** How many tasks are waiting. */
  get waiting(): number {
    return this.#queue.size;
  }

  /**
   * Whether a writer holds the lock.
   *
   * @returns `true` if write-locked.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * console.log(new AsyncReadWriteLock().writeLocked()); // false
   * ```
   */
  writeLocked(): boolean {
    return this.#writer;
  }

  /** Admit waiters from the head: one writer, or every reader up to the next writer. */
  #grant(): void {
    for (let w = this.#queue.head; w !== undefined; w = this.#queue.head) {
      if (w.tag === WRITE) {
        if (this.#writer || this.#readers > 0) return;
        this.#writer = true;
        w.resolve(true);
        return;
      }
      if (this.#writer) return;
      this.#readers++;
      w.resolve(true);
    }
  }

  #acquire(kind: number, options: AsyncAcquireOptions | undefined): Promise<boolean> {
    try {
      const deadline =
        options === undefined ? Infinity : acquireDeadline(options, 'AsyncReadWriteLock.#acquire');
      const signal = checkLiveSignal(options?.signal, 'AsyncReadWriteLock.#acquire');
      if (this.#tryAcquire(kind)) return TRUE;
      if (deadline === -Infinity) return FALSE;
      return watchWait(
        'AsyncReadWriteLock',
        enqueue(this.#queue, options?.timeout, signal, this.#timedOut, this.#left, kind),
      );
    } catch (error) {
      return rejected(error as Error);
    }
  }

  #tryAcquire(kind: number): boolean {
    if (this.#writer || this.#queue.size > 0) return false;
    if (kind === READ) {
      this.#readers++;
      return true;
    }
    if (this.#readers > 0) return false;
    this.#writer = true;
    return true;
  }

  /**
   * Take a read lock.
   *
   * @param options - `blocking: false`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * await rw.acquireRead();
   * rw.releaseRead();
   * ```
   */
  acquireRead(options?: AsyncAcquireOptions): Promise<boolean> {
    return this.#acquire(READ, options);
  }

  /**
   * Take the write lock.
   *
   * @param options - `blocking: false`, `timeout` (ms) and `signal`.
   * @returns `true` once taken, `false` on timeout.
   * @throws {@link WaitAbortedError} (rejection) on abort.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * await rw.acquireWrite();
   * rw.releaseWrite();
   * ```
   */
  acquireWrite(options?: AsyncAcquireOptions): Promise<boolean> {
    return this.#acquire(WRITE, options);
  }

  /**
   * Take a read lock now if no writer holds or waits for it, synchronously.
   *
   * @returns Whether it was taken.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * console.log(new AsyncReadWriteLock().tryAcquireRead()); // true
   * ```
   */
  tryAcquireRead(): boolean {
    return this.#tryAcquire(READ);
  }

  /**
   * Take the write lock now if the lock is free, synchronously.
   *
   * @returns Whether it was taken.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * console.log(new AsyncReadWriteLock().tryAcquireWrite()); // true
   * ```
   */
  tryAcquireWrite(): boolean {
    return this.#tryAcquire(WRITE);
  }

  /**
   * Release a read lock.
   *
   * @throws {@link LockNotHeldError} if no read lock is held.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * rw.tryAcquireRead();
   * rw.releaseRead();
   * ```
   */
  releaseRead(): void {
    if (this.#readers === 0)
      throw new LockNotHeldError('AsyncReadWriteLock.releaseRead: no read lock is held');
    if (--this.#readers === 0) this.#grant();
  }

  /**
   * Release the write lock.
   *
   * @throws {@link LockNotHeldError} if the write lock is not held.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * rw.tryAcquireWrite();
   * rw.releaseWrite();
   * ```
   */
  releaseWrite(): void {
    if (!this.#writer)
      throw new LockNotHeldError('AsyncReadWriteLock.releaseWrite: the write lock is not held');
    this.#writer = false;
    this.#grant();
  }

  /**
   * Take a read lock and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * { await using reading = await rw.readLockAsync(); }
   * ```
   */
  async readLockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    if (!(await this.#acquire(READ, options))) {
      throw new LockTimeoutError(
        `AsyncReadWriteLock.readLockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#reader, false);
  }

  /**
   * Take the write lock and return a guard for `await using`.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The guard.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * const rw = new AsyncReadWriteLock();
   * { await using writing = await rw.writeLockAsync(); }
   * ```
   */
  async writeLockAsync(options?: AsyncWaitOptions): Promise<LockGuard> {
    if (!(await this.#acquire(WRITE, options))) {
      throw new LockTimeoutError(
        `AsyncReadWriteLock.writeLockAsync: not acquired within the ${options?.timeout} ms timeout`,
      );
    }
    return new Guard(this.#writerGuard, false);
  }

  /**
   * Run `fn` holding a read lock.
   *
   * @param fn - The reading section, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * await new AsyncReadWriteLock().withReadLockAsync(() => 1);
   * ```
   */
  async withReadLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'AsyncReadWriteLock.withReadLockAsync: fn');
    return runGuardedAsync(await this.readLockAsync(options), fn);
  }

  /**
   * Run `fn` holding the write lock.
   *
   * @param fn - The writing section, sync or async.
   * @param options - `timeout` (ms) and `signal`.
   * @returns What `fn` resolved to.
   * @throws {@link LockTimeoutError}, {@link WaitAbortedError}, or what `fn` throws.
   * @example
   * ```ts
   * import { AsyncReadWriteLock } from '@weft/sync-primitives';
   * await new AsyncReadWriteLock().withWriteLockAsync(() => 1);
   * ```
   */
  async withWriteLockAsync<T>(
    fn: (guard: LockGuard) => T | PromiseLike<T>,
    options?: AsyncWaitOptions,
  ): Promise<Awaited<T>> {
    checkFunction(fn, 'AsyncReadWriteLock.withWriteLockAsync: fn');
    return runGuardedAsync(await this.writeLockAsync(options), fn);
  }

  static {
    // What util.inspect and console.log print, e.g. `AsyncReadWriteLock [unlocked]`:
    // the live state when printed.
    defineInspect(AsyncReadWriteLock.prototype, function (this: AsyncReadWriteLock): string {
      return showState('AsyncReadWriteLock', [
        this.#writer ? 'write-locked' : this.#readers > 0 ? `readers=${this.#readers}` : 'unlocked',
        this.waiting > 0 && `waiters=${this.waiting}`,
      ]);
    });
  }
}
