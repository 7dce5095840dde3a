// Param validation helpers: read a field, fill its default, or throw naming the field and its range.
import { WorkloadParamsError } from '../errors.js';
import type { PartRange } from '../workload.js';

/** Reads `params` as a plain object and rejects fields the workload does not know (typos). */
export function readObject(
  workload: string,
  params: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new WorkloadParamsError(workload, '(params)', params, 'a plain object or undefined');
  }
  const object = params as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!known.includes(key) && object[key] !== undefined) {
      throw new WorkloadParamsError(
        workload,
        key,
        object[key],
        `absent (known fields: ${known.join(', ')})`,
      );
    }
  }
  return object;
}

/** An integer field in [min, max]. */
export function intField(
  workload: string,
  object: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return boundedNumber('integer', workload, object, field, fallback, min, max);
}

/** A finite number field in [min, max]. */
export function numberField(
  workload: string,
  object: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return boundedNumber('number', workload, object, field, fallback, min, max);
}

// intField and numberField differ only in which numbers they accept and how they name them.
const NUMBER_KINDS = {
  integer: { accepts: Number.isInteger, allowed: 'an integer' },
  number: { accepts: Number.isFinite, allowed: 'a number' },
} as const;

function boundedNumber(
  kind: keyof typeof NUMBER_KINDS,
  workload: string,
  object: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const { accepts, allowed } = NUMBER_KINDS[kind];
  const value = object[field] ?? fallback;
  if (typeof value !== 'number' || !accepts(value) || value < min || value > max) {
    throw new WorkloadParamsError(workload, field, value, `${allowed} in [${min}, ${max}]`);
  }
  return value;
}

/** One of a fixed set of strings. */
export function enumField<T extends string>(
  workload: string,
  object: Record<string, unknown>,
  field: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const value = object[field] ?? fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new WorkloadParamsError(
      workload,
      field,
      value,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return value as T;
}

/** A boolean field. */
export function booleanField(
  workload: string,
  object: Record<string, unknown>,
  field: string,
  fallback: boolean,
): boolean {
  const value = object[field] ?? fallback;
  if (typeof value !== 'boolean')
    throw new WorkloadParamsError(workload, field, value, 'a boolean');
  return value;
}

/** The optional `range` of a part: integers with 0 ≤ start < end ≤ units. */
export function rangeField(
  workload: string,
  object: Record<string, unknown>,
  units: number,
): PartRange | undefined {
  const value = object['range'];
  if (value === undefined) return undefined;
  const allowed = `{ start, end } with integers 0 <= start < end <= ${units}`;
  if (typeof value !== 'object' || value === null) {
    throw new WorkloadParamsError(workload, 'range', value, allowed);
  }
  const { start, end } = value as { start?: unknown; end?: unknown };
  if (
    typeof start !== 'number' ||
    typeof end !== 'number' ||
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end <= start ||
    end > units
  ) {
    throw new WorkloadParamsError(workload, 'range', value, allowed);
  }
  return { start, end };
}

/** Adds `range` to params only when defined (exactOptionalPropertyTypes forbids `range: undefined`). */
export function withRange<P extends object>(params: P, range: PartRange | undefined): P {
  return range === undefined ? params : { ...params, range };
}

/** Splits [0, units) into at most `parts` contiguous near-equal ranges. */
export function splitRanges(
  workload: string,
  units: number,
  parts: number,
  within?: PartRange,
): PartRange[] {
  if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1) {
    throw new WorkloadParamsError(workload, '(parts)', parts, 'an integer >= 1');
  }
  const from = within?.start ?? 0;
  const total = (within?.end ?? units) - from;
  const count = Math.min(parts, total);
  const ranges: PartRange[] = [];
  for (let i = 0; i < count; i++) {
    ranges.push({
      start: from + Math.floor((total * i) / count),
      end: from + Math.floor((total * (i + 1)) / count),
    });
  }
  return ranges;
}

/**
 * Splits params over ranges of their units: each part is the params (every field kept, as given)
 * with its own `range`.
 */
export function splitByRange<P extends { readonly range?: PartRange }>(
  workload: string,
  params: P,
  units: number,
  parts: number,
): P[] {
  const { range: within, ...whole } = params;
  return splitRanges(workload, units, parts, within).map((range) => ({ ...whole, range }) as P);
}

/** Checks that part results cover [0, units) in order, for merge(). */
export function checkCoverage(
  workload: string,
  results: readonly { readonly range: PartRange }[],
  units: number,
): void {
  let next = 0;
  const inOrder = results.every(({ range }) => {
    const follows = range.start === next;
    next = range.end;
    return follows;
  });
  if (!inOrder || next !== units) {
    throw new WorkloadParamsError(
      workload,
      '(results)',
      results.map(({ range }) => [range.start, range.end]),
      `part results covering [0, ${units}) in split order`,
    );
  }
}
