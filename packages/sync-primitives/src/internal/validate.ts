// Argument checks shared by every primitive: options are validated once, before any work starts.
import { InvalidArgumentError } from '../errors.js';
import { abortError } from './park.js';

/** Describe a value for an error message without dumping whole objects. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** A non-negative safe integer that fits in an Int32 word. */
export function checkCount(value: unknown, what: string, min = 0, max = 0x7fffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${what} must be an integer from ${min} to ${max}; got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Turn a `timeout` option into an absolute deadline on `performance.now()`; `undefined` and
 * `Infinity` mean "wait forever".
 */
export function deadlineOf(timeout: number | undefined): number {
  if (timeout === undefined) return Infinity;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidArgumentError(
      `timeout must be a number of milliseconds >= 0 (or Infinity); got ${describe(timeout)}`,
    );
  }
  return timeout === Infinity ? Infinity : performance.now() + timeout;
}

/** Validate Python-style `{ blocking, timeout }` and return the deadline (0 deadline = try once). */
export function acquireDeadline(
  options: { readonly blocking?: boolean; readonly timeout?: number } | undefined,
): number {
  if (options === undefined) return Infinity;
  if (options.blocking === false) {
    if (options.timeout !== undefined) {
      throw new InvalidArgumentError(
        `timeout cannot be given with blocking: false (got timeout ${describe(options.timeout)}); pass one or the other`,
      );
    }
    return -Infinity;
  }
  return deadlineOf(options.timeout);
}

/** Check a signal-like option. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`signal must be an AbortSignal; got ${describe(signal)}`);
  }
  return signal;
}

/**
 * Check a signal-like option and refuse to start a wait whose signal has already aborted: the one
 * place that decides what "aborted before it began" throws (the abort error, `signal.reason` as
 * its `cause`), for every primitive that takes a `signal`.
 */
export function checkLiveSignal(signal: unknown): AbortSignal | undefined {
  const checked = checkSignal(signal);
  if (checked?.aborted === true) throw abortError(checked);
  return checked;
}
