// The limits of a Scheduler changed while it runs: concurrency (all, per executor), every limit at
// once with updateLimits(), and the reservoir read and changed by hand; isRateLimited().
import { InvalidOptionError } from './errors.js';
import { now } from './internal/clock.js';
import { checkConcurrency, updateLimits } from './internal/limit-update.js';
import { loopOf, type RunLoop } from './internal/scheduler-parts.js';
import type { StartLimits } from './internal/start-limits.js';
import { positiveIntegerOrInfinity } from './internal/validate.js';
import type { LimitUpdate, SchedulerOptions } from './scheduler-options.js';
import { SchedulerInspection } from './scheduler-inspection.js';

/** The limit methods of {@link Scheduler} (documented there). */
export class SchedulerLimits extends SchedulerInspection {
  readonly #loop: RunLoop;

  /** @param options - See {@link SchedulerOptions}. */
  constructor(options: SchedulerOptions) {
    super(options);
    this.#loop = loopOf(this);
  }

  /**
   * Attempts running at once across all executors, a positive integer or `Infinity`. Setting it
   * takes effect at once: raised, queued tasks start now; lowered, running ones go on and no
   * new one starts until fewer than the new limit run.
   *
   * @throws {@link InvalidOptionError} (on set) for anything but a positive integer or `Infinity`.
   *
   * @example
   * ```ts
   * scheduler.concurrency = 4; // e.g. when the downstream service reports overload
   * ```
   */
  get concurrency(): number {
    return this.#loop.concurrency;
  }

  set concurrency(value: number) {
    this.#loop.concurrency = checkConcurrency(this.#loop, 'concurrency', value);
    this.#loop.drain();
  }

  /**
   * Changes limits while tasks run (Bottleneck's `updateSettings`): concurrency, rate limits,
   * `minTime`, the reservoir and its schedule, the default `timeout`, `maxPending`/`onFull`, and
   * each executor's concurrency and rate limit. Every field is checked before any applies. The
   * change takes effect at once in both directions: raised limits start queued tasks now; lowered
   * ones let running tasks go on and start no new one until the new limit allows. A changed rate
   * limit keeps the starts already made in its window.
   *
   * @param limits - The limits to change; see {@link LimitUpdate}.
   * @throws {@link InvalidOptionError} naming the first bad field (then nothing changed),
   * including a `concurrency` below the weight of a task not yet started.
   *
   * @example
   * ```ts
   * // the API answered 429: slow down, then speed up again a minute later
   * scheduler.updateLimits({ rateLimit: { limit: 5, interval: 1000 }, concurrency: 2 });
   * setTimeout(() => scheduler.updateLimits({ rateLimit: { limit: 50, interval: 1000 }, concurrency: 16 }), 60_000);
   * ```
   */
  updateLimits(limits: LimitUpdate): void {
    updateLimits(this.#loop, limits);
  }

  /**
   * Changes one executor's concurrency while running, with the same effect as setting
   * {@link Scheduler.concurrency} (raised: queued tasks start now; lowered: running ones go on).
   *
   * @param executor - `'cpu'` or `'io'`.
   * @param value - A positive integer or `Infinity`.
   * @throws {@link InvalidOptionError} for an executor not configured or a bad value.
   *
   * @example
   * ```ts
   * scheduler.setExecutorConcurrency('cpu', 2);
   * ```
   */
  setExecutorConcurrency(executor: 'cpu' | 'io', value: number): void {
    const loop = this.#loop;
    const lane = executor === 'io' ? loop.io : executor === 'cpu' ? loop.cpu : undefined;
    if (lane === undefined)
      throw new InvalidOptionError(
        'executor',
        executor,
        "'io', or 'cpu' when a cpu executor is set",
      );
    lane.limit = positiveIntegerOrInfinity(`${executor}.concurrency`, value);
    loop.drain();
  }

  /**
   * Whether tasks are queued and a rate rule (`rateLimit`, an executor's `rateLimit`, `minTime`,
   * the `reservoir`) holds them back now (p-queue's `isRateLimited`).
   *
   * @returns `true` while rate-limited.
   *
   * @example
   * ```ts
   * if (scheduler.isRateLimited()) console.log('waiting for the rate limit');
   * ```
   */
  isRateLimited(): boolean {
    return this.#loop.rateLimited;
  }

  /**
   * Units left in the reservoir (Bottleneck's `currentReservoir`), after any refresh or increase
   * due by now; `Infinity` without a `reservoir`.
   *
   * @returns The units left.
   *
   * @example
   * ```ts
   * console.log(`${scheduler.currentReservoir()} calls left this minute`);
   * ```
   */
  currentReservoir(): number {
    return this.#loop.limits?.units(now()) ?? Infinity;
  }

  /**
   * Adds units to the reservoir (negative to take some) and starts tasks it now allows
   * (Bottleneck's `incrementReservoir`).
   *
   * @param units - A finite integer.
   * @returns The units left after the change.
   * @throws {@link InvalidOptionError} without a `reservoir` option, or for a non-integer.
   *
   * @example
   * ```ts
   * scheduler.incrementReservoir(10); // the API granted 10 more calls
   * ```
   */
  incrementReservoir(units: number): number {
    const limits = this.#reservoir(units);
    const left = limits.add(units, now());
    this.#loop.drain();
    return left;
  }

  /**
   * Sets the units left in the reservoir and starts tasks it now allows (Bottleneck's
   * `updateSettings({ reservoir })`).
   *
   * @param units - An integer ≥ 0.
   * @throws {@link InvalidOptionError} without a `reservoir` option, or for a bad value.
   *
   * @example
   * ```ts
   * scheduler.setReservoir(100); // e.g. from the API's X-RateLimit-Remaining header
   * ```
   */
  setReservoir(units: number): void {
    const limits = this.#reservoir(units);
    if (units < 0) throw new InvalidOptionError('units', units, 'an integer ≥ 0');
    limits.set(units);
    this.#loop.drain();
  }

  #reservoir(units: number): StartLimits {
    const limits = this.#loop.limits;
    if (limits === undefined || limits.units(now()) === Infinity)
      throw new InvalidOptionError('reservoir', undefined, 'a reservoir set in SchedulerOptions');
    if (!Number.isInteger(units)) throw new InvalidOptionError('units', units, 'an integer');
    return limits;
  }
}
