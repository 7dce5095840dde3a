// fannkuch-redux: pancake-flip counts over all permutations of 1..N (Computer Language Benchmarks
// Game), split by ranges of permutation indices. Permutation indexing and the checksum's sign by
// index parity follow Oleg Mazurov's multithreaded Java program, so any split gives the same
// checksum and maximum.
import { runCpu, type CheckIn } from './internal/cpu.js';
import {
  checkCoverage,
  intField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link fannkuch}.
 *
 * @example
 * ```ts
 * import { fannkuch, type FannkuchParams } from '@weft/workloads';
 * const params: FannkuchParams = fannkuch.validate({ n: 7 });
 * ```
 */
export interface FannkuchParams {
  /**
   * Permutation length N (N! permutations).
   * @defaultValue 7
   */
  readonly n: number;
  /** The permutation indices this part visits (set by `split()`). @defaultValue all N! */
  readonly range?: PartRange;
}

/**
 * Result of {@link fannkuch}.
 *
 * @example
 * ```ts
 * import { fannkuch, type FannkuchResult } from '@weft/workloads';
 * const result: FannkuchResult = await fannkuch.run({ n: 7 });
 * console.log(result.checksum, result.maxFlips); // 228 16
 * ```
 */
export interface FannkuchResult {
  /** Permutation indices covered. */
  readonly range: PartRange;
  /** Σ ± flips (plus for even permutation indices). */
  readonly checksum: number;
  /** The largest flip count. */
  readonly maxFlips: number;
}

const NAME = 'fannkuch';
// Published Benchmarks Game outputs: N → [checksum, max flips].
const REFERENCE: Readonly<Record<number, readonly [number, number]>> = {
  7: [228, 16],
  10: [73196, 38],
  11: [556355, 51],
  12: [3968050, 65],
};

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function visit(
  n: number,
  range: PartRange,
  checkIn: CheckIn,
): { checksum: number; maxFlips: number } {
  const fact: number[] = [1];
  for (let i = 1; i <= n; i++) fact.push(fact[i - 1]! * i);
  const p = new Int32Array(n);
  const pp = new Int32Array(n);
  const count = new Int32Array(n);
  // firstPermutation(idx): decode the factorial-base digits of the start index.
  for (let i = 0; i < n; i++) p[i] = i;
  let index = range.start;
  for (let i = n - 1; i > 0; i--) {
    const d = Math.floor(index / fact[i]!);
    count[i] = d;
    index %= fact[i]!;
    pp.set(p.subarray(0, i + 1));
    for (let j = 0; j <= i; j++) p[j] = j + d <= i ? pp[j + d]! : pp[j + d - i - 1]!;
  }
  let checksum = 0;
  let maxFlips = 0;
  for (let i = range.start; ;) {
    const first0 = p[0]!;
    if (first0 !== 0) {
      let flips = 1;
      let first = first0;
      if (p[first] !== 0) {
        pp.set(p);
        do {
          flips++;
          for (let lo = 1, hi = first - 1; lo < hi; lo++, hi--) {
            const t = pp[lo]!;
            pp[lo] = pp[hi]!;
            pp[hi] = t;
          }
          const t = pp[first]!;
          pp[first] = first;
          first = t;
        } while (pp[first] !== 0);
      }
      if (flips > maxFlips) maxFlips = flips;
      checksum += i % 2 === 0 ? flips : -flips;
    }
    if (++i === range.end) break;
    if ((i & 0xffff) === 0) checkIn();
    // nextPermutation(): rotate prefixes driven by the count array.
    let first = p[1]!;
    p[1] = p[0]!;
    p[0] = first;
    let k = 1;
    while (++count[k]! > k) {
      count[k++] = 0;
      const next = (p[0] = p[1]!);
      for (let j = 1; j < k; j++) p[j] = p[j + 1]!;
      p[k] = first;
      first = next;
    }
  }
  return { checksum, maxFlips };
}

/**
 * fannkuch-redux (Computer Language Benchmarks Game): flips of pancake stacks over all N!
 * permutations, split by ranges of permutation indices; checked against the published checksum and
 * maximum for N = 7, 10, 11, 12. Demonstrates integer CPU work over a tiny array, evenly divisible.
 *
 * @example
 * ```ts
 * import { fannkuch } from '@weft/workloads';
 * const params = fannkuch.validate({ n: 7 });
 * const parts = await Promise.all(fannkuch.split(params, 3).map((p) => fannkuch.run(p)));
 * console.log(fannkuch.merge(parts, params)); // checksum 228, maxFlips 16
 * ```
 */
export const fannkuch: Workload<FannkuchParams, FannkuchResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'fannkuch-redux pancake flips over all N! permutations, split by permutation index.',
  sizes: { small: { n: 7 }, medium: { n: 10 }, large: { n: 11 } },
  defaults: { n: 7 },
  validate(params?: unknown): FannkuchParams {
    const object = readObject(NAME, params, ['n', 'range']);
    const n = intField(NAME, object, 'n', 7, 3, 12);
    return withRange({ n }, rangeField(NAME, object, factorial(n)));
  },
  run(params: FannkuchParams, options?: WorkloadRunOptions): Promise<FannkuchResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = fannkuch.validate(params);
      const range = valid.range ?? { start: 0, end: factorial(valid.n) };
      return { range, ...visit(valid.n, range, checkIn) };
    });
  },
  verify(result: FannkuchResult, params: FannkuchParams): Verification {
    if (result.range.start !== 0 || result.range.end !== factorial(params.n)) {
      return {
        ok: false,
        against: 'reference',
        detail: 'result covers only part of the permutations',
      };
    }
    const reference = REFERENCE[params.n];
    if (reference === undefined) {
      return {
        ok: result.maxFlips > 0,
        against: 'invariant',
        detail: `no published value for N=${params.n}; checksum ${result.checksum}, max flips ${result.maxFlips}`,
      };
    }
    const [checksum, maxFlips] = reference;
    const ok = result.checksum === checksum && result.maxFlips === maxFlips;
    return {
      ok,
      against: 'reference',
      detail: `N=${params.n}: checksum ${result.checksum} (expected ${checksum}), max flips ${result.maxFlips} (expected ${maxFlips})`,
    };
  },
  split(params: FannkuchParams, parts: number): FannkuchParams[] {
    return splitRanges(NAME, factorial(params.n), parts, params.range).map((range) => ({
      n: params.n,
      range,
    }));
  },
  merge(results: readonly FannkuchResult[], params: FannkuchParams): FannkuchResult {
    const units = factorial(params.n);
    checkCoverage(NAME, results, units);
    let checksum = 0;
    let maxFlips = 0;
    for (const result of results) {
      checksum += result.checksum;
      maxFlips = Math.max(maxFlips, result.maxFlips);
    }
    return { range: { start: 0, end: units }, checksum, maxFlips };
  },
};
