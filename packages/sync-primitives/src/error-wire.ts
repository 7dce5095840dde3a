// The one wire format for errors that cross a boundary in Weft: a thread or child process of the
// process pool, a Queue or Pipe item between threads, a distributed job through Redis. The sender
// turns a thrown value into plain data that structured clone, v8 serialization and JSON-in-base64
// all carry; the receiver rebuilds it, finding the class by `code` in the registry
// (error-registry.ts). The data comes from another thread, process or machine and is not trusted:
// reviving it never runs code the data chooses (no eval, no lookup of globals by name), only
// registered classes and the built-in Error types of a fixed list.
import { serialize } from 'node:v8';
import { codeToSend, registeredErrorClass } from './error-registry.js';

/**
 * An error on the wire. `code` picks the class on the receiving side (see
 * {@link registerErrorClass}); `type` is the sender's class name, used only for the built-in
 * types (`TypeError`, `AggregateError`, …) and to name a stand-in class when the code is unknown.
 *
 * @example
 * ```ts
 * import { serializeError, type SerializedError } from '@weft/sync-primitives';
 * const wire = serializeError(new RangeError('too big')) as SerializedError;
 * console.log(wire.$weft, wire.type, wire.message); // 'error' 'RangeError' 'too big'
 * ```
 */
export interface SerializedError {
  readonly $weft: 'error';
  /** This error's number within one serialized value; a {@link SerializedRef} points back to it. */
  readonly id: number;
  /** The sender's class name (a minifier may have renamed it; never used to find a registered class). */
  readonly type: string;
  /** The registry key: the class's registered code, or the error's own string `code`. */
  readonly code?: string;
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Present when the error had a `cause` (even `undefined`). */
  readonly cause?: SerializedThrown;
  /** The `errors` array of an `AggregateError` (or any error with an `errors` array). */
  readonly errors?: readonly SerializedThrown[];
  /** Own enumerable properties other than message, stack, cause and errors: class fields and more. */
  readonly data: Readonly<Record<string, SerializedThrown>>;
}

/**
 * A thrown value that is not an error (a string, an object, `undefined`…), or a property value of
 * an error. `value` is the value itself when the transport can carry it, else its text.
 *
 * @example
 * ```ts
 * import { serializeError } from '@weft/sync-primitives';
 * console.log(serializeError('plain text')); // { $weft: 'value', value: 'plain text' }
 * ```
 */
export interface SerializedValue {
  readonly $weft: 'value';
  readonly value: unknown;
}

/**
 * An error met again within the same serialized value (a cause cycle, an error listed twice): it
 * names the {@link SerializedError.id} of the first occurrence, so the receiver rebuilds one object.
 *
 * @example
 * ```ts
 * import { serializeError, type SerializedError } from '@weft/sync-primitives';
 * const error = new Error('loop');
 * error.cause = error;
 * console.log((serializeError(error) as SerializedError).cause); // { $weft: 'ref', id: 0 }
 * ```
 */
export interface SerializedRef {
  readonly $weft: 'ref';
  readonly id: number;
}

/**
 * What {@link serializeError} returns and {@link deserializeError} reads: plain data (objects,
 * arrays, strings, numbers) that `structuredClone`, `node:v8` and `postMessage` carry as it is.
 *
 * @example
 * ```ts
 * import { serializeError, type SerializedThrown } from '@weft/sync-primitives';
 * const wire: SerializedThrown = serializeError(new Error('x'));
 * console.log(wire.$weft); // 'error'
 * ```
 */
export type SerializedThrown = SerializedError | SerializedValue | SerializedRef;

/**
 * Options of {@link serializeError}.
 *
 * @example
 * ```ts
 * import { serializeError, type SerializeErrorOptions } from '@weft/sync-primitives';
 * const options: SerializeErrorOptions = { check: (value) => void structuredClone(value) };
 * console.log(serializeError(new Error('x'), options).$weft); // 'error'
 * ```
 */
export interface SerializeErrorOptions {
  /**
   * Throws when the transport cannot carry `value`; such a value travels as its text instead.
   * Default: `node:v8` serialization (what `postMessage` and child-process IPC use).
   */
  readonly check?: (value: unknown) => void;
}

/** How many errors deep a cause / errors / property chain is followed; deeper ones go as text. */
const MAX_ERROR_DEPTH = 16;
/** How many errors one serialized value holds at most; the rest go as text. */
const MAX_ERROR_COUNT = 1000;
const MAX_TYPE_LENGTH = 200;

// Keys that never come from the wire onto a rebuilt error: they would reach its prototype chain.
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
// Own properties that have their own place in SerializedError.
const OWN_SLOTS: ReadonlySet<string> = new Set(['message', 'stack', 'cause', 'errors']);

