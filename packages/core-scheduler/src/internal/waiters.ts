// Promises that wait for a condition of the scheduler (empty, idle, nothing running, fewer than n
// queued, room to queue), settled by the run loop after each drain.

export interface WaitedState {
  readonly pending: number;
  readonly running: number;
  isIdle(): boolean;
  hasRoom(): boolean;
}

export class Waiters {
  #empty: (() => void)[] = [];
  #idle: (() => void)[] = [];
  #runningZero: (() => void)[] = [];
  #size: { limit: number; resolve: () => void }[] = [];
  #ready: (() => void)[] = [];
  /**
   * Promises waiting, in all the lists: while 0, `notify` (once per drain, so per task) reads no
   * list. With many schedulers (a SchedulerGroup's keys) each list read was one more cache line
   * of another scheduler to fetch per task.
   */
  #count = 0;

  empty(): Promise<void> {
    this.#count++;
    return new Promise((resolve) => this.#empty.push(resolve));
  }

  idle(): Promise<void> {
    this.#count++;
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  runningZero(): Promise<void> {
    this.#count++;
    return new Promise((resolve) => this.#runningZero.push(resolve));
  }

  sizeLessThan(limit: number): Promise<void> {
    this.#count++;
    return new Promise((resolve) => this.#size.push({ limit, resolve }));
  }

  ready(): Promise<void> {
    this.#count++;
    return new Promise((resolve) => this.#ready.push(resolve));
  }

  notify(state: WaitedState): void {
    if (this.#count === 0) return;
    if (this.#empty.length !== 0 && state.pending === 0) this.#empty = this.#release(this.#empty);
    if (this.#idle.length !== 0 && state.isIdle()) this.#idle = this.#release(this.#idle);
    if (this.#runningZero.length !== 0 && state.running === 0)
      this.#runningZero = this.#release(this.#runningZero);
    if (this.#size.length !== 0) {
      const size = state.pending;
      const waiters = this.#size;
      this.#size = waiters.filter((waiter) => size >= waiter.limit);
      this.#count -= waiters.length - this.#size.length;
      for (const waiter of waiters) if (size < waiter.limit) waiter.resolve();
    }
    if (this.#ready.length !== 0 && state.hasRoom()) this.#ready = this.#release(this.#ready);
  }

  #release(waiters: (() => void)[]): (() => void)[] {
    this.#count -= waiters.length;
    for (const resolve of waiters) resolve();
    return [];
  }
}
