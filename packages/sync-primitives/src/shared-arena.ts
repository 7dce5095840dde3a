// SharedArena: a bump allocator that packs many shared primitives into one SharedArrayBuffer.
// The cursor lives in the buffer itself, so every thread holding the buffer can allocate.
import { defineInspect, showState } from './internal/inspect.js';
import { ArenaFullError, InvalidArgumentError, InvalidBufferError } from './errors.js';
import { checkCount, checkOptions, describe } from './internal/validate.js';
import type { SharedRegion } from './options.js';

const HEADER = 8;

/**
 * Options of a {@link SharedArena} made over an existing buffer.
 *
 * @example
 * ```ts
 * import { SharedArena } from '@weft/sync-primitives';
 * const arena = new SharedArena({ buffer: new SharedArrayBuffer(4096) });
 * ```
 */
export interface SharedArenaOptions {
  /** The buffer to allocate from (its first 8 bytes hold the arena's cursor). */
  readonly buffer: SharedArrayBuffer;
}

/**
 * Packs many shared primitives into one SharedArrayBuffer, so a thousand locks don't cost a
 * thousand buffers. Allocation is a lock-free bump of a cursor stored in the buffer; memory is
 * never freed individually. Send `arena.buffer` to another thread and wrap it again with
 * `new SharedArena({ buffer })` to allocate there too.
 *
 * @example
 * ```ts
 * import { SharedArena, Mutex, Semaphore } from '@weft/sync-primitives';
 * const arena = new SharedArena(64 * 1024);
 * const locks = Array.from({ length: 1000 }, () => new Mutex(arena.allocate(Mutex.byteLength)));
 * const slots = new Semaphore(4, arena.allocate(Semaphore.byteLength));
 * ```
 */
export class SharedArena {
  /** The memory the arena hands out. */
  readonly buffer: SharedArrayBuffer;
  readonly #cursor: Int32Array;

  /**
   * Create an arena with a new buffer of `byteLength` bytes, or over an existing arena buffer.
   *
   * @param sizeOrOptions - Bytes to allocate (8 of them hold the cursor), or `{ buffer }`.
   * @throws {@link InvalidArgumentError} for a bad size; {@link InvalidBufferError} for a bad buffer.
   */
  constructor(sizeOrOptions: number | SharedArenaOptions) {
    if (typeof sizeOrOptions === 'number') {
      checkCount(sizeOrOptions, 'SharedArena: byteLength', HEADER);
      this.buffer = new SharedArrayBuffer(sizeOrOptions);
    } else {
      checkOptions(sizeOrOptions, 'SharedArena');
      if (sizeOrOptions === undefined) {
        throw new InvalidArgumentError(
          'SharedArena: expected a byte length or { buffer }; got undefined',
        );
      }
      const buffer: unknown = sizeOrOptions.buffer;
      if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER) {
        throw new InvalidBufferError(
          `SharedArena: buffer must be a SharedArrayBuffer of at least ${HEADER} bytes; got ${describe(buffer)}`,
        );
      }
      this.buffer = buffer;
    }
    this.#cursor = new Int32Array(this.buffer, 0, 1);
  }

  /** Bytes handed out so far (including the 8-byte header and alignment padding). */
  get used(): number {
    return HEADER + Atomics.load(this.#cursor, 0);
  }

  /** Bytes still free (before alignment). */
  get remaining(): number {
    return this.buffer.byteLength - this.used;
  }

  /**
   * Reserve a zero-filled region.
   *
   * @param byteLength - Bytes needed, typically `X.byteLength` of a primitive class.
   * @param alignment - A power of two ≥ 4; use 64 to keep hot locks on separate cache lines.
   * @returns `{ buffer, byteOffset }`, ready to pass to a primitive's constructor.
   * @throws {@link ArenaFullError} when it does not fit; {@link InvalidArgumentError} for bad sizes.
   * @example
   * ```ts
   * import { SharedArena, Mutex } from '@weft/sync-primitives';
   * const arena = new SharedArena(1024);
   * const mutex = new Mutex(arena.allocate(Mutex.byteLength, 64));
   * ```
   */
  allocate(byteLength: number, alignment = 4): SharedRegion {
    checkCount(byteLength, 'SharedArena.allocate: byteLength', 1);
    if (!Number.isInteger(alignment) || alignment < 4 || (alignment & (alignment - 1)) !== 0) {
      throw new InvalidArgumentError(
        `SharedArena.allocate: alignment must be a power of two >= 4; got ${describe(alignment)}`,
      );
    }
    for (;;) {
      const used = Atomics.load(this.#cursor, 0);
      const start = Math.ceil((HEADER + used) / alignment) * alignment;
      const end = start + Math.ceil(byteLength / 4) * 4;
      if (end > this.buffer.byteLength) {
        throw new ArenaFullError(
          `SharedArena.allocate: ${byteLength} bytes (aligned to ${alignment}) do not fit; ${this.buffer.byteLength - HEADER - used} of ${this.buffer.byteLength} bytes are left`,
        );
      }
      if (Atomics.compareExchange(this.#cursor, 0, used, end - HEADER) === used) {
        return { buffer: this.buffer, byteOffset: start };
      }
    }
  }

  static {
    // What util.inspect and console.log print, e.g. `SharedArena [used=0, remaining=1016]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(SharedArena.prototype, function (this: SharedArena): string {
      return showState('SharedArena', [`used=${this.used}`, `remaining=${this.remaining}`]);
    });
  }
}
