// Where a shared primitive's words live: its own small SharedArrayBuffer, or a checked region of
// a caller's buffer (many primitives in one buffer).
import { InvalidBufferError } from '../errors.js';
import { checkOptions, describe } from './validate.js';

/** The placement options every shared primitive accepts. */
export interface PlacementLike {
  readonly buffer?: SharedArrayBuffer | undefined;
  readonly byteOffset?: number | undefined;
}

/** A primitive's words, viewed as an Int32Array that starts at its first word. */
export interface Placed {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly i32: Int32Array;
}

/** Validate a region and view it. */
export function place(
  options: PlacementLike | undefined,
  byteLength: number,
  type: string,
): Placed {
  checkOptions(options, type);
  const buffer = options?.buffer;
  const byteOffset = options?.byteOffset ?? 0;
  if (buffer === undefined) {
    if (options?.byteOffset !== undefined) {
      throw new InvalidBufferError(
        `${type}: byteOffset ${describe(byteOffset)} was given without a buffer; pass both or neither`,
      );
    }
    const own = new SharedArrayBuffer(byteLength);
    return { buffer: own, byteOffset: 0, i32: new Int32Array(own) };
  }
  return view(buffer, byteOffset, byteLength, type, InvalidBufferError);
}

/** View an existing region (used by `from(handle)` too, with the handle error class). */
export function view(
  buffer: unknown,
  byteOffset: unknown,
  byteLength: number,
  type: string,
  ErrorClass: new (message: string) => Error,
): Placed {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new ErrorClass(`${type}: buffer must be a SharedArrayBuffer; got ${describe(buffer)}`);
  }
  if (
    typeof byteOffset !== 'number' ||
    !Number.isInteger(byteOffset) ||
    byteOffset < 0 ||
    byteOffset % 4 !== 0
  ) {
    throw new ErrorClass(
      `${type}: byteOffset must be a non-negative multiple of 4; got ${describe(byteOffset)}`,
    );
  }
  if (byteOffset + byteLength > buffer.byteLength) {
    throw new ErrorClass(
      `${type}: needs ${byteLength} bytes at byteOffset ${byteOffset}, but the buffer has ${buffer.byteLength} bytes (${Math.max(0, buffer.byteLength - byteOffset)} left)`,
    );
  }
  return { buffer, byteOffset, i32: new Int32Array(buffer, byteOffset, byteLength / 4) };
}
