// Hand-written input validation: each check throws ReportInputInvalidError naming the field path.
import { ReportInputInvalidError } from '../errors.js';
import { describeValue as describe } from './describe-value.js';

// Values in messages are named by describeValue, the same text in every Weft package.
export { describe };

export function fail(field: string, given: unknown, allowed: string): never {
  throw new ReportInputInvalidError(field, `got ${describe(given)}; expected ${allowed}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) fail(field, value, 'an object');
  return value;
}

export function array(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(field, value, 'an array');
  return value;
}

export function string(value: unknown, field: string, nonEmpty = true): string {
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    fail(field, value, nonEmpty ? 'a non-empty string' : 'a string');
  }
  return value;
}

export function finite(value: unknown, field: string, min?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min)) {
    fail(field, value, min === undefined ? 'a finite number' : `a finite number >= ${min}`);
  }
  return value;
}

export function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(field, value, `an integer >= ${min}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

export function optional<T>(
  value: unknown,
  field: string,
  check: (v: unknown, f: string) => T,
): T | undefined {
  return value === undefined ? undefined : check(value, field);
}

/** A flat record of string | number | boolean values (span args, configuration). */
export function scalarRecord(
  value: unknown,
  field: string,
): Record<string, string | number | boolean> {
  const obj = record(value, field);
  const out: Record<string, string | number | boolean> = {};
  for (const [key, v] of Object.entries(obj)) {
    if (
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    ) {
      out[key] = v;
    } else {
      fail(`${field}.${key}`, v, 'a string, a finite number or a boolean');
    }
  }
  return out;
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, value, 'a boolean');
  return value;
}
