// The one error wire format and the registry keyed on `code` (src/error-wire.ts,
// src/error-registry.ts), in one process: what survives the trip, what a hostile payload cannot do.
// Real threads, processes and Redis are in the round-trip suites (queue-error-round-trip.test.ts
// here, and in @weft/process-pool and @weft/distributed).
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import {
  AbandonedLockError,
  InvalidArgumentError,
  ItemNotSerializableError,
  QueueEmptyError,
  deserializeError,
  isSerializedError,
  registerErrorClass,
  registerErrorClasses,
  registeredErrorClass,
  serializeError,
  type SerializedError,
} from '../src/index.js';

/** A trip through v8 serialization, as IPC and Queue items take. */
function trip(error: unknown): unknown {
  return deserializeError(deserialize(serialize(serializeError(error))));
}

describe('serializeError / deserializeError', () => {
  it('keeps a registered class, its code, name, message, stack, fields and cause', () => {
    const cause = new TypeError('inner');
    const error = new ItemNotSerializableError('no functions', 'function', { cause });
    const copy = trip(error) as ItemNotSerializableError;
    expect(copy).toBeInstanceOf(ItemNotSerializableError);
    expect(copy).toBeInstanceOf(api.SyncPrimitivesError);
    expect(copy.code).toBe('ERR_WEFT_ITEM_NOT_SERIALIZABLE');
    expect(copy.name).toBe('ItemNotSerializableError');
    expect(copy.message).toBe('no functions');
    expect(copy.stack).toBe(error.stack);
    expect(copy.itemType).toBe('function');
    expect(copy.cause).toBeInstanceOf(TypeError);
    expect((copy.cause as Error).message).toBe('inner');
    const abandoned = trip(new AbandonedLockError('owner died', 7)) as AbandonedLockError;
    expect(abandoned).toBeInstanceOf(AbandonedLockError);
    expect(abandoned.previousOwner).toBe(7);
  });

  it('finds the class by code, not by constructor name (a minified class named "e")', () => {
    const Minified = class e extends Error {
      static readonly code = 'ERR_TEST_MINIFIED_WIRE';
      readonly code = 'ERR_TEST_MINIFIED_WIRE';
      override readonly name = 'ReadableName';
      readonly detail = 42;
    };
    registerErrorClass(Minified);
    const wire = serializeError(new Minified('m')) as SerializedError;
    expect(wire.type).toBe('e');
    // A different class that happens to carry the same constructor name is not confused with it.
    const copy = deserializeError({ ...wire, type: 'SomethingElse' }) as InstanceType<
      typeof Minified
    >;
    expect(copy).toBeInstanceOf(Minified);
    expect(copy.name).toBe('ReadableName');
    expect(copy.detail).toBe(42);
  });

  it('keeps AggregateError errors, built-in types, and non-error thrown values', () => {
    const aggregate = new AggregateError(
      [new RangeError('r'), 'text', new QueueEmptyError('q')],
      'all',
    );
    const copy = trip(aggregate) as AggregateError;
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy.message).toBe('all');
    expect(copy.errors[0]).toBeInstanceOf(RangeError);
    expect(copy.errors[1]).toBe('text');
    expect(copy.errors[2]).toBeInstanceOf(QueueEmptyError);
    for (const value of ['s', 42, null, undefined, { a: [1, 2] }])
      expect(trip(value)).toEqual(value);
    for (const Type of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError])
      expect(trip(new Type('x'))).toBeInstanceOf(Type);
  });

  it('an unknown code comes back as an Error keeping code, name, message and the class name', () => {
    class LocalOnly extends Error {
      readonly code = 'ERR_TEST_NEVER_REGISTERED';
      override readonly name = 'LocalOnlyName';
    }
    const copy = trip(new LocalOnly('lost class')) as Error & { code?: string };
    expect(copy).toBeInstanceOf(Error);
    expect(copy).not.toBeInstanceOf(LocalOnly);
    expect(copy.code).toBe('ERR_TEST_NEVER_REGISTERED');
    expect(copy.name).toBe('LocalOnlyName');
    expect(copy.message).toBe('lost class');
    expect(copy.constructor.name).toBe('LocalOnly');
    const system = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2 });
    expect(trip(system)).toMatchObject({
      code: 'ENOENT',
      errno: -2,
      message: 'ENOENT: no such file',
    });
  });

  it('rebuilds cycles as cycles and shared errors as one object', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    const copy = trip(a) as Error;
    expect((copy.cause as Error).message).toBe('b');
    expect((copy.cause as Error).cause).toBe(copy);
    const shared = new Error('shared');
    const both = new AggregateError([shared, shared], 'two');
    const twice = trip(both) as AggregateError;
    expect(twice.errors[0]).toBe(twice.errors[1]);
  });

  it('stops at a depth limit and never throws on a deep chain', () => {
    let error = new Error('0');
    for (let i = 1; i < 100; i++) error = new Error(String(i), { cause: error });
    let copy = trip(error);
    let depth = 0;
    while (copy instanceof Error) {
      copy = copy.cause;
      depth++;
    }
    expect(depth).toBe(16);
    expect(copy).toBe('Error: 83'); // the rest of the chain as text
  });

  it('a property the transport cannot carry travels as its text; an error property as an error', () => {
    const error = Object.assign(new Error('x'), {
      fn: () => 1,
      inner: new QueueEmptyError('e'),
      list: [1, 2],
    });
    const copy = trip(error) as Error & Record<string, unknown>;
    expect(typeof copy['fn']).toBe('string');
    expect(copy['inner']).toBeInstanceOf(QueueEmptyError);
    expect(copy['list']).toEqual([1, 2]);
    const throwing = new Error('getter');
    Object.defineProperty(throwing, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(() => serializeError(throwing)).not.toThrow();
  });

  it('a custom check decides what the transport carries', () => {
    const wire = serializeError(Object.assign(new Error('x'), { big: 1n }), {
      check: (value) => void JSON.stringify(value),
    }) as SerializedError;
    expect(wire.data['big']).toEqual({ $weft: 'value', value: '1' });
  });

  it('returns values not in the format unchanged; isSerializedError tells them apart', () => {
    const plain = { message: 'not ours' };
    expect(deserializeError(plain)).toBe(plain);
    expect(isSerializedError(plain)).toBe(false);
    expect(isSerializedError(serializeError(new Error('x')))).toBe(true);
    expect(isSerializedError(serializeError('x'))).toBe(true);
  });
});

