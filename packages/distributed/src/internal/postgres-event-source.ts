// Reads a BullMQ queue's events (completed, failed, progress, stalled, removed) from PostgreSQL for
// the executor, without losing any.
//
// BullMQ's PostgreSQL storage appends events to a table (`<schema>.event`, a bigserial id per row)
// and wakes readers with NOTIFY bullmq_events '<queue>'. Its own reader (QueueEvents) reads the rows
// after the last id it saw; but ids are drawn when a row is inserted and rows become visible when
// their transaction commits, so with several workers committing at once a row with a smaller id
// can appear after a larger one was read, and is then skipped for good (measured: 21 of 200
// 'completed' events never reached a QueueEvents, worker concurrency 8, BullMQ 6.7.6). A call
// whose result is skipped would wait forever.
//
// This reader orders by transaction instead. A row is delivered once every transaction older than
// its own has ended: its transaction id (xmin) precedes the oldest transaction still running
// (the snapshot's xmin, "the horizon"). From then on no earlier row can appear, so reading all
// rows with horizon_before <= xmin < horizon_now, in transaction then id order, never skips one.
// Transaction ids are 32-bit and wrap around, so they are compared as PostgreSQL does (modulo
// 2^32, within half the circle). The price: a transaction left open elsewhere on the server holds
// events back until it ends. Rows not yet deliverable are re-read after a short pause (no NOTIFY
// announces that an unrelated transaction ended).
import type { MalformedEvent, StreamEvent } from './event-reader.js';
import { openListenClient, quoteIdentifier } from './postgres.js';
import type { ListenClient, OpenClient } from './postgres.js';
import type { PostgresStore } from './store.js';

/** BullMQ's NOTIFY channel for new events (payload: the queue name). */
export const EVENTS_CHANNEL = 'bullmq_events';

export interface PostgresEventSourceOptions {
  readonly store: PostgresStore;
  readonly queue: string;
  readonly onEvent: (event: StreamEvent) => void;
  readonly onMalformed: (event: MalformedEvent) => void;
  /** A read failed (PostgreSQL down, or an error reply); the source reconnects and reads again. */
  readonly onError: (error: unknown) => void;
  /** The LISTEN connection dropped (`false`) or is back (`true`). */
  readonly onConnection?: (up: boolean) => void;
}

/** Idle re-read when no NOTIFY came (BullMQ may skip one under load: it coalesces them). */
const IDLE_MS = 1000;
/** Re-read pauses while rows wait for an older transaction: from 2 ms, doubling, up to 100 ms. */
const HELD_MIN_MS = 2;
const HELD_MAX_MS = 100;
/** Pause before reconnecting after a failed read. */
const RETRY_DELAY_MS = 500;

const MASK = 4294967295; // 2^32 - 1
const HALF = 2147483648; // 2^31

interface Row {
  id: string | null;
  event: string | null;
  data: unknown;
  safe: boolean | null;
  horizon: string;
}

/** `a` comes before `b` in PostgreSQL's circular order of 32-bit transaction ids. */
function precedes(a: number, b: number): boolean {
  const distance = (b - a) & MASK;
  return distance !== 0 && distance < HALF;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One row as the executor's StreamEvent; throws when its fields can't be read. */
export function parseRow(id: string, event: string, data: unknown): StreamEvent {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new TypeError('the event data is not an object');
  const fields = data as Record<string, unknown>;
  const jobId = fields['jobId'] === undefined ? undefined : text(fields['jobId']);
  const base = { id, event, jobId };
  const json = (name: string): unknown => {
    const value = fields[name];
    return value === undefined ? null : (JSON.parse(text(value)) as unknown);
  };
  if (event === 'completed') return { ...base, returnvalue: json('returnvalue') };
  if (event === 'progress') return { ...base, data: json('data') };
  if (event === 'failed') {
    const reason = fields['failedReason'];
    return { ...base, failedReason: reason === undefined ? '' : text(reason) };
  }
  return base;
}

function jobIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value: unknown = (data as Record<string, unknown>)['jobId'];
  return typeof value === 'string' ? value : undefined;
}

export class PostgresEventSource {
  readonly #options: PostgresEventSourceOptions;
  readonly #readSql: string;
  #open: OpenClient | undefined;
  /** Every row whose transaction id precedes this has been delivered (low 32 bits). */
  #horizon: number;
  #lastId = '0';
  #closed = false;
  #notified = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();

