// The wire format between callers and workers: what a job carries through Redis. BullMQ stores job
// data and results as JSON, so a value JSON keeps exactly travels as itself, and any other as
// base64 of Node's structured serialization (the format of `child_process` advanced serialization:
// Map, Set, Date, BigInt, typed arrays); see wire-args.ts and wire-result.ts for each direction.
// Errors travel in Weft's error wire format, which the caller rebuilds as the same class (by
// `code`). The checks a worker makes on job data are in job-data.ts.
import { deserialize, serialize } from 'node:v8';
import {
  deserializeError,
  registerErrorClass,
  registerErrorClasses as registerAll,
  registeredErrorClass,
  serializeError,
} from '@weft/sync-primitives';
import * as ownErrors from '../errors.js';
import type { WireArgs } from './wire-args.js';

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
  /** The argument list: JSON when JSON keeps every argument exactly, else serialized (wire-args.ts). */
  readonly args: WireArgs;
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

/** A value JSON keeps exactly: it can travel as itself, with no serializer on either side. */
export type JsonExact = string | number | boolean | null;

/** Whether JSON keeps `value` exactly (null, a boolean, a string, a finite number other than -0). */
export function isJsonExact(value: unknown): value is JsonExact {
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return value === null;
  }
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
