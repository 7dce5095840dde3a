// Sliding-log rate limiter: at most `limit` starts in any window of `interval` ms. Keeps the last
// `limit` start times in a ring; a start is allowed when the oldest of them left the window.

export class RateLimiter {
  readonly limit: number;
  readonly interval: number;
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(limit: number, interval: number) {
    this.limit = limit;
    this.interval = interval;
    this.#ring = new Float64Array(limit);
  }

  /** Time (ms) from which a start is allowed; `-Infinity` if now. */
  allowedAt(): number {
    if (this.#count < this.limit) return -Infinity;
    return this.#ring[this.#next]! + this.interval;
  }

  record(time: number): void {
    this.#ring[this.#next] = time;
    this.#next = (this.#next + 1) % this.limit;
    if (this.#count < this.limit) this.#count++;
  }
}
