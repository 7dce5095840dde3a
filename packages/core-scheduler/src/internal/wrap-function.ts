// The function Scheduler.wrap returns: options checked once, one task per call.
import { InvalidOptionError } from '../errors.js';
import type { Task, TaskOptions } from '../task.js';
import type { WrapOptions, WrappedFunction } from '../wrap.js';
import { validateTaskOptions } from './validate.js';

export function wrapFunction<A extends readonly unknown[], R>(
  schedule: (task: Task<A, R>) => Promise<Awaited<R>>,
  fn: (...args: A) => R,
  options: WrapOptions,
): WrappedFunction<A, R> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object of task options');
  if ((options as TaskOptions).id !== undefined) {
    throw new InvalidOptionError(
      'id',
      (options as TaskOptions).id,
      'no id in wrap() options (each call is its own task); pass one per call with withOptions()',
    );
  }
  validateTaskOptions({ ...options, fn });
  // The name is fixed here so that every call's task has the wrapped function's name.
  const base = { ...options, name: options.name ?? (fn.name || 'anonymous'), fn };
  const call = (...args: A): Promise<Awaited<R>> =>
    schedule({ ...base, args } as unknown as Task<A, R>);
  const withOptions = (extra: TaskOptions, ...args: A): Promise<Awaited<R>> =>
    schedule({ ...base, ...extra, fn, args } as unknown as Task<A, R>);
  return Object.assign(call, { withOptions });
}
