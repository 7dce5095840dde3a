// The result source on PostgreSQL: BullMQ's event table of the queue, read by a PostgresEventSource
// on a connection of its own (see postgres-event-source.ts for why not
// BullMQ's QueueEvents).
import { PostgresEventSource } from './postgres-event-source.js';
import { JOB_EVENTS, toJobEvent } from './result-source.js';
import type { ResultSink, ResultSource, SourcePosition } from './result-source.js';
import { quoteIdentifier } from './postgres.js';
import type { PostgresStore } from './store.js';

export interface PostgresResultSourceOptions {
  readonly store: PostgresStore;
  readonly queue: string;
  /** Runs a query on a pooled connection (BullMQ's pool). */
  readonly query: (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;
  /** The source's connection dropped (`false`) or is back (`true`); it reconnects by itself. */
  readonly onConnection: (up: boolean) => void;
}

export class PostgresResultSource implements ResultSource {
  readonly #options: PostgresResultSourceOptions;
  readonly #table: string;
  readonly #jobs: string;
  #source: PostgresEventSource | undefined;
  #from: SourcePosition = '0';

  constructor(options: PostgresResultSourceOptions) {
    this.#options = options;
    this.#table = `${quoteIdentifier(options.store.schema)}.event`;
    this.#jobs = `${quoteIdentifier(options.store.schema)}.job`;
  }

  get position(): SourcePosition {
    const last = this.#source?.lastId ?? '0';
    return last === '0' ? this.#from : last;
  }

  async start(sink: ResultSink): Promise<void> {
    const { store, queue } = this.#options;
    // The queue's newest event so far: the position a job submitted before any event is read
    // back from, should the table be trimmed past it.
    const { rows } = await this.#options.query(
      `SELECT coalesce(max(id), 0)::text AS id FROM ${this.#table} WHERE queue = $1`,
      [queue],
    );
    this.#from = (rows[0] as { id?: string } | undefined)?.id ?? '0';
    this.#source = await PostgresEventSource.open({
      store,
      queue,
      // What toJobEvent reads: the rest (added, waiting, active, drained, ...) is never fetched.
      events: JOB_EVENTS,
      onEvent: (event) => {
        const jobEvent = toJobEvent(event);
        if (jobEvent !== undefined) sink.event(jobEvent);
      },
      onMalformed: (entry) => sink.unreadable(entry.jobId),
      onError: (error) => sink.error(error),
      onConnection: (up) => this.#options.onConnection(up),
    });
  }

  // BullMQ trims a queue's events from the oldest (and obliterate deletes them all), so the oldest
  // row is at or before `checked` exactly when a row at or before it is still there. The oldest
  // row is found by walking the index from the queue's first key, through every entry BullMQ's
  // trimming deleted and vacuum has not yet removed (measured: ~1,300 pages per read after a
  // 2,000-call burst, read every 100 ms while calls are pending); the newest row at or before
  // `checked` is found walking back from `checked`, among live rows. The oldest is read only when
  // there is none (events were dropped, or none read yet).
  async readableFrom(checked?: SourcePosition): Promise<SourcePosition | undefined> {
    const { rows } = await this.#options.query(
      checked === undefined
        ? `SELECT min(id)::text AS id FROM ${this.#table} WHERE queue = $1`
        : `SELECT coalesce(
             (SELECT id FROM ${this.#table} WHERE queue = $1 AND id <= $2::bigint
               ORDER BY id DESC LIMIT 1),
             (SELECT min(id) FROM ${this.#table} WHERE queue = $1))::text AS id`,
      checked === undefined ? [this.#options.queue] : [this.#options.queue, checked],
    );
    const id = (rows[0] as { id?: string | null } | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  }

  // BullMQ's PostgreSQL `remove` (6.7.6) deletes the job's row and publishes no `removed` event.
  // A job whose row is gone but whose outcome event is still in the table (a finished job trimmed
  // by BullMQ's retention before this reader got to the event) is not gone: the event will come.
  async gone(jobIds: readonly string[]): Promise<string[]> {
    const { queue, query } = this.#options;
    const missing = await query(
      `SELECT w.id FROM unnest($2::text[]) AS w(id)
        WHERE NOT EXISTS (SELECT 1 FROM ${this.#jobs} j WHERE j.queue = $1 AND j.id = w.id)`,
      [queue, jobIds],
    );
    const ids = (missing.rows as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return [];
    const finished = await query(
      `SELECT DISTINCT e.data->>'jobId' AS id FROM ${this.#table} e
        WHERE e.queue = $1 AND e.event IN ('completed', 'failed') AND e.data->>'jobId' = ANY($2)`,
      [queue, ids],
    );
    const outcome = new Set((finished.rows as { id: string }[]).map((row) => row.id));
    return ids.filter((id) => !outcome.has(id));
  }

  compare(a: SourcePosition, b: SourcePosition): number {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  async stop(): Promise<void> {
    await this.#source?.close();
  }
}
