// A job's argument list on the wire, in one of two forms; a worker reads both.
//
// - A JSON list, when every argument is a value JSON keeps exactly (null, a boolean, a string, a
//   finite number other than -0): BullMQ writes a job's data as JSON anyway, so such arguments
//   travel as themselves, with no serializer on either side. Structured serialization and base64
//   of `[i, 1]` take about 35 µs on a caller that has just woken, and decoding them as long on the
//   worker, both on the path of every call.
// - Otherwise, base64 of the list's structured serialization (undefined, -0, NaN, BigInt, objects,
//   Map, Set, Date, typed arrays, sparse lists all arrive intact).
//
// Job data comes from whoever can write to the queue, so the worker checks a JSON list before use:
// only such values, and within its size limit. Nothing in either form is code.
import { decode, encodeValue, isJsonExact } from './wire.js';
import type { JsonExact } from './wire.js';

/** A job's `args`: base64 of the serialized list, or the list itself when JSON keeps it exactly. */
export type WireArgs = string | readonly JsonExact[];

/**
 * The wire form of a call's arguments: a copy of the list when JSON keeps every one of them exactly,
 * else the list structured-serialized (throws ValueNotSerializableError for what can't travel).
 */
export function encodeArgs(args: readonly unknown[]): WireArgs {
  if (!Array.isArray(args)) return encodeValue(args, 'args');
  for (let i = 0; i < args.length; i++) {
    // A hole reads as undefined, which JSON would not keep: the list goes serialized.
    if (!isJsonExact(args[i])) return encodeValue(args, 'args');
  }
  // A copy: the job is written after this tick, and the caller may change its list meanwhile.
  return args.slice() as JsonExact[];
}

/** Bytes a JSON list of arguments counts as against `maxArgsBytes`: each string's length, 8 for the rest. */
function jsonListSize(list: readonly unknown[]): number {
  let size = 0;
  for (const value of list) size += typeof value === 'string' ? value.length : 8;
  return size;
}

function overLimit(bytes: number, maxArgsBytes: number): string {
  return (
    `its arguments are about ${bytes} bytes, over this worker's limit of ${maxArgsBytes} ` +
    '(maxArgsBytes / --max-args-bytes); pass large data by reference'
  );
}

/**
 * What is wrong with a job's `args`, or `undefined`: the form, and the size (a serialized list is
 * measured on its base64 text, without decoding it).
 */
export function argsProblem(args: unknown, maxArgsBytes: number): string | undefined {
  if (typeof args === 'string') {
    // base64 takes 4 characters per 3 bytes.
    return args.length > Math.ceil(maxArgsBytes / 3) * 4
      ? overLimit(Math.floor((args.length * 3) / 4), maxArgsBytes)
      : undefined;
  }
  if (!Array.isArray(args))
    return '"args" is neither a serialized list (a string) nor a JSON list of arguments';
  for (const value of args as unknown[]) {
    const type = typeof value;
    if (value !== null && type !== 'string' && type !== 'number' && type !== 'boolean')
      return 'its JSON list of arguments holds something other than null, a boolean, a number or a string (other values travel serialized)';
  }
  const bytes = jsonListSize(args);
  return bytes > maxArgsBytes ? overLimit(bytes, maxArgsBytes) : undefined;
}

/**
 * A job's argument list, from either form (`args` already checked by {@link argsProblem}).
 * Node's structured deserializer builds data only (primitives, plain objects and arrays, Map, Set,
 * Date, RegExp, BigInt, typed arrays, errors); no code of the sender runs. Returns the reason when
 * a serialized payload is not a list.
 */
export function decodeArgs(
  args: WireArgs,
): { readonly args: unknown[] } | { readonly problem: string; readonly cause?: unknown } {
  if (typeof args !== 'string') return { args: args as JsonExact[] };
  let value: unknown;
  try {
    value = decode(args);
  } catch (cause) {
    return { problem: 'its arguments do not decode (not a serialized argument list)', cause };
  }
  return Array.isArray(value)
    ? { args: value }
    : { problem: 'its arguments decode to something other than a list' };
}
