// How every Weft package names a value it was given in an error message: short, on one line,
// never a dump of an object's contents, and the same text in every package. @weft/process-pool,
// @weft/workloads and @weft/distributed depend on this package and import this function;
// @weft/core-scheduler and @weft/reporters depend on no Weft package, so each keeps a copy of it
// (src/internal/describe-value.ts) that apps/playground/test/shared-contracts.test.ts pins to this one.

/** Strings longer than this are cut: the message names the value, it does not reproduce it. */
const MAX_STRING = 60;

/**
 * Names a value for an error message ("got ..."), the same way in every Weft package: a string
 * quoted (a long one cut), a number, boolean, `null` or `undefined` as written, a bigint with its
 * `n`, a symbol as `Symbol(description)`, and a function, array or object by its kind only; an
 * object that is not a plain one also by its tag or class, as in `an object (Map)`.
 *
 * @param value - any value.
 * @returns one line of text.
 *
 * @example
 * ```ts
 * import { describeValue } from '@weft/sync-primitives';
 * describeValue('wide'); // '"wide"'
 * describeValue(-1); // '-1'
 * describeValue([1, 2]); // 'an array'
 * describeValue(new Map()); // 'an object (Map)'
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(
        value.length > MAX_STRING ? `${value.slice(0, MAX_STRING - 3)}...` : value,
      );
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'an array';
      return objectKind(value as object);
  }
}

function objectKind(value: object): string {
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return 'an object';
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    const name: unknown = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    const kind = tag !== 'Object' ? tag : typeof name === 'string' ? name : '';
    return kind === '' ? 'an object' : `an object (${kind})`;
  } catch {
    return 'an object'; // a proxy whose traps throw
  }
}
