// A FIFO queue with O(1) push/shift/unshift (a growable ring buffer): the pool's task queue and
// each worker's in-flight list see hundreds of thousands of operations per second.

export class Deque<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(16);
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  unshift(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = item;
    this.#size++;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return item;
  }

  /** Take the last item out (the dispatcher takes back a worker's unstarted tail). */
  pop(): T | undefined {
    if (this.#size === 0) return undefined;
    const at = (this.#head + this.#size - 1) & (this.#items.length - 1);
    const item = this.#items[at];
    this.#items[at] = undefined;
    this.#size--;
    return item;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  at(index: number): T | undefined {
    return index < 0 || index >= this.#size
      ? undefined
      : this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  /** Remove one item (linear; used only for cancellation). */
  remove(item: T): boolean {
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) & (this.#items.length - 1);
      if (this.#items[at] === item) {
        for (let j = i; j < this.#size - 1; j++) {
          this.#items[(this.#head + j) & (this.#items.length - 1)] =
            this.#items[(this.#head + j + 1) & (this.#items.length - 1)];
        }
        this.#items[(this.#head + this.#size - 1) & (this.#items.length - 1)] = undefined;
        this.#size--;
        return true;
      }
    }
    return false;
  }

  /** Take every item out, in order. */
  drain(): T[] {
    const all: T[] = [];
    while (this.#size > 0) all.push(this.shift()!);
    return all;
  }

  #grow(): void {
    const next = new Array<T | undefined>(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++)
      next[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
