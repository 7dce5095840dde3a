// The look flag: whether the pool's main thread is looking for a thread worker's replies right now
// (reply-poll.ts), in one shared Int32 that the worker reads. The worker spins for its next task
// after its queue runs empty (worker-runner.ts) only if the flag is up when its queue empties.
//
// Why: each side of a sequential round trip polls only while polls have been paying, and a poll
// pays only when the other side answers within its window. Without the flag the two sides could
// settle into waking each other up: a worker that polled while the pool slept (so the pool's
// answer came a thread wake-up later, past the worker's window) backed off, and then the pool's
// looks missed because that worker answered a wake-up later too. On the 2-vCPU VM a pool could sit
// there for 50,000 round trips at 56–78 µs each against 19–20 µs when both sides polled. With the
// flag the worker spins only when the pool will see its results at once, so a miss means the
// caller was slow, not that the pool slept; and while the pool does not look (it backed off, or
// every core has a busy worker) the worker does not spin for nothing.

/** The pool's side: one per thread worker, raised while the pool looks for its replies. */
export class LookFlag {
  /** The shared memory, sent to the worker in its init message. */
  readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  readonly #word = new Int32Array(this.buffer);

  /** Raise (the pool starts looking) or lower (its window ended) the flag. */
  set(looking: boolean): void {
    Atomics.store(this.#word, 0, looking ? 1 : 0);
  }
}

/** The worker's side: whether the pool looks for this worker's replies now. */
export function lookReader(buffer: SharedArrayBuffer): () => boolean {
  const word = new Int32Array(buffer);
  return () => Atomics.load(word, 0) !== 0;
}
