// Timing helpers: every figure the playground prints is measured here, on one clock.
import { compare, ProgressBar, type Comparison } from '@weft/reporters';
import type { ExperimentContext } from './experiment.js';

/** Runs `fn` once and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/**
 * A progress bar for a long run, on the experiment's stderr so stdout keeps only results: redrawn
 * in place on a terminal, a plain line now and then otherwise (CI, pipes).
 */
export function progressBar(ctx: ExperimentContext, total: number, label: string): ProgressBar {
  return new ProgressBar({ total, label, stream: ctx.stderr });
}

/** A measured row: a label and its samples (ms). */
export interface Row {
  readonly label: string;
  readonly samples: readonly number[];
}

/** Builds the reporters' comparison (lower is better, ms) against the baseline row. */
export function comparison(title: string, baseline: string, rows: readonly Row[]): Comparison {
  return compare({
    title,
    baseline,
    unit: 'ms',
    better: 'lower',
    rows: rows.map((r) => ({ label: r.label, samples: [...r.samples] })),
  });
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
