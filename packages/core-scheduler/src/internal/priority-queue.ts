// Priority queue with FIFO order within a priority and linear aging.
//
// Aging: a task's effective priority is `priority + waited / agingInterval`. Between two queued
// tasks the comparison `pa + (t − ta)/I  vs  pb + (t − tb)/I` does not depend on the current time
// t, so the order is static: key = priority − enqueuedAt / I. Within one priority the keys fall
// with enqueue time, so each priority level is a plain FIFO and popping compares only the heads
// of the (few) non-empty levels: O(levels) per pop, O(1) per push, and FIFO by construction.

export interface Queued {
  /** Changed only while the item is out of the queue. */
  readonly priority: number;
  /** Relative enqueue time (ms); only used when aging is on. */
  enqueuedAt: number;
  /** Submission order, to break exact ties. */
  seq: number;
  /** Set when the item left the queue early (cancelled); skipped and dropped lazily. */
  removed: boolean;
}

class Level<T extends Queued> {
  items: T[] = [];
  head = 0;
  constructor(readonly priority: number) {}

  /** First live item, dropping removed ones. */
  peek(): T | undefined {
    const items = this.items;
    while (this.head < items.length) {
      const item = items[this.head]!;
      if (!item.removed) return item;
      items[this.head++] = undefined as unknown as T;
    }
    return undefined;
  }

  shift(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as T;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
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
      }
      this.#last = level;
    }
    level.items.push(item);
    this.#size++;
  }

  /** Marks an item as removed; the caller must not remove one that is not queued. */
  remove(item: T): void {
    item.removed = true;
    // Emptied by removals (e.g. clear()): drop the removed items now rather than on later pops.
    if (--this.#size === 0) this.#reset();
  }

  /**
   * Takes a queued item out at once (O(n) in its level; for rare moves such as a priority change,
   * where a lazily removed item could be pushed again and appear twice).
   */
  delete(item: T): void {
    const level = this.#byPriority.get(item.priority);
    const index = level === undefined ? -1 : level.items.indexOf(item, level.head);
    if (level === undefined || index === -1) return;
    level.items.splice(index, 1);
    if (--this.#size === 0) this.#reset();
  }

  /** The live items, in the order pop() would return them. */
  items(): T[] {
    const found: T[] = [];
    for (const level of this.#levels) {
      for (let i = level.head; i < level.items.length; i++) {
        const item = level.items[i]!;
        if (!item.removed) found.push(item);
      }
    }
    const interval = this.#agingInterval;
    const key = (item: T): number =>
      interval === Infinity ? item.priority : item.priority - item.enqueuedAt / interval;
    return found.sort((a, b) => key(b) - key(a) || a.seq - b.seq);
  }

  #reset(): void {
    this.#levels = [];
    this.#byPriority = new Map();
    this.#last = undefined;
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
    return level.shift();
  }

  #best(): Level<T> | undefined {
    if (this.#size === 0) return undefined;
    const levels = this.#levels;
    if (levels.length === 1) {
      const only = levels[0]!;
      return only.peek() === undefined ? undefined : only;
    }
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
          : head.priority - head.enqueuedAt / this.#agingInterval;
      if (key > bestKey || (key === bestKey && head.seq < bestSeq)) {
        best = level;
        bestKey = key;
        bestSeq = head.seq;
      }
    }
    return best;
  }
}
