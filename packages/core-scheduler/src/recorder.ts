// Recorder: turns scheduler events into a Timeline (contract §3): one lane per event-loop slot or
// pool worker, one span per attempt, retry and crash instants, and pending/running counters.
import type { SchedulerEvent } from './events.js';
import { ExecutorFailedError } from './errors.js';
import type {
  Timeline,
  TimelineCounter,
  TimelineInstant,
  TimelineLane,
  TimelineSpan,
} from './timeline.js';
import { threadId } from 'node:worker_threads';

/** Queue-level facts (a task cancelled before it started, a retry without a lane) go here. */
const MAIN_LANE: TimelineLane = {
  id: 'scheduler',
  name: 'scheduler',
  kind: 'main',
  pid: process.pid,
  threadId,
};

/**
 * Records scheduler events and builds a {@link Timeline} that `@weft/reporters` renders (Chrome
 * trace, text). Lanes are event-loop slots of the inline executor and pool workers, so spans on a
 * lane never overlap; each attempt of each task is one span.
 *
 * @example
 * ```ts
 * const recorder = new Recorder();
 * const scheduler = new Scheduler({ cpu: pool, recorder });
 * await scheduler.map(render, frames, { kind: 'cpu' });
 * const timeline = recorder.timeline(); // hand to @weft/reporters
 * ```
 */
export class Recorder {
  #lanes = new Map<string, TimelineLane>([[MAIN_LANE.id, MAIN_LANE]]);
  #spans: TimelineSpan[] = [];
  #instants: TimelineInstant[] = [];
  #pending: { time: number; value: number }[] = [];
  #running: { time: number; value: number }[] = [];
  #events: SchedulerEvent[] = [];

  /**
   * Records one event (the scheduler calls it when given as `recorder`, or pass it to `subscribe`).
   *
   * @param event - A scheduler event.
   *
   * @example
   * ```ts
   * scheduler.subscribe((event) => recorder.record(event));
   * ```
   */
  record(event: SchedulerEvent): void {
    this.#events.push(event);
    this.#pending.push({ time: event.time, value: event.pending });
    this.#running.push({ time: event.time, value: event.running });
    switch (event.type) {
      case 'task:started':
        this.#lane(event.lane);
        break;
      case 'task:finished': {
        this.#lane(event.lane);
        const args: Record<string, string | number | boolean> = {
          id: event.id,
          executor: event.executor,
        };
        if (event.cpuMs !== undefined) args['cpuMs'] = Math.round(event.cpuMs * 1000) / 1000;
        if (event.error !== undefined) args['error'] = describeError(event.error);
        this.#spans.push({
          lane: event.lane.id,
          name: event.name,
          start: event.start,
          end: Math.max(event.start, event.time),
          status: event.status,
          attempt: event.attempt,
          args,
        });
        if (event.error instanceof ExecutorFailedError) {
          this.#instants.push({
            lane: event.lane.id,
            name: `${event.executor} failed: ${event.name}`,
            time: event.time,
            kind: 'crash',
          });
        }
        break;
      }
      case 'task:retried':
        this.#instants.push({
          lane: event.lane?.id ?? MAIN_LANE.id,
          name: `retry ${event.name} after attempt ${event.attempt} (${Math.round(event.delay)} ms)`,
          time: event.time,
          kind: 'mark',
        });
        break;
      case 'task:settled':
        if (event.attempts === 0) {
          this.#instants.push({
            lane: MAIN_LANE.id,
            name: `${event.name} ${event.status} before start`,
            time: event.time,
            kind: 'mark',
          });
        }
        break;
      default:
        break;
    }
  }

  /**
   * Events recorded so far, in arrival order.
   *
   * @returns A copy of the event list.
   *
   * @example
   * ```ts
   * const retries = recorder.events().filter((e) => e.type === 'task:retried').length;
   * ```
   */
  events(): SchedulerEvent[] {
    return [...this.#events];
  }

  /**
   * Builds the timeline of everything recorded so far.
   *
   * @returns Plain data in the Weft `Timeline` shape; spans sorted by start.
   *
   * @example
   * ```ts
   * const { lanes, spans } = recorder.timeline();
   * console.log(`${spans.length} attempts on ${lanes.length} lanes`);
   * ```
   */
  timeline(): Timeline {
    const counters: TimelineCounter[] = [
      { name: 'pending', points: [...this.#pending] },
      { name: 'running', points: [...this.#running] },
    ];
    return {
      lanes: [...this.#lanes.values()].map((lane) => ({ ...lane })),
      spans: this.#spans.map((span) => ({ ...span })).sort((a, b) => a.start - b.start),
      instants: this.#instants.map((instant) => ({ ...instant })),
      counters,
    };
  }

  /**
   * Forgets everything recorded.
   *
   * @example
   * ```ts
   * recorder.clear();
   * ```
   */
  clear(): void {
    this.#lanes = new Map([[MAIN_LANE.id, MAIN_LANE]]);
    this.#spans = [];
    this.#instants = [];
    this.#pending = [];
    this.#running = [];
    this.#events = [];
  }

  #lane(lane: TimelineLane): void {
    if (!this.#lanes.has(lane.id)) this.#lanes.set(lane.id, { ...lane });
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
