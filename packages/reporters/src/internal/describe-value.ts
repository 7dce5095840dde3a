// A copy of @weft/sync-primitives' describeValue (packages/sync-primitives/src/describe-value.ts):
// every Weft package names a value in an error message the same way. @weft/reporters depends on no
// Weft package, so it keeps this copy instead of importing that one;
// apps/playground/test/shared-contracts.test.ts fails when the two give different text. Change
// both together.

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
 * // (internal; the same function is exported by @weft/sync-primitives)
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
