// The result source on Redis: BullMQ's event stream of the queue (`<prefix>:<queue>:events`), read
// with XREAD on a connection of its own (see event-reader.ts for why not BullMQ's QueueEvents).
import type { RawClient } from './connection.js';
import { EventReader } from './event-reader.js';
import type { StreamClient } from './event-reader.js';
import { JOB_EVENTS, toJobEvent } from './result-source.js';
import type { ResultSink, ResultSource, SourcePosition } from './result-source.js';

export interface RedisResultSourceOptions {
  /** A command connection (it stays the caller's); the reader duplicates it for its XREAD. */
  readonly client: RawClient;
  /** The stream's key. */
  readonly key: string;
  /** Bounds each step of starting (the caller's connect timeout). */
  readonly connecting: <T>(step: Promise<T>) => Promise<T>;
  /** An error of the reader's own connection (it reconnects by itself). */
  readonly onConnectionError: (error: unknown) => void;
}

/** Compare two stream ids ("ms-seq"). */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export class RedisResultSource implements ResultSource {
  readonly #options: RedisResultSourceOptions;
  #reader: EventReader | undefined;
  #readerClient: RawClient | undefined;
  #from: SourcePosition = '0-0';
  /** `entries-added` at the last readableFrom() (Redis 7). */
  #added: number | undefined;

  constructor(options: RedisResultSourceOptions) {
    this.#options = options;
  }

  /** The reader's own connection, once started (the executor watches it for connection loss). */
  get readerClient(): RawClient | undefined {
    return this.#readerClient;
  }

  get position(): SourcePosition {
    return this.#reader?.lastId ?? this.#from;
  }

  async start(sink: ResultSink): Promise<void> {
    const { client, key, connecting } = this.#options;
    // Read events from the stream's current end, taken before any job of ours exists: starting at
    // '$' once the reader is up could miss events of jobs added in between.
    const last = (await connecting(client.call('XREVRANGE', key, '+', '-', 'COUNT', 1))) as [
      string,
      unknown,
    ][];
    const from = last[0]?.[0] ?? '0-0';
    this.#from = from;
    // XREAD blocks its connection: the reader gets one of its own (commands wait for a reconnect
    // rather than fail, like BullMQ's own blocking connections).
    const readerClient = client.duplicate({ maxRetriesPerRequest: null });
    readerClient.on('error', (error) => this.#options.onConnectionError(error));
    try {
      await connecting(
        readerClient.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => readerClient.once('ready', () => resolve())),
      );
    } catch (error) {
      readerClient.disconnect();
      throw error;
    }
    this.#readerClient = readerClient;
    this.#reader = new EventReader({
      client: readerClient as unknown as StreamClient,
      key,
      from,
      // What toJobEvent reads: the rest (added, waiting, active, ...) is skipped unparsed.
      events: JOB_EVENTS,
      onEvent: (event) => {
        const jobEvent = toJobEvent(event);
        if (jobEvent !== undefined) sink.event(jobEvent);
      },
      onMalformed: (entry) => sink.unreadable(entry.jobId),
      onError: (error) => sink.error(error),
    });
  }

  // XINFO STREAM (Redis 7 reports how many entries were ever added; older servers don't, and then
  // only the first entry tells).
  async readableFrom(): Promise<SourcePosition | undefined> {
    const { client, key } = this.#options;
    let reply: unknown;
    try {
      reply = await client.call('XINFO', 'STREAM', key);
    } catch (error) {
      // No stream at all (ERR no such key): it holds nothing.
      if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
      throw error;
    }
    const info = new Map<string, unknown>();
    if (Array.isArray(reply))
      for (let i = 0; i + 1 < reply.length; i += 2) info.set(String(reply[i]), reply[i + 1]);
    const first = info.get('first-entry');
    const firstId = Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined;
    if (firstId === undefined) return undefined;
    const added = Number(info.get('entries-added'));
    if (Number.isFinite(added)) {
      // Fewer entries ever added than last time: the stream was deleted and made anew (FLUSHALL,
      // a Redis restarted without persistence), and every event before it is gone.
      const recreated = this.#added !== undefined && added < this.#added;
      this.#added = added;
      if (recreated) return undefined;
    }
    // As many entries held as were ever added: none was trimmed or deleted, every event since the
    // stream began is still there.
    if (Number.isFinite(added) && Number(info.get('length')) === added) return '0-0';
    return firstId;
  }

  compare(a: SourcePosition, b: SourcePosition): number {
    return compareIds(a, b);
  }

  async stop(): Promise<void> {
    const reader = this.#reader;
    if (reader !== undefined) await reader.close();
    else this.#readerClient?.disconnect();
  }
}
