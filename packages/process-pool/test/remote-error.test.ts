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
      '{"__weftError":1,"ctor":"Error","name":"Error","message":"m","stack":"s",' +
        '"props":{"__proto__":{"polluted":true},"constructor":1,"prototype":2,"code":"E1"}}',
    );
    expect(Object.hasOwn((payload as { props: object }).props, '__proto__')).toBe(true);
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
        wire(`{"__weftError":1,"ctor":"${ctor}","name":"X","message":"m","props":{}}`),
      ) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.constructor.name).toBe(ctor);
      expect(error.message).toBe('m');
    }
  });

  it('fields of the wrong type are read as absent and nothing throws', () => {
    const odd = [
      '{"__weftError":1,"ctor":"AggregateError","name":"AggregateError","message":"m","errors":5,"props":{}}',
      '{"__weftError":1,"ctor":7,"name":null,"message":{},"stack":3,"props":4}',
      '{"__weftError":1}',
      '{"__weftError":2,"value":1}',
    ];
    for (const json of odd) expect(() => restoreError(wire(json))).not.toThrow();
    const aggregate = restoreError(wire(odd[0]!)) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors).toEqual([]);
    expect((restoreError(wire(odd[1]!)) as Error).message).toBe('');
  });
});
