// Option validation: each check throws ReporterOptionsInvalidError naming the option, before any
// work starts.
import { ReporterOptionsInvalidError } from '../errors.js';
import { describe, isRecord } from './validate.js';

function reject(option: string, given: unknown, allowed: string): never {
  throw new ReporterOptionsInvalidError(option, `got ${describe(given)}; expected ${allowed}`);
}

/** The options argument itself: absent means `{}`; anything but a plain object is refused. */
export function optionsObject<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (!isRecord(value)) reject('options', value, 'an object (or nothing)');
  return value;
}

export function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') reject(option, value, 'a boolean');
  return value;
}

export function optionalString(value: unknown, option: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') reject(option, value, 'a string');
  return value;
}

export function optionalFunction<F>(value: F | undefined, option: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') reject(option, value, 'a function');
  return value;
}

/** An environment map: a plain object whose values are strings (or undefined). */
export function optionalEnv(
  value: unknown,
  option: string,
): Readonly<Record<string, string | undefined>> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) reject(option, value, 'an object of environment variables');
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined && typeof v !== 'string') reject(`${option}.${key}`, v, 'a string');
  }
  return value as Readonly<Record<string, string | undefined>>;
}

/** A stream-like object: `write` must be a function when `writable`, `isTTY` a boolean if given. */
export function optionalStream<S extends object>(
  value: S | undefined,
  option: string,
  writable: boolean,
): S | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    reject(option, value, writable ? 'a writable stream such as process.stderr' : 'a stream');
  }
  const s = value as Record<string, unknown>;
  if (writable && typeof s['write'] !== 'function') {
    reject(`${option}.write`, s['write'], 'a function (a writable stream such as process.stderr)');
  }
  if (s['isTTY'] !== undefined && typeof s['isTTY'] !== 'boolean') {
    reject(`${option}.isTTY`, s['isTTY'], 'a boolean');
  }
  return value;
}
