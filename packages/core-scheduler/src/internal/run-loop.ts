// The run loop: starts the best queued task while the limits allow, and settles, retries or
// cancels each task through the transitions of task-record.ts (tasks come in by admission.ts).
import { ExecutorFailedError } from '../errors.js';
import { markedCallerMistake } from './executor-failure.js';
import type { Status } from './attempts.js';
import { Attempts } from './attempts.js';
import { WaitingRoom } from './admission.js';
import { now } from './clock.js';
import type { EventHub } from './event-hub.js';
import type { Lane } from './lane.js';
import { MAX_TIMER } from './long-timer.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ResolvedOptions } from './resolve-options.js';
import type { Router } from './router.js';
import type { StartLimits } from './start-limits.js';
import type { SchedulerTelemetry } from './telemetry.js';
import { rejection, Tally, type TaskRecord, transition } from './task-record.js';
import { Waiters } from './waiters.js';

/** An event-loop slot of the hot path: the task it runs now and its reusable settle handlers. */
interface Runner {
  record: TaskRecord | undefined;
  lane: Lane | undefined;
  readonly fulfilled: (value: unknown) => void;
  readonly rejected: (error: unknown) => void;
}

/** Idle runners kept for reuse (more run at once when the limit allows; the rest are collected). */
const MAX_IDLE_RUNNERS = 64;

export class RunLoop {
  readonly lanes: Lane[];
  readonly io: Lane;
  readonly cpu: Lane | undefined;
  readonly router: Router;
  readonly hub: EventHub;
  readonly waiters: Waiters = new Waiters();
  readonly waitingRoom: WaitingRoom = new WaitingRoom();
  readonly attempts: Attempts;
  readonly tally: Tally = new Tally();
  /** Unsettled tasks that were given an `id`. */
  readonly byId: Map<string, TaskRecord> = new Map();
  concurrency: number;
  timeout: number | undefined;
  rate: RateLimiter | undefined;
  maxPending: number;
  onFull: ResolvedOptions['onFull'];
  readonly aging: boolean;
  readonly agingInterval: number;
  readonly defaultKind: ResolvedOptions['defaultKind'];
  /** performance.now() when made: enqueue and start times are ms since then. */
  readonly base: number;
  /** Date.now() when made: the wall-clock time of `base`, to report start times as epoch ms. */
  readonly epoch: number;
  paused: boolean;
  closed = false;
  /** Tasks in the priority queues. */
  queued = 0;
  /** Attempts with an executor. */
  running = 0;
  /** Sum of the weights of the attempts with an executor: what `concurrency` limits. */
  slotsUsed = 0;
  /** Reservoir and minTime, if configured. */
  limits: StartLimits | undefined;
  /** Whether any task had a weight other than 1 (then the queue head's weight is checked). */
  weighted = false;
  /** Whether the last drain stopped at a rate rule with tasks queued (see isRateLimited()). */
  rateLimited = false;
  #limited = false;
  /** Tasks accepted and not yet settled. */
  active = 0;
  /** The last number given as a task id. */
  nextId = 0;
  #seq = 0;
  #draining = false;
  #again = false;
  #rateTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #rateTimerAt = Infinity;
  #runners: Runner[] = [];
  /** Whether the scheduler went idle since it last had work (`idle` fires once per change). */
  idleFired = true;
  /** The task `schedule` is admitting now, in its caller's async context (admission.ts). */
  admitting: TaskRecord | undefined = undefined;
  /** OpenTelemetry, when `@opentelemetry/api` resolves and it is not turned off (telemetry.ts). */
  telemetry: SchedulerTelemetry | undefined = undefined;
  /** performance.now() since when a rate rule holds starts back (while `rateLimited`), else NaN. */
  heldSince: number = NaN;

  constructor(options: ResolvedOptions, router: Router, hub: EventHub) {
    this.io = options.io;
    this.cpu = options.cpu;
    this.lanes = options.cpu === undefined ? [options.io] : [options.io, options.cpu];
    this.router = router;
    this.hub = hub;
    this.concurrency = options.concurrency;
    this.timeout = options.timeout;
    this.rate = options.rate;
    this.maxPending = options.maxPending;
    this.onFull = options.onFull;
    this.aging = options.agingInterval !== Infinity;
    this.agingInterval = options.agingInterval;
    this.defaultKind = options.defaultKind;
    this.paused = options.paused;
    this.limits = options.limits;
    this.base = performance.now();
    this.epoch = Date.now();
    this.attempts = new Attempts(this);
  }

