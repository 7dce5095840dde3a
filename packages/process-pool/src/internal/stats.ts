// Rolling samples for the pool's wait/run percentiles: a fixed ring of the most recent samples,
// sorted only when someone asks for stats (nearest-rank percentiles).

export class Samples {
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity = 4096) {
    this.#ring = new Float64Array(capacity);
  }

  add(value: number): void {
    this.#ring[this.#next] = value;
    this.#next = (this.#next + 1) % this.#ring.length;
    if (this.#count < this.#ring.length) this.#count++;
  }

  percentiles(): { readonly p50: number; readonly p95: number; readonly p99: number } {
    if (this.#count === 0) return { p50: 0, p95: 0, p99: 0 };
    const sorted = this.#ring.slice(0, this.#count).sort();
    const at = (p: number): number =>
      sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}
