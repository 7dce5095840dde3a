// Scheduler.map: one task per item of a (possibly async) iterable, read only as fast as `limit`
// allows, results in input order, stopping at the first failure.
import { InvalidOptionError } from '../errors.js';
import type { MapOptions } from '../scheduler-options.js';
import type { Task } from '../task.js';
import { positiveIntegerOrInfinity, validateTaskOptions } from './validate.js';

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value === 'string';
  if (value === null) return false;
  return (
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function' ||
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

export async function mapItems<T, R>(
  schedule: (task: Task<[T], R>) => Promise<Awaited<R>>,
  fn: (item: T) => R,
  items: Iterable<T> | AsyncIterable<T>,
  options: MapOptions,
): Promise<Awaited<R>[]> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object of MapOptions');
  const { limit: givenLimit, ...taskOptions } = options;
  const limit = positiveIntegerOrInfinity('limit', givenLimit ?? Infinity);
  validateTaskOptions({ ...taskOptions, fn });
  if (!isIterable(items))
    throw new InvalidOptionError('items', items, 'an iterable or async iterable');
  const results: Awaited<R>[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = false;
  let firstError: unknown;
  let index = 0;
  try {
    for await (const item of items) {
      if (failed) break;
      const at = index++;
      const task = { ...taskOptions, fn, args: [item] as [T] } as Task<[T], R>;
      const settled: Promise<void> = schedule(task).then(
        (value) => {
          results[at] = value;
          inFlight.delete(settled);
        },
        (error: unknown) => {
          if (!failed) {
            failed = true;
            firstError = error;
          }
          inFlight.delete(settled);
        },
      );
      inFlight.add(settled);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
  } catch (error) {
    // The items' iterator threw: that is the first error unless a task failed before.
    if (!failed) {
      failed = true;
      firstError = error;
    }
  }
  await Promise.all(inFlight);
  if (failed) throw firstError;
  return results;
}