  /**
   * Whole ms since `base`, as a record's `since` keeps it: a small integer stays in the record
   * (a fraction would be a boxed heap number, 16 bytes more per task); the bare performance clock,
   * since only differences matter (the timeOrigin getter cost as much again per task).
   */
  clock(): number {
    return Math.floor(performance.now() - this.base);
  }

  /** Tasks not yet started: queued, or waiting for room under `maxPending`. */
  get pending(): number {
    return this.queued + this.waitingRoom.count;
  }

  isIdle(): boolean {
    return this.active === 0 && this.running === 0;
  }

  hasRoom(): boolean {
    return this.waitingRoom.count === 0 && this.queued < this.maxPending;
  }

  route(record: TaskRecord, observed: boolean): Lane {
    const target = this.router.route(record.name, record.kind);
    const lane = target === 'cpu' && this.cpu !== undefined ? this.cpu : this.io;
    if (observed || this.hub.hasPerTask('routed')) {
      this.hub.emit({
        type: 'task:routed',
        time: now(),
        id: record.id,
        name: record.name,
        pending: this.pending,
        running: this.running,
        kind: record.kind,
        executor: lane.name,
        reason: this.router.explain(record.name).reason,
      });
    }
    return lane;
  }

  enqueue(record: TaskRecord, observed: boolean): void {
    transition(record, 'queued', this.tally);
    record.seq = ++this.#seq;
    if (this.aging) record.since = this.clock();
    record.lane.queue.push(record);
    this.queued++;
    if (observed) {
      this.hub.emit({
        type: 'task:queued',
        time: now(),
        id: record.id,
        name: record.name,
        pending: this.pending,
        running: this.running,
        priority: record.priority,
        attempt: record.attempt + 1,
        executor: record.lane.name,
      });
    }
  }

  drain(): void {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    const wasLimited = this.rateLimited;
    this.#limited = false;
    try {
      do {
        this.#again = false;
        while (this.#startNext()) {
          // Keep starting while there is capacity.
        }
      } while (this.#again);
    } finally {
      this.#draining = false;
    }
    this.rateLimited = this.#limited && this.queued !== 0;
    if (wasLimited !== this.rateLimited) {
      this.heldSince = this.rateLimited ? performance.now() : NaN;
      if (this.hub.named !== 0) {
        const state = { pending: this.pending, running: this.running };
        this.hub.fire(this.rateLimited ? 'ratelimit' : 'ratelimitcleared', state);
      }
    }
    this.waiters.notify(this);
    if (!this.idleFired && this.isIdle()) {
      this.idleFired = true;
      if (this.hub.has('idle')) this.hub.fire('idle', { pending: 0, running: 0 });
    }
  }

  /** Fires `empty` if the queues just became empty. */
  #emptied(): void {
    if (this.pending === 0 && this.hub.hasPerTask('empty'))
      this.hub.fire('empty', { pending: 0, running: this.running });
  }

