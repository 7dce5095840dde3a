// How long finished Weft jobs stay in PostgreSQL, and who deletes them: a queue's weft-workers,
// once a minute, delete its Weft jobs that finished more than an hour ago, a batch at a time.
//
// BullMQ's own age rule (a job's `removeOnComplete: { age }`) runs inside every job's finishing
// transaction: a DELETE over the queue's finished jobs that PostgreSQL plans afresh each time (its
// cutoff is a new value per job) and that almost never finds a row. Measured on the benchmark's
// 2,000-call bursts (2 vCPU, PostgreSQL 15), that DELETE took 0.15-0.25 ms of the server's CPU per
// job, the largest part of what a Weft job cost the server over a raw BullMQ one. The sweep
// deletes the same rows (the job's logs and dependency rows go with them, as with BullMQ's rule:
// their foreign keys cascade) once a minute instead of looking once per job. Callers on
// PostgreSQL add their jobs with no removal rule (executor-submit.ts).
import type { PgQueryable } from 'bullmq';
import { quoteIdentifier } from './postgres.js';

/** A finished Weft job is kept this long (ms), so callers can still read its outcome back. */
export const RETENTION_AGE_MS = 3_600_000;

/** Time between two sweeps of one worker (ms). */
export const SWEEP_INTERVAL_MS = 60_000;

/** Jobs deleted per statement: a sweep after a long pause deletes in steps, never all at once. */
export const SWEEP_BATCH = 1000;

export interface RetentionSweeperOptions {
  /** Where to delete: a pooled connection (BullMQ's pool). */
  readonly query: PgQueryable;
  /** The schema BullMQ's tables are in. */
  readonly schema: string;
  readonly queue: string;
  /** The clock finished times are compared with (ms since the epoch; BullMQ's is `Date.now`). */
  readonly now?: () => number;
  /** A sweep failed (the next one tries again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * A worker's periodic deletion of its queue's Weft jobs finished over {@link RETENTION_AGE_MS}
 * ago. Jobs of other producers (without Weft's job data) keep whatever rule they came with.
 */
export class RetentionSweeper {
  readonly #options: RetentionSweeperOptions;
  readonly #sql: string;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;
  #stopped = false;

  constructor(options: RetentionSweeperOptions) {
    this.#options = options;
    const job = `${quoteIdentifier(options.schema)}.job`;
    // The inner scan is an index range (job_finished_idx: queue, state, finished_at_ms). SKIP
    // LOCKED: a row another worker's sweep (or BullMQ) holds is left to it, not waited for.
    this.#sql = `
      DELETE FROM ${job}
       WHERE queue = $1 AND id IN (
         SELECT id FROM ${job}
          WHERE queue = $1 AND state IN ('completed', 'failed') AND finished_at_ms <= $2
            AND data ? 'weft'
          LIMIT $3 FOR UPDATE SKIP LOCKED)`;
  }

  /** Sweeps now, then every {@link SWEEP_INTERVAL_MS} until {@link RetentionSweeper.stop}. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const tick = (): void => {
      void this.sweep()
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => {
          if (this.#stopped) return;
          this.#timer = setTimeout(tick, SWEEP_INTERVAL_MS);
          // The worker's BullMQ connections keep the process alive, not this timer.
          this.#timer.unref();
        });
    };
    tick();
  }

  /**
   * Deletes the queue's Weft jobs that finished over an hour ago, in batches of
   * {@link SWEEP_BATCH}; one sweep at a time (a call during one joins it).
   *
   * @returns How many jobs were deleted.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#deleteExpired().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #deleteExpired(): Promise<number> {
    const { query, queue } = this.#options;
    const cutoff = (this.#options.now ?? Date.now)() - RETENTION_AGE_MS;
    let total = 0;
    for (;;) {
      const result = await query.query(this.#sql, [queue, cutoff, SWEEP_BATCH]);
      const deleted = result.rowCount ?? 0;
      total += deleted;
      if (deleted < SWEEP_BATCH || this.#stopped) return total;
    }
  }

  /**
   * Stops sweeping: no new sweep starts, and one in progress ends after its current statement
   * (not waited for: on a server that went away it would wait as long as the statement does).
   */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