  private constructor(options: PostgresEventSourceOptions, open: OpenClient, horizon: number) {
    this.#options = options;
    this.#open = open;
    this.#horizon = horizon;
    const table = `${quoteIdentifier(options.store.schema)}.event`;
    this.#readSql = `
      SELECT e.id::text AS id, e.event, e.data,
             ((h.x - e.xmin::text::bigint) & ${MASK}) BETWEEN 1 AND ${HALF - 1} AS safe,
             h.x::text AS horizon
        FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint & ${MASK} AS x) h
        LEFT JOIN ${table} e
          ON e.queue = $1 AND ((e.xmin::text::bigint - $2) & ${MASK}) < ${HALF}
       ORDER BY ((e.xmin::text::bigint - $2) & ${MASK}), e.id`;
  }

  /**
   * Connects, listens, and reads events from now on: every event whose transaction had not ended
   * when this resolves is delivered (so none of a job added afterwards is missed).
   */
  static async open(options: PostgresEventSourceOptions): Promise<PostgresEventSource> {
    const open = await openListenClient(options.store, `weft:events:${options.queue}`);
    try {
      const horizon = await PostgresEventSource.#listen(open.client);
      const source = new PostgresEventSource(options, open, horizon);
      source.#attach(open.client);
      source.#loop = source.#run();
      return source;
    } catch (error) {
      await open.close();
      throw error;
    }
  }

  static async #listen(client: ListenClient): Promise<number> {
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    const { rows } = await client.query(
      `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint & ${MASK})::text AS x`,
    );
    return Number(rows[0]?.['x']);
  }

  /** The id of the last event delivered ('0' before the first). */
  get lastId(): string {
    return this.#lastId;
  }

  #attach(client: ListenClient): void {
    client.on('notification', (message) => {
      if (message.channel === EVENTS_CHANNEL && message.payload === this.#options.queue) {
        this.#notified = true;
        this.#wake?.();
      }
    });
    const lost = (error?: Error): void => {
      if (this.#closed || this.#open?.client !== client) return;
      if (error !== undefined) this.#options.onError(error);
      // The read loop notices on its next query, reconnects and says when it is back.
      this.#wake?.();
    };
    client.on('error', lost);
    client.on('end', () => lost());
  }

  async #run(): Promise<void> {
    let held = 0;
    let down = false;
    while (!this.#closed) {
      try {
        if (this.#open === undefined) {
          const open = await openListenClient(
            this.#options.store,
            `weft:events:${this.#options.queue}`,
          );
          if (this.#closed) {
            await open.close();
            return;
          }
          await open.client.query(`LISTEN ${EVENTS_CHANNEL}`);
          this.#attach(open.client);
          this.#open = open;
          if (down) {
            down = false;
            this.#options.onConnection?.(true);
          }
        }
        this.#notified = false;
        const waiting = await this.#read(this.#open.client);
        if (this.#notified) continue;
        held = waiting ? Math.min(Math.max(held * 2, HELD_MIN_MS), HELD_MAX_MS) : 0;
        await this.#pause(waiting ? held : IDLE_MS);
      } catch (error) {
        if (this.#closed) return;
        this.#options.onError(error);
        const open = this.#open;
        this.#open = undefined;
        await open?.close();
        if (!down) {
          down = true;
          this.#options.onConnection?.(false);
        }
        await this.#pause(RETRY_DELAY_MS);
      }
    }
  }

  /** Deliver every row now deliverable; resolves whether some wait for an older transaction. */
  async #read(client: ListenClient): Promise<boolean> {
    const result = await client.query(this.#readSql, [this.#options.queue, this.#horizon]);
    const rows = result.rows as unknown as Row[];
    let waiting = false;
    for (const row of rows) {
      if (row.id === null || row.event === null) continue;
      if (row.safe !== true) {
        waiting = true;
        continue;
      }
      this.#lastId = row.id;
      this.#deliver(row.id, row.event, row.data);
    }
    const horizon = Number(rows[0]?.horizon ?? this.#horizon);
    if (precedes(this.#horizon, horizon)) this.#horizon = horizon;
    return waiting;
  }

  #deliver(id: string, name: string, data: unknown): void {
    try {
      let event: StreamEvent;
      try {
        event = parseRow(id, name, data);
      } catch (error) {
        this.#options.onMalformed({ id, jobId: jobIdOf(data), error });
        return;
      }
      this.#options.onEvent(event);
    } catch (error) {
      // A bug in a handler must not end the reader (every later event would be lost).
      this.#options.onError(error);
    }
  }

  #pause(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  /** Stops reading and closes the connection (a read in flight is cut off). */
  async close(): Promise<void> {
    if (this.#closed) return this.#loop;
    this.#closed = true;
    this.#wake?.();
    const open = this.#open;
    this.#open = undefined;
    await open?.close();
    await this.#loop;
  }
}
