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

  /**
   * A limiter with a new limit and window that remembers this one's most recent starts, so a
   * change while running neither forgets the window nor lets a burst through.
   */
  resized(limit: number, interval: number): RateLimiter {
    const next = new RateLimiter(limit, interval);
    const size = this.limit;
    const oldest = (this.#next - this.#count + size) % size;
    for (let i = Math.max(0, this.#count - limit); i < this.#count; i++)
      next.record(this.#ring[(oldest + i) % size]!);
    return next;
  }

  record(time: number): void {
    this.#ring[this.#next] = time;
    this.#next = (this.#next + 1) % this.limit;
    if (this.#count < this.limit) this.#count++;
  }
}