// The only classes chosen by name: the built-in error types. A Map, so a name such as
// "constructor" or "__proto__" finds nothing rather than something of Object.prototype.
const BUILTINS: ReadonlyMap<string, ErrorConstructor | AggregateErrorConstructor> = new Map<
  string,
  ErrorConstructor | AggregateErrorConstructor
>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
  ['AggregateError', AggregateError],
]);

function isError(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      Object.prototype.toString.call(value) === '[object Error]')
  );
}

/** `target[key]`, or `undefined` when a getter throws. */
function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function v8Check(value: unknown): void {
  serialize(value);
}

interface Encoding {
  readonly check: (value: unknown) => void;
  readonly seen: Map<object, number>;
}

function encodeValue(value: unknown, e: Encoding): SerializedValue {
  try {
    e.check(value);
    return { $weft: 'value', value };
  } catch {
    return { $weft: 'value', value: safeString(value) };
  }
}

function className(error: Error): string {
  const name = (read(error, 'constructor') as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name.slice(0, MAX_TYPE_LENGTH) : 'Error';
}

function encode(thrown: unknown, depth: number, e: Encoding): SerializedThrown {
  if (!isError(thrown)) return encodeValue(thrown, e);
  const again = e.seen.get(thrown);
  if (again !== undefined) return { $weft: 'ref', id: again };
  const name = text(read(thrown, 'name')) ?? 'Error';
  const message = text(read(thrown, 'message')) ?? safeString(read(thrown, 'message'));
  if (depth >= MAX_ERROR_DEPTH || e.seen.size >= MAX_ERROR_COUNT)
    return { $weft: 'value', value: `${name}: ${message}` };
  const id = e.seen.size;
  e.seen.set(thrown, id);
  const data: Record<string, SerializedThrown> = {};
  const wire: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    $weft: 'error',
    id,
    type: className(thrown),
    name,
    message,
    data,
  };
  const code = codeToSend(thrown);
  if (code !== undefined) wire.code = code;
  const stack = text(read(thrown, 'stack'));
  if (stack !== undefined) wire.stack = stack;
  if ('cause' in thrown) wire.cause = encode(read(thrown, 'cause'), depth + 1, e);
  const errors = read(thrown, 'errors');
  if (Array.isArray(errors)) wire.errors = errors.map((item) => encode(item, depth + 1, e));
  for (const key of Object.keys(thrown)) {
    if (OWN_SLOTS.has(key)) continue;
    data[key] = encode(read(thrown, key), depth + 1, e);
  }
  return wire;
}

/**
 * Turn a thrown value into the Weft error wire format: plain data that keeps the error's class
 * (by `code`, see {@link registerErrorClass}), name, message, stack, cause chain, the `errors` of
 * an `AggregateError`, and its own enumerable properties (class fields such as `code`,
 * `itemType`, `jobId`). A thrown non-error travels as itself. Never throws: a property the
 * transport cannot carry (a function, a socket) travels as its text, a cycle as a reference, and
 * chains deeper than 16 errors (or past 1000 errors in all) as text.
 *
 * @param thrown - Whatever was thrown or rejected with.
 * @param options - `check`: what the transport can carry (default: `node:v8` serialization).
 *
 * @example
 * ```ts
 * import { QueueEmptyError, serializeError, deserializeError } from '@weft/sync-primitives';
 * const wire = serializeError(new QueueEmptyError('nothing arrived in 5 ms'));
 * const copy = deserializeError(structuredClone(wire)) as QueueEmptyError;
 * console.log(copy instanceof QueueEmptyError, copy.code); // true 'ERR_WEFT_QUEUE_EMPTY'
 * ```
 */
export function serializeError(thrown: unknown, options?: SerializeErrorOptions): SerializedThrown {
  return encode(thrown, 0, { check: options?.check ?? v8Check, seen: new Map() });
}

// ------------------------------------------------------------------------------------ reviving

