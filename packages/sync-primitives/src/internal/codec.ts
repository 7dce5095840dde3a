// Items in and out of a ring. The format is `node:v8` serialization (the structured-clone
// algorithm that postMessage uses, so the same values pass), with a clear error naming what could
// not. Plain JSON-like items (numbers, strings, booleans, null, undefined, plain objects and dense
// arrays of those) take a compact hand-written format instead: `v8.serialize` + `deserialize`
// cost ≈5 µs per small object here, which would cap a queue far below postMessage. The first
// byte says which format follows; anything the fast encoder is unsure of goes to v8 whole. An item
// that is an error goes in Weft's error wire format (error-wire.ts), so it comes out as its own
// registered class with its code, fields and cause, not as the plain Error structured clone makes.
import { deserialize, serialize } from 'node:v8';
import { deserializeError, serializeError } from '../error-wire.js';
import { ItemNotSerializableError } from '../errors.js';

const V8 = 0;
const FAST = 1;
const ERROR = 2;

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_STRING = 6;
const T_ARRAY = 7;
const T_OBJECT = 8;

const MAX_DEPTH = 32;
/** Items whose fast encoding would pass this many bytes go to v8 (it is as fast for big data). */
const MAX_FAST = 1 << 20;

/** Thrown inside the fast encoder to fall back to v8; never escapes this module. */
const BAIL = new Error('bail');

let buf = Buffer.allocUnsafeSlow(4096);
let at = 0;

function room(n: number): void {
  if (at + n <= buf.length) return;
  if (at + n > MAX_FAST) throw BAIL;
  const next = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, at + n));
  buf.copy(next, 0, 0, at);
  buf = next;
}

function writeString(s: string): void {
  room(5 + s.length * 3);
  buf[at] = T_STRING;
  const n = buf.write(s, at + 5, 'utf8');
  buf.writeUInt32LE(n, at + 1);
  at += 5 + n;
}

function writeValue(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value && !Object.is(value, -0)) {
        room(5);
        buf[at] = T_INT;
        buf.writeInt32LE(value, at + 1);
        at += 5;
      } else {
        room(9);
        buf[at] = T_FLOAT;
        buf.writeDoubleLE(value, at + 1);
        at += 9;
      }
      return;
    case 'string':
      writeString(value);
      return;
    case 'boolean':
      room(1);
      buf[at++] = value ? T_TRUE : T_FALSE;
      return;
    case 'undefined':
      room(1);
      buf[at++] = T_UNDEFINED;
      return;
    case 'object':
      break;
    default:
      throw BAIL; // bigint (v8 keeps it), function and symbol (v8 names them in its error)
  }
  if (value === null) {
    room(1);
    buf[at++] = T_NULL;
    return;
  }
  if (depth >= MAX_DEPTH) throw BAIL; // deep, or a cycle: v8 handles both
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw BAIL;
    const n = value.length;
    room(5);
    buf[at] = T_ARRAY;
    buf.writeUInt32LE(n, at + 1);
    at += 5;
    for (let i = 0; i < n; i++) {
      if (!(i in value)) throw BAIL; // holes: v8 keeps them
      writeValue(value[i], depth + 1);
    }
    if (Object.keys(value).length !== n) throw BAIL; // extra properties on the array
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) throw BAIL; // Map, Date, class instances…
  const keys = Object.keys(value);
  room(5);
  buf[at] = T_OBJECT;
  buf.writeUInt32LE(keys.length, at + 1);
  at += 5;
  for (const key of keys) {
    if (key === '__proto__') throw BAIL;
    writeString(key);
    writeValue((value as Record<string, unknown>)[key], depth + 1);
  }
}

function encodeFast(item: unknown, copy: boolean): Uint8Array | undefined {
  at = 1;
  try {
    buf[0] = FAST;
    writeValue(item, 0);
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error; // a getter that threw: let the caller report it
  }
  const view = new Uint8Array(buf.buffer, buf.byteOffset, at);
  // An async put keeps its bytes across awaits while other puts of the thread encode: copy.
  return copy ? view.slice() : view;
}

/** The type of a value, for error messages: `'function'`, `'symbol'`, or a constructor name. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

function tagged(format: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out[0] = format;
  out.set(bytes, 1);
  return out;
}

/**
 * Serialize an item, or throw ItemNotSerializableError before anything is written. With `copy`
 * false the bytes may be a scratch buffer that the next encode() overwrites: only a caller that
 * writes them out synchronously may pass false.
 */
export function encode(item: unknown, where: string, copy: boolean): Uint8Array {
  try {
    if (item instanceof Error) return tagged(ERROR, serialize(serializeError(item)));
    const fast = encodeFast(item, copy);
    if (fast !== undefined) return fast;
    return tagged(V8, serialize(item));
  } catch (error) {
    const type = typeName(item);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ItemNotSerializableError(
      `${where}: the item (${type}) cannot be serialized with node:v8 (structured clone): ${reason}; send plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date, Error…)`,
      type,
      { cause: error },
    );
  }
}

let rd: Buffer = Buffer.alloc(0);
let pos = 0;

function readString(): string {
  const n = rd.readUInt32LE(pos);
  pos += 4;
  const s = rd.toString('utf8', pos, pos + n);
  pos += n;
  return s;
}

function readValue(): unknown {
  const tag = rd[pos++];
  switch (tag) {
    case T_UNDEFINED:
      return undefined;
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT: {
      const v = rd.readInt32LE(pos);
      pos += 4;
      return v;
    }
    case T_FLOAT: {
      const v = rd.readDoubleLE(pos);
      pos += 8;
      return v;
    }
    case T_STRING:
      return readString();
    case T_ARRAY: {
      const n = rd.readUInt32LE(pos);
      pos += 4;
      const out: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readValue();
      return out;
    }
    case T_OBJECT: {
      const n = rd.readUInt32LE(pos);
      pos += 4;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        pos++; // the key's string tag
        const key = readString();
        out[key] = readValue();
      }
      return out;
    }
    default:
      throw new Error(`corrupt queue item: unknown tag ${String(tag)}`);
  }
}

/** Revive an item from `bytes[start, end)` (a view of the ring, or a reassembled copy). */
export function decode(bytes: Buffer, start: number, end: number): unknown {
  if (bytes[start] === V8) return deserialize(bytes.subarray(start + 1, end));
  if (bytes[start] === ERROR) return deserializeError(deserialize(bytes.subarray(start + 1, end)));
  rd = bytes;
  pos = start + 1;
  return readValue();
}