describe('a crafted payload', () => {
  function hostile(json: string): unknown {
    return deserializeError(deserialize(serialize(JSON.parse(json))));
  }

  it('cannot choose a prototype, reach Object.prototype or name a global class', () => {
    const error = hostile(
      '{"$weft":"error","id":0,"type":"Function","code":"constructor","name":"X","message":"m",' +
        '"data":{"__proto__":{"$weft":"value","value":{"polluted":true}},"constructor":1,"prototype":2,' +
        '"field":{"$weft":"value","value":"kept"}}}',
    ) as Error & Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(error))).toBe(Error.prototype);
    expect(error.constructor.name).toBe('Function'); // a stand-in Error class, not Function
    expect(error['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    for (const key of ['__proto__', 'constructor', 'prototype'])
      expect(Object.hasOwn(error, key)).toBe(false);
    expect(error['field']).toBe('kept');
    for (const type of ['constructor', '__proto__', 'toString', 'globalThis', 'process']) {
      const e = hostile(
        `{"$weft":"error","id":0,"type":"${type}","message":"m","data":{}}`,
      ) as Error;
      expect(e).toBeInstanceOf(Error);
      expect(e.constructor.name).toBe(type);
    }
  });

  it('fields of the wrong type read as absent and nothing throws', () => {
    const odd = [
      '{"$weft":"error","type":"AggregateError","message":"m","errors":5,"data":{}}',
      '{"$weft":"error","type":7,"name":null,"message":{},"stack":3,"data":4,"code":5}',
      '{"$weft":"error"}',
      '{"$weft":"ref","id":"x"}',
      '{"$weft":"ref","id":99}',
      '{"$weft":"value"}',
      '{"$weft":"other","value":1}',
      '{"$weft":"error","cause":{"$weft":"error","cause":{"$weft":"ref","id":0}},"id":0}',
    ];
    for (const json of odd) expect(() => hostile(json)).not.toThrow();
    expect(hostile(odd[0]!)).toBeInstanceOf(AggregateError);
    expect((hostile(odd[0]!) as AggregateError).errors).toEqual([]);
    expect((hostile(odd[1]!) as Error).message).toBe('');
    expect(hostile(odd[2]!)).toBeInstanceOf(Error);
  });
});

describe('the registry', () => {
  it('holds every exported error class of this package that has a code, by that code', () => {
    const classes = Object.values(api).filter(
      (value): value is typeof QueueEmptyError =>
        typeof value === 'function' &&
        value.prototype instanceof Error &&
        Object.hasOwn(value, 'code'),
    );
    expect(classes.length).toBeGreaterThanOrEqual(19);
    for (const cls of classes) expect(registeredErrorClass(cls.code)).toBe(cls);
  });

  it('refuses a second class for a taken code, a class without code, and a non-Error', () => {
    class Clash extends Error {
      static readonly code = 'ERR_WEFT_QUEUE_EMPTY';
    }
    expect(() => registerErrorClass(Clash)).toThrow(InvalidArgumentError);
    expect(() => registerErrorClass(Clash)).toThrow(/already registered for QueueEmptyError/);
    class NoCode extends Error {}
    expect(() => registerErrorClass(NoCode)).toThrow(/no static string `code`/);
    expect(() => registerErrorClass(Object as never, 'X')).toThrow(InvalidArgumentError);
    expect(() => registerErrorClass(QueueEmptyError)).not.toThrow(); // again: nothing to do
    expect(() => registerErrorClass(QueueEmptyError, 'ERR_OTHER')).toThrow(
      /already registered under/,
    );
  });

  it('registerErrorClasses takes the coded classes of a list and skips the rest', () => {
    class One extends Error {
      static readonly code = 'ERR_TEST_LIST_ONE';
    }
    class Base extends One {} // inherits a code but has none of its own
    expect(registerErrorClasses([One, Base, () => 1, 'x', Error])).toEqual([One]);
    expect(registeredErrorClass('ERR_TEST_LIST_ONE')).toBe(One);
    // A second copy of a package: its classes carry the same codes; the first copy's stay.
    class OneAgain extends Error {
      static readonly code = 'ERR_TEST_LIST_ONE';
    }
    expect(registerErrorClasses([OneAgain, QueueEmptyError])).toEqual([]);
    expect(registeredErrorClass('ERR_TEST_LIST_ONE')).toBe(One);
  });
});
