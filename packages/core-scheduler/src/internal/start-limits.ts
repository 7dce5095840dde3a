// Bottleneck-style limits on starts: a reservoir of units that each start spends (its `weight`),
// refreshed to a fixed amount or increased by steps on a schedule, and a minimum time between
// starts. Computed lazily from the clock at each check, so no timer runs while nothing waits;
// the run loop arms one wake-up for the time `allowedAt` names.

export interface StartLimitsConfig {
  readonly reservoir: number;
  readonly refreshInterval: number | undefined;
  readonly refreshAmount: number;
  readonly increaseInterval: number | undefined;
  readonly increaseAmount: number;
  readonly increaseMaximum: number;
  readonly minTime: number;
}

export class StartLimits {
  readonly #config: StartLimitsConfig;
  /** Units left now (`Infinity`: no reservoir). */
  #units: number;
  #nextRefresh: number;
  #nextIncrease: number;
  #lastStart = -Infinity;

  /** The settings these limits were made with. */
  get config(): StartLimitsConfig {
    return this.#config;
  }

  constructor(config: StartLimitsConfig, time: number) {
    this.#config = config;
    this.#units = config.reservoir;
    this.#nextRefresh =
      config.refreshInterval === undefined ? Infinity : time + config.refreshInterval;
    this.#nextIncrease =
      config.increaseInterval === undefined ? Infinity : time + config.increaseInterval;
  }

  /** Units left at `time`, after the refreshes and increases due by then. */
  units(time: number): number {
    const config = this.#config;
    if (time >= this.#nextRefresh) {
      const interval = config.refreshInterval!;
      this.#units = config.refreshAmount;
      // Skip the refreshes missed while nothing looked: the next one is the first after `time`.
      this.#nextRefresh += interval * (Math.floor((time - this.#nextRefresh) / interval) + 1);
      // An increase schedule restarts its steps from the refreshed amount.
    }
    if (time >= this.#nextIncrease) {
      const interval = config.increaseInterval!;
      const steps = Math.floor((time - this.#nextIncrease) / interval) + 1;
      this.#nextIncrease += interval * steps;
      if (this.#units < config.increaseMaximum)
        this.#units = Math.min(config.increaseMaximum, this.#units + steps * config.increaseAmount);
    }
    return this.#units;
  }

  /**
   * Takes over the state of the limits these replace (`updateLimits`): the last start, and the
   * refresh and increase schedules whose interval did not change (a changed one counts from now).
   */
  continueFrom(old: StartLimits): void {
    this.#lastStart = old.#lastStart;
    if (old.#config.refreshInterval === this.#config.refreshInterval)
      this.#nextRefresh = old.#nextRefresh;
    if (old.#config.increaseInterval === this.#config.increaseInterval)
      this.#nextIncrease = old.#nextIncrease;
  }

  /** Sets the units left (Bottleneck's `updateSettings({ reservoir })`). */
  set(units: number): void {
    this.#units = units;
  }

  /** Adds units (negative to take some); returns the new count. */
  add(units: number, time: number): number {
    this.#units = this.units(time) + units;
    return this.#units;
  }

  /**
   * When a start of `weight` units is allowed: `-Infinity` if now, a time to wake up at, or
   * `Infinity` if only `incrementReservoir()` or `setReservoir()` can allow it.
   */
  allowedAt(weight: number, time: number): number {
    let at = this.#lastStart + this.#config.minTime;
    if (at <= time) at = -Infinity;
    if (this.units(time) < weight) {
      const refill = Math.min(this.#nextRefresh, this.#nextIncrease);
      if (refill > at) at = refill;
    }
    return at;
  }

  /** Records a start of `weight` units at `time`; returns the units left. */
  record(weight: number, time: number): number {
    this.#lastStart = time;
    if (this.#units !== Infinity) this.#units -= weight;
    return this.#units;
  }
}
