// Coalescing job adds: the adds asked for in one tick go out together, after the tick's promise
// jobs have run. One add on its own goes out as BullMQ's `add` (a single call's latency stays
// BullMQ's); several go out as `addBulk` (one pipelined write per ADD_CHUNK jobs, far less work per
// job for this process, for ioredis and for Redis than one `add` each). With tracing on, each job
// goes out as its own `add` inside its caller's context instead: BullMQ's addBulk opens one producer
// span per batch in whatever context is active at the flush, which would put every job of the batch
// in that one trace (or none), not in its own caller's.
import type { JobsOptions, Queue } from 'bullmq';
import type { ContextRunner } from './telemetry.js';
import type { JobData } from './wire.js';

/** Most jobs in one `addBulk`. */
const ADD_CHUNK = 500;

/** One job to add, and what to do once its add is known to have worked or failed. */
export interface AddRequest {
  readonly name: string;
  readonly data: JobData;
  readonly opts: JobsOptions & { readonly jobId: string };
  /** Runs the add in the tracing context its call was made in (the call's `inCallerContext`). */
  readonly inCallerContext: ContextRunner;
  /** False once the add is no longer wanted (its call settled before the flush): it is dropped. */
  readonly wanted: () => boolean;
  readonly added: () => void;
  readonly failed: (error: unknown) => void;
}

export class AddBatcher {
  readonly #queue: () => Queue | undefined;
  readonly #traced: () => boolean;
  readonly #closed: () => Error;
  /** Adds asked for and not yet written, in call order. */
  #waiting: AddRequest[] = [];
  /** A flush is queued for the end of this tick. */
  #scheduled = false;
  /** An `addBulk` is out and Redis has not answered yet: later adds wait behind it. */
  #sending = false;

  /**
   * @param queue - The BullMQ queue to add to (read at flush time).
   * @param traced - Whether the queue has a tracing hook (read at flush time): then every job is
   *   added on its own, inside its caller's context.
   * @param closed - The error for adds whose queue was closed before the flush.
   */
  constructor(queue: () => Queue | undefined, traced: () => boolean, closed: () => Error) {
    this.#queue = queue;
    this.#traced = traced;
    this.#closed = closed;
  }

  /** Adds the job with the others of this tick. */
  add(request: AddRequest): void {
    this.#waiting.push(request);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A tick callback queued from a promise job runs once all promise jobs have run, so every call
    // made in one synchronous burst (or one Promise.all) joins the same flush.
    process.nextTick(() => {
      this.#scheduled = false;
      // While a chunk is out, this tick's adds wait behind the burst's remaining ones (call order).
      if (!this.#sending) this.#send();
    });
  }

  // Writes what waits: one add on its own as BullMQ's `add`, more as `addBulk`s of ADD_CHUNK jobs,
  // one chunk at a time, the next once Redis has answered the last. A burst's 20,000 job events
  // then reach the stream in steps the event reader keeps up with (all chunks written at once
  // filled BullMQ's 10,000-entry stream before the reader's next read, and the sweep then read
  // every call back from Redis); a call settled meanwhile is dropped, and calls made meanwhile go
  // out after the burst, so jobs are added in the order their calls were made.
  #send(): void {
    const waiting = this.#waiting.filter((request) => request.wanted());
    if (waiting.length === 0) {
      this.#waiting = [];
      return;
    }
    const bull = this.#queue();
    if (bull === undefined) {
      this.#waiting = [];
      const error = this.#closed();
      for (const request of waiting) request.failed(error);
      return;
    }
    if (waiting.length === 1 || this.#traced()) {
      this.#waiting = [];
      for (const one of waiting) {
        one
          .inCallerContext(() => bull.add(one.name, one.data, one.opts))
          .then(one.added, one.failed);
      }
      return;
    }
    const chunk = waiting.slice(0, ADD_CHUNK);
    this.#waiting = waiting.slice(ADD_CHUNK);
    this.#sending = true;
    const jobs = chunk.map(({ name, data, opts }) => ({ name, data, opts }));
    bull
      .addBulk(jobs)
      .then(
        () => {
          for (const request of chunk) request.added();
        },
        (error: unknown) => this.#recover(bull, chunk, error),
      )
      .finally(() => {
        this.#sending = false;
        this.#send();
      });
  }

  // `addBulk` is a pipeline, not a transaction: when it fails, some of its jobs may be in Redis
  // (and will run). Ask Redis about each one, so that only the adds that really failed fail.
  async #recover(bull: Queue, chunk: readonly AddRequest[], error: unknown): Promise<void> {
    await Promise.all(
      chunk.map(async (request) => {
        let found: boolean;
        try {
          found = (await bull.getJob(request.opts.jobId)) !== undefined;
        } catch {
          found = false;
        }
        if (found) request.added();
        else request.failed(error);
      }),
    );
  }
}
