// The task record: one per scheduled task, with its lifecycle as one typed state and every
// allowed transition listed here, next to the record.
import { AsyncResource } from 'node:async_hooks';
import type { ExecutionSettle, ExecutionStart } from '../executor.js';
import type { RetryPolicy, TaskId, TaskKind } from '../task.js';
import type { Lane } from './lane.js';
import type { LongTimer } from './long-timer.js';
import type { Queued } from './priority-queue.js';
import type { TaskTelemetry } from './telemetry.js';

/**
 * Where a task is in its life:
 * - `waiting`: accepted, waiting for room in the queue (`maxPending` reached, `onFull: 'wait'`)
 * - `queued`: in its executor's priority queue
 * - `running`: an attempt is with the executor
 * - `backoff`: an attempt failed and a retry waits for its delay
 * - `done`: its promise has settled (terminal)
 */
export type TaskState = 'waiting' | 'queued' | 'running' | 'backoff' | 'done';

/** Every allowed transition: `from → to`. A retry without delay goes `running → queued`. */
export const TRANSITIONS: { readonly [S in TaskState]: readonly TaskState[] } = {
  waiting: ['queued', 'done'],
  queued: ['running', 'done'],
  running: ['queued', 'backoff', 'done'],
  backoff: ['queued', 'done'],
  done: [],
};

/** A state's place in the masks below (a switch: comparing interned strings costs no lookup). */
function stateIndex(state: TaskState): number {
  switch (state) {
    case 'waiting':
      return 0;
    case 'queued':
      return 1;
    case 'running':
      return 2;
    case 'backoff':
      return 3;
    case 'done':
      return 4;
    default:
      return unreachable(state);
  }
}

/**
 * {@link TRANSITIONS} as numbers: per state (by its index) one bit per state it may go to, so that
 * checking a move is two switches and an AND instead of two lookups keyed by state name (which
 * cost more than the rest of a transition, three times per task).
 */
const ALLOWED: readonly number[] = (Object.keys(TRANSITIONS) as TaskState[])
  .sort((a, b) => stateIndex(a) - stateIndex(b))
  .map((from) => TRANSITIONS[from].reduce((mask, to) => mask | (1 << stateIndex(to)), 0));

/** Whether `from → to` is a transition of {@link TRANSITIONS}. */
export function canTransition(from: TaskState, to: TaskState): boolean {
  return (ALLOWED[stateIndex(from)]! & (1 << stateIndex(to))) !== 0;
}

/**
 * Tasks per state (`done`: settled so far) and the running ones, kept by {@link transition} so
 * that counts and `runningTasks` cost no search.
 */
export class Tally {
  waiting = 0;
  queued = 0;
  running = 0;
  backoff = 0;
  done = 0;
  /**
   * The running records in the order they started, with a hole where one stopped (a record's
   * `runningAt` is its index), compacted once holes are half of it. Links between the records
   * were 8 bytes more on every queued task and touched two other records per task; a Set cost
   * more than both (hashing).
   */
  #running: (TaskRecord | undefined)[] = [];
  #holes = 0;

  /** The running records, oldest first. */
  inRunning(): TaskRecord[] {
    return this.#running.filter((record) => record !== undefined);
  }

  #compact(): void {
    const running = this.#running;
    let kept = 0;
    for (const record of running) {
      if (record === undefined) continue;
      record.runningAt = kept;
      running[kept++] = record;
    }
    running.length = kept;
    this.#holes = 0;
  }

  // Per-state fields, updated through a switch so every access is a plain field (a keyed
  // access by state name cost more than the rest of a transition).
  #add(state: TaskState, delta: number): void {
    switch (state) {
      case 'waiting':
        this.waiting += delta;
        break;
      case 'queued':
        this.queued += delta;
        break;
      case 'running':
        this.running += delta;
        break;
      case 'backoff':
        this.backoff += delta;
        break;
      case 'done':
        this.done += delta;
        break;
      default:
        state satisfies never;
    }
  }

  move(record: TaskRecord, from: TaskState, to: TaskState): void {
    this.#add(from, -1);
    this.#add(to, 1);
    if (to === 'running') {
      record.runningAt = this.#running.push(record) - 1;
    } else if (from === 'running') {
      this.#running[record.runningAt] = undefined;
      if (++this.#holes * 2 >= this.#running.length) this.#compact();
    }
  }

  /** Counts a new record (in `waiting`, its first state) once the scheduler has accepted it. */
  accept(): void {
    this.waiting++;
  }
}

