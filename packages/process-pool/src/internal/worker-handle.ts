// The worker handle: the pool's side of one worker thread or child process, as one typed state and
// the one table of the moves between states (workerMove). What a move does to the handle itself
// (ref/unref, timers, the exit request, the kill) happens in WorkerHandle.move and the methods
// below; what it does to the pool (dispatch, crash recovery) stays with the pool.
import type { TransferListItem } from 'node:worker_threads';
import { setLongTimeout, type LongTimeout } from '@weft/sync-primitives';
import { Deque } from './deque.js';
import type { RemoteHost } from './remote-host.js';
import { NO_REMOTES, type TaskRecord } from './task-record.js';
import type { WorkerChannel } from './worker-channel.js';

/**
 * Where a worker is.
 * - `starting`: spawned, loading the task modules and running the initializer; it may already hold
 *   tasks (it runs them once ready).
 * - `idle`: ready, holding no task; its channel is unref'd so it does not keep the program alive.
 * - `busy`: ready, holding at least one task.
 * - `draining`: asked to go (exit request or kill); it takes no more work.
 * - `exited`: gone; what it held went through crash recovery.
 */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'draining' | 'exited';

/** What can happen to a worker. */
export type WorkerEvent = 'ready' | 'take' | 'drained' | 'retire' | 'kill' | 'exit';

/** The worker states, in the order a worker goes through them. */
export const WORKER_STATES: readonly WorkerState[] = [
  'starting',
  'idle',
  'busy',
  'draining',
  'exited',
];

/** The worker events. */
export const WORKER_EVENTS: readonly WorkerEvent[] = [
  'ready',
  'take',
  'drained',
  'retire',
  'kill',
  'exit',
];

function unreachable(value: never): never {
  throw new Error(`Unknown worker state or event ${String(value)}`);
}

/**
 * The worker's state table: the state `event` moves a worker in `state` to, or `undefined` when
 * the event does not apply there. `holdsTasks` is whether the worker holds tasks (it decides where
 * `ready` goes).
 */
export function workerMove(
  state: WorkerState,
  event: WorkerEvent,
  holdsTasks: boolean,
): WorkerState | undefined {
  switch (state) {
    case 'starting':
      switch (event) {
        case 'ready': // started: runs what it was given meanwhile, or idles
          return holdsTasks ? 'busy' : 'idle';
        case 'take': // tasks may wait on a starting worker (it queues them until ready)
        case 'drained': // the serializer refused what it held: still starting
          return 'starting';
        case 'retire': // close() before it was ready, with nothing for it
        case 'kill': // startTimeout passed, terminate(), the pool broke
          return 'draining';
        case 'exit': // died before it was ready: a start failure
          return 'exited';
        default:
          return unreachable(event);
      }
    case 'idle':
      switch (event) {
        case 'take': // dispatch gave it a task
          return 'busy';
        case 'drained': // nothing changes: it holds nothing already
          return 'idle';
        case 'retire': // idleTimeout, maxTasksPerWorker, close()
        case 'kill': // terminate(), the pool broke
          return 'draining';
        case 'exit': // died while idle: a crash with nothing to recover
          return 'exited';
        case 'ready':
          return undefined;
        default:
          return unreachable(event);
      }
    case 'busy':
      switch (event) {
        case 'take': // more work queued behind what it runs (prefetch)
          return 'busy';
        case 'drained': // its last result came back
          return 'idle';
        case 'kill': // a task timed out or ignored its abort, terminate(), the pool broke
          return 'draining';
        case 'exit': // crashed mid-task: crash recovery
          return 'exited';
        case 'ready':
        case 'retire': // never retire a worker with work; it drains first
          return undefined;
        default:
          return unreachable(event);
      }
    case 'draining':
      switch (event) {
        case 'ready': // it reports ready on its way out: counts as ready, still going
        case 'drained': // results of work it had still come back
        case 'kill': // a polite exit request is followed by a kill (terminate(), grace over)
          return 'draining';
        case 'exit': // the exit the pool asked for
          return 'exited';
        case 'take':
        case 'retire':
          return undefined;
        default:
          return unreachable(event);
      }
    case 'exited':
      // Final: a second exit report (or anything else) changes nothing.
      return undefined;
    default:
      return unreachable(state);
  }
}

/** How long a worker asked to exit may take before it is killed, ms. */
const EXIT_GRACE_MS = 5_000;

