// n-body: the Computer Language Benchmarks Game simulation of the Jovian planets (symplectic Euler).
//
// The simulation is sequential in time, so it cannot be cut by steps; `runs` independent copies (a
// parameter sweep stands behind this in real life) are what split() distributes, and all copies
// must produce the same energy.
import { runCpu } from './internal/cpu.js';
import { intField, rangeField, readObject, splitRanges, withRange } from './internal/params.js';
import { checkRuns, mergeRepeated, repeatRuns } from './internal/runs.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link nBody}.
 *
 * @example
 * ```ts
 * import { nBody, type NBodyParams } from '@weft/workloads';
 * const params: NBodyParams = nBody.validate({ steps: 1000, runs: 2 });
 * ```
 */
export interface NBodyParams {
  /**
   * Time steps of 0.01 per run.
   * @defaultValue 1000
   */
  readonly steps: number;
  /**
   * Independent identical runs (the unit that `split()` distributes).
   * @defaultValue 4
   */
  readonly runs: number;
  /** The runs this part does (set by `split()`). @defaultValue all runs */
  readonly range?: PartRange;
}

/**
 * Result of {@link nBody}: the system's energy before and after, formatted `%.9f` as in the
 * Benchmarks Game.
 *
 * @example
 * ```ts
 * import { nBody, type NBodyResult } from '@weft/workloads';
 * const result: NBodyResult = await nBody.run({ steps: 1000, runs: 1 });
 * console.log(result.energyBefore, result.value); // -0.169075164 -0.169087605
 * ```
 */
export interface NBodyResult {
  /** Runs covered. */
  readonly range: PartRange;
  /** Energy before the first step (`%.9f`). */
  readonly energyBefore: string;
  /** Energy after the last step (`%.9f`), from the first run of the range. */
  readonly value: string;
  /** Runs whose final energy differed from the first run's (must be 0). */
  readonly mismatches: number;
}

const NAME = 'n-body';
const ENERGY_BEFORE = '-0.169075164';
// Published Benchmarks Game outputs.
const ENERGY_AFTER: Readonly<Record<number, string>> = {
  1000: '-0.169087605',
  1_000_000: '-0.169086185',
  50_000_000: '-0.169059907',
};

const SOLAR_MASS = 4 * Math.PI * Math.PI;
const DAYS_PER_YEAR = 365.24;
// x, y, z, vx, vy, vz, mass for Sun, Jupiter, Saturn, Uranus, Neptune.
const INITIAL: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, SOLAR_MASS],
  [
    4.8414314424647209,
    -1.16032004402742839,
    -0.103622044471123109,
    1.66007664274403694e-3 * DAYS_PER_YEAR,
    7.69901118419740425e-3 * DAYS_PER_YEAR,
    -6.90460016972063023e-5 * DAYS_PER_YEAR,
    9.54791938424326609e-4 * SOLAR_MASS,
  ],
  [
    8.34336671824457987,
    4.12479856412430479,
    -4.03523417114321381e-1,
    -2.76742510726862411e-3 * DAYS_PER_YEAR,
    4.99852801234917238e-3 * DAYS_PER_YEAR,
    2.30417297573763929e-5 * DAYS_PER_YEAR,
    2.85885980666130812e-4 * SOLAR_MASS,
  ],
  [
    1.2894369562139131e1,
    -1.51111514016986312e1,
    -2.23307578892655734e-1,
    2.96460137564761618e-3 * DAYS_PER_YEAR,
    2.3784717395948095e-3 * DAYS_PER_YEAR,
    -2.96589568540237556e-5 * DAYS_PER_YEAR,
    4.36624404335156298e-5 * SOLAR_MASS,
  ],
  [
    1.53796971148509165e1,
    -2.59193146099879641e1,
    1.79258772950371181e-1,
    2.68067772490389322e-3 * DAYS_PER_YEAR,
    1.62824170038242295e-3 * DAYS_PER_YEAR,
    -9.5159225451971587e-5 * DAYS_PER_YEAR,
    5.15138902046611451e-5 * SOLAR_MASS,
  ],
];

function createSystem(): Float64Array[] {
  const bodies = INITIAL.map((b) => Float64Array.from(b));
  let px = 0;
  let py = 0;
  let pz = 0;
  for (const b of bodies) {
    px += b[3]! * b[6]!;
    py += b[4]! * b[6]!;
    pz += b[5]! * b[6]!;
  }
  const sun = bodies[0]!;
  sun[3] = -px / SOLAR_MASS;
  sun[4] = -py / SOLAR_MASS;
  sun[5] = -pz / SOLAR_MASS;
  return bodies;
}

