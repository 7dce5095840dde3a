// A worker's deferred start reports: a job's start is sent to its caller only once the job has run
// for `delay` ms. One timer for all jobs rather than one per job: on a busy worker a timer per tiny
// job (created and cleared) measurably costs more than the job itself. The delay is the same for
// every job, so the order jobs are deferred in is the order they fall due in: a flush reads only the
// due ones, from the front, and a job that ends first is simply removed.
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';

/** A job whose start may be reported later. */
export interface DeferredStart {
  /** When its report is due, on `performance.now()`'s clock (set by {@link StartReports.defer}). */
  dueAt: number;
  /** Sends the report (and forgets the job here). */
  sendStart(): void;
}

export class StartReports {
  readonly #delay: number;
  // Insertion order is due order (one delay for all).
  readonly #due = new Set<DeferredStart>();
  #timer: LongTimeout | undefined;

  /** @param delay - How long a job runs before its start is reported, in ms (any length; 0: at once). */
  constructor(delay: number) {
    this.#delay = delay;
  }

  /** Jobs whose report is pending. */
  get size(): number {
    return this.#due.size;
  }

  /** Calls `job.sendStart()` once the job has run for the delay (at once for 0), unless forgotten first. */
  defer(job: DeferredStart): void {
    if (this.#delay === 0) {
      job.sendStart();
      return;
    }
    job.dueAt = performance.now() + this.#delay;
    this.#due.add(job);
    this.#timer ??= setLongTimeout(() => this.#flush(), this.#delay);
  }

  /** The job ended (or reported): no report for it. */
  forget(job: DeferredStart): void {
    this.#due.delete(job);
  }

  /** Clears the timer (the worker is closing). */
  stop(): void {
    this.#timer?.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const t = performance.now();
    for (const job of this.#due) {
      if (job.dueAt > t) {
        this.#timer = setLongTimeout(() => this.#flush(), Math.max(1, job.dueAt - t));
        return;
      }
      this.#due.delete(job);
      job.sendStart();
    }
  }
}
