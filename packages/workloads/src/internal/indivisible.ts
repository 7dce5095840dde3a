// split() and merge() for workloads that cannot be divided (the races and the GIL experiment): the
// whole job is the one part, and its result is the merged result.
import { WorkloadParamsError } from '../errors.js';
import { splitRanges } from './params.js';

/** Checks `parts` like any split() does, then returns the whole job as the one part. */
export function splitWhole<P>(workload: string, params: P, parts: number): P[] {
  splitRanges(workload, 1, parts);
  return [params];
}

/** Returns the one part result, or throws if there is not exactly one. */
export function mergeWhole<R>(workload: string, results: readonly R[]): R {
  const [only] = results;
  if (only === undefined || results.length !== 1) {
    throw new WorkloadParamsError(
      workload,
      '(results)',
      `${results.length} part results`,
      'exactly the one part result split() returns',
    );
  }
  return only;
}
