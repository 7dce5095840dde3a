// Timeline: the plain-data model of a run's lanes, spans, instants and counters. Producers
// (core-scheduler's recorder, the playground's pool recorder) build it and every reporter reads it.
import {
  array,
  fail,
  finite,
  integer,
  oneOf,
  optional,
  record,
  scalarRecord,
  string,
} from './internal/validate.js';

/**
 * What a lane stands for.
 *
 * @example
 * ```ts
 * import type { LaneKind } from '@weft/reporters';
 * const kind: LaneKind = 'event-loop';
 * ```
 */
export type LaneKind = 'main' | 'event-loop' | 'worker' | 'process' | 'remote';
/**
 * How a span ended.
 *
 * @example
 * ```ts
 * import type { SpanStatus } from '@weft/reporters';
 * const status: SpanStatus = 'rejected';
 * ```
 */
export type SpanStatus = 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
/**
 * What an instant marks.
 *
 * @example
 * ```ts
 * import type { InstantKind } from '@weft/reporters';
 * const kind: InstantKind = 'crash';
 * ```
 */
export type InstantKind = 'spawn' | 'exit' | 'crash' | 'mark';

/**
 * A horizontal row of the timeline: the main thread, an event-loop slot, a worker, a process.
 *
 * @example
 * ```ts
 * import type { TimelineLane } from '@weft/reporters';
 * import { threadId } from 'node:worker_threads';
 * const lane: TimelineLane = {
 *   id: 'w1', name: 'worker 1', kind: 'worker', pid: process.pid, threadId,
 * };
 * ```
 */
export interface TimelineLane {
  /** Unique id that spans and instants refer to. */
  readonly id: string;
  /** Human-readable name, e.g. `'worker 1'`. */
  readonly name: string;
  /** What the lane stands for. */
  readonly kind: LaneKind;
  /** Process id of the lane's process, if known; becomes the trace's `pid`. */
  readonly pid?: number | undefined;
  /** `threadId` from `node:worker_threads` (0 on the main thread), if known. */
  readonly threadId?: number | undefined;
}

/**
 * A piece of work on one lane, from `start` to `end` (ms, `performance.timeOrigin + performance.now()`).
 *
 * @example
 * ```ts
 * import type { TimelineSpan } from '@weft/reporters';
 * const start = performance.timeOrigin + performance.now();
 * // ... run the task ...
 * const span: TimelineSpan = {
 *   lane: 'w1',
 *   name: 'rows 0-99',
 *   start,
 *   end: performance.timeOrigin + performance.now(),
 *   status: 'fulfilled',
 *   args: { rows: 100 },
 * };
 * ```
 */
