// Shared shape for sequential kernels that split only into independent identical runs (n-body,
// spectral-norm): every run must give the same value, so a part reports how many disagreed.
import { WorkloadParamsError } from '../errors.js';
import type { PartRange, Verification } from '../workload.js';
import { checkCoverage } from './params.js';

/** Result of a repeated sequential kernel: the value of the first run and how many runs disagreed. */
export interface RepeatedResult {
  readonly range: PartRange;
  readonly value: string;
  readonly mismatches: number;
}

/** Runs `once` for every run in `range`: the first run's value, and how many runs differed from it. */
export function repeatRuns(
  range: PartRange,
  once: () => string,
): Pick<RepeatedResult, 'value' | 'mismatches'> {
  let first: string | undefined;
  let mismatches = 0;
  for (let run = range.start; run < range.end; run++) {
    const value = once();
    if (first === undefined) first = value;
    else if (value !== first) mismatches++;
  }
  return { value: first ?? '', mismatches };
}

/**
 * The invariants every repeated result must hold before its value means anything: it covers all
 * `runs`, and no run disagreed with the first. Returns the failed verification, or undefined.
 */
export function checkRuns(result: RepeatedResult, runs: number): Verification | undefined {
  if (result.range.start !== 0 || result.range.end !== runs) {
    return { ok: false, against: 'invariant', detail: 'result covers only part of the runs' };
  }
  if (result.mismatches !== 0) {
    return {
      ok: false,
      against: 'invariant',
      detail: `${result.mismatches} runs disagreed with the first`,
    };
  }
  return undefined;
}

/** Merges parts of repeated runs: they must cover all `runs` in split order, and values must agree. */
export function mergeRepeated<R extends RepeatedResult>(
  workload: string,
  results: readonly R[],
  runs: number,
): R {
  checkCoverage(workload, results, runs);
  const first = results[0];
  if (first === undefined) {
    throw new WorkloadParamsError(workload, '(results)', [], 'at least one part result');
  }
  let mismatches = 0;
  for (const result of results)
    mismatches += result.mismatches + (result.value === first.value ? 0 : 1);
  return { ...first, range: { start: 0, end: runs }, mismatches };
}
