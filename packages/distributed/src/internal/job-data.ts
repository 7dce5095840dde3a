// Checking a job's data before a worker uses any of it. Job data comes from whoever can write to
// the queue: a job that fails a check is failed with the reason (JobDataInvalidError), and nothing
// it names is imported or run.
import { argsProblem } from './wire-args.js';
import { WIRE_VERSION } from './wire.js';
import type { JobData, WireBackoff } from './wire.js';

/** Longest task module id and export name a worker accepts in job data. */
export const MAX_MODULE_ID_LENGTH: number = 4096;
export const MAX_EXPORT_NAME_LENGTH: number = 1024;
/** Default limit of a job's decoded `args` payload, in bytes. */
export const DEFAULT_MAX_ARGS_BYTES: number = 16 * 1024 * 1024;

function finiteAtLeast(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min;
}

function backoffProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return '"backoff" is not an object';
  const b = value as Partial<Record<keyof WireBackoff, unknown>>;
  if (b.type !== 'fixed' && b.type !== 'exponential')
    return '"backoff.type" is not "fixed" or "exponential"';
  if (!finiteAtLeast(b.delay, 0)) return '"backoff.delay" is not a finite number ≥ 0';
  if (!finiteAtLeast(b.factor, 1)) return '"backoff.factor" is not a finite number ≥ 1';
  if (!finiteAtLeast(b.maxDelay, -1)) return '"backoff.maxDelay" is not a finite number ≥ -1';
  if (!finiteAtLeast(b.jitter, 0) || (b.jitter as number) > 1)
    return '"backoff.jitter" is not a number from 0 to 1';
  return undefined;
}

function nameProblem(key: string, value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' || value === '') return `"${key}" is not a non-empty string`;
  if (value.length > max) return `"${key}" is ${value.length} characters long (at most ${max})`;
  return undefined;
}

/**
 * What is wrong with a job's data, or `undefined` when it is a Weft job this worker can read: the
 * shape, the wire version, and the sizes (names, and the `args` payload, measured without
 * decoding it).
 */
export function jobDataProblem(value: unknown, maxArgsBytes: number): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'its data is not a Weft job (an object with weft, module, export and args)';
  const v = value as Partial<Record<keyof JobData, unknown>>;
  if (v.weft !== WIRE_VERSION) {
    return typeof v.weft === 'number'
      ? `its data has wire version ${v.weft}; this worker reads version ${WIRE_VERSION} (upgrade the older side)`
      : 'its data is not a Weft job (no "weft" wire version)';
  }
  const problem =
    nameProblem('module', v.module, MAX_MODULE_ID_LENGTH) ??
    nameProblem('export', v.export, MAX_EXPORT_NAME_LENGTH);
  if (problem !== undefined) return problem;
  const args = argsProblem(v.args, maxArgsBytes);
  if (args !== undefined) return args;
  if (
    v.attempt !== undefined &&
    !(typeof v.attempt === 'number' && Number.isSafeInteger(v.attempt) && v.attempt >= 1)
  )
    return '"attempt" is not a positive integer';
  if (
    v.result !== undefined &&
    !(typeof v.result === 'number' && Number.isSafeInteger(v.result) && v.result >= 1)
  )
    return '"result" is not a positive integer';
  return backoffProblem(v.backoff);
}

/** Whether `value` is well-formed Weft job data (any `args` size). */
export function isJobData(value: unknown): value is JobData {
  return jobDataProblem(value, Infinity) === undefined;
}
