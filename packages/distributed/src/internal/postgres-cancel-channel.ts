// Cancellation on PostgreSQL: a caller asks the workers of a queue to stop a running job with
// NOTIFY, and each worker LISTENs (the PostgreSQL twin of the Redis pub/sub channel). NOTIFY is
// delivered to every listener of the database, outside any table: no row is written per cancel,
// and a worker never reads the queue's event stream to learn of one. Like Redis pub/sub, a cancel
// sent while a worker's connection is down does not reach that worker (the call itself is settled
// by the caller either way).
//
// A worker LISTENs on the connection BullMQ already keeps for LISTEN (borrowListenClient), not on
// one of its own: PostgreSQL wakes every listening backend of the database on each NOTIFY (BullMQ
// sends one or two per job), and each woken backend runs a transaction to read the notification
// queue. A connection of its own cost the server 25-50 µs of CPU per job in a burst, and a
// connection slot per worker; a connection of its own is still what the listener opens when given
// none (tests, and callers of the listener on their own).
import type { PgNotification, PgQueryable, PostgresConnection } from 'bullmq';
import type { CancelChannel } from './cancel-channel.js';
import { openListenClient } from './postgres.js';
import type { ListenClient, OpenClient } from './postgres.js';
import type { PostgresStore } from './store.js';

/** One channel for every queue: a channel name is limited to 63 bytes, a queue name is not. */
export const CANCEL_CHANNEL = 'weft_cancel';

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7999;

/** Reconnect pauses after the LISTEN connection drops: from 100 ms, doubling, up to 5 s. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/** The message that names one job of one queue of one schema. */
export function cancelPayload(schema: string, queue: string, jobId: string): string {
  return JSON.stringify({ s: schema, q: queue, j: jobId });
}

function jobIdIn(payload: string | undefined, schema: string, queue: string): string | undefined {
  if (payload === undefined) return undefined;
  try {
    const message = JSON.parse(payload) as { s?: unknown; q?: unknown; j?: unknown };
    return message.s === schema && message.q === queue && typeof message.j === 'string'
      ? message.j
      : undefined;
  } catch {
    return undefined;
  }
}

/** Ask the workers of `queue` to stop job `jobId` (they stop it if it runs there). */
export async function publishCancel(
  query: PgQueryable,
  schema: string,
  queue: string,
  jobId: string,
): Promise<void> {
  const payload = cancelPayload(schema, queue, jobId);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD)
    throw new RangeError(`the cancel message for job ${jobId} is over NOTIFY's 8000 bytes`);
  await query.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, payload]);
}

export interface PostgresCancelListenerOptions {
  readonly store: PostgresStore;
  readonly queue: string;
  /**
   * The connection to LISTEN on, asked for again after it dropped: a connection of its own
   * (openListenClient) when absent, or one borrowed (borrowListenClient).
   */
  readonly listen?: () => Promise<OpenClient>;
  /** A caller asked to stop this job. */
  readonly onCancel: (jobId: string) => void;
  /** The connection failed; the listener reconnects on its own. */
  readonly onError: (error: unknown) => void;
  /** The LISTEN connection dropped (`false`) or is back (`true`). */
  readonly onConnection?: (up: boolean) => void;
}

/** A worker's subscription to the cancel messages of its queue, kept up until closed. */
export class PostgresCancelListener {
  readonly #options: PostgresCancelListenerOptions;
  #open: OpenClient | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  #reconnecting: Promise<void> | undefined;

  private constructor(options: PostgresCancelListenerOptions) {
    this.#options = options;
  }

  /** Connects and listens; rejects if the first connection fails. */
  static async open(options: PostgresCancelListenerOptions): Promise<PostgresCancelListener> {
    const listener = new PostgresCancelListener(options);
    await listener.#connect();
    return listener;
  }

