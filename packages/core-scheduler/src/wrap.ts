// Scheduler.wrap: a function with another function's parameters that schedules each call.
import type { TaskOptions } from './task.js';

/**
 * Options of {@link Scheduler.wrap}: task options for every call, except `id` (each task needs
 * its own).
 *
 * @example
 * ```ts
 * const options: WrapOptions = { kind: 'cpu', retry: { attempts: 3 } };
 * ```
 */
export type WrapOptions = Omit<TaskOptions, 'id'>;

/**
 * What {@link Scheduler.wrap} returns: call it like the wrapped function, get a promise of its
 * awaited result.
 *
 * @example
 * ```ts
 * const resize: WrappedFunction<[string, number], Buffer> = scheduler.wrap(resizeImage, { kind: 'cpu' });
 * const small = await resize('cat.png', 128);
 * ```
 */
export interface WrappedFunction<A extends readonly unknown[], R> {
  /** Schedules one call with the wrap's options. */
  (...args: A): Promise<Awaited<R>>;
  /**
   * Schedules one call with these options over the wrap's (here `id` is allowed).
   *
   * @param options - Task options for this call.
   * @param args - The call's arguments.
   * @returns The call's awaited result.
   */
  withOptions(options: TaskOptions, ...args: A): Promise<Awaited<R>>;
}
