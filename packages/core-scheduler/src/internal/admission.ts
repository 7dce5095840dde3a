// Admission under `maxPending`: tasks accepted while the queues are full wait here, in arrival
// order, until the run loop makes room.
import { QueueFullError, TaskDroppedError } from '../errors.js';
import type { OnFull } from '../task.js';
import type { RunLoop } from './run-loop.js';
import type { TaskRecord } from './task-record.js';

/**
 * The queues are full (`maxPending`) and `record` arrives: drops a queued task for it, or says
 * why it is refused. Returns the error to reject `record` with, or `undefined` to accept it
 * (queued if there is room now, else waiting).
 */
export function makeRoom(loop: RunLoop, record: TaskRecord, onFull: OnFull): Error | undefined {
  switch (onFull) {
    case 'wait':
      return undefined;
    case 'reject':
      return new QueueFullError(record.name, loop.maxPending);
    case 'drop-oldest':
    case 'drop-lowest': {
      // O(maxPending) scan: overflow is the rare path.
      let victim: TaskRecord | undefined;
      for (const lane of loop.lanes) {
        for (const queued of lane.queue.items()) {
          if (
            victim === undefined ||
            (onFull === 'drop-lowest' && queued.priority < victim.priority) ||
            ((onFull === 'drop-oldest' || queued.priority === victim.priority) &&
              queued.seq < victim.seq)
          ) {
            victim = queued;
          }
        }
      }
      if (victim === undefined || (onFull === 'drop-lowest' && victim.priority >= record.priority))
        return new QueueFullError(record.name, loop.maxPending);
      loop.cancel(victim, new TaskDroppedError(victim.name, loop.maxPending, onFull), 'cancelled');
      return undefined;
    }
    default:
      return onFull satisfies never;
  }
}

export class WaitingRoom {
  #items: TaskRecord[] = [];
  #head = 0;
  /** Records waiting (removed ones not counted). */
  count = 0;

  push(record: TaskRecord): void {
    this.#items.push(record);
    this.count++;
  }

  /** The oldest record still waiting, taken out; `undefined` if none. */
  shift(): TaskRecord | undefined {
    while (this.count > 0) {
      const record = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as unknown as TaskRecord;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      if (record.removed) continue;
      this.count--;
      return record;
    }
    return undefined;
  }

  /** Takes a record out (cancelled while waiting); it is skipped lazily. */
  remove(record: TaskRecord): void {
    record.removed = true;
    this.count--;
    if (this.count === 0) {
      this.#items = [];
      this.#head = 0;
    }
  }

  /** The records waiting, oldest first. */
  snapshot(): TaskRecord[] {
    const found: TaskRecord[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const record = this.#items[i]!;
      if (!record.removed) found.push(record);
    }
    return found;
  }
}
