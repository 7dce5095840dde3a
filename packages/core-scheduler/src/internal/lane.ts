// A lane: one executor with its own priority queue, concurrency limit and rate limit, and the
// timeline lanes (event-loop slots or pool workers) its attempts ran on.
import { threadId } from 'node:worker_threads';
import type { LaneInfo } from '../events.js';
import type { ExecutionStart, Executor } from '../executor.js';
import { PriorityQueue } from './priority-queue.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TaskRecord } from './task-record.js';

export type LaneName = 'cpu' | 'io';

export class Lane {
  readonly queue: PriorityQueue<TaskRecord>;
  /** Attempts running on this executor. */
  running = 0;
  readonly slots: boolean[] = [];
  readonly laneInfos: Map<string, LaneInfo> = new Map();

  constructor(
    readonly name: LaneName,
    readonly executor: Executor,
    readonly inline: boolean,
    public limit: number,
    public rate: RateLimiter | undefined,
    readonly isFailure: (error: unknown) => boolean,
    agingInterval: number,
  ) {
    this.queue = new PriorityQueue<TaskRecord>(agingInterval);
  }

  /** Whether an error the executor rejected with is its own failure (a throwing test is not). */
  isExecutorFailure(error: unknown): boolean {
    try {
      return this.isFailure(error) === true;
    } catch {
      return false;
    }
  }

  takeSlot(): number {
    let slot = this.slots.indexOf(false);
    if (slot === -1) slot = this.slots.length;
    this.slots[slot] = true;
    return slot;
  }

  laneInfo(slot: number, start: ExecutionStart | undefined): LaneInfo {
    const workerId = start?.workerId;
    const key = workerId === undefined ? `slot-${slot}` : `worker-${workerId}`;
    let info = this.laneInfos.get(key);
    if (info === undefined) {
      const id = `${this.name}:${key}`;
      if (workerId === undefined) {
        const name = `${this.name} ${this.inline ? 'event-loop' : 'executor'} slot ${slot}`;
        info = this.inline
          ? { id, name, kind: 'event-loop', pid: process.pid, threadId }
          : { id, name, kind: 'remote' };
      } else {
        const kind = start?.pid !== undefined && start.pid !== process.pid ? 'process' : 'worker';
        info = { id, name: `${this.name} ${kind} ${workerId}`, kind };
        if (start?.pid !== undefined) info = { ...info, pid: start.pid };
        if (start?.threadId !== undefined) info = { ...info, threadId: start.threadId };
      }
      this.laneInfos.set(key, info);
    }
    return info;
  }
}
