// The pool's side of a quick reply: after it sends a thread worker tasks, the main thread looks
// for the worker's results on its reply port for a moment (REPLY_POLL_MS) on each turn of its event
// loop, instead of going to sleep until the worker's message wakes it.
//
// Why: a caller that awaits tasks one at a time pays two thread wake-ups per round trip with plain
// postMessage, one on each side. The worker already saves its own (it polls its port after its
// queue runs empty: worker-runner.ts); this saves the pool's. On the 2-vCPU VM a sequential round
// trip outside the pool took 26 µs this way against 53 µs for bare postMessage on both sides
// (bench/rtt-paths.mjs on a quiet machine: spin+look against listen+event), because waking a
// sleeping thread, not the work, is most of the trip: on this VM the waker's postMessage alone
// took about 30 µs when the other thread slept.
//
// How it stays polite: the look is a setImmediate callback, so the event loop keeps turning
// (timers, I/O and other callbacks run between looks; the loop only does not block in its poll
// phase for those microseconds). It runs only while this pool leaves a core free for the main
// thread (fewer busy workers than cores): where every core has a busy worker, looking would take
// CPU from them. And a worker whose results did not come within the window is looked for less
// often (poll-backoff.ts), so tasks longer than the window cost the main thread almost nothing.
import { availableParallelism } from 'node:os';
import { PollBackoff } from './poll-backoff.js';

/** How long the main thread looks for a reply after a send, ms. */
export const REPLY_POLL_MS = 0.05;
/** The cores of this machine (the main thread needs one to itself for a look to pay). */
const CORES = availableParallelism();

/** A channel whose replies can be taken off its port without waiting for its message event. */
export interface Pollable {
  /** Delivers every reply waiting on the port to the channel's listener; true if there was one. */
  poll(): boolean;
}

/** One channel's look-out: its window and its record of misses. */
export class ReplyWatch {
  /** In the poll's list now. */
  active = false;
  /** The window ends then (performance.now(), ms). */
  until = 0;
  /** A reply came in this window (set by the channel, however the reply reached it). */
  replied = false;
  /** Sends are the chances to look; windows without a reply make them rarer. */
  readonly backoff: PollBackoff = new PollBackoff();

  constructor(
    readonly channel: Pollable,
    readonly owner: ReplyPoll,
  ) {}

  /** Tasks were sent to the channel's worker: look for its reply for the next REPLY_POLL_MS. */
  arm(): void {
    if (this.active) {
      this.until = performance.now() + REPLY_POLL_MS;
      return;
    }
    if (!this.backoff.shouldPoll() || !this.owner.mayPoll()) return;
    this.active = true;
    this.replied = false;
    this.until = performance.now() + REPLY_POLL_MS;
    this.owner.add(this);
  }

  /** The window is over: a miss makes the next windows rarer, a reply makes them regular again. */
  end(): void {
    this.active = false;
    if (this.replied) this.backoff.hit();
    else this.backoff.miss();
  }
}

/** The looks of one pool: one setImmediate chain for all of its watched channels. */
export class ReplyPoll {
  readonly #active: ReplyWatch[] = [];
  #scheduled = false;
  /** How many of the pool's workers are busy now. */
  readonly #busy: () => number;

  /**
   * @param busy - How many of the pool's workers hold tasks now.
   */
  constructor(busy: () => number) {
    this.#busy = busy;
  }

  /** Whether a look pays now: a core is left for the main thread. */
  mayPoll(): boolean {
    return this.#busy() < CORES;
  }

  /** A watch for `channel`. */
  watch(channel: Pollable): ReplyWatch {
    return new ReplyWatch(channel, this);
  }

  add(watch: ReplyWatch): void {
    this.#active.push(watch);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#look);
    }
  }

  // One look at every watched channel; the ones whose window has passed leave the list. A reply
  // delivered here may lead to a send (a refill, the caller's next task) that re-arms a watch or
  // adds one: the loop reads the list's length afresh each time (and `#scheduled` stays set
  // meanwhile, so an add during the look does not start a second chain).
  readonly #look = (): void => {
    const active = this.#active;
    let kept = 0;
    for (let i = 0; i < active.length; i++) {
      const watch = active[i]!;
      watch.channel.poll();
      if (performance.now() < watch.until) active[kept++] = watch;
      else watch.end();
    }
    active.length = kept;
    if (kept > 0) setImmediate(this.#look);
    else this.#scheduled = false;
  };
}
