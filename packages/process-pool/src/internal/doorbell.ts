// The doorbell: how the pool wakes a thread worker that lingers between tasks, without the worker's
// event loop. One shared Int32 counts the messages the pool has sent to the worker (modulo 2^32):
// the pool posts each message, then adds one to the word and notifies it. A worker whose queue ran
// empty reads the count, polls its port (receiveMessageOnPort), and if nothing is there waits on
// the word for a short, bounded time (Atomics.wait) for the count to move, then polls again. The
// count moves only after the message is on the port, so a worker that found the port empty after
// reading the count is either woken by the ring or sees the count already moved: no message is
// missed. The word only wakes; the messages carry everything, and a worker that stopped lingering
// reads them as 'message' events as before (the ring is then a store nobody waits on).
//
// Why wait rather than poll: in bench/rtt-paths.mjs (a sequential round trip outside the pool,
// interleaved rounds on the loaded 2-vCPU VM), polling the port for 50 µs after each task cost
// 42–57 µs of CPU per round trip against 32–38 for a wait on the word (and 31–39 with no lingering
// at all), and was the slowest worker side once the machine was busy: the poll takes the CPU the
// pool's thread needs to send the next task. In the pool (21 interleaved rounds of 4,000 round
// trips), replacing the poll by the wait took the round trip to 0.80–0.82× on that loaded machine,
// within noise of dropping the poll with no wait at all (0.83–0.85×): what the wait saves over the
// event (a futex wake instead of an event-loop wake-up and a 'message' event) was below the noise
// there, and is for a quiet run to show.
// Waking the pool the same way (results on a port with no listener, drained when an
// Atomics.waitAsync on a results word resolved) was slower than the 'message' event (1.5–1.9×):
// the worker's postMessage wakes the pool's event loop anyway, so the pool woke twice per result.

/** The pool's side of a thread worker's doorbell. */
export class Doorbell {
  /** The shared memory, sent to the worker in its init message. */
  readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  readonly #word = new Int32Array(this.buffer);

  /** A message was just posted to the worker: wake it if it lingers. */
  ring(): void {
    Atomics.add(this.#word, 0, 1);
    Atomics.notify(this.#word, 0, 1);
  }
}

/** The worker's side of its doorbell. */
export class DoorbellWaiter {
  readonly #word: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#word = new Int32Array(buffer);
  }

  /** The count of rings so far: read it before polling the port. */
  count(): number {
    return Atomics.load(this.#word, 0);
  }

  /**
   * Block this thread until the count moves from `seen` (a ring: poll the port again; `true`) or
   * `ms` pass (`false`).
   */
  wait(seen: number, ms: number): boolean {
    return Atomics.wait(this.#word, 0, seen, ms) !== 'timed-out';
  }
}