function advance(bodies: Float64Array[], dt: number): void {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const bi = bodies[i]!;
    for (let j = i + 1; j < n; j++) {
      const bj = bodies[j]!;
      const dx = bi[0]! - bj[0]!;
      const dy = bi[1]! - bj[1]!;
      const dz = bi[2]! - bj[2]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      const mag = dt / (d2 * Math.sqrt(d2));
      const mi = bi[6]! * mag;
      const mj = bj[6]! * mag;
      bi[3]! -= dx * mj;
      bi[4]! -= dy * mj;
      bi[5]! -= dz * mj;
      bj[3]! += dx * mi;
      bj[4]! += dy * mi;
      bj[5]! += dz * mi;
    }
  }
  for (const b of bodies) {
    b[0]! += dt * b[3]!;
    b[1]! += dt * b[4]!;
    b[2]! += dt * b[5]!;
  }
}

function energy(bodies: Float64Array[]): number {
  let e = 0;
  for (let i = 0; i < bodies.length; i++) {
    const bi = bodies[i]!;
    e += 0.5 * bi[6]! * (bi[3]! * bi[3]! + bi[4]! * bi[4]! + bi[5]! * bi[5]!);
    for (let j = i + 1; j < bodies.length; j++) {
      const bj = bodies[j]!;
      const dx = bi[0]! - bj[0]!;
      const dy = bi[1]! - bj[1]!;
      const dz = bi[2]! - bj[2]!;
      e -= (bi[6]! * bj[6]!) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

/**
 * n-body simulation of the Jovian planets (Computer Language Benchmarks Game); checked against the
 * published energies for 1,000, 1,000,000 and 50,000,000 steps. Sequential in time, so `split()`
 * distributes independent identical `runs`. Demonstrates floating-point CPU work with a tiny working
 * set.
 *
 * @example
 * ```ts
 * import { nBody } from '@weft/workloads';
 * const params = nBody.validate({ steps: 1000, runs: 1 });
 * console.log(nBody.verify(await nBody.run(params), params).ok); // true
 * ```
 */
export const nBody: Workload<NBodyParams, NBodyResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'n-body simulation of the Jovian planets; split into independent identical runs.',
  sizes: {
    small: { steps: 1000, runs: 4 },
    medium: { steps: 1_000_000, runs: 4 },
    large: { steps: 50_000_000, runs: 2 },
  },
  defaults: { steps: 1000, runs: 4 },
  validate(params?: unknown): NBodyParams {
    const object = readObject(NAME, params, ['steps', 'runs', 'range']);
    const steps = intField(NAME, object, 'steps', 1000, 1, 1e9);
    const runs = intField(NAME, object, 'runs', 4, 1, 1024);
    return withRange({ steps, runs }, rangeField(NAME, object, runs));
  },
  run(params: NBodyParams, options?: WorkloadRunOptions): Promise<NBodyResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = nBody.validate(params);
      const range = valid.range ?? { start: 0, end: valid.runs };
      let before = '';
      const { value, mismatches } = repeatRuns(range, () => {
        const bodies = createSystem();
        before = energy(bodies).toFixed(9);
        for (let step = 0; step < valid.steps; step++) {
          advance(bodies, 0.01);
          if ((step & 4095) === 0) checkIn();
        }
        return energy(bodies).toFixed(9);
      });
      return { range, energyBefore: before, value, mismatches };
    });
  },
  verify(result: NBodyResult, params: NBodyParams): Verification {
    const broken = checkRuns(result, params.runs);
    if (broken !== undefined) return broken;
    if (result.energyBefore !== ENERGY_BEFORE) {
      return {
        ok: false,
        against: 'reference',
        detail: `energy before ${result.energyBefore} != ${ENERGY_BEFORE}`,
      };
    }
    const expected = ENERGY_AFTER[params.steps];
    if (expected !== undefined) {
      return expected === result.value
        ? {
            ok: true,
            against: 'reference',
            detail: `energy after ${params.steps} steps = ${expected}`,
          }
        : {
            ok: false,
            against: 'reference',
            detail: `energy after ${params.steps} steps ${result.value} != ${expected}`,
          };
    }
    const drift = Math.abs(Number(result.value) - Number(ENERGY_BEFORE));
    return {
      ok: drift < 1e-4,
      against: 'invariant',
      detail: `no published value for ${params.steps} steps; energy drift ${drift.toExponential(2)} (must be < 1e-4)`,
    };
  },
  split(params: NBodyParams, parts: number): NBodyParams[] {
    return splitRanges(NAME, params.runs, parts, params.range).map((range) => ({
      steps: params.steps,
      runs: params.runs,
      range,
    }));
  },
  merge(results: readonly NBodyResult[], params: NBodyParams): NBodyResult {
    return mergeRepeated(NAME, results, params.runs);
  },
};
