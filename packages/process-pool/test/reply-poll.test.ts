// The pool's look for thread workers' replies (reply-poll.ts): when a window opens, what ends it,
// how misses make windows rarer and a reply makes them regular again; and, through a real pool,
// that replies heard on the reply port keep their order and arrive before the worker's exit.
import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReplyPoll, type ReplyWatch } from '../src/internal/reply-poll.js';
import { makePool, next, tasks } from './helpers.js';

/** A channel stand-in: counts looks; `reply()` makes the next look find a reply. */
class FakeChannel {
  looks = 0;
  #pending = false;
  watch!: ReplyWatch;
  reply(): void {
    this.#pending = true;
  }
  poll(): boolean {
    this.looks++;
    if (!this.#pending) return false;
    this.#pending = false;
    this.watch.replied = true; // what the channel's listener does
    return true;
  }
}

function watched(busy = 0): FakeChannel {
  const channel = new FakeChannel();
  channel.watch = new ReplyPoll(() => busy).watch(channel);
  return channel;
}

/** Turns of the event loop until the watch's window has ended. */
async function windowOver(watch: ReplyWatch): Promise<void> {
  while (watch.active) await turn();
}

describe('ReplyPoll', () => {
  it('a send opens a window: the channel is looked at on later turns until it ends', async () => {
    const channel = watched();
    channel.watch.arm();
    expect(channel.watch.active).toBe(true);
    expect(channel.looks).toBe(0); // looks happen on the event loop, not inside the send
    channel.reply();
    await windowOver(channel.watch);
    expect(channel.looks).toBeGreaterThan(0);
    expect(channel.watch.backoff.misses).toBe(0);
    expect(channel.watch.backoff.rest).toBe(0);
  });

  it('opens no window while every core has a busy worker', async () => {
    const channel = watched(Number.MAX_SAFE_INTEGER);
    channel.watch.arm();
    expect(channel.watch.active).toBe(false);
    await turn();
    expect(channel.looks).toBe(0);
  });

  it('after k windows in a row without a reply, skips 2^k - 1 sends (at most 63)', async () => {
    const channel = watched();
    const watch = channel.watch;
    const skipped: number[] = [];
    watch.arm(); // the first window
    for (let k = 1; k <= 7; k++) {
      await windowOver(watch);
      expect(watch.backoff.misses).toBe(k);
      let skips = 0;
      for (watch.arm(); !watch.active; watch.arm()) skips++; // the last arm() opens a window
      skipped.push(skips);
    }
    await windowOver(watch);
    expect(skipped).toEqual([1, 3, 7, 15, 31, 63, 63]);
  });

  it('a reply in a window makes the next send open one again', async () => {
    const channel = watched();
    const watch = channel.watch;
    watch.arm();
    await windowOver(watch);
    expect(watch.backoff.rest).toBe(1);
    watch.arm(); // skipped
    watch.arm();
    channel.reply();
    await windowOver(watch);
    expect(watch.backoff.misses).toBe(0);
    watch.arm();
    expect(watch.active).toBe(true);
    await windowOver(watch);
  });

  it('a send during a window extends it; many watches share one chain of looks', async () => {
    const poll = new ReplyPoll(() => 0);
    const channels = [new FakeChannel(), new FakeChannel(), new FakeChannel()];
    for (const channel of channels) channel.watch = poll.watch(channel);
    for (const channel of channels) channel.watch.arm();
    await turn();
    const looks = channels.map((c) => c.looks);
    // One chain: each turn looks at each channel once.
    expect(looks).toEqual([1, 1, 1]);
    const until = channels[0]!.watch.until;
    channels[0]!.watch.arm();
    expect(channels[0]!.watch.until).toBeGreaterThanOrEqual(until);
    for (const channel of channels) await windowOver(channel.watch);
  });
});

describe('a thread worker replies on its own port', () => {
  it('results keep their order, sequential and in bursts', async () => {
    const pool = makePool('thread', { maxWorkers: 1 });
    for (let i = 0; i < 200; i++) expect(await pool.apply(tasks.square, [i])).toBe(i * i);
    const all = await Promise.all(
      Array.from({ length: 500 }, (_, i) => pool.apply(tasks.square, [i])),
    );
    expect(all).toEqual(Array.from({ length: 500 }, (_, i) => i * i));
  });

  it('results posted just before the worker exits are heard before its exit', async () => {
    const pool = makePool('thread', { maxWorkers: 1 });
    await pool.ready();
    for (let round = 0; round < 5; round++) {
      const exited = next(pool, 'worker:exited');
      // The task returns and its result is posted; then its worker exits on its next turn.
      await expect(pool.apply(tasks.resultThenExit, [round, 7])).resolves.toBe(round);
      await exited;
    }
    expect(await pool.apply(tasks.add, [2, 3])).toBe(5);
  });
});
