// The tasks a worker holds, in arrival order, kept as the flat `run` batches they came in
// (protocol.ts, TASK_STRIDE): taking a task moves a cursor and makes no object. It also keeps the
// worker's copy of the pool's function table (function-table.ts), by which tasks name their export.
import { TASK_STRIDE } from './protocol.js';

export class TaskQueue {
  #batches: (unknown[] | undefined)[] = [];
  /** Index of the batch the next task is in. */
  #batch = 0;
  /** Offset of the next task in that batch. */
  #at = 0;

  // The task last taken (valid until the next take()).
  id = -1;
  mod = -1;
  name = '';
  args: unknown = undefined;
  flags = 0;

  /** The function table: module index and export name of each function number. */
  readonly #mods: number[] = [];
  readonly #names: string[] = [];

  /** Add function table entries (RunMessage `f`: flat module index, export name pairs). */
  define(entries: readonly unknown[]): void {
    for (let i = 0; i + 1 < entries.length; i += 2) {
      this.#mods.push(entries[i] as number);
      this.#names.push(entries[i + 1] as string);
    }
  }

  /** Append a batch of tasks. */
  push(batch: unknown[]): void {
    if (batch.length >= TASK_STRIDE) this.#batches.push(batch);
  }

  /** Whether a task is waiting. */
  get empty(): boolean {
    return this.#batch >= this.#batches.length;
  }

  /** The id of the next task, or -1 when none waits. */
  peekId(): number {
    return this.empty ? -1 : (this.#batches[this.#batch]![this.#at] as number);
  }

  /** Whether task `id` waits in the queue (a search: for the rare cancel, not per task). */
  has(id: number): boolean {
    const batches = this.#batches;
    for (let b = this.#batch; b < batches.length; b++) {
      const batch = batches[b]!;
      for (let i = b === this.#batch ? this.#at : 0; i < batch.length; i += TASK_STRIDE)
        if (batch[i] === id) return true;
    }
    return false;
  }

  /** Take the next task into id, mod, name, args and flags; false when none waits. */
  take(): boolean {
    if (this.empty) return false;
    const b = this.#batches[this.#batch]!;
    const i = this.#at;
    const fn = b[i + 1];
    this.id = b[i] as number;
    if (typeof fn === 'number') {
      this.mod = this.#mods[fn] ?? -1;
      this.name = this.#names[fn] ?? '';
    } else {
      this.mod = -1; // a call by a name the pool's table had no room for
      this.name = fn as string;
    }
    this.args = b[i + 2];
    this.flags = b[i + 3] as number;
    b[i + 2] = undefined; // the queue does not keep the args alive
    this.#at = i + TASK_STRIDE;
    if (this.#at >= b.length) {
      this.#batches[this.#batch++] = undefined;
      this.#at = 0;
      if (this.#batch >= 64 && this.#batch * 2 >= this.#batches.length) {
        this.#batches = this.#batches.slice(this.#batch);
        this.#batch = 0;
      }
    }
    return true;
  }
}
