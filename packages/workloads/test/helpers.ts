// Test helpers shared by the workload specs: split/merge equivalence for several part counts.
import { expect } from 'vitest';
import type { Workload } from '@weft/workloads';

/** Runs `params` whole and split into each part count; every merged result must equal the whole one and verify. */
export async function expectSplitInvariant<P, R>(
  workload: Workload<P, R>,
  params: P,
  partCounts: readonly number[] = [1, 2, 3, 5],
): Promise<R> {
  const whole = await workload.run(params);
  expect(workload.verify(whole, params)).toMatchObject({ ok: true });
  for (const count of partCounts) {
    const parts = workload.split(params, count);
    expect(parts.length).toBeLessThanOrEqual(count);
    const results: R[] = [];
    for (const part of parts) results.push(await workload.run(part));
    const merged = workload.merge(results, params);
    expect(workload.verify(merged, params), `${count} parts`).toMatchObject({ ok: true });
    expect(normalise(merged), `${count} parts`).toEqual(normalise(whole));
  }
  return whole;
}

// pi-series sums floating-point parts, whose rounding differs in the last bits with the split;
// its value is compared by verify() (to 1e-9), so drop it here.
function normalise(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'compensation' in result) {
    const { value: _v, compensation: _c, ...rest } = result as Record<string, unknown>;
    return rest;
  }
  return result;
}

/**
 * Resolves once `condition()` holds, re-checking it on each turn of the event loop (no timers). It
 * waits on the state itself, never on a count of turns (how many turns another thread or libuv takes
 * depends on the machine's load); the test's own timeout bounds the wait.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}
