// The task record: one call's way through the pool, as one typed state and the one table of the
// moves between states (taskMove). Everything else about a task (its promise, timings, and in
// TaskExtras its timer, abort listener, remotes) hangs off the record; the pool asks the table
// before it acts on a task.
import type { LongTimeout } from '@weft/sync-primitives';
import type { TaskOptions } from '../pool-options.js';
import type { TaskTrace } from './telemetry.js';

/**
 * Where a task is.
 * - `queued`: in the pool's queue, no worker has it.
 * - `sent`: given to a worker (in its in-flight list, maybe still in an unsent batch), not started.
 * - `running`: the pool counts it as started (first in line on a ready worker, or a result says so).
 * - `settled`: its promise is fulfilled or rejected (a worker may still hold it; its result is dropped).
 * - `cancelled`: taken out of the queue before any worker had it; its promise rejected.
 */
export type TaskState = 'queued' | 'sent' | 'running' | 'settled' | 'cancelled';

/** What can happen to a task. */
export type TaskEvent = 'assign' | 'start' | 'revoke' | 'requeue' | 'cancel' | 'settle';

/** The task states, in the order a task goes through them (tests and README walk this list). */
export const TASK_STATES: readonly TaskState[] = [
  'queued',
  'sent',
  'running',
  'settled',
  'cancelled',
];

/** The task events. */
export const TASK_EVENTS: readonly TaskEvent[] = [
  'assign',
  'start',
  'revoke',
  'requeue',
  'cancel',
  'settle',
];

function unreachable(value: never): never {
  throw new Error(`Unknown task state or event ${String(value)}`);
}

/**
 * The task's state table: the state `event` moves a task in `state` to, or `undefined` when the
 * event does not apply there (the caller then leaves the task alone).
 */
export function taskMove(state: TaskState, event: TaskEvent): TaskState | undefined {
  switch (state) {
    case 'queued':
      switch (event) {
        case 'assign': // dispatch: a worker takes it into its next batch
          return 'sent';
        case 'cancel': // Future.cancel(), shutdown({ cancelFutures }), imap closed early
          return 'cancelled';
        case 'settle': // aborted while queued, terminate(), the pool broke
          return 'settled';
        case 'start':
        case 'revoke':
        case 'requeue':
          return undefined;
        default:
          return unreachable(event);
      }
    case 'sent':
      switch (event) {
        case 'start': // first in line on a ready worker, or its result shows it ran
          return 'running';
        case 'revoke': // taken back from a thread worker that had not claimed it (dispatcher.ts)
          return 'queued';
        case 'requeue': // crash recovery: its worker died and had not started it
          return 'queued';
        case 'settle': // aborted (the worker is told to skip it), refused by the serializer, broke
          return 'settled';
        case 'assign':
        case 'cancel': // a worker has it: Python's Future.cancel() fails from here on
          return undefined;
        default:
          return unreachable(event);
      }
    case 'running':
      switch (event) {
        case 'requeue': // crash recovery: the worker's start record shows it had not started it
          return 'queued';
        case 'settle': // result, error, timeout, abort, its worker exited
          return 'settled';
        case 'assign':
        case 'start':
        case 'revoke': // only tasks behind the one a worker runs are taken back
        case 'cancel':
          return undefined;
        default:
          return unreachable(event);
      }
    case 'settled':
    case 'cancelled':
      // Final: a late result, abort or exit for a settled task changes nothing.
      return undefined;
    default:
      return unreachable(state);
  }
}

/** Registry ids of the queues and pipe ends in a task's args: none. */
export const NO_REMOTES: readonly number[] = [];

/**
 * The parts of a task most tasks never use (a timeout, a signal, remote objects in its args, a
 * map chunk's position), kept apart so a plain task does not carry them: a task gets one only
 * when it needs one (`TaskRecord.more()`).
 */
export class TaskExtras {
  timer: LongTimeout | undefined = undefined;
  abortListener: (() => void) | undefined = undefined;
  /** Registry ids of the queues and pipe ends in the args (process workers). */
  remotes: readonly number[] = NO_REMOTES;
  /** For a map/imap chunk: the index of its first item in the whole input (for error positions). */
  offset = 0;
  /** Its spans, when it is traced (FLAG_TRACED). */
  trace: TaskTrace | undefined = undefined;
}

/**
 * One task: what to run, where it is (`state`), and what settles it. `W` is the worker handle type
 * (a parameter so this file does not depend on the worker's).
 */
export class TaskRecord<W = unknown> {
  state: TaskState = 'queued';
  /** The worker that has it (from `assign` until `requeue`; kept after it settles). */
  worker: W | undefined = undefined;
  /** When it was last seen to start (pool clock, ms). */
  startedAt = 0;
  /** Whether a worker was ever seen running it (its wait and run times count from `startedAt`). */
  started = false;
  /** Its rarely used parts, or `undefined` while it has none (see `more()`). */
  extras: TaskExtras | undefined = undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly id: number,
    readonly mod: number,
    readonly name: string,
    readonly args: unknown,
    readonly flags: number,
    readonly options: TaskOptions | undefined,
    readonly queuedAt: number,
  ) {}

  /** Apply `event` if the table allows it; returns whether the task moved. */
  move(event: TaskEvent): boolean {
    const next = taskMove(this.state, event);
    if (next === undefined) return false;
    this.state = next;
    return true;
  }

  /** Its extras, made on first use. */
  more(): TaskExtras {
    return (this.extras ??= new TaskExtras());
  }

  /** Whether a worker holds it unsettled (`sent` or `running`). */
  isOut(): boolean {
    return this.state === 'sent' || this.state === 'running';
  }

  /** Whether its promise has settled (`settled` or `cancelled`). */
  isFinal(): boolean {
    return this.state === 'settled' || this.state === 'cancelled';
  }
}
