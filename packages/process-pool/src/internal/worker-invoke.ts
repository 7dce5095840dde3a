// Calling a task's function in a worker: arguments that carry shared primitives or remote handles
// are revived first; a map/starmap chunk calls it once per item (awaiting each item's promise, in
// order, once one turns out async).
import { FLAG_MAP, FLAG_ONE, FLAG_STARMAP, REMOTE_MARK, SHARED_MARK } from './protocol.js';
import { reviveRemote, type RemoteHandle } from './remote-client.js';
import { reviveShared } from './sync-bridge.js';
import type { TaskFunction } from './worker-modules.js';

/** Swap the shared-primitive and remote handles in `value` for live objects (in place). */
export function reviveArgs(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 16) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveArgs(value[i], depth + 1);
    return value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  if (SHARED_MARK in record) return reviveShared(record[SHARED_MARK]);
  if (REMOTE_MARK in record) return reviveRemote(record[REMOTE_MARK] as RemoteHandle);
  for (const key of Object.keys(record)) record[key] = reviveArgs(record[key], depth + 1);
  return value;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

async function mapRest(
  fn: TaskFunction,
  items: unknown[],
  spread: boolean,
  results: unknown[],
  from: number,
): Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    results[i] = await (spread ? fn(...(items[i] as unknown[])) : fn(items[i]));
  }
  return results;
}

/**
 * Call `fn` for a task: `fn(...args)`, `fn(args)` when the pool sent its one argument bare
 * (FLAG_ONE), or once per item of a map/starmap chunk.
 */
export function invoke(fn: TaskFunction, args: unknown, flags: number): unknown {
  if ((flags & FLAG_ONE) !== 0) return fn(args);
  if ((flags & (FLAG_MAP | FLAG_STARMAP)) === 0) return fn(...(args as unknown[]));
  const spread = (flags & FLAG_STARMAP) !== 0;
  const items = args as unknown[];
  const results = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const r = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
    if (isThenable(r)) {
      return Promise.resolve(r).then((v) => {
        results[i] = v;
        return mapRest(fn, items, spread, results, i + 1);
      });
    }
    results[i] = r;
  }
  return results;
}
