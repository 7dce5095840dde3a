// Rebuilding a worker's error in the pool (issue 25): the flattened error comes from another
// process and is not trusted. Payloads are crafted as a rogue child would send them, through v8's
// serializer (which keeps an own `__proto__` key, as the IPC channel does).
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { restoreError } from '../src/internal/remote-error.js';

function wire(json: string): unknown {
  return deserialize(serialize(JSON.parse(json)));
}

describe('restoreError with a crafted payload', () => {
  it('never lets the sender choose the prototype or reach Object.prototype', () => {
    const payload = wire(
      '{"$weft":"error","id":0,"type":"Error","name":"Error","message":"m","stack":"s",' +
        '"data":{"__proto__":{"$weft":"value","value":{"polluted":true}},' +
        '"constructor":{"$weft":"value","value":1},"prototype":{"$weft":"value","value":2},' +
        '"code":{"$weft":"value","value":"E1"}}}',
    );
    expect(Object.hasOwn((payload as { data: object }).data, '__proto__')).toBe(true);
    const error = restoreError(payload) as Error & Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    expect(error['polluted']).toBeUndefined();
    expect(Object.hasOwn(error, 'constructor')).toBe(false);
    expect(Object.hasOwn(error, 'prototype')).toBe(false);
    expect(error['code']).toBe('E1');
    expect(error.message).toBe('m');
  });

  it('a class name inherited from Object.prototype is a stand-in Error class, not Object', () => {
    for (const ctor of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const error = restoreError(
        wire(`{"$weft":"error","id":0,"type":"${ctor}","name":"X","message":"m","data":{}}`),
      ) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.constructor.name).toBe(ctor);
      expect(error.message).toBe('m');
    }
  });

  it('fields of the wrong type are read as absent and nothing throws', () => {
    const odd = [
      '{"$weft":"error","type":"AggregateError","name":"AggregateError","message":"m","errors":5,"data":{}}',
      '{"$weft":"error","type":7,"name":null,"message":{},"stack":3,"data":4}',
      '{"$weft":"error"}',
      '{"$weft":"other","value":1}',
    ];
    for (const json of odd) expect(() => restoreError(wire(json))).not.toThrow();
    const aggregate = restoreError(wire(odd[0]!)) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors).toEqual([]);
    expect((restoreError(wire(odd[1]!)) as Error).message).toBe('');
  });
});
