// spectral-norm: the Computer Language Benchmarks Game power method on the infinite matrix
// A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), truncated to N×N, 10 iterations of AᵀA.
//
// Each iteration needs the previous whole vector, so one run is not split across workers; split()
// distributes independent identical `runs`, which must all give the same norm.
import { runCpu, type CheckIn } from './internal/cpu.js';
import { intField, rangeField, readObject, splitRanges, withRange } from './internal/params.js';
import { checkRuns, mergeRepeated, repeatRuns } from './internal/runs.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link spectralNorm}.
 *
 * @example
 * ```ts
 * import { spectralNorm, type SpectralNormParams } from '@weft/workloads';
 * const params: SpectralNormParams = spectralNorm.validate({ n: 100 });
 * ```
 */
export interface SpectralNormParams {
  /**
   * Matrix size N.
   * @defaultValue 100
   */
  readonly n: number;
  /**
   * Independent identical runs (the unit that `split()` distributes).
   * @defaultValue 4
   */
  readonly runs: number;
  /** The runs this part does (set by `split()`). @defaultValue all runs */
  readonly range?: PartRange;
}

/**
 * Result of {@link spectralNorm}: the norm formatted `%.9f`.
 *
 * @example
 * ```ts
 * import { spectralNorm, type SpectralNormResult } from '@weft/workloads';
 * const result: SpectralNormResult = await spectralNorm.run({ n: 100, runs: 1 });
 * console.log(result.value); // '1.274219991'
 * ```
 */
export interface SpectralNormResult {
  /** Runs covered. */
  readonly range: PartRange;
  /** The spectral norm (`%.9f`) of the first run in the range. */
  readonly value: string;
  /** Runs whose norm differed from the first run's (must be 0). */
  readonly mismatches: number;
}

const NAME = 'spectral-norm';
// Published Benchmarks Game outputs.
const NORM: Readonly<Record<number, string>> = {
  100: '1.274219991',
  1000: '1.274224148',
  5500: '1.274224153',
};

function a(i: number, j: number): number {
  return 1 / (((i + j) * (i + j + 1)) / 2 + i + 1);
}

function multiplyAv(v: Float64Array, out: Float64Array, checkIn: CheckIn): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += a(i, j) * v[j]!;
    out[i] = sum;
    if ((i & 63) === 0) checkIn();
  }
}

function multiplyAtv(v: Float64Array, out: Float64Array, checkIn: CheckIn): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += a(j, i) * v[j]!;
    out[i] = sum;
    if ((i & 63) === 0) checkIn();
  }
}

function norm(n: number, checkIn: CheckIn): number {
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < 10; i++) {
    multiplyAv(u, w, checkIn);
    multiplyAtv(w, v, checkIn);
    multiplyAv(v, w, checkIn);
    multiplyAtv(w, u, checkIn);
  }
  let vBv = 0;
  let vv = 0;
  for (let i = 0; i < n; i++) {
    vBv += u[i]! * v[i]!;
    vv += v[i]! * v[i]!;
  }
  return Math.sqrt(vBv / vv);
}

/**
 * Spectral norm of an infinite matrix by the power method (Computer Language Benchmarks Game);
 * checked against the published values for N = 100, 1,000 and 5,500. `split()` distributes
 * independent identical `runs`. Demonstrates floating-point CPU work that streams through vectors.
 *
 * @example
 * ```ts
 * import { spectralNorm } from '@weft/workloads';
 * const params = spectralNorm.validate({ n: 100, runs: 1 });
 * console.log(spectralNorm.verify(await spectralNorm.run(params), params).ok); // true
 * ```
 */
export const spectralNorm: Workload<SpectralNormParams, SpectralNormResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'Spectral norm by the power method; split into independent identical runs.',
  sizes: {
    small: { n: 100, runs: 4 },
    medium: { n: 1000, runs: 4 },
    large: { n: 5500, runs: 2 },
  },
  defaults: { n: 100, runs: 4 },
  validate(params?: unknown): SpectralNormParams {
    const object = readObject(NAME, params, ['n', 'runs', 'range']);
    const n = intField(NAME, object, 'n', 100, 2, 20_000);
    const runs = intField(NAME, object, 'runs', 4, 1, 1024);
    return withRange({ n, runs }, rangeField(NAME, object, runs));
  },
  run(params: SpectralNormParams, options?: WorkloadRunOptions): Promise<SpectralNormResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = spectralNorm.validate(params);
      const range = valid.range ?? { start: 0, end: valid.runs };
      return { range, ...repeatRuns(range, () => norm(valid.n, checkIn).toFixed(9)) };
    });
  },
  verify(result: SpectralNormResult, params: SpectralNormParams): Verification {
    const broken = checkRuns(result, params.runs);
    if (broken !== undefined) return broken;
    const expected = NORM[params.n];
    if (expected !== undefined) {
      return expected === result.value
        ? { ok: true, against: 'reference', detail: `norm for N=${params.n} = ${expected}` }
        : {
            ok: false,
            against: 'reference',
            detail: `norm for N=${params.n} ${result.value} != ${expected}`,
          };
    }
    // The norm converges to 1.2742241528… from below as N grows.
    const value = Number(result.value);
    return {
      ok: value > 1.27 && value < 1.2742242,
      against: 'invariant',
      detail: `no published value for N=${params.n}; ${result.value} must lie in (1.27, 1.2742242)`,
    };
  },
  split(params: SpectralNormParams, parts: number): SpectralNormParams[] {
    return splitRanges(NAME, params.runs, parts, params.range).map((range) => ({
      n: params.n,
      runs: params.runs,
      range,
    }));
  },
  merge(results: readonly SpectralNormResult[], params: SpectralNormParams): SpectralNormResult {
    return mergeRepeated(NAME, results, params.runs);
  },
};
