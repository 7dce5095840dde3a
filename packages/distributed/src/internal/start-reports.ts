// A worker's deferred start reports: a job's start is sent to its caller only once the job has run
// for `delay` ms. One timer for all jobs rather than one per job: on a busy worker a timer per tiny
// job (created and cleared) measurably costs more than the job itself.
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';

export class StartReports {
  readonly #delay: number;
  readonly #due = new Map<string, { readonly at: number; readonly report: () => void }>();
  #timer: LongTimeout | undefined;

  /** @param delay - How long a job runs before its start is reported, in ms (any length). */
  constructor(delay: number) {
    this.#delay = delay;
  }

  /** Calls `report` once `jobId` has run for the delay, unless forgotten first. */
  defer(jobId: string, report: () => void): void {
    this.#due.set(jobId, { at: performance.now() + this.#delay, report });
    this.#timer ??= setLongTimeout(() => this.#flush(), this.#delay);
  }

  /** The job ended (or reported): no report for it. */
  forget(jobId: string): void {
    this.#due.delete(jobId);
  }

  /** Clears the timer (the worker is closing). */
  stop(): void {
    this.#timer?.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const t = performance.now();
    let next = Infinity;
    for (const { at, report } of [...this.#due.values()]) {
      if (at <= t) report();
      else next = Math.min(next, at);
    }
    if (next !== Infinity) this.#timer = setLongTimeout(() => this.#flush(), Math.max(1, next - t));
  }
}
