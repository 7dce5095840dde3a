// A fulfilled job's result on the wire. Format 1 is the `WireResult` object (value, settle report,
// start report with its `ev` tags and field names). Format 2 is one flat array holding the same
// facts in less than half the size: BullMQ stringifies a result twice on the worker, Redis stores
// it in the job and again in the event stream, and the caller parses it, so every byte of a tiny
// job's result is paid five times. A worker writes format 2 only for a job whose caller said it
// reads it (`JobData.result`): an older caller, or a job queued by one, still gets format 1, and a
// caller reads both (a job completed by an older worker, or read back from the store). Format 2
// also carries a value that JSON keeps exactly (undefined, null, a boolean, a finite number other
// than -0, a string) as itself instead of structured-serialized: no serializer on either side.
import { decode, encodeValue, isJsonExact } from './wire.js';
import type { WireResult, WireSettle, WireStart } from './wire.js';

/** The newest result format a caller of this version reads (sent as `JobData.result`). */
export const RESULT_FORMAT = 2;

/** What the runner measured about a fulfilled attempt. */
export interface ResultTiming {
  readonly time: number;
  readonly runMs: number;
  readonly cpuMs?: number | undefined;
}

/**
 * A value in format 2: base64 of its structured serialization (as in format 1), or, for a value
 * JSON keeps exactly, `[value]` (`[]` for undefined).
 */
export type CompactValue = string | readonly (string | number | boolean | null)[];

/**
 * Format 2: `[2, value, attempt, time, runMs, cpuMs | null]`, then, when the start was not reported
 * on its own, `startTime, host, worker, hostPid, workerId | null, pid | null, threadId | null`.
 * Positions are fixed; `null` stands for an absent optional field.
 */
export type CompactResult = readonly (CompactValue | number | null)[];

/** A result as the caller reads it, in either format: its value still encoded. */
export interface ReadResult {
  readonly settle: WireSettle;
  readonly start?: WireStart;
  readonly value: CompactValue;
}

/** What a worker's processor returns: format 1 or 2, as the job's caller reads. */
export type JobResult = WireResult | CompactResult;

const START_AT = 6;
const WITH_START = 13;

/**
 * A task's value for format 2: itself when JSON keeps it exactly, else encoded as in format 1.
 *
 * @throws ValueNotSerializableError when it cannot be serialized.
 */
export function compactValue(value: unknown): CompactValue {
  if (value === undefined) return [];
  return isJsonExact(value) ? [value] : encodeValue(value, 'result');
}

/**
 * A result's value: decoded from its base64 text, or the value format 2 carried as itself.
 *
 * @throws when the text does not decode.
 */
export function resultValue(value: CompactValue): unknown {
  return typeof value === 'string' ? decode(value) : value[0];
}

/** Format 2 of a fulfilled attempt whose value is `value` (see {@link compactValue}). */
export function compactResult(
  value: CompactValue,
  attempt: number,
  timing: ResultTiming,
  start: WireStart | undefined,
): CompactResult {
  const out: (CompactValue | number | null)[] = [
    RESULT_FORMAT,
    value,
    attempt,
    timing.time,
    timing.runMs,
    timing.cpuMs ?? null,
  ];
  if (start !== undefined) {
    out.push(
      start.time,
      start.host,
      start.worker,
      start.hostPid,
      start.workerId ?? null,
      start.pid ?? null,
      start.threadId ?? null,
    );
  }
  return out;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAttempt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isOptionalNumber = (v: unknown): v is number | null => v === null || isNumber(v);

// `[]`, or `[x]` with x a JSON primitive.
const isInline = (v: unknown): boolean =>
  Array.isArray(v) &&
  (v.length === 0 || (v.length === 1 && (v[0] === null || typeof v[0] !== 'object')));

function fromCompact(v: readonly unknown[]): ReadResult | undefined {
  if (v.length !== START_AT && v.length !== WITH_START) return undefined;
  const [, value, attempt, time, runMs, cpuMs] = v;
  if (typeof value !== 'string' && !isInline(value)) return undefined;
  if (!isAttempt(attempt) || !isNumber(time) || !isNumber(runMs)) return undefined;
  if (!isOptionalNumber(cpuMs)) return undefined;
  const settle: { -readonly [K in keyof WireSettle]: WireSettle[K] } = {
    ev: 'settled',
    time,
    attempt,
    status: 'fulfilled',
    runMs,
    final: true,
  };
  if (cpuMs !== null) settle.cpuMs = cpuMs;
  const checked = value as CompactValue;
  if (v.length === START_AT) return { value: checked, settle };
  const [startTime, host, worker, hostPid, workerId, pid, threadId] = v.slice(START_AT);
  if (!isNumber(startTime) || typeof host !== 'string' || typeof worker !== 'string')
    return undefined;
  if (!isNumber(hostPid) || !isOptionalNumber(workerId) || !isOptionalNumber(pid)) return undefined;
  if (!isOptionalNumber(threadId)) return undefined;
  const start: { -readonly [K in keyof WireStart]: WireStart[K] } = {
    ev: 'started',
    time: startTime,
    attempt,
    host,
    worker,
    hostPid,
  };
  if (workerId !== null) start.workerId = workerId;
  if (pid !== null) start.pid = pid;
  if (threadId !== null) start.threadId = threadId;
  return { value: checked, settle, start };
}

function isObjectResult(v: unknown): v is WireResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { value?: unknown }).value === 'string' &&
    'settle' in v
  );
}

/**
 * A job's return value as a Weft result, in either format, or `undefined` when it is none (a
 * non-Weft worker's, or a malformed one).
 */
export function readWireResult(v: unknown): ReadResult | undefined {
  if (Array.isArray(v)) return v[0] === RESULT_FORMAT ? fromCompact(v) : undefined;
  return isObjectResult(v) ? v : undefined;
}
