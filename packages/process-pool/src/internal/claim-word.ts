// The claim word: how a thread worker and the pool agree, without a message, on which of the
// tasks sent to the worker it has started. Each task sent to a worker has a sequence number (the
// count of tasks sent to it before; both sides count, modulo 2^32). One shared Int32 holds the
// number of the next task the worker may claim. The worker claims task k before its first line
// runs with compareExchange(word, k → k + 1); the pool takes back every task it sent and the
// worker has not claimed with compareExchange(word, claimed → sent). Each side's exchange sees the
// other's: a task is either claimed (the worker runs it, or skips it if it was cancelled, and
// reports it) or revoked (the worker's exchange fails: it drops the task without a word, and the
// pool queues it again), never both. The word is also the thread worker's start record for crash
// recovery: of the tasks a dead worker held, the last `unclaimed()` never started.

/** The pool's side of a thread worker's claim word. */
export class ClaimWord {
  /** The shared memory, sent to the worker in its init message. */
  readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  readonly #word = new Int32Array(this.buffer);
  /** Tasks sent to the worker so far, modulo 2^32: the number the next one gets. */
  #sent = 0;

  /** `n` more tasks went to the worker, in order. */
  sent(n: number): void {
    this.#sent = (this.#sent + n) | 0;
  }

  /** How many of the tasks sent the worker has not claimed: the last that many it holds. */
  unclaimed(): number {
    return (this.#sent - Atomics.load(this.#word, 0)) | 0;
  }

  /**
   * Take back every task sent and not claimed. Returns how many: the last that many the worker
   * holds, which it will now skip without a result.
   */
  revoke(): number {
    const sent = this.#sent;
    let claimed = Atomics.load(this.#word, 0);
    while (claimed !== sent) {
      const seen = Atomics.compareExchange(this.#word, 0, claimed, sent);
      if (seen === claimed) return (sent - claimed) | 0;
      claimed = seen; // the worker claimed one meanwhile: take back the rest
    }
    return 0;
  }
}

/**
 * The worker's side: a function to call once for each task, in the order they arrive, before it
 * starts; `true` means the task is the worker's to run, `false` that the pool took it back.
 */
export function claimer(buffer: SharedArrayBuffer): () => boolean {
  const word = new Int32Array(buffer);
  let next = 0;
  return () => {
    const k = next;
    next = (k + 1) | 0;
    return Atomics.compareExchange(word, 0, k, (k + 1) | 0) === k;
  };
}