/**
 * Moves a record to `to`: the only place a state changes. A move the table does not allow is a
 * scheduler bug, so it throws rather than corrupt the counts.
 */
export function transition(record: TaskRecord, to: TaskState, tally: Tally): void {
  const from = record.state;
  if (!canTransition(from, to))
    throw new Error(`internal: task ${String(record.id)} cannot go ${from} → ${to}`);
  tally.move(record, from, to);
  record.state = to;
}

/** Compile-time exhaustiveness: a `switch` over a union that reaches here missed a member. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

/** What only tasks with a signal, timeout, deadline, retry policy or telemetry need (kept out of the record to keep it small). */
export class Extras {
  errors: unknown[] | undefined = undefined;
  current: Attempt | undefined = undefined;
  deadlineTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  backoffTimer: LongTimer | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Its spans and metric times, when OpenTelemetry traces or measures it (telemetry.ts). */
  t: TaskTelemetry | undefined = undefined;

  constructor(
    readonly timeout: number | undefined,
    readonly deadline: number | undefined,
    readonly signal: AbortSignal | undefined,
    readonly retry: RetryPolicy | undefined,
  ) {}
}

const unset = (): void => undefined;

/**
 * What a task's promise is resolved with to reject it with `error`: a thenable that rejects. The
 * record keeps only its promise's `resolve` (one function fewer per queued task); the promise
 * adopts this thenable and so rejects with `error`, as it is, one microtask later.
 */
export function rejection(error: unknown): Rejection {
  return { then: (_onFulfilled, onRejected) => onRejected(error) };
}

/** The thenable {@link rejection} makes: a promise resolved with it calls `then` once. */
interface Rejection {
  then(onFulfilled: unknown, onRejected: (error: unknown) => void): void;
}

// Fields are declared and assigned in the constructor (no class-field initializers): one record
// per scheduled task, so the separate initializer call showed in profiles.
//
// The record is itself the AsyncResource that keeps the async context the task was scheduled in
// (it is made inside `schedule`): AsyncLocalStorage values such as request ids, loggers and the
// active trace span then reach the task however late it starts, as its attempts start in the
// record's scope (run-loop.ts #start). A separate resource per queued task was one more object
// (72 bytes with its two boxed async ids) for the garbage collector to copy, and one more to
// fetch from memory at each start. An AsyncResource costs a fraction of what
// `AsyncLocalStorage.snapshot()` does on Node 20 and 22, and Bun and Deno have it too.
export class TaskRecord extends AsyncResource implements Queued {
  /**
   * When the task entered its current state, in whole ms since the run loop's `base`: queued
   * (stamped only with aging on: the queue's aging key) or running (its current attempt's start).
   * One field serves both, as a task is never in both states.
   */
  declare since: number;
  declare seq: number;
  declare state: TaskState;
  declare attempt: number;
  /** Its index in the Tally's list of running records, while running. */
  declare runningAt: number;
  declare lane: Lane;
  declare priority: number;
  /** Settles the task's promise: with a value, or with {@link rejection} of an error. */
  declare resolve: (value: unknown) => void;
  declare readonly id: TaskId;
  declare readonly fn: (...args: readonly unknown[]) => unknown;
  declare readonly args: readonly unknown[];
  declare readonly name: string;
  declare readonly kind: TaskKind;
  declare readonly weight: number;
  declare readonly x: Extras | undefined;

  constructor(
    id: TaskId,
    fn: (...args: readonly unknown[]) => unknown,
    args: readonly unknown[],
    name: string,
    kind: TaskKind,
    priority: number,
    weight: number,
    x: Extras | undefined,
  ) {
    super('weft.task');
    this.since = 0;
    this.seq = 0;
    this.state = 'waiting';
    this.attempt = 0;
    this.runningAt = -1;
    this.lane = undefined as unknown as Lane; // routed right after
    this.priority = priority;
    this.resolve = unset; // set once the promise exists
    this.id = id;
    this.fn = fn;
    this.args = args;
    this.name = name;
    this.kind = kind;
    this.weight = weight;
    this.x = x;
  }
}

/** One attempt of a task that is watched (signal, timeout, observers, pool or auto routing). */
export class Attempt {
  over = false;
  slot = -1;
  dispatched = 0;
  controller: AbortController | undefined = undefined;
  timer: LongTimer | undefined = undefined;
  startInfo: ExecutionStart | undefined = undefined;
  settleInfo: ExecutionSettle | undefined = undefined;

  constructor(
    readonly record: TaskRecord,
    readonly lane: Lane,
    readonly number: number,
  ) {}
}
