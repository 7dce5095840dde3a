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
// This reader delivers every row as soon as it is visible, and remembers which rows above its
// "floor" it has delivered; each read asks for the rows above the floor it has not delivered yet
// (an index range on the event table's (queue, id) key), so a row committed late, after a
// larger-numbered one was read, is still found. The floor moves up once no row at or below it can
// still appear. A row numbered below the largest id a read saw, and not seen by it, belongs to a
// transaction that had drawn its id before that read's snapshot and had not committed: it was
// running then. So each read also lists the transactions running as it reads (every transaction
// holds a lock on its own virtual transaction id, in pg_locks, with or without a transaction id
// yet); once a later read finds none of them running, the read after that (whose snapshot is
// later still) sees every row they wrote, and the floor rises to the first read's largest id. A
// transaction left open elsewhere on the server only keeps the floor (and so the set of
// remembered ids) from rising; it holds no event back.
//
// Reading the lock table is the costly part of a read for PostgreSQL (it walks the whole lock
// manager: ~0.13 ms per read against ~0.1 ms for the rest, measured with pgbench), and a burst
// reads ~0.5 times per job, each woken by a NOTIFY. Only the floor needs the lock table; delivery
// does not. So a read after a pause that ran out (nothing new for a while) lists the running
// transactions, and of reads woken by NOTIFYs only every (PLAIN_READS + 1)th does; the others
// deliver rows and leave the floor alone (measured: lock-table reads per job 0.47 -> ~0.12). A read
// that lists no transactions makes no checkpoint and marks none ready, so the floor never rises on
// less knowledge than before: it rises a few reads later, while the remembered ids wait.
import { createHash } from 'node:crypto';
import type { MalformedEvent, StreamEvent } from './event-reader.js';
import { openListenClient, quoteIdentifier } from './postgres.js';
import type { ListenClient, OpenClient } from './postgres.js';
import type { PostgresStore } from './store.js';

/** BullMQ's NOTIFY channel for new events (payload: the queue name). */
export const EVENTS_CHANNEL = 'bullmq_events';

/**
 * What the reader's connection runs once connected: LISTEN, and a plan for each read made with
 * that read's values. After five executions of a named statement PostgreSQL may switch to one
 * generic plan, and the read's generic plan does not know how few rows lie above the floor: it
 * chose a scan of the whole event table (every queue's rows) and a sort, where a read with its
 * values is an index range on (queue, id). Measured on the benchmark's 2,000-call bursts: ~59
 * pages and ~690 µs of server CPU per job with the generic plan, ~11 pages and ~35 µs planned per
 * read. The named statement still saves parsing each read.
 */
export const READER_SETUP: string = `LISTEN ${EVENTS_CHANNEL}; SET plan_cache_mode = force_custom_plan`;

export interface PostgresEventSourceOptions {
  readonly store: PostgresStore;
  readonly queue: string;
  /** Only these events are read (all when absent): the others are never fetched. */
  readonly events?: readonly string[];
  readonly onEvent: (event: StreamEvent) => void;
  readonly onMalformed: (event: MalformedEvent) => void;
  /** A read failed (PostgreSQL down, or an error reply); the source reconnects and reads again. */
  readonly onError: (error: unknown) => void;
  /** The LISTEN connection dropped (`false`) or is back (`true`). */
  readonly onConnection?: (up: boolean) => void;
}

/** Idle re-read when no NOTIFY came (BullMQ may skip one under load: it coalesces them). */
const IDLE_MS = 1000;
/**
 * Re-read pauses while the floor is below the newest row read (a row numbered below it may still
 * commit, and BullMQ skips NOTIFYs under load): from 20 ms, doubling, up to 200 ms.
 */
const GAP_MIN_MS = 20;
const GAP_MAX_MS = 200;
/** Pause before reconnecting after a failed read. */
const RETRY_DELAY_MS = 500;
/** Of reads back to back, this many read no lock table between two that do. */
export const PLAIN_READS = 3;

interface Row {
  id: string | null;
  event: string | null;
  data: unknown;
  /**
   * The other sessions' transactions running as the read ran (virtual transaction ids); absent
   * from a read that did not list them.
   */
  running?: string[];
}

/**
 * After a read: every row of ours numbered up to `top` is visible once none of `running` runs any
 * more, to a read that starts after that was seen (`ready`).
 */
