// The exports tasks call, numbered: on the wire a task names its function by its number in this
// table (protocol.ts, TASK_STRIDE), and each worker is sent the entries it has not seen yet, in
// order, with the first run message that may use them (RunMessage `f`). So a task carries no
// string: the export name was serialized by the pool and copied into a new string by the worker
// for every task (about 0.1 µs of each side's serializer per tiny task, and a look-up by a fresh,
// uninternalized key in the worker).

/**
 * Calls by name (`pool.run(name)`, module -1) get numbers only up to this many names: the names
 * come from the caller and need not be exports, and the table lives as long as the pool. Past it,
 * a call by a new name sends the name itself (a string in the function slot).
 */
export const MAX_NAMED = 1024;

/** The pool's numbered (module index, export name) pairs; module -1 is a call by name. */
export class FunctionTable {
  /** Flat (module index, export name) pairs, in number order. */
  readonly #entries: unknown[] = [];
  /** Numbers by export name, per module index + 1. */
  readonly #byModule: Map<string, number>[] = [];

  /** How many functions have a number. */
  get size(): number {
    return this.#entries.length / 2;
  }

  /**
   * The number of export `name` of module `mod` (given one the first time it is asked for), or
   * `-1` for a call by a new name once {@link MAX_NAMED} names have numbers.
   */
  indexOf(mod: number, name: string): number {
    const names = (this.#byModule[mod + 1] ??= new Map());
    let index = names.get(name);
    if (index === undefined) {
      if (mod === -1 && names.size >= MAX_NAMED) return -1;
      index = this.size;
      names.set(name, index);
      this.#entries.push(mod, name);
    }
    return index;
  }

  /** The entries numbered `from` on, flat, for a worker that knows the first `from`. */
  since(from: number): unknown[] {
    return this.#entries.slice(from * 2);
  }
}
