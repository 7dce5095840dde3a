// Scheduler events: every transition of a task as a plain, timestamped fact. Listeners get them
// through `scheduler.subscribe()`, and each type is also published on node:diagnostics_channel.
import type { TaskKind } from './task.js';

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
  /** Task id, unique per scheduler. */
  readonly id: number;
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
