// A first-in first-out list in linked chunks, for the scheduler's queues. An array used as a queue
// grows by copying itself into a larger backing store (and, with a moving head, compacts by copying
// again): with 100,000 queued tasks those copies were ~40 bytes of garbage per task, in large
// objects. Here push and shift never copy: a chunk is filled, then linked to a new one, and a chunk
// read to its end is dropped (the last full-size one is kept as a spare for the next push).

/** Slots of a list's first chunk: a queue that stays short never holds more. */
const FIRST_CHUNK = 16;
/** Slots of the largest chunk (8 KiB of references: an ordinary heap object, not a large one). */
const MAX_CHUNK = 1024;

class Chunk<T> {
  readonly slots: (T | undefined)[];
  next: Chunk<T> | undefined = undefined;

  constructor(size: number) {
    this.slots = new Array<T | undefined>(size).fill(undefined);
  }
}

/**
 * A FIFO of objects with O(1) `push`, `first` and `shift`, and `delete` of any item by a search
 * (its slot becomes a hole that reads skip). An emptied chunk is dropped, so memory follows the
 * length of the queue, not its peak.
 */
export class Fifo<T extends object> {
  /** The chunk read from, and the next slot to read in it. */
  #head: Chunk<T>;
  #headAt = 0;
  /** The chunk written to, and the next slot to write in it. */
  #tail: Chunk<T>;
  #tailAt = 0;
  /** A full-size chunk read to its end, kept for the next one needed. */
  #spare: Chunk<T> | undefined = undefined;

  constructor() {
    this.#head = this.#tail = new Chunk<T>(FIRST_CHUNK);
  }

  /** Adds `item` at the end. */
  push(item: T): void {
    let tail = this.#tail;
    if (this.#tailAt === tail.slots.length) {
      const size = Math.min(tail.slots.length * 2, MAX_CHUNK);
      const spare = this.#spare;
      const next = spare !== undefined && size === MAX_CHUNK ? spare : new Chunk<T>(size);
      if (next === spare) this.#spare = undefined;
      tail.next = next;
      this.#tail = tail = next;
      this.#tailAt = 0;
    }
    tail.slots[this.#tailAt++] = item;
  }

  /** The oldest item, left in place; `undefined` if there is none. */
  first(): T | undefined {
    for (;;) {
      const chunk = this.#head;
      const slots = chunk.slots;
      const end = chunk === this.#tail ? this.#tailAt : slots.length;
      while (this.#headAt < end) {
        const item = slots[this.#headAt];
        if (item !== undefined) return item;
        this.#headAt++; // a deleted item's hole
      }
      if (chunk === this.#tail) {
        // Empty: write from the start of this chunk again, and keep no spare (an idle queue
        // holds one chunk at most).
        this.#headAt = this.#tailAt = 0;
        this.#spare = undefined;
        return undefined;
      }
      this.#head = chunk.next!;
      this.#headAt = 0;
      chunk.next = undefined;
      if (slots.length === MAX_CHUNK) this.#spare = chunk; // every slot is read, so unset
    }
  }

  /** Takes out the oldest item; `undefined` if there is none. */
  shift(): T | undefined {
    // The usual case first (after a first() that found the head): the slot to read holds it.
    const slots = this.#head.slots;
    const at = this.#headAt;
    if (at < (this.#head === this.#tail ? this.#tailAt : slots.length)) {
      const head = slots[at];
      if (head !== undefined) {
        slots[at] = undefined;
        this.#headAt = at + 1;
        return head;
      }
    }
    const item = this.first();
    if (item !== undefined) this.#head.slots[this.#headAt++] = undefined;
    return item;
  }

  /** Takes `item` out wherever it is (O(length)); whether it was there. */
  delete(item: T): boolean {
    for (let chunk: Chunk<T> | undefined = this.#head; chunk !== undefined; chunk = chunk.next) {
      const start = chunk === this.#head ? this.#headAt : 0;
      const end = chunk === this.#tail ? this.#tailAt : chunk.slots.length;
      const at = chunk.slots.indexOf(item, start);
      if (at !== -1 && at < end) {
        chunk.slots[at] = undefined;
        return true;
      }
    }
    return false;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const found: T[] = [];
    for (let chunk: Chunk<T> | undefined = this.#head; chunk !== undefined; chunk = chunk.next) {
      const end = chunk === this.#tail ? this.#tailAt : chunk.slots.length;
      for (let i = chunk === this.#head ? this.#headAt : 0; i < end; i++) {
        const item = chunk.slots[i];
        if (item !== undefined) found.push(item);
      }
    }
    return found;
  }
}
