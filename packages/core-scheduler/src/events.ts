// Scheduler events: every transition of a task as a plain, timestamped fact. Listeners get them
// through `scheduler.subscribe()`, and each type is also published on node:diagnostics_channel.
// The named events of `scheduler.on()` (p-queue's `add`, `active`, `completed`, ... and Weft's
// own) are the same facts, one name each, for code that wants only some.
import type { TaskId, TaskKind } from './task.js';

/**
 * Kind of a timeline lane, as in the Weft `Timeline` model.
 *
 * @example
 * ```ts
 * const kind: LaneKind = 'worker';
 * ```
 */
export type LaneKind = 'main' | 'event-loop' | 'worker' | 'process' | 'remote';

/**
 * Where an attempt ran: one event-loop slot of the inline executor, one pool worker, or one slot of
 * an executor that does not report workers.
 *
 * @example
 * ```ts
 * const lane: LaneInfo = { id: 'cpu:worker-1', name: 'cpu worker 1', kind: 'worker', threadId: 3 };
 * ```
 */
export interface LaneInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: LaneKind;
  readonly pid?: number;
  readonly threadId?: number;
}

/**
 * Fields common to every scheduler event.
 *
 * @example
 * ```ts
 * scheduler.subscribe((event: SchedulerEventBase) => console.log(event.time, event.pending, event.running));
 * ```
 */
export interface SchedulerEventBase {
  /** ms on `performance.timeOrigin + performance.now()`. */
  readonly time: number;
  /** Task id: the `id` the task was given, else a number unique per scheduler. */
  readonly id: TaskId;
  /** Task name. */
  readonly name: string;
  /** Tasks queued (not yet started) after this transition. */
  readonly pending: number;
  /** Attempts running after this transition. */
  readonly running: number;
}

/**
 * A task entered its executor's queue (first attempt or a retry).
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:queued') console.log(e.priority); });
 * ```
 */
export interface TaskQueuedEvent extends SchedulerEventBase {
  readonly type: 'task:queued';
  readonly priority: number;
  readonly attempt: number;
  readonly executor: string;
}

/**
 * A task was assigned an executor, with the reason.
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:routed') console.log(e.executor, e.reason); });
 * ```
 */
export interface TaskRoutedEvent extends SchedulerEventBase {
  readonly type: 'task:routed';
  readonly kind: TaskKind;
  readonly executor: string;
  readonly reason: string;
}

/**
 * An attempt started running on an executor (reported by the executor's `onStart`).
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:started') console.log(e.lane.id); });
 * ```
 */
export interface TaskStartedEvent extends SchedulerEventBase {
  readonly type: 'task:started';
  readonly attempt: number;
  readonly executor: string;
  readonly lane: LaneInfo;
  readonly workerId?: number;
}

/**
 * An attempt ended (one per attempt): `start`..`time` is its span on `lane`.
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:finished') console.log(e.status, e.time - e.start); });
 * ```
 */
export interface TaskFinishedEvent extends SchedulerEventBase {
  readonly type: 'task:finished';
  readonly attempt: number;
  readonly executor: string;
  readonly lane: LaneInfo;
  readonly start: number;
  readonly status: 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
  /** CPU time the executor measured for the attempt, in ms. */
  readonly cpuMs?: number;
  /** The error, when the attempt failed. */
  readonly error?: unknown;
}

/**
 * A failed attempt will be retried after `delay` ms.
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:retried') console.log(e.attempt, e.delay); });
 * ```
 */
export interface TaskRetriedEvent extends SchedulerEventBase {
  readonly type: 'task:retried';
  /** The attempt that failed. */
  readonly attempt: number;
  readonly delay: number;
  readonly error: unknown;
  readonly lane?: LaneInfo;
}

/**
 * A task's promise settled.
 *
 * @example
 * ```ts
 * scheduler.subscribe((e) => { if (e.type === 'task:settled') console.log(e.status, e.attempts); });
 * ```
 */
export interface TaskSettledEvent extends SchedulerEventBase {
  readonly type: 'task:settled';
  readonly status: 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
  /** Attempts started. */
  readonly attempts: number;
  readonly error?: unknown;
}

/**
 * Any scheduler event.
 *
 * @example
 * ```ts
 * const unsubscribe = scheduler.subscribe((event: SchedulerEvent) => console.log(event.type));
 * ```
 */
export type SchedulerEvent =
  | TaskQueuedEvent
  | TaskRoutedEvent
  | TaskStartedEvent
  | TaskFinishedEvent
  | TaskRetriedEvent
  | TaskSettledEvent;

/**
 * The `node:diagnostics_channel` channel name of each event type. Messages are the event objects.
 *
 * @example
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe(schedulerChannels['task:settled'], (message) => console.log(message));
 * ```
 */
export const schedulerChannels: {
  readonly 'task:queued': 'weft:scheduler:task:queued';
  readonly 'task:routed': 'weft:scheduler:task:routed';
  readonly 'task:started': 'weft:scheduler:task:started';
  readonly 'task:finished': 'weft:scheduler:task:finished';
  readonly 'task:retried': 'weft:scheduler:task:retried';
  readonly 'task:settled': 'weft:scheduler:task:settled';
} = {
  'task:queued': 'weft:scheduler:task:queued',
  'task:routed': 'weft:scheduler:task:routed',
  'task:started': 'weft:scheduler:task:started',
  'task:finished': 'weft:scheduler:task:finished',
  'task:retried': 'weft:scheduler:task:retried',
  'task:settled': 'weft:scheduler:task:settled',
};

