// The option shapes shared by every primitive: Python-style acquire options, async wait options
// and placement in a caller's SharedArrayBuffer.

/**
 * Options of a manual `acquire()`, with Python's semantics: the call returns `true` when the lock
 * was taken and `false` when it was not.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * mutex.acquire({ blocking: false }); // true: it was free
 * mutex.acquire({ timeout: 10 });     // false after 10 ms: we hold it already
 * ```
 */
export interface AcquireOptions {
  /**
   * `false` tries once and returns at once (Python's `blocking=False`); cannot be combined with
   * `timeout`.
   * @defaultValue `true`
   */
  readonly blocking?: boolean;
  /**
   * Give up after this many milliseconds (`Infinity` waits forever).
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * Options of an async acquire: {@link AcquireOptions} plus an `AbortSignal`.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * const ok = await mutex.acquireAsync({ timeout: 100, signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface AsyncAcquireOptions extends AcquireOptions {
  /**
   * Aborting it rejects the wait with a `WaitAbortedError` whose `cause` is `signal.reason`; the
   * waiter leaves the queue at once.
   * @defaultValue `undefined`
   */
  readonly signal?: AbortSignal;
}

/**
 * Options of the guard-returning forms (`lock()`, `withLock()`): a timeout throws `LockTimeoutError`.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * using guard = mutex.lock({ timeout: 50 });
 * ```
 */
export interface LockOptions {
  /**
   * Give up after this many milliseconds by throwing `LockTimeoutError`.
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
}

/**
 * Options of every async wait: a timeout and an `AbortSignal`.
 *
 * @example
 * ```ts
 * import { Event } from '@weft/sync-primitives';
 * const event = new Event();
 * const isSet = await event.waitAsync({ timeout: 100, signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface AsyncWaitOptions {
  /**
   * Give up after this many milliseconds.
   * @defaultValue `Infinity`
   */
  readonly timeout?: number;
  /**
   * Aborting it rejects with `WaitAbortedError` (`cause` = `signal.reason`).
   * @defaultValue `undefined`
   */
  readonly signal?: AbortSignal;
}

/**
 * Where to place a shared primitive: by default each primitive allocates its own small
 * SharedArrayBuffer; give `buffer` and `byteOffset` (for example from {@link SharedArena}) to
 * pack many primitives into one buffer. The region must be zero-filled, 4-byte aligned and at least
 * the class's `byteLength` long.
 *
 * @example
 * ```ts
 * import { Mutex } from '@weft/sync-primitives';
 * const buffer = new SharedArrayBuffer(Mutex.byteLength * 2);
 * const a = new Mutex({ buffer, byteOffset: 0 });
 * const b = new Mutex({ buffer, byteOffset: Mutex.byteLength });
 * ```
 */
export interface PlacementOptions {
  /**
   * The buffer to live in.
   * @defaultValue a new SharedArrayBuffer of `byteLength` bytes
   */
  readonly buffer?: SharedArrayBuffer;
  /**
   * Offset of the primitive's first byte in `buffer`; a multiple of 4.
   * @defaultValue `0`
   */
  readonly byteOffset?: number;
}

/**
 * A region of a SharedArrayBuffer, as returned by `SharedArena.allocate()` and accepted by every
 * shared constructor.
 *
 * @example
 * ```ts
 * import { SharedArena, Mutex } from '@weft/sync-primitives';
 * const region = new SharedArena(1024).allocate(Mutex.byteLength);
 * const mutex = new Mutex(region);
 * ```
 */
export interface SharedRegion {
  /** The buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Offset of the region's first byte. */
  readonly byteOffset: number;
}