  #startNext(): boolean {
    if (this.paused || this.queued === 0 || this.slotsUsed >= this.concurrency) return false;
    let time = NaN;
    if (this.rate !== undefined) {
      const at = this.rate.allowedAt();
      if (at > (time = now())) {
        this.#armRateTimer(at, time);
        return false;
      }
    }
    let best: Lane | undefined;
    let bestHead: TaskRecord | undefined;
    for (const lane of this.lanes) {
      if (lane.queue.size === 0 || lane.running >= lane.limit) continue;
      if (lane.rate !== undefined) {
        const at = lane.rate.allowedAt();
        if (Number.isNaN(time)) time = now();
        if (at > time) {
          this.#armRateTimer(at, time);
          continue;
        }
      }
      // The heads are compared only when two executors could start one: with one candidate,
      // its pop() below finds the head by itself (peeking too cost a second search per task).
      if (best === undefined) {
        best = lane;
        continue;
      }
      const head = lane.queue.peek()!;
      bestHead ??= best.queue.peek()!;
      if (this.#before(head, bestHead)) {
        best = lane;
        bestHead = head;
      }
    }
    if (best === undefined) return false;
    if (this.limits !== undefined || this.weighted) {
      // Head-of-line: a heavy task at the head waits for room rather than be overtaken.
      const head = bestHead ?? best.queue.peek()!;
      if (this.slotsUsed + head.weight > this.concurrency) return false;
      if (this.limits !== undefined) {
        if (Number.isNaN(time)) time = now();
        const at = this.limits.allowedAt(head.weight, time);
        if (at > time) {
          this.#armRateTimer(at, time);
          return false;
        }
      }
    }
    const record = best.queue.pop()!;
    this.queued--;
    if (this.limits !== undefined) {
      const left = this.limits.record(record.weight, time);
      if (left <= 0 && left + record.weight > 0 && this.hub.has('depleted'))
        this.hub.fire('depleted', { pending: this.pending, running: this.running });
    }
    if (this.rate !== undefined || best.rate !== undefined) {
      if (Number.isNaN(time)) time = now();
      this.rate?.record(time);
      best.rate?.record(time);
    }
    this.admitWaiting();
    this.#start(record, best);
    if (this.hub.hasPerTask('empty')) this.#emptied();
    return true;
  }

  /** Whether queued `a` goes before queued `b` (heads of two executors' queues); see PriorityQueue. */
  #before(a: TaskRecord, b: TaskRecord): boolean {
    const ka = this.aging ? a.priority - a.since / this.agingInterval : a.priority;
    const kb = this.aging ? b.priority - b.since / this.agingInterval : b.priority;
    return ka > kb || (ka === kb && a.seq < b.seq);
  }

  #armRateTimer(at: number, time: number): void {
    // A window of Infinity never reopens; a wait beyond setTimeout's range wakes at its limit and
    // the next drain arms the rest.
    this.#limited = true;
    if (at === Infinity) return;
    if (this.#rateTimer !== undefined && this.#rateTimerAt <= at) return;
    if (this.#rateTimer !== undefined) clearTimeout(this.#rateTimer);
    this.#rateTimerAt = at;
    this.#rateTimer = setTimeout(
      () => {
        this.#rateTimer = undefined;
        this.#rateTimerAt = Infinity;
        this.drain();
      },
      Math.min(Math.max(0, at - time), MAX_TIMER),
    );
  }

  clearRateTimer(): void {
    if (this.#rateTimer !== undefined) clearTimeout(this.#rateTimer);
    this.#rateTimer = undefined;
    this.#rateTimerAt = Infinity;
  }

  admitWaiting(): void {
    while (this.waitingRoom.count > 0 && this.queued < this.maxPending) {
      const record = this.waitingRoom.shift();
      if (record === undefined) break;
      this.enqueue(record, this.hub.observed());
    }
  }

  #start(record: TaskRecord, lane: Lane): void {
    record.attempt++;
    transition(record, 'running', this.tally);
    record.since = this.clock();
    lane.running++;
    this.running++;
    this.slotsUsed += record.weight;
    // In the async context the task was scheduled in (the record's; see task-record.ts), unless
    // `schedule` is starting it now, in that very context.
    if (record === this.admitting) this.#dispatch(record, lane);
    else record.runInAsyncScope(this.#dispatch, this, record, lane);
    if (this.hub.hasPerTask('active')) {
      this.hub.fire('active', {
        id: record.id,
        name: record.name,
        attempt: record.attempt,
        executor: lane.name,
      });
    }
  }

  /** Hands an attempt to its executor, in the async context the task was scheduled in. */
  #dispatch(record: TaskRecord, lane: Lane): void {
    const observed = this.hub.observed();
    if (!observed && record.x === undefined && lane.inline && record.kind !== 'auto') {
      // Hot path: nothing to watch, measure or report.
      let result: Promise<unknown>;
      try {
        result = lane.executor.apply(record.fn, record.args);
        // A subclass's apply may return a thenable: adopt it, so the handlers run once.
        if (!(result instanceof Promise)) result = Promise.resolve(result);
      } catch (error) {
        // An executor that throws instead of taking the task has failed, unless it says the call
        // itself was the caller's mistake.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the executor's error, passed on as is
        result = Promise.reject(
          markedCallerMistake(error)
            ? error
            : new ExecutorFailedError(record.name, lane.name, { cause: error }),
        );
      }
      // A runner is one event-loop slot: its settle handlers are made once and reused by every
      // task it runs, instead of two closures per task (garbage collection dominated this path).
      const runner = this.#runners.pop() ?? this.#newRunner();
      runner.record = record;
      runner.lane = lane;
      result.then(runner.fulfilled, runner.rejected);
    } else {
      this.attempts.start(record, lane, observed);
    }
  }

  #newRunner(): Runner {
    const runner: Runner = {
      record: undefined,
      lane: undefined,
      fulfilled: (value: unknown) => this.#plainSettled(runner, true, value),
      rejected: (error: unknown) => this.#plainSettled(runner, false, error),
    };
    return runner;
  }

  /** Settlement of a hot-path attempt: no retry policy, no observers, inline executor. */
  #plainSettled(runner: Runner, ok: boolean, value: unknown): void {
    const record = runner.record!;
    const lane = runner.lane!;
    runner.record = runner.lane = undefined;
    // Keep a few idle runners for the next tasks; an unlimited burst must not pin them all.
    if (this.#runners.length < MAX_IDLE_RUNNERS) this.#runners.push(runner);
    lane.running--;
    this.running--;
    this.slotsUsed -= record.weight;
    this.finish(record, ok ? 'fulfilled' : 'rejected', value);
    this.drain();
  }

  /** Puts a task whose attempt failed back in a queue, unless it settled meanwhile. */
  requeue(record: TaskRecord): void {
    if (record.state === 'done') return;
    const observed = this.hub.observed();
    if (record.kind === 'auto') record.lane = this.route(record, observed);
    const t = record.x?.t;
    if (t !== undefined) t.queuedAt = performance.now();
    this.enqueue(record, observed);
    this.drain();
  }

  /** Cancels a task at whatever stage it is (signal, deadline, clear, close). */
  cancel(record: TaskRecord, error: Error, status: 'cancelled' | 'timeout'): void {
    const state = record.state;
    switch (state) {
      case 'done':
        return;
      case 'waiting':
        this.waitingRoom.remove(record);
        break;
      case 'queued':
        record.lane.queue.remove(record);
        this.queued--;
        this.admitWaiting();
        this.#emptied();
        break;
      case 'running':
        if (record.x?.current !== undefined && !record.x.current.over)
          this.attempts.close(record.x.current, error, status, true);
        break;
      case 'backoff':
        break;
      default:
        state satisfies never;
    }
    this.finish(record, status, error);
    this.drain();
  }

  /** Settles a task's promise: the one way into `done`. */
  finish(record: TaskRecord, status: Status, valueOrError: unknown): void {
    if (record.state === 'done') return;
    transition(record, 'done', this.tally);
    if (typeof record.id === 'string') this.byId.delete(record.id);
    const extras = record.x;
    if (extras !== undefined) {
      extras.current = undefined;
      if (extras.deadlineTimer !== undefined) clearTimeout(extras.deadlineTimer);
      extras.backoffTimer?.clear();
      if (extras.onAbort !== undefined) extras.signal?.removeEventListener('abort', extras.onAbort);
      if (extras.t !== undefined) this.telemetry!.settled(extras.t, status, valueOrError);
    }
    this.active--;
    if (this.hub.observed()) {
      const event = {
        type: 'task:settled' as const,
        time: now(),
        id: record.id,
        name: record.name,
        pending: this.pending,
        running: this.running,
        status,
        attempts: record.attempt,
      };
      this.hub.emit(status === 'fulfilled' ? event : { ...event, error: valueOrError });
    }
    record.resolve(status === 'fulfilled' ? valueOrError : rejection(valueOrError));
    if (this.hub.perTaskNamed !== 0) this.#fireSettled(record, status, valueOrError);
  }

  #fireSettled(record: TaskRecord, status: Status, valueOrError: unknown): void {
    const hub = this.hub;
    const id = record.id;
    const name = record.name;
    if (status === 'fulfilled') {
      if (hub.hasPerTask('completed'))
        hub.fire('completed', { id, name, result: valueOrError, attempts: record.attempt });
    } else if (hub.hasPerTask('error')) {
      hub.fire('error', { id, name, error: valueOrError, status, attempts: record.attempt });
    }
    if (hub.hasPerTask('next')) hub.fire('next', { id, name, status });
  }

  /** Changes an unsettled task's priority; a queued one moves behind the tasks of its new priority. */
  setPriority(record: TaskRecord, priority: number): void {
    if (record.priority === priority) return;
    if (record.state !== 'queued') {
      record.priority = priority; // used when it is queued (again)
      return;
    }
    const queue = record.lane.queue;
    queue.delete(record);
    record.priority = priority;
    record.seq = ++this.#seq;
    if (this.aging) record.since = this.clock();
    queue.push(record);
    this.drain();
  }

  /** Every task not yet started, waiting ones first, then each executor's queue by priority. */
  notStarted(): TaskRecord[] {
    const found = this.waitingRoom.snapshot();
    for (const lane of this.lanes) for (const record of lane.queue.items()) found.push(record);
    return found;
  }
}
