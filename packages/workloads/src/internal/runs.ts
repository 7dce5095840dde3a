// Shared shape for sequential kernels that split only into independent repeated runs.
import { WorkloadParamsError } from '../errors.js';
import type { PartRange } from '../workload.js';

/** Result of a repeated sequential kernel: the value of the first run and how many runs disagreed. */
export interface RepeatedResult {
  readonly range: PartRange;
  readonly value: string;
  readonly mismatches: number;
}

/** Merges parts of repeated runs: values must all agree. */
export function mergeRepeated<R extends RepeatedResult>(
  workload: string,
  results: readonly R[],
  range: PartRange,
): R {
  const first = results[0];
  if (first === undefined) {
    throw new WorkloadParamsError(workload, '(results)', [], 'at least one part result');
  }
  let mismatches = 0;
  for (const result of results)
    mismatches += result.mismatches + (result.value === first.value ? 0 : 1);
  return { ...first, range, mismatches };
}
