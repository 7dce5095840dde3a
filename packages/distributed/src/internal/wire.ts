// The wire format between callers and workers: what a job carries through Redis. BullMQ stores job
// data and results as JSON, so values travel as base64 of Node's structured serialization (the
// same format as `child_process` advanced serialization: Map, Set, Date, BigInt, typed arrays),
// and errors in Weft's error wire format, which the caller rebuilds as the same class (by `code`).
import { deserialize, serialize } from 'node:v8';
import {
  deserializeError,
  registerErrorClass,
  registerErrorClasses as registerAll,
  registeredErrorClass,
  serializeError,
} from '@weft/sync-primitives';
import * as ownErrors from '../errors.js';

/** Version tag of {@link JobData}; a worker refuses data of another version with a clear error. */
export const WIRE_VERSION = 1;

/** Retry delays the worker computes itself (BullMQ's built-in backoff has no factor or cap). */
export interface WireBackoff {
  readonly type: 'fixed' | 'exponential';
  readonly delay: number;
  readonly factor: number;
  readonly maxDelay: number;
  readonly jitter: number;
}

/** The `data` of every Weft job. */
export interface JobData {
  readonly weft: typeof WIRE_VERSION;
  /** Task module id, as given to the executor's `tasks`. */
  readonly module: string;
  /** Export name in that module. */
  readonly export: string;
  /** base64 of the serialized argument list. */
  readonly args: string;
  readonly backoff?: WireBackoff;
  /** Number of this job's first attempt, when the caller runs the retries (one job per attempt). */
  readonly attempt?: number;
  /**
   * The caller's W3C trace context, when it traces (see traceparent.ts). Read strictly by the
   * worker; a malformed value is ignored, never refused.
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /**
   * The newest result format the caller reads (wire-result.ts); absent: format 1, the
   * {@link WireResult} object. A worker answers in the newest format both sides know.
   */
  readonly result?: number;
}

/** What a worker reports about one attempt, carried in progress events and results. */
export interface WireStart {
  readonly ev: 'started';
  readonly time: number;
  readonly attempt: number;
  readonly host: string;
  readonly worker: string;
  readonly hostPid: number;
  readonly workerId?: number;
  readonly pid?: number;
  readonly threadId?: number;
}

export interface WireSettle {
  readonly ev: 'settled';
  readonly time: number;
  readonly attempt: number;
  readonly status: 'fulfilled' | 'rejected';
  readonly runMs: number;
  readonly cpuMs?: number;
  /** base64 of the flattened error, when rejected. */
  readonly error?: string;
  /** Whether BullMQ will try again after this failed attempt. */
  readonly final?: boolean;
}

/** A job's return value in result format 1 (see wire-result.ts for format 2). */
export interface WireResult {
  readonly value: string;
  readonly settle: WireSettle;
  /** The attempt's start, when the job ended before the worker reported it separately. */
  readonly start?: WireStart;
}

/** Progress payload tag, so Weft ignores progress from other producers on a shared queue. */
export interface WireProgress {
  readonly weft: WireStart | WireSettle;
}

export function encode(value: unknown): string {
  return serialize(value).toString('base64');
}

export function decode(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/** Encode a value, or throw {@link ValueNotSerializableError} naming `position`. */
export function encodeValue(value: unknown, position: 'args' | 'result'): string {
  try {
    return encode(value);
  } catch (error) {
    throw new ownErrors.ValueNotSerializableError(position, { cause: error });
  }
}

export function isWireProgress(value: unknown): value is WireProgress {
  if (typeof value !== 'object' || value === null || !('weft' in value)) return false;
  const inner = value.weft;
  return typeof inner === 'object' && inner !== null && 'ev' in inner;
}

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
 * shape, the wire version, and the sizes (names, and the `args` payload, measured on its base64
 * text without decoding it).
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
  if (typeof v.args !== 'string') return '"args" is not a string';
  // base64 takes 4 characters per 3 bytes.
  if (v.args.length > Math.ceil(maxArgsBytes / 3) * 4) {
    return (
      `its arguments are about ${Math.floor((v.args.length * 3) / 4)} bytes, over this worker's ` +
      `limit of ${maxArgsBytes} (maxArgsBytes / --max-args-bytes); pass large data by reference`
    );
  }
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

/**
 * Decode a job's argument list. Node's structured deserializer builds data only (primitives, plain
 * objects and arrays, Map, Set, Date, RegExp, BigInt, typed arrays, errors); no code of the sender
 * runs. Returns the reason when the payload is not a serialized list.
 */
export function decodeArgs(
  text: string,
): { readonly args: unknown[] } | { readonly problem: string; readonly cause?: unknown } {
  let value: unknown;
  try {
    value = decode(text);
  } catch (cause) {
    return { problem: 'its arguments do not decode (not a serialized argument list)', cause };
  }
  return Array.isArray(value)
    ? { args: value }
    : { problem: 'its arguments decode to something other than a list' };
}

// ---------------------------------------------------------------------------------------------
// Errors: Weft's one error wire format (serializeError / deserializeError of
// @weft/sync-primitives), v8-serialized and base64-encoded like every other value here. Classes
// are matched by `code` in the registry: this package's own are registered below, the process
// pool's by @weft/process-pool itself (its errors reach the caller from the worker's local pool).

// Another copy of this package in the same process (a task module that installs or bundles its
// own @weft/distributed) shares the registry of @weft/sync-primitives, where this copy's codes are
// already taken by its twins: those keep the first copy's classes instead of failing the import.
for (const value of Object.values(ownErrors) as unknown[]) {
  if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
  const cls = value as typeof ownErrors.DistributedError;
  if (!Object.hasOwn(cls, 'code')) continue;
  const taken = registeredErrorClass(cls.code);
  if (taken === undefined || taken === cls) registerErrorClass(cls);
}

/**
 * Make sure errors of these classes come back as real instances on this side (by their `code`).
 * The executor names the process pool's classes here, so they are registered wherever it runs.
 */
export function registerErrorClasses(classes: Record<string, unknown>): void {
  registerAll(Object.values(classes));
}

export function encodeError(error: unknown): string {
  return encode(serializeError(error));
}

export function decodeError(text: string): unknown {
  return deserializeError(decode(text));
}

/**
 * The error a worker reported, or, when its payload can't be decoded, the decoding failure: either
 * way the caller has an error to reject with and to publish.
 */
export function decodeReportedError(text: string): unknown {
  try {
    return decodeError(text);
  } catch (error) {
    return error;
  }
}
