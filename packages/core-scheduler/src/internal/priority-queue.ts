// Priority queue with FIFO order within a priority and linear aging.
//
// Aging: a task's effective priority is `priority + waited / agingInterval`. Between two queued
// tasks the comparison `pa + (t − ta)/I  vs  pb + (t − tb)/I` does not depend on the current time
// t, so the order is static: key = priority − since / I (since: the enqueue time). Within one priority the keys fall
// with enqueue time, so each priority level is a plain FIFO (fifo.ts) and popping compares only
// the heads of the (few) non-empty levels: O(levels) per pop, O(1) per push, and FIFO by
// construction.
import { Fifo } from './fifo.js';

export interface Queued {
  /** Changed only while the item is out of the queue. */
  readonly priority: number;
  /** Relative enqueue time (ms) while queued; only used when aging is on. */
  since: number;
  /**
   * Submission order, to break exact ties; {@link REMOVED} once the item left its queue early
   * (cancelled), so that it is skipped and dropped lazily. A flag of its own would be one more
   * field, 8 bytes, on every queued task.
   */
  seq: number;
}

/** The `seq` of an item taken out of its queue early: never a submission number. */
export const REMOVED = -1;

/**
 * The items of one priority: a FIFO itself rather than one that holds a FIFO, so that a pop
 * follows one reference fewer (with a SchedulerGroup's many schedulers, each is a cache line of
 * another scheduler to fetch).
 */
class Level<T extends Queued> extends Fifo<T> {
  constructor(readonly priority: number) {
    super();
  }

  /** First live item, dropping removed ones. */
  peek(): T | undefined {
    let item = this.first();
    while (item !== undefined && item.seq === REMOVED) {
      this.shift();
      item = this.first();
    }
    return item;
  }
}

export class PriorityQueue<T extends Queued> {
  readonly #agingInterval: number;
  #levels: Level<T>[] = [];
  #byPriority = new Map<number, Level<T>>();
  /** The level of the last push, checked first: most queues use one priority. */
  #last: Level<T> | undefined;
  /** The only level while there is one (most queues): pop() then reads no array. */
  #only: Level<T> | undefined;
  #size = 0;

  constructor(agingInterval: number) {
    this.#agingInterval = agingInterval;
  }

  /** Live items. */
  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    let level = this.#last;
    if (level === undefined || level.priority !== item.priority) {
      level = this.#byPriority.get(item.priority);
      if (level === undefined) {
        level = new Level<T>(item.priority);
        this.#byPriority.set(item.priority, level);
        this.#levels.push(level);
        this.#only = this.#levels.length === 1 ? level : undefined;
      }
      this.#last = level;
    }
    level.push(item);
    this.#size++;
  }

  /** Marks an item as removed; the caller must not remove one that is not queued. */
  remove(item: T): void {
    item.seq = REMOVED;
    // Emptied by removals (e.g. clear()): drop the removed items now rather than on later pops.
    if (--this.#size === 0) this.#reset();
  }

  /**
   * Takes a queued item out at once (a search of its level; for rare moves such as a priority change,
   * where a lazily removed item could be pushed again and appear twice).
   */
  delete(item: T): void {
    const level = this.#byPriority.get(item.priority);
    if (level === undefined || !level.delete(item)) return;
    if (--this.#size === 0) this.#reset();
  }

  /** The live items, in the order pop() would return them. */
  items(): T[] {
    const found: T[] = [];
    for (const level of this.#levels)
      for (const item of level.toArray()) if (item.seq !== REMOVED) found.push(item);
    const interval = this.#agingInterval;
    const key = (item: T): number =>
      interval === Infinity ? item.priority : item.priority - item.since / interval;
    return found.sort((a, b) => key(b) - key(a) || a.seq - b.seq);
  }

  #reset(): void {
    this.#levels = [];
    this.#byPriority = new Map();
    this.#last = undefined;
    this.#only = undefined;
  }

  /** The best item without removing it. */
  peek(): T | undefined {
    return this.#best()?.peek();
  }

  /** Removes and returns the best item. */
  pop(): T | undefined {
    const level = this.#best();
    if (level === undefined) return undefined;
    this.#size--;
    return level.shift()!; // after the peek() of #best() that found a live item
  }

  #best(): Level<T> | undefined {
    if (this.#size === 0) return undefined;
    const only = this.#only;
    if (only !== undefined) return only.peek() === undefined ? undefined : only;
    const levels = this.#levels;
    let best: Level<T> | undefined;
    let bestKey = -Infinity;
    let bestSeq = Infinity;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      const head = level.peek();
      if (head === undefined) {
        if (levels.length > 8) {
          // Drop empty levels so that many distinct priorities do not slow every pop.
          levels.splice(i--, 1);
          this.#byPriority.delete(level.priority);
          if (this.#last === level) this.#last = undefined;
        }
        continue;
      }
      const key =
        this.#agingInterval === Infinity
          ? head.priority
          : head.priority - head.since / this.#agingInterval;
      if (key > bestKey || (key === bestKey && head.seq < bestSeq)) {
        best = level;
        bestKey = key;
        bestSeq = head.seq;
      }
    }
    return best;
  }
}
