// π digits with BigInt: Machin's formula π = 16·arctan(1/5) − 4·arctan(1/239) in fixed point.
//
// Each series term floor(10^D / x^(2k+1)) / (2k+1) is an exact integer function of k (floor of a
// floor is the floor of the quotient), so any split of the terms into ranges sums to the same
// integers: the digits are identical for every part count.
import { runCpu } from './internal/cpu.js';
import {
  checkCoverage,
  intField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import { sha256Hex } from './internal/bytes.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link piDigits}.
 *
 * @example
 * ```ts
 * import { piDigits, type PiDigitsParams } from '@weft/workloads';
 * const params: PiDigitsParams = piDigits.validate({ digits: 1000 });
 * ```
 */
export interface PiDigitsParams {
  /**
   * How many digits of π, counting the leading 3.
   * @defaultValue 1000
   */
  readonly digits: number;
  /** The series terms this part computes (set by `split()`). @defaultValue all terms */
  readonly range?: PartRange;
}

/**
 * Result of {@link piDigits}: partial sums of both arctangent series (decimal strings, so the result
 * is plain JSON), and the digits once all terms are in.
 *
 * @example
 * ```ts
 * import { piDigits, type PiDigitsResult } from '@weft/workloads';
 * const result: PiDigitsResult = await piDigits.run({ digits: 50 });
 * console.log(result.digits); // '31415926535897932384626433832795028841971693993751'
 * ```
 */
export interface PiDigitsResult {
  /** Terms covered. */
  readonly range: PartRange;
  /** Σ of the arctan(1/5) terms in `range`, scaled by 10^(digits − 1 + guard). */
  readonly sum5: string;
  /** Σ of the arctan(1/239) terms in `range`, same scale. */
  readonly sum239: string;
  /** The digits ("314159…"), present when `range` covers every term. */
  readonly digits?: string;
}

const NAME = 'pi-digits';
const GUARD = 12;
const MAX_DIGITS = 200_000;
const KNOWN_PREFIX = '314159265358979323846264338327';
const DIGITS_991_1000 = '9216420198';
// SHA-256 of the first N digits, computed with mpmath (an independent implementation).
const DIGEST: Readonly<Record<number, string>> = {
  1000: '2f77ba99f311974f0d188c0b19710260c11c70d6f4d96d78570d4a59c3b0dbe0',
  10000: '2a32257c1b63c17b152835a29b8f832c1beb4d04d1594e18632104cf29243309',
  50000: 'bc2ea7c47216c34f404377dd53a235e43a9be163ad07bf4a2a45d822fef98dd3',
};

function termCount(decimals: number, x: number): number {
  // Smallest K with x^(2K+1) > 10^decimals, plus one for safety; later terms are 0 anyway.
  return Math.ceil((decimals / Math.log10(x) - 1) / 2) + 2;
}

function layout(digits: number): { decimals: number; terms5: number; units: number } {
  const decimals = digits - 1 + GUARD;
  const terms5 = termCount(decimals, 5);
  return { decimals, terms5, units: terms5 + termCount(decimals, 239) };
}

function arctanTerms(
  scale: bigint,
  x: bigint,
  from: number,
  to: number,
  checkIn: () => void,
): bigint {
  if (from >= to) return 0n;
  const x2 = x * x;
  let power = scale / x ** BigInt(2 * from + 1);
  let sum = 0n;
  for (let k = from; k < to && power !== 0n; k++) {
    const term = power / BigInt(2 * k + 1);
    sum += k % 2 === 0 ? term : -term;
    power /= x2;
    if ((k & 15) === 0) checkIn();
  }
  return sum;
}

function finish(
  params: PiDigitsParams,
  range: PartRange,
  sum5: bigint,
  sum239: bigint,
): PiDigitsResult {
  const { units } = layout(params.digits);
  if (range.start !== 0 || range.end !== units) {
    return { range, sum5: sum5.toString(), sum239: sum239.toString() };
  }
  const scaled = 16n * sum5 - 4n * sum239;
  const digits = (scaled / 10n ** BigInt(GUARD)).toString().slice(0, params.digits);
  return { range, sum5: sum5.toString(), sum239: sum239.toString(), digits };
}

/**
 * π to N decimal digits with BigInt (Machin's formula), split by ranges of series terms; checked
 * against known digits (first 30, digits 991–1000) and digests of the first 1,000 / 10,000 / 50,000
 * digits. Demonstrates a CPU-bound job with big-integer arithmetic and uneven term costs.
 *
 * @example
 * ```ts
 * import { piDigits } from '@weft/workloads';
 * const result = await piDigits.run(piDigits.sizes.small);
 * console.log(result.digits?.slice(990, 1000)); // '9216420198'
 * ```
 */
export const piDigits: Workload<PiDigitsParams, PiDigitsResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'π digits with BigInt (Machin formula), split by ranges of series terms.',
  sizes: { small: { digits: 1000 }, medium: { digits: 10_000 }, large: { digits: 50_000 } },
  defaults: { digits: 1000 },
  validate(params?: unknown): PiDigitsParams {
    const object = readObject(NAME, params, ['digits', 'range']);
    const digits = intField(NAME, object, 'digits', 1000, 2, MAX_DIGITS);
    return withRange({ digits }, rangeField(NAME, object, layout(digits).units));
  },
  run(params: PiDigitsParams, options?: WorkloadRunOptions): Promise<PiDigitsResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = piDigits.validate(params);
      const { decimals, terms5, units } = layout(valid.digits);
      const range = valid.range ?? { start: 0, end: units };
      const scale = 10n ** BigInt(decimals);
      const sum5 = arctanTerms(scale, 5n, range.start, Math.min(range.end, terms5), checkIn);
      const sum239 = arctanTerms(
        scale,
        239n,
        Math.max(range.start, terms5) - terms5,
        range.end - terms5,
        checkIn,
      );
      return finish(valid, range, sum5, sum239);
    });
  },
  verify(result: PiDigitsResult, params: PiDigitsParams): Verification {
    const digits = result.digits;
    if (digits === undefined) {
      return {
        ok: false,
        against: 'reference',
        detail: 'result has no digits (a part, not merged)',
      };
    }
    if (digits.length !== params.digits) {
      return {
        ok: false,
        against: 'reference',
        detail: `expected ${params.digits} digits, got ${digits.length}`,
      };
    }
    const prefix = KNOWN_PREFIX.slice(0, params.digits);
    if (!digits.startsWith(prefix)) {
      return {
        ok: false,
        against: 'reference',
        detail: `first digits ${digits.slice(0, 30)} != ${prefix}`,
      };
    }
    if (params.digits >= 1000 && digits.slice(990, 1000) !== DIGITS_991_1000) {
      return {
        ok: false,
        against: 'reference',
        detail: `digits 991-1000 ${digits.slice(990, 1000)} != ${DIGITS_991_1000}`,
      };
    }
    const digest = DIGEST[params.digits];
    if (digest !== undefined) {
      const actual = sha256Hex(digits);
      return actual === digest
        ? {
            ok: true,
            against: 'reference',
            detail: `all ${params.digits} digits match (sha256 ${digest.slice(0, 12)}…)`,
          }
        : {
            ok: false,
            against: 'reference',
            detail: `sha256 of the digits ${actual} != ${digest}`,
          };
    }
    return {
      ok: true,
      against: 'reference',
      detail: `known digits match (first 30${params.digits >= 1000 ? ', 991-1000' : ''})`,
    };
  },
  split(params: PiDigitsParams, parts: number): PiDigitsParams[] {
    const { units } = layout(params.digits);
    return splitRanges(NAME, units, parts, params.range).map((range) => ({
      digits: params.digits,
      range,
    }));
  },
  merge(results: readonly PiDigitsResult[], params: PiDigitsParams): PiDigitsResult {
    const { units } = layout(params.digits);
    checkCoverage(NAME, results, units);
    let sum5 = 0n;
    let sum239 = 0n;
    for (const result of results) {
      sum5 += BigInt(result.sum5);
      sum239 += BigInt(result.sum239);
    }
    return finish(params, { start: 0, end: units }, sum5, sum239);
  },
};
