// Delay before a retry, from a plain-data Backoff description.
import type { Backoff } from '../task.js';

/** Delay in ms before retrying after attempt number `attempt` (1-based) failed. */
export function backoffDelay(backoff: Backoff | undefined, attempt: number): number {
  if (backoff === undefined) return 0;
  let delay =
    backoff.type === 'fixed'
      ? backoff.delay
      : Math.min(
          backoff.maxDelay ?? Infinity,
          backoff.delay * (backoff.factor ?? 2) ** (attempt - 1),
        );
  const jitter = backoff.jitter ?? 0;
  if (jitter > 0) delay *= 1 - jitter * Math.random();
  return delay;
}