/** The pool's handle on one worker. */
export class WorkerHandle {
  state: WorkerState = 'starting';
  /** The tasks it holds, in the order it runs them. */
  readonly inflight: Deque<TaskRecord<WorkerHandle>> = new Deque();
  /** It reported ready (a fact that stays true while it drains). */
  ready = false;
  /** The worker records task starts (start-signal.ts); without that, every task it held may have run. */
  startsTracked = false;
  /** Tasks given to it so far (maxTasksPerWorker). */
  dispatched = 0;
  /** Run time of the tasks it finished, ms (for utilization). */
  busyMs = 0;
  /**
   * The tasks given to it since the last send, flattened (protocol.ts TASK_STRIDE) in the first
   * `batchLength` slots. One array per worker that keeps its size: a send copies those slots into
   * an array of exactly that length (emptying and refilling one array would reallocate it at
   * every send, ~110 bytes a task) and clears them.
   */
  batch: unknown[] = [];
  /** Slots of `batch` in use. */
  batchLength = 0;
  /** How many entries of the pool's function table it was sent (function-table.ts). */
  functionsKnown = 0;
  /**
   * How many tasks it may hold under prefetch 'auto' (the dispatcher's adaptive depth): doubled
   * each time it runs dry while tasks wait in the pool's queue, never above the time-based limit.
   */
  depth = 0;
  /** When its last reported task ended (worker clock, ms): a gap before the next start is idle time. */
  lastEnd = 0;
  transfer: TransferListItem[] | undefined = undefined;
  /** Trace contexts of the traced tasks in `batch` (telemetry.ts `runMessage`), if any. */
  traces: unknown[] | undefined = undefined;
  /** Serves the worker's calls on queues and pipe ends (process workers only). */
  host: RemoteHost | undefined = undefined;
  /** Registry ids of the queues and pipe ends in initArgs, held while the worker lives. */
  remotes: readonly number[] = NO_REMOTES;
  /** Set when startTimeout passed: the exit that follows is a failed start. */
  startFailure: Error | undefined = undefined;
  #idleTimer: LongTimeout | undefined = undefined;
  #startTimer: LongTimeout | undefined = undefined;

  constructor(
    readonly id: number,
    readonly channel: WorkerChannel,
    readonly spawnedAt: number,
  ) {}

  /**
   * Apply `event` if the table allows it, with what entering or leaving `idle` does to the handle:
   * an idle worker is unref'd (it must not keep the program alive); leaving idle refs it again
   * (whoever awaits its work, or its exit, must see it) and drops its idle timer.
   *
   * @returns whether the worker moved.
   */
  move(event: WorkerEvent): boolean {
    const from = this.state;
    const to = workerMove(from, event, this.inflight.length > 0);
    if (to === undefined) return false;
    this.state = to;
    if (from === 'idle' && to !== 'idle') {
      if (this.#idleTimer !== undefined) {
        this.#idleTimer.clear();
        this.#idleTimer = undefined;
      }
      if (to !== 'exited') this.channel.ref();
    } else if (to === 'idle' && from !== 'idle') {
      this.channel.unref();
    }
    return true;
  }

  /** The task with this id among those it holds. */
  find(id: number): TaskRecord<WorkerHandle> | undefined {
    const inflight = this.inflight;
    for (let i = 0; i < inflight.length; i++) {
      const task = inflight.at(i)!;
      if (task.id === id) return task;
    }
    return undefined;
  }

  /** Take the task with this id out of those it holds (a send failed); returns it. */
  drop(id: number): TaskRecord<WorkerHandle> | undefined {
    const task = this.find(id);
    if (task !== undefined) this.inflight.remove(task);
    return task;
  }

  /** Whether dispatch may give it a task. */
  accepts(maxTasksPerWorker: number): boolean {
    const state = this.state;
    return (
      (state === 'idle' || state === 'busy' || state === 'starting') &&
      this.dispatched < maxTasksPerWorker
    );
  }

  /** Kill it if it has not reported ready within `ms` (then `startFailure` says why). */
  armStartTimer(ms: number, onExpiry: () => Error): void {
    if (ms === Infinity) return;
    this.#startTimer = setLongTimeout(() => {
      this.#startTimer = undefined;
      if (this.ready || this.state === 'exited') return;
      this.startFailure = onExpiry();
      this.kill();
    }, ms).unref();
  }

  /** The worker reported ready: `starting → idle | busy` (or stays `draining`). */
  markReady(startsTracked: boolean): boolean {
    if (!this.move('ready')) return false;
    this.ready = true;
    this.startsTracked = startsTracked;
    this.#startTimer?.clear();
    this.#startTimer = undefined;
    return true;
  }

  /** While idle, retire it after `ms` unless it takes work first (the timer goes with `idle`). */
  armIdleTimer(ms: number, onExpiry: () => void): void {
    if (this.state !== 'idle' || this.#idleTimer !== undefined) return;
    this.#idleTimer = setLongTimeout(() => {
      this.#idleTimer = undefined;
      if (this.state === 'idle') onExpiry();
    }, ms).unref();
  }

  /** Ask it to exit once it is done (`retire`); killed if it takes longer than 5 s. */
  retire(): boolean {
    if (!this.move('retire')) return false;
    try {
      this.channel.send({ t: 'exit' });
    } catch {
      this.channel.kill();
    }
    // A worker stuck in a callback should not hold the pool open.
    setTimeout(() => {
      if (this.state !== 'exited') this.channel.kill();
    }, EXIT_GRACE_MS).unref();
    return true;
  }

  /** Kill it now (`kill`). */
  kill(): boolean {
    if (!this.move('kill')) return false;
    this.channel.kill();
    return true;
  }

  /**
   * It exited (`exit`). Returns `undefined` when it already had, else whether the pool did not ask
   * for it (a crash: it was not draining).
   */
  exit(): boolean | undefined {
    const from = this.state;
    if (!this.move('exit')) return undefined;
    this.#startTimer?.clear();
    this.#startTimer = undefined;
    this.#idleTimer?.clear();
    this.#idleTimer = undefined;
    this.host?.close();
    return from !== 'draining';
  }
}
