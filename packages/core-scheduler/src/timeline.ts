// The Timeline model (contract §3, owned by @weft/reporters): plain data the Recorder produces
// without importing reporters. Times are ms on performance.timeOrigin + performance.now().
import type { LaneKind } from './events.js';

/**
 * One row of a timeline: the main thread, an event-loop slot, a pool worker or a process.
 *
 * @example
 * ```ts
 * const lane: TimelineLane = { id: 'io:slot-0', name: 'io slot 0', kind: 'event-loop' };
 * ```
 */
export interface TimelineLane {
  id: string;
  name: string;
  kind: LaneKind;
  pid?: number;
  threadId?: number;
}

/**
 * One attempt of one task on one lane.
 *
 * @example
 * ```ts
 * const span: TimelineSpan = { lane: 'io:slot-0', name: 'fetch', start: 1, end: 2, status: 'fulfilled', attempt: 1 };
 * ```
 */
export interface TimelineSpan {
  lane: string;
  name: string;
  start: number;
  end: number;
  status: 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
  attempt?: number;
  args?: Record<string, string | number | boolean>;
}

/**
 * A point event on a lane.
 *
 * @example
 * ```ts
 * const mark: TimelineInstant = { lane: 'main', name: 'retry fetch #2', time: 5, kind: 'mark' };
 * ```
 */
export interface TimelineInstant {
  lane: string;
  name: string;
  time: number;
  kind: 'spawn' | 'exit' | 'crash' | 'mark';
}

/**
 * A value sampled over time (e.g. tasks pending).
 *
 * @example
 * ```ts
 * const counter: TimelineCounter = { name: 'pending', points: [{ time: 1, value: 3 }] };
 * ```
 */
export interface TimelineCounter {
  name: string;
  points: readonly { time: number; value: number }[];
}

/**
 * Lanes, spans, instants and counters, as `@weft/reporters` renders them.
 *
 * @example
 * ```ts
 * const timeline: Timeline = recorder.timeline();
 * console.log(timeline.spans.length);
 * ```
 */
export interface Timeline {
  readonly lanes: readonly TimelineLane[];
  readonly spans: readonly TimelineSpan[];
  readonly instants: readonly TimelineInstant[];
  readonly counters: readonly TimelineCounter[];
}