/**
 * A task was accepted (queued, or waiting for room under `maxPending`): p-queue's `add`.
 *
 * @example
 * ```ts
 * scheduler.on('add', (e) => console.log('added', e.id, e.priority));
 * ```
 */
export interface TaskAddEvent {
  readonly id: TaskId;
  readonly name: string;
  readonly priority: number;
  readonly kind: TaskKind;
}

/**
 * An attempt of a task was handed to its executor: p-queue's `active`.
 *
 * @example
 * ```ts
 * scheduler.on('active', (e) => console.log(`${e.name} attempt ${e.attempt} on ${e.executor}`));
 * ```
 */
export interface TaskActiveEvent {
  readonly id: TaskId;
  readonly name: string;
  /** Attempt number, from 1. */
  readonly attempt: number;
  readonly executor: 'cpu' | 'io';
}

/**
 * A task fulfilled: p-queue's `completed`.
 *
 * @example
 * ```ts
 * scheduler.on('completed', (e) => console.log(e.name, '→', e.result));
 * ```
 */
export interface TaskCompletedEvent {
  readonly id: TaskId;
  readonly name: string;
  readonly result: unknown;
  /** Attempts started. */
  readonly attempts: number;
}

/**
 * A task rejected (its own error, a timeout, a cancellation, `clear()`, ...): p-queue's `error`.
 *
 * @example
 * ```ts
 * scheduler.on('error', (e) => console.error(e.name, e.status, e.error));
 * ```
 */
export interface TaskErrorEvent {
  readonly id: TaskId;
  readonly name: string;
  readonly error: unknown;
  readonly status: 'rejected' | 'cancelled' | 'timeout';
  /** Attempts started. */
  readonly attempts: number;
}

/**
 * A task settled either way (after its `completed` or `error`): p-queue's `next`.
 *
 * @example
 * ```ts
 * scheduler.on('next', () => console.log(`${scheduler.running} running, ${scheduler.size} queued`));
 * ```
 */
export interface TaskNextEvent {
  readonly id: TaskId;
  readonly name: string;
  readonly status: 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
}

/**
 * The scheduler's counts when it became empty (`pending` 0) or idle (`pending` and `running` 0).
 *
 * @example
 * ```ts
 * scheduler.on('empty', (e) => console.log(`queue drained, ${e.running} still running`));
 * ```
 */
export interface SchedulerStateEvent {
  readonly pending: number;
  readonly running: number;
}

/**
 * A listener threw. The scheduler went on; this says which event's listener and what it threw.
 * With no `listenererror` listener (or when one throws itself), the error is reported as a
 * process warning (`process.on('warning')`, code `WEFT_SCHEDULER_LISTENER_ERROR`) instead.
 *
 * @example
 * ```ts
 * scheduler.on('listenererror', (e) => log.error(`listener of ${e.event} threw`, e.error));
 * ```
 */
export interface ListenerErrorEvent {
  /** The event the throwing listener was called for (`'completed'`, `'task:settled'`, ...). */
  readonly event: string;
  readonly error: unknown;
}

/**
 * The events of `scheduler.on(type, listener)`, by name, with what each listener receives.
 *
 * - `add`: a task was accepted. `active`: an attempt started. `completed` / `error`: a task
 *   settled, then `next`.
 * - `empty`: the last queued task started or left the queue. `idle`: nothing queued or running
 *   any more. Each fires once per change (p-queue fires `empty` again after every task).
 * - `routed`, `retried`: Weft's own, the same objects as `task:routed` / `task:retried`.
 * - `ratelimit` / `ratelimitcleared`: tasks are queued and a rate rule (`rateLimit`, an
 *   executor's `rateLimit`, `minTime`, the `reservoir`) holds them back / no longer does
 *   (p-queue's `rateLimit` / `rateLimitCleared`). `depleted`: a start emptied the reservoir
 *   (Bottleneck's `depleted`).
 * - `listenererror`: a listener threw.
 *
 * @example
 * ```ts
 * const off = scheduler.on('completed', (e: SchedulerEventMap['completed']) => console.log(e.result));
 * off();
 * ```
 */
export interface SchedulerEventMap {
  add: TaskAddEvent;
  active: TaskActiveEvent;
  completed: TaskCompletedEvent;
  error: TaskErrorEvent;
  next: TaskNextEvent;
  empty: SchedulerStateEvent;
  idle: SchedulerStateEvent;
  routed: TaskRoutedEvent;
  retried: TaskRetriedEvent;
  ratelimit: SchedulerStateEvent;
  ratelimitcleared: SchedulerStateEvent;
  depleted: SchedulerStateEvent;
  listenererror: ListenerErrorEvent;
}

/**
 * A name of {@link SchedulerEventMap}.
 *
 * @example
 * ```ts
 * const type: SchedulerEventName = 'idle';
 * ```
 */
export type SchedulerEventName = keyof SchedulerEventMap;
