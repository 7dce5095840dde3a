// Argument checks shared by every primitive, so that a plain-JavaScript caller's wrong type or
// range is refused the same way everywhere: before any work starts, with InvalidArgumentError, and
// a message that names the call, what was given and what is allowed. Each check is a couple of
// `typeof` tests, and the no-argument forms (`acquire()`, `release()`) skip them entirely.
import { describeValue as describe } from '../describe-value.js';
import { InvalidArgumentError } from '../errors.js';
import { abortError } from './park.js';

// Values in messages are named by describeValue, the same text in every Weft package.
export { describe };

/** A non-negative safe integer that fits in an Int32 word. */
export function checkCount(value: unknown, what: string, min = 0, max = 0x7fffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${what} must be an integer from ${min} to ${max}; got ${describe(value)}`,
    );
  }
  return value;
}

/** An options argument: omitted, or an object (not null, an array, a function or a primitive). */
export function checkOptions(options: unknown, where: string): void {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  ) {
    throw new InvalidArgumentError(
      `${where}: options must be an object or omitted; got ${describe(options)}`,
    );
  }
}

/** A function argument (a callback, a predicate, a critical section). */
export function checkFunction(value: unknown, what: string): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`${what} must be a function; got ${describe(value)}`);
  }
}

/** An optional boolean option. */
export function checkBoolean(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${what} must be true or false; got ${describe(value)}`);
  }
}

/**
 * Turn a `timeout` into an absolute deadline on `performance.now()`; `undefined` and `Infinity`
 * mean "wait forever".
 */
export function deadlineOf(timeout: number | undefined, where?: string): number {
  if (timeout === undefined) return Infinity;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidArgumentError(
      `${where === undefined ? '' : `${where}: `}timeout must be a number of milliseconds >= 0 (or Infinity); got ${describe(timeout)}`,
    );
  }
  return timeout === Infinity ? Infinity : performance.now() + timeout;
}

/** Validate `{ timeout }` options (the guard forms, the async waits) and return the deadline. */
export function waitDeadline(
  options: { readonly timeout?: number } | undefined,
  where: string,
): number {
  if (options === undefined) return Infinity;
  checkOptions(options, where);
  return deadlineOf(options.timeout, where);
}

/** Validate Python-style `{ blocking, timeout }` and return the deadline (-Infinity = try once). */
export function acquireDeadline(
  options: { readonly blocking?: boolean; readonly timeout?: number } | undefined,
  where: string,
): number {
  if (options === undefined) return Infinity;
  checkOptions(options, where);
  checkBoolean(options.blocking, `${where}: blocking`);
  if (options.blocking === false) {
    if (options.timeout !== undefined) {
      throw new InvalidArgumentError(
        `${where}: timeout cannot be given with blocking: false (got timeout ${describe(options.timeout)}); pass one or the other`,
      );
    }
    return -Infinity;
  }
  return deadlineOf(options.timeout, where);
}

/** Check a signal-like option. */
export function checkSignal(signal: unknown, where?: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(
      `${where === undefined ? '' : `${where}: `}signal must be an AbortSignal; got ${describe(signal)}`,
    );
  }
  return signal;
}

/**
 * Check a signal-like option and refuse to start a wait whose signal has already aborted: the one
 * place that decides what "aborted before it began" throws (the abort error, `signal.reason` as
 * its `cause`), for every primitive that takes a `signal`.
 */
export function checkLiveSignal(signal: unknown, where?: string): AbortSignal | undefined {
  const checked = checkSignal(signal, where);
  if (checked?.aborted === true) throw abortError(checked);
  return checked;
}
