// Admission under `maxPending`: tasks accepted while the queues are full wait here, in arrival
// order, until the run loop makes room.
import type { TaskRecord } from './task-record.js';

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