/** The value of an own data property of untrusted `target`, never one reached through its prototype. */
function own(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor !== undefined && 'value' in descriptor
    ? (descriptor.value as unknown)
    : undefined;
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

// Stand-ins for unregistered classes, named like the sender's class so `constructor.name` and the
// stack header read the same as where it was thrown. The names come from the sender: bounded.
const standIns = new Map<string, ErrorConstructor>();
const MAX_STAND_INS = 256;

function standIn(type: string): ErrorConstructor {
  let cls = standIns.get(type);
  if (cls === undefined) {
    cls = class extends Error {} as ErrorConstructor;
    Object.defineProperty(cls, 'name', { value: type });
    if (standIns.size < MAX_STAND_INS) standIns.set(type, cls);
  }
  return cls;
}

function instantiate(code: unknown, type: unknown, message: string): Error {
  const registered = typeof code === 'string' ? registeredErrorClass(code) : undefined;
  if (registered !== undefined) {
    // Constructors take different parameters class by class: build the instance from the data.
    const error = Object.create(registered.prototype as object) as Error;
    define(error, 'message', message, false);
    return error;
  }
  const name = typeof type === 'string' && type !== '' ? type.slice(0, MAX_TYPE_LENGTH) : 'Error';
  const builtin = BUILTINS.get(name);
  if (builtin === AggregateError) return new AggregateError([], message);
  return new ((builtin as ErrorConstructor | undefined) ?? standIn(name))(message);
}

interface Decoding {
  readonly byId: Map<number, Error>;
  count: number;
}

function decode(input: unknown, depth: number, d: Decoding): unknown {
  if (typeof input !== 'object' || input === null) return input;
  switch (own(input, '$weft')) {
    case 'value':
      return own(input, 'value');
    case 'ref': {
      const id = own(input, 'id');
      return typeof id === 'number' ? d.byId.get(id) : undefined;
    }
    case 'error':
      break;
    default:
      return input; // not Weft's format: the value as it came
  }
  const name = text(own(input, 'name'));
  const message = text(own(input, 'message')) ?? '';
  if (depth >= MAX_ERROR_DEPTH || d.count >= MAX_ERROR_COUNT)
    return `${name ?? 'Error'}: ${message}`;
  d.count++;
  const code = own(input, 'code');
  const error = instantiate(code, own(input, 'type'), message);
  const id = own(input, 'id');
  if (typeof id === 'number' && !d.byId.has(id)) d.byId.set(id, error);
  if (name !== undefined && error.name !== name) define(error, 'name', name, false);
  const stack = text(own(input, 'stack'));
  if (stack !== undefined) define(error, 'stack', stack, false);
  else if (!Object.hasOwn(error, 'stack')) Error.captureStackTrace(error, deserializeError);
  if (Object.hasOwn(input, 'cause'))
    define(error, 'cause', decode(own(input, 'cause'), depth + 1, d), false);
  const errors = own(input, 'errors');
  if (Array.isArray(errors)) {
    define(
      error,
      'errors',
      errors.map((item) => decode(item, depth + 1, d)),
      !(error instanceof AggregateError),
    );
  }
  const data = own(input, 'data');
  if (typeof data === 'object' && data !== null) {
    for (const key of Object.keys(data)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(data, key);
      if (descriptor === undefined || !('value' in descriptor)) continue;
      define(error, key, decode(descriptor.value, depth + 1, d), true);
    }
  }
  // An error whose `code` was not an own property (a getter, say) still shows the code it came with.
  if (typeof code === 'string' && read(error, 'code') !== code) define(error, 'code', code, false);
  return error;
}

/**
 * Rebuild a value made by {@link serializeError}. An error whose `code` is registered comes back
 * as an instance of that class (`instanceof` holds; its constructor does not run); one of the
 * built-in types (`TypeError`, `AggregateError`, …) as that type; any other as an `Error` subclass
 * named like the sender's class, keeping `code`, `name`, message, stack, cause and properties.
 * A thrown non-error comes back as itself, and a value not in this format is returned unchanged.
 *
 * The input is treated as untrusted: fields of the wrong type read as absent, no key reaches a
 * prototype, no class is looked up by a name other than the built-in ones, and it never throws.
 *
 * @param wire - What {@link serializeError} produced, after any structured clone or v8 round trip.
 *
 * @example
 * ```ts
 * import { deserializeError, serializeError } from '@weft/sync-primitives';
 * const original = new TypeError('bad input', { cause: 'user' });
 * const copy = deserializeError(structuredClone(serializeError(original))) as TypeError;
 * console.log(copy instanceof TypeError, copy.message, copy.cause); // true 'bad input' 'user'
 * ```
 */
export function deserializeError(wire: unknown): unknown {
  return decode(wire, 0, { byId: new Map(), count: 0 });
}

/**
 * Whether `value` is in the Weft error wire format (what {@link serializeError} returns).
 *
 * @example
 * ```ts
 * import { isSerializedError, serializeError } from '@weft/sync-primitives';
 * console.log(isSerializedError(serializeError(new Error('x'))), isSerializedError({})); // true false
 * ```
 */
export function isSerializedError(value: unknown): value is SerializedThrown {
  if (typeof value !== 'object' || value === null) return false;
  const tag = own(value, '$weft');
  return tag === 'error' || tag === 'value' || tag === 'ref';
}
