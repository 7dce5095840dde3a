// Option validation: one place that knows what each option allows, so every error names the
// field, the value given and what is allowed.
import { InvalidOptionError } from '../errors.js';
import type { RetryPolicy, TaskOptions } from '../task.js';

export function positiveIntegerOrInfinity(option: string, value: unknown): number {
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value > 0))
    return value;
  throw new InvalidOptionError(option, value, 'a positive integer or Infinity');
}

export function positiveInteger(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new InvalidOptionError(option, value, 'a positive integer');
}

export function positiveNumber(option: string, value: unknown): number {
  if (typeof value === 'number' && value > 0 && !Number.isNaN(value)) return value;
  throw new InvalidOptionError(option, value, 'a number greater than 0');
}

export function nonNegativeFinite(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionError(option, value, 'a finite number ≥ 0');
}

export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new InvalidOptionError(option, value, allowed.map((a) => `'${a}'`).join(' | '));
}

const KINDS = ['cpu', 'io', 'auto'] as const;
export const ON_FULL = ['wait', 'reject', 'drop-oldest', 'drop-lowest'] as const;

/** Validates the task options that are present; cheap when few are. */
export function validateTaskOptions(
  task: TaskOptions & { readonly fn?: unknown; readonly args?: unknown },
): void {
  if (typeof task.fn !== 'function') throw new InvalidOptionError('fn', task.fn, 'a function');
  if (task.args !== undefined && !Array.isArray(task.args))
    throw new InvalidOptionError('args', task.args, 'an array');
  if (task.kind !== undefined) oneOf('kind', task.kind, KINDS);
  if (
    task.priority !== undefined &&
    !(typeof task.priority === 'number' && Number.isFinite(task.priority))
  ) {
    throw new InvalidOptionError('priority', task.priority, 'a finite number');
  }
  if (task.timeout !== undefined) positiveNumber('timeout', task.timeout);
  if (
    task.deadline !== undefined &&
    !(typeof task.deadline === 'number' && !Number.isNaN(task.deadline))
  ) {
    throw new InvalidOptionError(
      'deadline',
      task.deadline,
      'a time in ms since the epoch (like Date.now())',
    );
  }
  if (task.signal !== undefined && !(task.signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', task.signal, 'an AbortSignal');
  }
  if (task.onFull !== undefined) oneOf('onFull', task.onFull, ON_FULL);
  if (
    task.weight !== undefined &&
    !(typeof task.weight === 'number' && Number.isInteger(task.weight) && task.weight >= 0)
  ) {
    throw new InvalidOptionError('weight', task.weight, 'an integer ≥ 0');
  }
  if (task.id !== undefined && !(typeof task.id === 'string' && task.id !== ''))
    throw new InvalidOptionError('id', task.id, 'a non-empty string');
  if (task.name !== undefined && typeof task.name !== 'string')
    throw new InvalidOptionError('name', task.name, 'a string');
  if (task.retry !== undefined) validateRetry(task.retry);
}

export function validateRetry(retry: RetryPolicy): void {
  if (typeof retry !== 'object' || retry === null)
    throw new InvalidOptionError('retry', retry, 'an object { attempts, backoff?, retryOn? }');
  positiveInteger('retry.attempts', retry.attempts);
  if (retry.retryOn !== undefined && typeof retry.retryOn !== 'function') {
    throw new InvalidOptionError(
      'retry.retryOn',
      retry.retryOn,
      'a function (error, attempt) => boolean',
    );
  }
  const backoff = retry.backoff;
  if (backoff === undefined) return;
  if (typeof backoff !== 'object' || backoff === null) {
    throw new InvalidOptionError(
      'retry.backoff',
      backoff,
      "{ type: 'fixed' | 'exponential', delay, … }",
    );
  }
  oneOf('retry.backoff.type', backoff.type, ['fixed', 'exponential'] as const);
  nonNegativeFinite('retry.backoff.delay', backoff.delay);
  if (
    backoff.jitter !== undefined &&
    !(typeof backoff.jitter === 'number' && backoff.jitter >= 0 && backoff.jitter <= 1)
  ) {
    throw new InvalidOptionError('retry.backoff.jitter', backoff.jitter, 'a number from 0 to 1');
  }
  if (backoff.type === 'exponential') {
    if (
      backoff.factor !== undefined &&
      !(
        typeof backoff.factor === 'number' &&
        Number.isFinite(backoff.factor) &&
        backoff.factor >= 1
      )
    ) {
      throw new InvalidOptionError('retry.backoff.factor', backoff.factor, 'a finite number ≥ 1');
    }
    if (
      backoff.maxDelay !== undefined &&
      !(typeof backoff.maxDelay === 'number' && backoff.maxDelay >= 0)
    ) {
      throw new InvalidOptionError('retry.backoff.maxDelay', backoff.maxDelay, 'a number ≥ 0');
    }
  }
}
