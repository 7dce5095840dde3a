// Which queues and pipe ends one process worker may reach through the pool: those in its initArgs
// (for its whole life) and, for each task it is running, those in that task's args (until the
// task's result comes back). The table is filled from the very messages the pool sends the worker,
// so it holds exactly the handles the worker was given; a call naming any other id (another
// worker's queue, another task's pipe) is refused however the child came by the number.
import { FLAG_SHARED, REMOTE_MARK, RESULT_STRIDE, TASK_STRIDE } from './protocol.js';

// Deeper than the walks that place and revive the handles (16 levels), so nothing placed is missed.
const MAX_DEPTH = 18;

function collect(value: unknown, into: number[], depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, depth + 1);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, REMOTE_MARK)) {
    const id = (record[REMOTE_MARK] as { id?: unknown } | null)?.id;
    if (typeof id === 'number') into.push(id);
    return;
  }
  for (const key of Object.keys(record)) collect(record[key], into, depth + 1);
}

/** The remote handles one process worker holds, by task. */
export class RemoteScope {
  readonly #worker = new Set<number>();
  readonly #tasks = new Map<number, readonly number[]>();

  /** The worker's initArgs (sent in its `init` message): held for the worker's life. */
  grantWorker(initArgs: readonly unknown[]): void {
    const ids: number[] = [];
    collect(initArgs, ids, 0);
    for (const id of ids) this.#worker.add(id);
  }

  /** A `run` batch on its way to the worker: each task holds the handles in its own args. */
  grantRun(batch: readonly unknown[]): void {
    for (let i = 0; i < batch.length; i += TASK_STRIDE) {
      if (((batch[i + 3] as number) & FLAG_SHARED) === 0) continue;
      const ids: number[] = [];
      collect(batch[i + 2], ids, 0);
      if (ids.length > 0) this.#tasks.set(batch[i] as number, ids);
    }
  }

  /** A `done` batch from the worker: those tasks are over, their handles go. */
  revokeDone(results: readonly unknown[]): void {
    if (this.#tasks.size === 0) return;
    for (let i = 0; i < results.length; i += RESULT_STRIDE)
      this.#tasks.delete(results[i] as number);
  }

  /** Whether a call made by task `task` (-1: the initializer) may reach object `id`. */
  holds(task: number, id: number): boolean {
    if (this.#worker.has(id)) return true;
    return this.#tasks.get(task)?.includes(id) === true;
  }
}
