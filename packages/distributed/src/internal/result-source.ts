// Where an executor reads what happens to its jobs: their progress reports, results, failures. The
// Redis implementation reads BullMQ's event stream (redis-result-source.ts); another store plugs in
// by implementing this interface. Nothing here names a client library.
import type { StreamEvent } from './event-reader.js';

/**
 * A position in the source's sequence of events: opaque to the executor, ordered by
 * {@link ResultSource.compare}. The executor records one when it submits a job, to tell later
 * whether the source may have dropped events of that job (see {@link ResultSource.readableFrom}).
 */
export type SourcePosition = string;

/** One thing that happened to a job, as the executor needs it. */
export type JobEvent =
  | {
      readonly kind: 'progress';
      readonly position: SourcePosition;
      readonly jobId: string;
      /** What the worker passed to `updateProgress` (parsed). */
      readonly data: unknown;
    }
  | {
      readonly kind: 'completed';
      readonly position: SourcePosition;
      readonly jobId: string;
      /** What the worker's processor returned (parsed). */
      readonly returnvalue: unknown;
    }
  | {
      readonly kind: 'failed';
      readonly position: SourcePosition;
      readonly jobId: string;
      readonly failedReason: string;
    }
  | { readonly kind: 'stalled'; readonly position: SourcePosition; readonly jobId: string }
  | { readonly kind: 'removed'; readonly position: SourcePosition; readonly jobId: string };

/** What a source reports to. Handlers must not throw; a source survives it if they do. */
export interface ResultSink {
  /** An event of a job. */
  event(event: JobEvent): void;
  /**
   * An event the source could not read (bad data written by someone else). `jobId` when it could
   * tell whose: the executor then reads that job's state from the store instead.
   */
  unreadable(jobId: string | undefined): void;
  /** Reading failed (store down, an error reply); the source retries by itself. */
  error(error: unknown): void;
}

/**
 * A stream of job events for one queue, read from the moment {@link ResultSource.start} resolves
 * until {@link ResultSource.stop}.
 *
 * @example
 * ```ts
 * await source.start({ event: (e) => console.log(e.kind, e.jobId), unreadable: () => {}, error: () => {} });
 * const mark = source.position; // recorded when a job is submitted
 * await source.stop();
 * ```
 */
export interface ResultSource {
  /**
   * Starts reading, from the source's end as of this call: every event of a job submitted after
   * the returned promise resolves reaches `sink`.
   */
  start(sink: ResultSink): Promise<void>;
  /** The position of the last event read (the start position before any). */
  readonly position: SourcePosition;
  /**
   * The oldest position from which on the source holds every event: events after a position older
   * than this may have been dropped unread. The source's very beginning (a position before any)
   * when it never dropped one; `undefined` when it holds none, or lost all it had (its store was
   * emptied).
   *
   * @param checked - When given, and the source still holds every event after it, the source may
   *   answer with any position at or before `checked` instead of the oldest (all the caller needs
   *   to know then), if that is cheaper to find.
   */
  readableFrom(checked?: SourcePosition): Promise<SourcePosition | undefined>;
  /**
   * Of these jobs, the ones the store no longer holds. Present only where removing a job leaves no
   * event to read (BullMQ's PostgreSQL `remove` writes none; Redis's writes `removed`): the sweep
   * asks, so that a call whose job someone else removed settles instead of waiting forever.
   */
  gone?(jobIds: readonly string[]): Promise<string[]>;
  /** Orders two positions: negative when `a` comes before `b`, 0 when equal. */
  compare(a: SourcePosition, b: SourcePosition): number;
  /** Stops reading; no event reaches the sink after the returned promise resolves. */
  stop(): Promise<void>;
}

/**
 * The BullMQ events {@link toJobEvent} reads: a source fetches (PostgreSQL) or parses (Redis) no
 * other (added, waiting, active, drained, ...).
 */
export const JOB_EVENTS: readonly string[] = [
  'progress',
  'completed',
  'failed',
  'stalled',
  'removed',
];

/** A BullMQ event-stream entry (from Redis or PostgreSQL) as the job event it reports, if any. */
export function toJobEvent(event: StreamEvent): JobEvent | undefined {
  const { id: position, jobId } = event;
  if (jobId === undefined) return undefined;
  switch (event.event) {
    case 'progress':
      return { kind: 'progress', position, jobId, data: event.data };
    case 'completed':
      return { kind: 'completed', position, jobId, returnvalue: event.returnvalue };
    case 'failed':
      return { kind: 'failed', position, jobId, failedReason: event.failedReason ?? '' };
    case 'stalled':
    case 'removed':
      return { kind: event.event, position, jobId };
    default:
      return undefined;
  }
}
