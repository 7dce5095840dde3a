// Joining the batches that arrive together on a child process's IPC channel. Node reads the
// channel in chunks and hands each message of a chunk to its listener in a separate nextTick, all
// before the next microtask. Left alone, each `run` batch (worker side) or `done` batch (pool side)
// would be handled on its own: the worker would send one results message per batch it got, and the
// pool one refill per results message, so a batch split once (the 1 ms flush of a worker that
// was preempted) stays split for the rest of the run, and the messages shrink under load. Joined,
// the batches that were read in one go are handled as one, so the split heals: one results message
// and one refill for all of them.
//
// The batches are handed on as a list, not copied into one array: appending them element by
// element made the pool's side allocate about 170 bytes per tiny task (the joined array regrown
// again and again), more than its task record.

/** Joins batches (protocol.ts) handed in within one tick, and delivers them as one list. */
export class BatchJoiner<B = unknown[]> {
  #pending: B[] | undefined = undefined;
  readonly #deliver: (batches: readonly B[]) => void;
  // Bound once: scheduling a delivery allocates nothing.
  readonly #flush = (): void => {
    this.flush();
  };

  /** `deliver` gets the batches of a tick in arrival order, once per tick in which batches arrived. */
  constructor(deliver: (batches: readonly B[]) => void) {
    this.#deliver = deliver;
  }

  /** A batch arrived: it is delivered with the others of this tick, after them all. */
  add(batch: B): void {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#pending = [batch];
      queueMicrotask(this.#flush);
      return;
    }
    pending.push(batch);
  }

  /**
   * Deliver what is held now. Called before any other message is handled, so that messages are
   * still handled in the order they came.
   */
  flush(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#deliver(pending);
  }
}
