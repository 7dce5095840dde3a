// The scheduler's retry policy, mapped onto BullMQ attempts and backoff. BullMQ's built-in
// exponential backoff has no factor or cap, so jobs carry the policy and Weft workers compute the
// delay themselves (a BullMQ custom backoff strategy). A `retryOn` predicate can't travel to the
// workers, so a policy with one is run by the caller: one BullMQ job per attempt, the next one
// submitted as a delayed job only when the predicate says so.
import type { RetryPolicy } from '@weft/core-scheduler';
import {
  InvalidOptionError,
  JobCancelledError,
  JobDataInvalidError,
  TaskExportNotFoundError,
  TaskModuleLoadError,
  TaskNotRegisteredError,
  ValueNotSerializableError,
} from '../errors.js';
import type { WireBackoff } from './wire.js';

export const WEFT_BACKOFF = 'weft';

export interface JobRetry {
  readonly attempts: number;
  readonly backoff?: WireBackoff;
  /** Set: the caller decides each retry (BullMQ gets one attempt per job). */
  readonly retryOn?: (error: unknown, attempt: number) => boolean;
}

function finite(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionError(option, value, `a finite number ≥ ${min}`);
  }
  return value;
}

export function toJobRetry(policy: RetryPolicy | undefined, option: string): JobRetry {
  if (policy === undefined) return { attempts: 1 };
  const { attempts, backoff, retryOn } = policy;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    throw new InvalidOptionError(`${option}.attempts`, attempts, 'a positive integer');
  }
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    throw new InvalidOptionError(
      `${option}.retryOn`,
      retryOn,
      'a function (error, attempt) => boolean',
    );
  }
  const predicate = attempts > 1 && retryOn !== undefined ? { retryOn } : {};
  if (backoff === undefined) return { attempts, ...predicate };
  const type = (backoff as { type: unknown }).type;
  if (type !== 'fixed' && type !== 'exponential')
    throw new InvalidOptionError(`${option}.backoff.type`, type, '"fixed" or "exponential"');
  const delay = finite(`${option}.backoff.delay`, backoff.delay, 0);
  const jitter = finite(`${option}.backoff.jitter`, backoff.jitter ?? 0, 0);
  if (jitter > 1)
    throw new InvalidOptionError(`${option}.backoff.jitter`, jitter, 'a number from 0 to 1');
  const factor =
    backoff.type === 'exponential' ? finite(`${option}.backoff.factor`, backoff.factor ?? 2, 1) : 1;
  const maxDelay = backoff.type === 'exponential' ? (backoff.maxDelay ?? Infinity) : Infinity;
  if (typeof maxDelay !== 'number' || Number.isNaN(maxDelay) || maxDelay < 0) {
    throw new InvalidOptionError(
      `${option}.backoff.maxDelay`,
      maxDelay,
      'a number ≥ 0 or Infinity',
    );
  }
  // JSON has no Infinity: -1 stands for "no cap" on the wire.
  return {
    attempts,
    backoff: { type, delay, factor, maxDelay: maxDelay === Infinity ? -1 : maxDelay, jitter },
    ...predicate,
  };
}

/** Delay before retry number `retry` (1 after the first failure), as the scheduler computes it. */
export function backoffDelay(
  backoff: WireBackoff,
  retry: number,
  random: () => number = Math.random,
): number {
  const base =
    backoff.type === 'fixed' ? backoff.delay : backoff.delay * backoff.factor ** (retry - 1);
  const capped = backoff.maxDelay >= 0 ? Math.min(base, backoff.maxDelay) : base;
  return Math.round(capped * (1 - backoff.jitter * random()));
}

/**
 * Whether no retry can fix this failure. The worker marks such a job unrecoverable for BullMQ, and
 * the caller never runs its `retryOn` for it.
 */
export function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof TaskModuleLoadError ||
    error instanceof TaskExportNotFoundError ||
    error instanceof TaskNotRegisteredError ||
    error instanceof JobDataInvalidError ||
    error instanceof ValueNotSerializableError ||
    error instanceof JobCancelledError ||
    (error instanceof Error && error.name === 'UnrecoverableError')
  );
}