  async #connect(): Promise<void> {
    const { listen, store, queue } = this.#options;
    const open = await (listen?.() ?? openListenClient(store, `weft:cancel:${queue}`));
    // Its listeners come off with it: a borrowed connection lives on, its owner's listeners too.
    const detach = this.#attach(open.client);
    const attached: OpenClient = {
      client: open.client,
      close: () => {
        detach();
        return open.close();
      },
    };
    try {
      await open.client.query(`LISTEN ${CANCEL_CHANNEL}`);
    } catch (error) {
      await attached.close();
      throw error;
    }
    if (this.#closed) {
      await attached.close();
      return;
    }
    this.#open = attached;
  }

  /** Listens to `client`'s notifications and its end; returns how to stop listening. */
  #attach(client: ListenClient): () => void {
    const { store, queue, onCancel } = this.#options;
    const notified = (message: PgNotification): void => {
      if (message.channel !== CANCEL_CHANNEL) return;
      const jobId = jobIdIn(message.payload, store.schema, queue);
      if (jobId !== undefined) onCancel(jobId);
    };
    const lost = (error?: Error): void => {
      if (this.#closed || this.#open?.client !== client) return;
      if (error !== undefined) this.#options.onError(error);
      const open = this.#open;
      this.#open = undefined;
      void open.close();
      this.#options.onConnection?.(false);
      this.#reconnecting = this.#reconnect();
    };
    const ended = (): void => lost();
    client.on('notification', notified);
    client.on('error', lost);
    client.on('end', ended);
    return () => {
      client.removeListener('notification', notified);
      client.removeListener('error', lost);
      client.removeListener('end', ended);
    };
  }

  async #reconnect(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.#closed) {
      await this.#pause(delay);
      if (this.#closed) return;
      try {
        await this.#connect();
        if (!this.#closed) this.#options.onConnection?.(true);
        return;
      } catch (error) {
        if (!this.#closed) this.#options.onError(error);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const open = this.#open;
    this.#open = undefined;
    await open?.close();
    await this.#reconnecting;
  }
}

export interface PostgresCancelChannelOptions {
  readonly store: PostgresStore;
  readonly queue: string;
  /** Where to publish: a pooled connection (BullMQ's pool). */
  readonly query: PgQueryable;
  /** Where to subscribe (see {@link PostgresCancelListenerOptions.listen}). */
  readonly listen?: () => Promise<OpenClient>;
  /** An error of the subscribing connection (it reconnects by itself). */
  readonly onError?: (error: unknown) => void;
  /** The subscribing connection dropped (`false`) or is back (`true`). */
  readonly onConnection?: (up: boolean) => void;
}

/** The CancelChannel of a queue on PostgreSQL. */
export class PostgresCancelChannel implements CancelChannel {
  readonly #options: PostgresCancelChannelOptions;
  #listener: PostgresCancelListener | undefined;
  #closed = false;

  constructor(options: PostgresCancelChannelOptions) {
    this.#options = options;
  }

  publish(jobId: string): Promise<void> {
    const { query, store, queue } = this.#options;
    return publishCancel(query, store.schema, queue, jobId);
  }

  async subscribe(handler: (jobId: string) => void): Promise<void> {
    const { store, queue, listen, onError, onConnection } = this.#options;
    const listener = await PostgresCancelListener.open({
      store,
      queue,
      ...(listen === undefined ? {} : { listen }),
      onCancel: (jobId) => {
        if (!this.#closed) handler(jobId);
      },
      onError: onError ?? (() => undefined),
      ...(onConnection === undefined ? {} : { onConnection }),
    });
    if (this.#closed) await listener.close();
    else this.#listener = listener;
  }

  close(): void {
    this.#closed = true;
    void this.#listener?.close();
  }
}

/**
 * BullMQ's LISTEN connection of a worker (the one its blocking wait for jobs uses), borrowed:
 * closing takes only Weft's listeners off it. When it drops, BullMQ ends it and builds a new one
 * on the next call (its `'error'` listener runs first), so the listener's reconnect borrows that.
 * Refused once BullMQ is closing the connection (a new LISTEN connection would be left open).
 */
export async function borrowListenClient(connection: PostgresConnection): Promise<OpenClient> {
  if (connection.isClosing !== undefined)
    throw new Error('the worker is closing its PostgreSQL connection');
  const client = await connection.getListenClient();
  return { client: client as unknown as ListenClient, close: () => Promise.resolve() };
}
