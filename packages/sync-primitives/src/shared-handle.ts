// The structured-clonable handle that carries a shared primitive to another thread.
import { InvalidHandleError } from './errors.js';
import { view, type Placed } from './internal/placement.js';
import { describe } from './internal/validate.js';

/**
 * Structured-clonable description of a shared primitive: a plain object with the
 * SharedArrayBuffer inside. Send it with `postMessage`/`workerData` and revive it on the other side
 * with `X.from(handle)` or {@link reviveShared}: the revived object is the same lock.
 *
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { Mutex } from '@weft/sync-primitives';
 * const mutex = new Mutex();
 * new Worker('./worker.mjs', { workerData: mutex.toHandle() });
 * // worker.mjs: const mutex = Mutex.from(workerData);
 * ```
 */
export interface SharedHandle {
  /** Brand of this package's handles. */
  readonly kind: 'weft.sync';
  /** The class name: `'Mutex'`, `'RecursiveMutex'`, `'Semaphore'`, … */
  readonly type: string;
  /** The memory that holds the primitive's state. */
  readonly buffer: SharedArrayBuffer;
  /** Offset of the primitive's first byte in `buffer`. */
  readonly byteOffset: number;
  /** Extra plain fields some primitives add (parties, bound, the handle of a condition's lock). */
  readonly [extra: string]: unknown;
}

/**
 * Whether a value is a {@link SharedHandle} made by this package (checks the shape, not the memory).
 *
 * @param value - Anything, typically a message received from another thread.
 * @returns `true` for a `{ kind: 'weft.sync', type, buffer, byteOffset }` object.
 * @example
 * ```ts
 * import { isSharedHandle, reviveShared } from '@weft/sync-primitives';
 * const revived = (message: unknown) => (isSharedHandle(message) ? reviveShared(message) : message);
 * ```
 */
export function isSharedHandle(value: unknown): value is SharedHandle {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  return (
    h['kind'] === 'weft.sync' &&
    typeof h['type'] === 'string' &&
    h['buffer'] instanceof SharedArrayBuffer &&
    typeof h['byteOffset'] === 'number'
  );
}

/** Check a handle for `type` and view its region. */
export function openHandle(handle: unknown, type: string, byteLength: number): Placed {
  if (!isSharedHandle(handle)) {
    throw new InvalidHandleError(
      `${type}.from: expected a handle { kind: 'weft.sync', type, buffer: SharedArrayBuffer, byteOffset } made by toHandle(); got ${describe(handle)}`,
    );
  }
  if (handle.type !== type) {
    throw new InvalidHandleError(
      `${type}.from: the handle is of a ${handle.type}, not a ${type}; use ${handle.type}.from or reviveShared`,
    );
  }
  return view(handle.buffer, handle.byteOffset, byteLength, type, InvalidHandleError);
}

/** Build a handle. */
export function makeHandle(
  type: string,
  placed: Placed,
  extra?: Record<string, unknown>,
): SharedHandle {
  return {
    kind: 'weft.sync',
    type,
    buffer: placed.buffer,
    byteOffset: placed.byteOffset,
    ...extra,
  };
}
