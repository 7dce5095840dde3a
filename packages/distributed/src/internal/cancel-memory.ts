// Job ids a worker was asked to cancel before it ran them, remembered for a while in case it picks
// one up in a moment. Anyone who can publish on the cancel channel fills this, so it is bounded in
// size and age, and each message costs O(1): a Map keeps insertion order, which is age order, so
// expiry and eviction only ever look at its oldest entries.

/** Longest job id remembered; a longer message is no BullMQ job id of ours and is ignored. */
const MAX_ID_LENGTH = 1024;

export class CancelMemory {
  readonly #at = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttl: number;
  readonly #now: () => number;

  /**
   * @param capacity - Most ids remembered; the oldest is forgotten first.
   * @param ttl - How long an id is remembered, in ms.
   * @param now - Clock, in ms.
   */
  constructor(capacity: number, ttl: number, now: () => number = Date.now) {
    this.#capacity = capacity;
    this.#ttl = ttl;
    this.#now = now;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#at.size;
  }

  /** Remember `jobId` as cancelled (again: as of now). */
  add(jobId: string): void {
    if (jobId.length > MAX_ID_LENGTH) return;
    const t = this.#now();
    this.#expire(t);
    this.#at.delete(jobId);
    this.#at.set(jobId, t);
    if (this.#at.size > this.#capacity) {
      const oldest = this.#at.keys().next();
      if (oldest.done !== true) this.#at.delete(oldest.value);
    }
  }

  /** Whether `jobId` was cancelled recently; forgets it either way. */
  take(jobId: string): boolean {
    const at = this.#at.get(jobId);
    if (at === undefined) return false;
    this.#at.delete(jobId);
    return this.#now() - at <= this.#ttl;
  }

  // Oldest first: stop at the first entry still young enough.
  #expire(t: number): void {
    for (const [id, at] of this.#at) {
      if (t - at <= this.#ttl) return;
      this.#at.delete(id);
    }
  }
}
