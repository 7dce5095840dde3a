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

  empty(): Promise<void> {
    return new Promise((resolve) => this.#empty.push(resolve));
  }

  idle(): Promise<void> {
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  runningZero(): Promise<void> {
    return new Promise((resolve) => this.#runningZero.push(resolve));
  }

  sizeLessThan(limit: number): Promise<void> {
    return new Promise((resolve) => this.#size.push({ limit, resolve }));
  }

  ready(): Promise<void> {
    return new Promise((resolve) => this.#ready.push(resolve));
  }

  notify(state: WaitedState): void {
    if (this.#empty.length !== 0 && state.pending === 0) this.#empty = release(this.#empty);
    if (this.#idle.length !== 0 && state.isIdle()) this.#idle = release(this.#idle);
    if (this.#runningZero.length !== 0 && state.running === 0)
      this.#runningZero = release(this.#runningZero);
    if (this.#size.length !== 0) {
      const size = state.pending;
      const waiters = this.#size;
      this.#size = waiters.filter((waiter) => size >= waiter.limit);
      for (const waiter of waiters) if (size < waiter.limit) waiter.resolve();
    }
    if (this.#ready.length !== 0 && state.hasRoom()) this.#ready = release(this.#ready);
  }
}

function release(waiters: (() => void)[]): (() => void)[] {
  for (const resolve of waiters) resolve();
  return [];
}
