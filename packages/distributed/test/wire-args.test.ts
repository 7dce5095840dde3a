// A call's argument list on the wire: a JSON list when JSON keeps every argument exactly, else the
// structured-serialized list; the worker checks a JSON list (only such values, within its size
// limit) and reads both forms. Unit checks, then real calls through a real store.
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { BullMQExecutor } from '@weft/distributed';
import type { DistributedEvent } from '@weft/distributed';
import { argsProblem, decodeArgs, encodeArgs } from '../src/internal/wire-args.js';
import type { WireArgs } from '../src/internal/wire-args.js';
import { echo, echoArgs } from './fixtures/tasks.mjs';
import { freshQueue, TASKS_URL } from './helpers.js';
import { adminQueue, inlineTestWorker, testStores } from './stores.js';
import type { TestStore } from './stores.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The list a worker decodes from `args`, after BullMQ's JSON round trip of the job data. */
function throughJson(args: readonly unknown[]): unknown[] {
  const wire = JSON.parse(JSON.stringify(encodeArgs(args))) as WireArgs;
  expect(argsProblem(wire, Infinity)).toBeUndefined();
  const decoded = decodeArgs(wire);
  if (!('args' in decoded)) throw new Error(decoded.problem);
  return decoded.args;
}

describe('encodeArgs()', () => {
  it('sends a list of nulls, booleans, strings and finite numbers as a JSON list, a copy', () => {
    const list = [1, -2.5, 2 ** 60, 'text', '', '\ud800', true, false, null];
    const wire = encodeArgs(list);
    expect(Array.isArray(wire)).toBe(true);
    expect(wire).toEqual(list);
    expect(wire).not.toBe(list);
    expect(throughJson(list)).toEqual(list);
    expect(encodeArgs([])).toEqual([]);
  });

  it('serializes a list holding anything JSON would change or drop', () => {
    // eslint-disable-next-line no-sparse-arrays -- a hole, on purpose
    const sparse = [1, , 3];
    const lists: unknown[][] = [
      [undefined],
      [1, -0],
      [NaN],
      [Infinity],
      [10n],
      [{ a: 1 }],
      [[1]],
      [new Date(5)],
      [new Map([[1, 2]])],
      sparse,
    ];
    for (const list of lists) {
      expect(typeof encodeArgs(list)).toBe('string');
      expect(throughJson(list)).toEqual(list);
    }
    expect(Object.is(throughJson([-0])[0], -0)).toBe(true);
    expect(1 in throughJson(sparse)).toBe(false);
  });

  it('keeps the values the call was made with, whatever the caller does to its list after', () => {
    const list: unknown[] = [1, 'a'];
    const wire = encodeArgs(list);
    list[0] = 99;
    list.push('later');
    expect(wire).toEqual([1, 'a']);
  });
});

describe('argsProblem()', () => {
  it('refuses a JSON list holding anything but null, booleans, numbers and strings', () => {
    for (const bad of [[{ a: 1 }], [[1]], [1, { toString: 'x' }]]) {
      expect(argsProblem(bad, Infinity)).toMatch(
        /other than null, a boolean, a number or a string/,
      );
    }
    for (const bad of [7, null, { 0: 1 }, true]) {
      expect(argsProblem(bad, Infinity)).toMatch(/neither a serialized list .* nor a JSON list/);
    }
  });

  it('holds both forms to the size limit without decoding them', () => {
    expect(argsProblem(['x'.repeat(100)], 100)).toBeUndefined();
    expect(argsProblem(['x'.repeat(101)], 100)).toMatch(/about 101 bytes, over .* limit of 100/);
    expect(argsProblem([1, 2], 16)).toBeUndefined();
    expect(argsProblem([1, 2, 3], 16)).toMatch(/about 24 bytes/);
    expect(argsProblem('A'.repeat(8000), 3000)).toMatch(/about 6000 bytes, over .* limit of 3000/);
    expect(argsProblem('A'.repeat(4000), 3000)).toBeUndefined();
  });
});

describe('decodeArgs()', () => {
  it('says why a serialized payload is no argument list', () => {
    expect(decodeArgs(serialize({ 0: 1 }).toString('base64'))).toEqual({
      problem: 'its arguments decode to something other than a list',
    });
    expect(decodeArgs('!!!')).toMatchObject({ problem: /do not decode/ });
  });
});

describe.each(testStores)('arguments on $name', (store: TestStore) => {
  async function setup(name: string): Promise<{ executor: BullMQExecutor; queue: string }> {
    const queue = freshQueue(name);
    const worker = await inlineTestWorker(store, queue);
    cleanups.push(() => worker.close());
    const executor = new BullMQExecutor({ connection: store.url, queue, tasks: [TASKS_URL] });
    cleanups.push(() => executor.close());
    return { executor, queue };
  }

  it('a call with plain arguments writes them into the job as JSON, and the task gets them', async () => {
    const { executor, queue } = await setup('args-json');
    const ids: string[] = [];
    const unsubscribe = executor.subscribe((event: DistributedEvent) => {
      if (event.type === 'job:queued') ids.push(event.jobId);
    });
    cleanups.push(unsubscribe);
    await expect(executor.apply(echoArgs, [1, 'two', true, null])).resolves.toEqual([
      1,
      'two',
      true,
      null,
    ]);
    const admin = adminQueue(store, queue);
    cleanups.push(() => admin.close());
    const job = await admin.getJob(ids[0]!);
    expect((job?.data as { args: unknown }).args).toEqual([1, 'two', true, null]);
  });

  it('arguments of every other kind still arrive intact', async () => {
    const { executor } = await setup('args-serialized');
    const values = [undefined, -0, NaN, 10n, { a: [new Date(1)] }, new Set([1])];
    const back = await Promise.all(values.map((value) => executor.apply(echo, [value])));
    expect(back).toEqual(values);
    expect(Object.is(back[1], -0)).toBe(true);
  });
});
