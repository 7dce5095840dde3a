// Records a pool's life from its events as a timeline the reporters can draw: one lane per worker,
// one span per task, spawn/exit instants, and the queue depth over time.
import type { Pool } from '@weft/process-pool';
import type { Timeline, TimelineInstant, TimelineLane, TimelineSpan } from '@weft/reporters';

export class PoolRecorder {
  readonly #prefix: string;
  readonly #lanes = new Map<number, TimelineLane>();
  readonly #spans: TimelineSpan[] = [];
  readonly #instants: TimelineInstant[] = [];
  readonly #queue: { time: number; value: number }[] = [];
  readonly #started = new Map<number, { start: number; name: string; workerId: number }>();
  readonly #tasksByWorker = new Map<number, number>();
  #queued = 0;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(pool: Pool<any>, prefix: string) {
    this.#prefix = prefix;
    pool.on('worker:spawned', (e) => {
      const where =
        e.pid !== undefined && e.kind === 'process'
          ? `pid ${e.pid}`
          : `thread ${e.threadId ?? '?'}`;
      this.#lanes.set(e.workerId, {
        id: this.#laneId(e.workerId),
        name: `${prefix} worker ${e.workerId} (${where})`,
        kind: e.kind === 'process' ? 'process' : 'worker',
        ...(e.pid === undefined ? {} : { pid: e.pid }),
        ...(e.threadId === undefined ? {} : { threadId: e.threadId }),
      });
      this.#instants.push({
        lane: this.#laneId(e.workerId),
        name: 'spawn',
        time: e.time,
        kind: 'spawn',
      });
    });
    pool.on('worker:exited', (e) => {
      if (!this.#lanes.has(e.workerId)) return;
      this.#instants.push({
        lane: this.#laneId(e.workerId),
        name: e.expected ? 'exit' : `crash (code ${String(e.code)}, signal ${String(e.signal)})`,
        time: e.time,
        kind: e.expected ? 'exit' : 'crash',
      });
    });
    pool.on('task:queued', (e) => {
      this.#queued += 1;
      this.#queue.push({ time: e.time, value: this.#queued });
    });
    pool.on('task:started', (e) => {
      this.#queued = Math.max(0, this.#queued - 1);
      this.#queue.push({ time: e.time, value: this.#queued });
      this.#started.set(e.taskId, { start: e.time, name: e.name, workerId: e.workerId });
    });
    pool.on('task:settled', (e) => {
      const started = this.#started.get(e.taskId);
      if (!started) return;
      this.#started.delete(e.taskId);
      this.#tasksByWorker.set(
        started.workerId,
        (this.#tasksByWorker.get(started.workerId) ?? 0) + 1,
      );
      this.#spans.push({
        lane: this.#laneId(started.workerId),
        name: `${started.name} #${e.taskId}`,
        start: started.start,
        end: Math.max(started.start, e.time),
        status: e.status,
        args: { waitMs: round(e.waitMs), runMs: round(e.runMs) },
      });
    });
  }

  /** Tasks each worker ran, by worker id. */
  tasksByWorker(): ReadonlyMap<number, number> {
    return this.#tasksByWorker;
  }

  /** The lanes seen so far, by worker id. */
  lanes(): ReadonlyMap<number, TimelineLane> {
    return this.#lanes;
  }

  timeline(): Timeline {
    const lanes = [...this.#lanes.values()];
    const known = new Set(lanes.map((l) => l.id));
    return {
      lanes,
      spans: this.#spans.filter((s) => known.has(s.lane)),
      instants: this.#instants.filter((i) => known.has(i.lane)),
      counters:
        this.#queue.length > 0
          ? [{ name: `${this.#prefix} queue depth`, points: [...this.#queue] }]
          : [],
    };
  }

  #laneId(workerId: number): string {
    return `${this.#prefix}-w${workerId}`;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