export interface TimelineSpan {
  /** Id of the lane it ran on. */
  readonly lane: string;
  /** Name of the work, e.g. the task or function name. */
  readonly name: string;
  /** When it started, ms. */
  readonly start: number;
  /** When it settled, ms; not before `start`. */
  readonly end: number;
  /** How it ended. */
  readonly status: SpanStatus;
  /** Attempt number when the work was retried. */
  readonly attempt?: number | undefined;
  /** Extra details shown on hover and in trace files. */
  readonly args?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/**
 * A point event on one lane: a worker spawned, exited or crashed, or a user mark.
 *
 * @example
 * ```ts
 * import type { TimelineInstant } from '@weft/reporters';
 * const crash: TimelineInstant = {
 *   lane: 'w2',
 *   name: 'worker 2 crashed',
 *   time: performance.timeOrigin + performance.now(),
 *   kind: 'crash',
 * };
 * ```
 */
export interface TimelineInstant {
  /** Id of the lane it happened on. */
  readonly lane: string;
  /** Human-readable description, e.g. `'worker 2 crashed'`. */
  readonly name: string;
  /** When it happened, ms. */
  readonly time: number;
  /** What happened. */
  readonly kind: InstantKind;
}

/**
 * One sample of a counter.
 *
 * @example
 * ```ts
 * import type { TimelineCounterPoint } from '@weft/reporters';
 * const point: TimelineCounterPoint = { time: performance.timeOrigin + performance.now(), value: 3 };
 * ```
 */
export interface TimelineCounterPoint {
  /** When the counter took this value, ms. */
  readonly time: number;
  /** The value from `time` until the next point. */
  readonly value: number;
}

/**
 * A value over time, such as queue depth or busy workers; a step function between points.
 *
 * @example
 * ```ts
 * import type { TimelineCounter } from '@weft/reporters';
 * const queueDepth: TimelineCounter = {
 *   name: 'queue depth',
 *   points: [
 *     { time: t0, value: 4 },
 *     { time: t0 + 12, value: 2 },
 *     { time: t0 + 30, value: 0 },
 *   ],
 * };
 * ```
 */
export interface TimelineCounter {
  /** Name of the counter, e.g. `'queue depth'`. */
  readonly name: string;
  /** Its values over time. */
  readonly points: readonly TimelineCounterPoint[];
}

/**
 * What happened during a run, lane by lane. Times are milliseconds on
 * `performance.timeOrigin + performance.now()`, so timelines from threads and processes line up.
 * Produced by the scheduler's recorder and the playground without importing this package.
 *
 * @example
 * ```ts
 * import { formatTimelineAscii, type Timeline } from '@weft/reporters';
 * const timeline: Timeline = {
 *   lanes: [{ id: 'w1', name: 'worker 1', kind: 'worker', threadId: 1 }],
 *   spans: [{ lane: 'w1', name: 'task 1', start: t0, end: t0 + 12.5, status: 'fulfilled' }],
 *   instants: [{ lane: 'w1', name: 'worker 1 spawned', time: t0, kind: 'spawn' }],
 *   counters: [
 *     { name: 'queue depth', points: [{ time: t0, value: 1 }, { time: t0 + 12.5, value: 0 }] },
 *   ],
 * };
 * console.log(formatTimelineAscii(timeline));
 * ```
 */
export interface Timeline {
  /** The rows of the timeline, in display order. */
  readonly lanes: readonly TimelineLane[];
  /** Pieces of work, each on one lane. */
  readonly spans: readonly TimelineSpan[];
  /** Point events, each on one lane. */
  readonly instants: readonly TimelineInstant[];
  /** Values over time. */
  readonly counters: readonly TimelineCounter[];
}

const LANE_KINDS: readonly LaneKind[] = ['main', 'event-loop', 'worker', 'process', 'remote'];
const SPAN_STATUSES: readonly SpanStatus[] = ['fulfilled', 'rejected', 'cancelled', 'timeout'];
const INSTANT_KINDS: readonly InstantKind[] = ['spawn', 'exit', 'crash', 'mark'];

/**
 * Checks that a value is a well-formed {@link Timeline} and returns a clean copy of it (unknown
 * fields dropped, optional fields left out when absent).
 *
 * Beyond types it checks that lane ids are unique, that every span and instant names a known
 * lane, and that no span ends before it starts.
 *
 * @param value - the candidate timeline (e.g. parsed JSON or a recorder's output)
 * @param field - root path used in error messages (default `'timeline'`)
 * @returns the validated timeline
 * @throws {@link ReportInputInvalidError} naming the first malformed field, e.g. `timeline.spans[3].end`
 * @example
 * ```ts
 * import { validateTimeline } from '@weft/reporters';
 * const timeline = validateTimeline({
 *   lanes: [{ id: 'w1', name: 'worker 1', kind: 'worker', threadId: 1 }],
 *   spans: [{ lane: 'w1', name: 'task 1', start: 0, end: 12.5, status: 'fulfilled' }],
 *   instants: [{ lane: 'w1', name: 'spawn', time: 0, kind: 'spawn' }],
 *   counters: [{ name: 'queue depth', points: [{ time: 0, value: 3 }] }],
 * });
 * ```
 */
export function validateTimeline(value: unknown, field = 'timeline'): Timeline {
  const obj = record(value, field);
  const laneIds = new Set<string>();
  const lanes = array(obj['lanes'], `${field}.lanes`).map((laneValue, i): TimelineLane => {
    const f = `${field}.lanes[${i}]`;
    const lane = record(laneValue, f);
    const id = string(lane['id'], `${f}.id`);
    if (laneIds.has(id)) fail(`${f}.id`, id, 'an id not used by an earlier lane');
    laneIds.add(id);
    const out: { -readonly [K in keyof TimelineLane]: TimelineLane[K] } = {
      id,
      name: string(lane['name'], `${f}.name`, false),
      kind: oneOf(lane['kind'], `${f}.kind`, LANE_KINDS),
    };
    const pid = optional(lane['pid'], `${f}.pid`, (v, g) => integer(v, g, 0));
    const threadId = optional(lane['threadId'], `${f}.threadId`, (v, g) => integer(v, g, 0));
    if (pid !== undefined) out.pid = pid;
    if (threadId !== undefined) out.threadId = threadId;
    return out;
  });
  const laneRef = (v: unknown, f: string): string => {
    const id = string(v, f);
    if (!laneIds.has(id)) {
      const known = [...laneIds]
        .slice(0, 8)
        .map((l) => `"${l}"`)
        .join(', ');
      fail(
        f,
        id,
        laneIds.size === 0
          ? 'the id of a lane, but there are no lanes'
          : `the id of a lane (${known})`,
      );
    }
    return id;
  };
  const spans = array(obj['spans'], `${field}.spans`).map((spanValue, i): TimelineSpan => {
    const f = `${field}.spans[${i}]`;
    const span = record(spanValue, f);
    const lane = laneRef(span['lane'], `${f}.lane`);
    const name = string(span['name'], `${f}.name`, false);
    const start = finite(span['start'], `${f}.start`);
    const end = finite(span['end'], `${f}.end`);
    if (end < start) fail(`${f}.end`, end, `a time >= start (${start})`);
    const status = oneOf(span['status'], `${f}.status`, SPAN_STATUSES);
    const out: { -readonly [K in keyof TimelineSpan]: TimelineSpan[K] } = {
      lane,
      name,
      start,
      end,
      status,
    };
    const attempt = optional(span['attempt'], `${f}.attempt`, (v, g) => integer(v, g, 0));
    const args = optional(span['args'], `${f}.args`, scalarRecord);
    if (attempt !== undefined) out.attempt = attempt;
    if (args !== undefined) out.args = args;
    return out;
  });
  const instants = array(obj['instants'], `${field}.instants`).map(
    (instantValue, i): TimelineInstant => {
      const f = `${field}.instants[${i}]`;
      const instant = record(instantValue, f);
      return {
        lane: laneRef(instant['lane'], `${f}.lane`),
        name: string(instant['name'], `${f}.name`, false),
        time: finite(instant['time'], `${f}.time`),
        kind: oneOf(instant['kind'], `${f}.kind`, INSTANT_KINDS),
      };
    },
  );
  const counters = array(obj['counters'], `${field}.counters`).map(
    (counterValue, i): TimelineCounter => {
      const f = `${field}.counters[${i}]`;
      const counter = record(counterValue, f);
      return {
        name: string(counter['name'], `${f}.name`),
        points: array(counter['points'], `${f}.points`).map((pointValue, j) => {
          const g = `${f}.points[${j}]`;
          const point = record(pointValue, g);
          return {
            time: finite(point['time'], `${g}.time`),
            value: finite(point['value'], `${g}.value`),
          };
        }),
      };
    },
  );
  return { lanes, spans, instants, counters };
}