interface Checkpoint {
  readonly top: bigint;
  readonly running: readonly string[];
  ready: boolean;
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

/** A prepared statement's name, one per text (a connection maps a name to one text). */
function statementName(sql: string): string {
  return `weft-events-${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
}

function jobIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value: unknown = (data as Record<string, unknown>)['jobId'];
  return typeof value === 'string' ? value : undefined;
}

export class PostgresEventSource {
  readonly #options: PostgresEventSourceOptions;
  readonly #readSql: string;
  /** The read's prepared-statement name (one per text: a connection maps a name to one text). */
  readonly #readName: string;
  /** The read without the lock table (see PLAIN_READS), and its statement name. */
  readonly #plainSql: string;
  readonly #plainName: string;
  /** Reads without the lock table since the last one with it. */
  #plainReads = 0;
  #open: OpenClient | undefined;
  /** Every row of ours numbered up to this has been delivered, or will never appear. */
  #floor: bigint;
  /** Rows above the floor already delivered (their ids, as text). */
  #delivered = new Set<string>();
  /** The largest id delivered (or the floor). */
  #top: bigint;
  /** Oldest first: where the floor may move once the transactions they name have ended. */
  #checkpoints: Checkpoint[] = [];
  #closed = false;
  #notified = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();

  private constructor(options: PostgresEventSourceOptions, open: OpenClient, floor: bigint) {
    this.#options = options;
    this.#open = open;
    this.#floor = floor;
    this.#top = floor;
    const table = `${quoteIdentifier(options.store.schema)}.event`;
    const only = options.events === undefined ? '' : ' AND e.event = ANY($4::text[])';
    // The lock table is read as the statement runs, after its snapshot was taken.
    this.#readSql = `
      SELECT e.id::text AS id, e.event, e.data, s.running
        FROM (SELECT coalesce(array_agg(l.virtualxid), '{}') AS running
                FROM pg_locks l
               WHERE l.locktype = 'virtualxid' AND l.granted AND l.pid <> pg_backend_pid()) s
        LEFT JOIN ${table} e
          ON e.queue = $1 AND e.id > $2::bigint AND e.id <> ALL($3::bigint[])${only}
       ORDER BY e.id`;
    this.#readName = statementName(this.#readSql);
    this.#plainSql = `
      SELECT e.id::text AS id, e.event, e.data
        FROM ${table} e
       WHERE e.queue = $1 AND e.id > $2::bigint AND e.id <> ALL($3::bigint[])${only}
       ORDER BY e.id`;
    this.#plainName = statementName(this.#plainSql);
  }

  /**
   * Connects, listens, and reads events from now on: every event of a job added after this
   * resolves is delivered.
   */
  static async open(options: PostgresEventSourceOptions): Promise<PostgresEventSource> {
    const open = await openListenClient(options.store, `weft:events:${options.queue}`);
    try {
      await open.client.query(READER_SETUP);
      // Events of later jobs are numbered after every id drawn so far.
      const table = `${quoteIdentifier(options.store.schema)}.event`;
      const { rows } = await open.client.query(
        `SELECT coalesce(max(id), 0)::text AS id FROM ${table} WHERE queue = $1`,
        [options.queue],
      );
      const top = rows[0]?.['id'];
      const source = new PostgresEventSource(
        options,
        open,
        BigInt(typeof top === 'string' ? top : 0),
      );
      source.#attach(open.client);
      source.#loop = source.#run();
      return source;
    } catch (error) {
      await open.close();
      throw error;
    }
  }

  /** Every event numbered up to this has been delivered or will never appear ('0' at first). */
  get lastId(): string {
    return this.#floor.toString();
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
    let gap = 0;
    let down = false;
    // Nothing woke the reader since the last read (its pause ran out, or none ran yet): no burst,
    // and the next read lists the running transactions.
    let rested = true;
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
          await open.client.query(READER_SETUP);
          this.#attach(open.client);
          this.#open = open;
          if (down) {
            down = false;
            this.#options.onConnection?.(true);
          }
        }
        this.#notified = false;
        const open = await this.#read(this.#open.client, rested || this.#plainReads >= PLAIN_READS);
        rested = false;
        if (this.#notified) continue;
        gap = open ? Math.min(Math.max(gap * 2, GAP_MIN_MS), GAP_MAX_MS) : 0;
        rested = await this.#pause(open ? gap : IDLE_MS);
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

  /**
   * Delivers every visible row not delivered yet, in id order, and moves the floor; resolves
   * whether rows below the newest one read may still appear.
   */
  async #read(client: ListenClient, withLocks: boolean): Promise<boolean> {
    const params: unknown[] = [this.#options.queue, this.#floor.toString(), [...this.#delivered]];
    if (this.#options.events !== undefined) params.push(this.#options.events);
    // A named statement: a burst reads many times a second, and parsing and planning the read
    // each time cost PostgreSQL about as much as running it.
    const result = await client.query({
      name: withLocks ? this.#readName : this.#plainName,
      text: withLocks ? this.#readSql : this.#plainSql,
      values: params,
    });
    const rows = result.rows as unknown as Row[];
    for (const row of rows) {
      if (row.id === null || row.event === null) continue;
      this.#delivered.add(row.id);
      const id = BigInt(row.id);
      if (id > this.#top) this.#top = id;
      this.#deliver(row.id, row.event, row.data);
    }
    if (withLocks) {
      this.#plainReads = 0;
      this.#advance(rows[0]?.running ?? []);
    } else {
      this.#plainReads++;
    }
    return this.#floor < this.#top;
  }

  /**
   * Moves the floor past the checkpoints found ready by earlier reads (this read saw all their
   * rows), records this read's, and marks those whose transactions have all ended as ready.
   */
  #advance(running: readonly string[]): void {
    let floor = this.#floor;
    while (this.#checkpoints[0]?.ready === true) floor = this.#checkpoints.shift()!.top;
    const last = this.#checkpoints.at(-1);
    if (this.#top > (last?.top ?? floor))
      this.#checkpoints.push({ top: this.#top, running, ready: false });
    const now = new Set(running);
    for (const checkpoint of this.#checkpoints) {
      if (!checkpoint.ready) checkpoint.ready = checkpoint.running.every((id) => !now.has(id));
    }
    if (floor === this.#floor) return;
    this.#floor = floor;
    for (const id of this.#delivered) if (BigInt(id) <= floor) this.#delivered.delete(id);
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

  /** Waits `ms`, or less when woken; resolves whether the whole wait ran out (nothing woke it). */
  #pause(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(true), ms);
      function done(ranOut: boolean): void {
        clearTimeout(timer);
        resolve(ranOut);
      }
      this.#wake = () => {
        this.#wake = undefined;
        done(false);
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
