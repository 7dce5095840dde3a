// Reads a BullMQ queue's event stream (`<prefix>:<queue>:events`) for the executor. It replaces
// BullMQ's QueueEvents, whose read loop ends for good at the first entry it cannot parse (one
// `XADD ... returnvalue '{not json'` by anyone who can write to the queue, and every caller waited
// forever). Here each entry is parsed on its own: an entry that can't be parsed is handed on as
// malformed and the reader goes on, and a failed read is retried after a pause, so the reader lives
// until it is closed.

/** One entry of the event stream, its JSON fields parsed. */
export interface StreamEvent {
  /** Stream id ("ms-seq"). */
  readonly id: string;
  /** BullMQ's event name: 'completed', 'failed', 'progress', 'stalled', 'removed', ... */
  readonly event: string;
  readonly jobId: string | undefined;
  /** 'completed': the parsed `returnvalue`. */
  readonly returnvalue?: unknown;
  /** 'progress': the parsed `data`. */
  readonly data?: unknown;
  /** 'failed': BullMQ's `failedReason`. */
  readonly failedReason?: string;
}

/** An entry whose fields could not be read (bad JSON, odd field list). */
export interface MalformedEvent {
  readonly id: string;
  readonly jobId: string | undefined;
  readonly error: unknown;
}

/** The ioredis members the reader uses, on a connection of its own (XREAD blocks it). */
export interface StreamClient {
  xread(...args: (string | number)[]): Promise<[string, [string, string[]][]][] | null>;
  disconnect(): void;
}

export interface EventReaderOptions {
  readonly client: StreamClient;
  readonly key: string;
  /** Read the entries after this id. */
  readonly from: string;
  readonly onEvent: (event: StreamEvent) => void;
  readonly onMalformed: (event: MalformedEvent) => void;
  /** A read failed (Redis down, or an error reply); the reader retries after `retryDelay`. */
  readonly onError: (error: unknown) => void;
}

/** How long one XREAD blocks, in ms (a closed reader stops at once anyway: see close()). */
const BLOCK_MS = 10_000;
/** Pause after a failed read, so a Redis that answers every read with an error isn't hammered. */
const RETRY_DELAY_MS = 500;
// Entries per read: as many as BullMQ keeps by default (10,000), so that a reader that fell behind
// (a caller busy submitting thousands of calls, whose own jobs' 'added' entries fill the stream)
// catches up in one read, before the trimming passes it.
const BATCH = 10_000;

function parseEntry(id: string, fields: readonly string[]): StreamEvent {
  if (!Array.isArray(fields) || fields.length % 2 !== 0)
    throw new TypeError('the entry has no field/value list');
  const args = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) args.set(String(fields[i]), String(fields[i + 1]));
  const event = args.get('event') ?? '';
  const jobId = args.get('jobId');
  const base = { id, event, jobId };
  if (event === 'completed')
    return { ...base, returnvalue: JSON.parse(args.get('returnvalue') ?? 'null') as unknown };
  if (event === 'progress') return { ...base, data: JSON.parse(args.get('data') ?? 'null') };
  if (event === 'failed') return { ...base, failedReason: args.get('failedReason') ?? '' };
  return base;
}

function jobIdOf(fields: unknown): string | undefined {
  if (!Array.isArray(fields)) return undefined;
  const at = fields.indexOf('jobId');
  const value: unknown = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export class EventReader {
  readonly #options: EventReaderOptions;
  #lastId: string;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #loop: Promise<void>;

  constructor(options: EventReaderOptions) {
    this.#options = options;
    this.#lastId = options.from;
    this.#loop = this.#run();
  }

  /** The id of the last entry read. */
  get lastId(): string {
    return this.#lastId;
  }

  async #run(): Promise<void> {
    const { client, key } = this.#options;
    while (!this.#closed) {
      let reply: Awaited<ReturnType<StreamClient['xread']>>;
      try {
        reply = await client.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', key, this.#lastId);
      } catch (error) {
        if (this.#closed) return;
        this.#options.onError(error);
        await this.#pause(RETRY_DELAY_MS);
        continue;
      }
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        this.#lastId = id;
        this.#deliver(id, fields);
      }
    }
  }

  #deliver(id: string, fields: string[]): void {
    try {
      let event: StreamEvent;
      try {
        event = parseEntry(id, fields);
      } catch (error) {
        this.#options.onMalformed({ id, jobId: jobIdOf(fields), error });
        return;
      }
      this.#options.onEvent(event);
    } catch (error) {
      // A bug in a handler must not end the reader (every later event would be lost).
      this.#options.onError(error);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops reading: the blocked read is cut off by closing the reader's connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    this.#options.client.disconnect();
    await this.#loop;
  }
}
