// Options of the Scheduler and of its methods: the public shapes only; validation is in
// internal/resolve-options.ts.
import type { SchedulerEvent } from './events.js';
import type { Executor } from './executor.js';
import type { AutoRoutingOptions } from './routing.js';
import type { OnFull, TaskKind, TaskOptions } from './task.js';

/**
 * At most `limit` task starts in any window of `interval` ms.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ rateLimit: { limit: 10, interval: 1000 } }); // 10 per second
 * ```
 */
export interface RateLimit {
  /** Starts allowed per window, a positive integer. */
  readonly limit: number;
  /**
   * Window length in ms: a positive number, any size (waits beyond setTimeout's 2^31−1 ms are
   * honoured), or `Infinity` for at most `limit` starts ever.
   */
  readonly interval: number;
}

/**
 * An executor with its own limits.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ io: { executor: new InlineExecutor(), concurrency: 64, rateLimit: { limit: 100, interval: 1000 } } });
 * ```
 */
export interface ExecutorOptions {
  /** The executor. */
  readonly executor: Executor;
  /**
   * Attempts running on it at once, a positive integer or `Infinity`.
   * @defaultValue the executor's `maxWorkers` if it has one (a pool), an `InlineExecutor`'s
   * `concurrency`, else `Infinity`
   */
  readonly concurrency?: number;
  /**
   * Rate limit of starts on this executor.
   * @defaultValue none
   */
  readonly rateLimit?: RateLimit;
  /**
   * Whether an error the executor rejected with is the executor's own failure (wrapped in
   * {@link ExecutorFailedError} naming the executor, e.g. a worker crash) rather than the task's.
   * @defaultValue errors whose `isExecutorFailure` property is `true` (see {@link Executor});
   *   @weft/process-pool marks its worker and pool failures so
   */
  readonly isFailure?: (error: unknown) => boolean;
}

/**
 * Anything that records scheduler events, such as {@link Recorder}.
 *
 * @example
 * ```ts
 * const sink: EventSink = { record: (event) => console.log(event.type) };
 * ```
 */
export interface EventSink {
  /**
   * Receives one event.
   * @param event - The event.
   */
  record(event: SchedulerEvent): void;
}

/**
 * The OpenTelemetry providers a scheduler records its spans and metrics with, instead of the
 * globally registered ones. Structural types: no OpenTelemetry type is needed to compile against
 * this package; pass the SDK's `TracerProvider` and `MeterProvider` objects.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 *
 * const scheduler = new Scheduler({
 *   name: 'crawler',
 *   telemetry: { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() },
 * });
 * ```
 */
export interface SchedulerTelemetryOptions {
  /** Where the task and run spans go (an OpenTelemetry `TracerProvider`). */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** Where the scheduler's metrics go (an OpenTelemetry `MeterProvider`). */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}

/**
 * Options of {@link Scheduler}.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({
 *   cpu: pool,                       // CPU-bound work: a @weft/process-pool Pool
 *   io: { executor: new InlineExecutor(), concurrency: 32 },
 *   concurrency: 64,
 *   maxPending: 10_000,
 *   defaultKind: 'auto',
 * });
 * ```
 */
export interface SchedulerOptions {
  /**
   * Executor for CPU-bound work (`kind: 'cpu'`, and `'auto'` tasks measured CPU-bound).
   * @defaultValue none: such tasks run on the I/O executor
   */
  readonly cpu?: Executor | ExecutorOptions;
  /**
   * Executor for I/O-bound work.
   * @defaultValue a new {@link InlineExecutor} with no limit of its own
   */
  readonly io?: Executor | ExecutorOptions;
  /**
   * Attempts running at once across all executors, a positive integer or `Infinity`.
   * @defaultValue `Infinity`
   */
  readonly concurrency?: number;
  /**
   * Rate limit of starts across all executors.
   * @defaultValue none
   */
  readonly rateLimit?: RateLimit;
  /**
   * Units available for starts (Bottleneck's `reservoir`): each start spends its task's `weight`;
   * when too few are left, tasks wait for a refresh, an increase, `incrementReservoir()` or
   * `setReservoir()`. A non-negative integer.
   * @defaultValue none (no reservoir)
   */
  readonly reservoir?: number;
  /**
   * Every this many ms the reservoir is set to `reservoirRefreshAmount` (any size; beyond
   * setTimeout's 2^31−1 ms is honoured). Needs `reservoir` and `reservoirRefreshAmount`.
   * @defaultValue none
   */
  readonly reservoirRefreshInterval?: number;
  /**
   * What the reservoir is set to at each refresh, a non-negative integer.
   * @defaultValue none
   */
  readonly reservoirRefreshAmount?: number;
  /**
   * Every this many ms the reservoir grows by `reservoirIncreaseAmount`, up to
   * `reservoirIncreaseMaximum`. Needs `reservoir` and `reservoirIncreaseAmount`.
   * @defaultValue none
   */
  readonly reservoirIncreaseInterval?: number;
  /**
   * Units added at each increase, a positive integer.
   * @defaultValue none
   */
  readonly reservoirIncreaseAmount?: number;
  /**
   * Increases stop at this many units.
   * @defaultValue `Infinity`
   */
  readonly reservoirIncreaseMaximum?: number;
  /**
   * Least time in ms between two task starts (Bottleneck's `minTime`), a finite number ≥ 0.
   * @defaultValue `0`
   */
  readonly minTime?: number;
  /**
   * Per-attempt timeout in ms of tasks that do not give their own `timeout` (see
   * {@link TaskOptions.timeout}); `Infinity` for none.
   * @defaultValue none
   */
  readonly timeout?: number;
  /**
   * Tasks that may wait in the queues (not yet started), a positive integer or `Infinity`.
   * @defaultValue `Infinity`
   */
  readonly maxPending?: number;
  /**
   * What a task does when `maxPending` is reached, unless it says otherwise (see {@link OnFull}).
   * @defaultValue `'wait'`
   */
  readonly onFull?: OnFull;
  /**
   * Waiting this many ms raises a queued task's priority by 1, so low priorities are not starved;
   * `Infinity` turns aging off.
   * @defaultValue `1000`
   */
  readonly agingInterval?: number;
  /**
   * Kind of tasks that do not give one.
   * @defaultValue `'io'`
   */
  readonly defaultKind?: TaskKind;
  /**
   * How `auto` routing learns.
   * @defaultValue see {@link AutoRoutingOptions}
   */
  readonly auto?: AutoRoutingOptions;
  /**
   * Start paused: tasks queue until `resume()`.
   * @defaultValue `false`
   */
  readonly paused?: boolean;
  /**
   * Receives every event (e.g. a {@link Recorder}).
   * @defaultValue none
   */
  readonly recorder?: EventSink;
  /**
   * A name for this scheduler, a non-empty string: the `weft.scheduler.name` attribute of its
   * spans and metrics (README, "OpenTelemetry").
   * @defaultValue none (the attribute is left out)
   */
  readonly name?: string;
  /**
   * OpenTelemetry (README, "OpenTelemetry"): `true` records spans and metrics with the globally
   * registered providers when `@opentelemetry/api` is installed and an SDK is registered, and
   * does nothing otherwise; an object passes providers of your own; `false` turns it off. Each
   * task gets a `weft.task <name>` span with one `weft.run <name>` span per attempt, and the
   * task's code (or the executor it is handed to) runs in the run span's context. The meter
   * provider is looked up once, here; the global tracer provider's delegate once per task.
   * @defaultValue `true`
   */
  readonly telemetry?: boolean | SchedulerTelemetryOptions;
}

/**
 * Options of {@link Scheduler.map}: task options for every item, plus a limit of items in flight.
 *
 * @example
 * ```ts
 * await scheduler.map(resize, files, { kind: 'cpu', limit: 8 });
 * ```
 */
export interface MapOptions extends TaskOptions {
  /**
   * Items scheduled and not yet settled at once, a positive integer or `Infinity`; the iterable
   * is read only as fast as this allows.
   * @defaultValue `Infinity`
   */
  readonly limit?: number;
}

/**
 * Options of {@link Scheduler.close}.
 *
 * @example
 * ```ts
 * await scheduler.close({ cancelPending: true });
 * ```
 */
export interface CloseOptions {
  /**
   * Reject tasks not yet started with `SchedulerClosedError` instead of running them.
   * @defaultValue `false`
   */
  readonly cancelPending?: boolean;
}

/**
 * Limits of one executor to change with {@link Scheduler.updateLimits}.
 *
 * @example
 * ```ts
 * scheduler.updateLimits({ io: { concurrency: 8, rateLimit: { limit: 20, interval: 1000 } } });
 * ```
 */
export interface ExecutorLimitUpdate {
  /** Attempts running on it at once, a positive integer or `Infinity`. */
  readonly concurrency?: number;
  /** Its rate limit of starts; `null` removes it. */
  readonly rateLimit?: RateLimit | null;
}

/**
 * Limits to change on a running {@link Scheduler} with {@link Scheduler.updateLimits}
 * (Bottleneck's `updateSettings`, p-queue's setters). Each field left out keeps its value; the
 * fields mean what they mean in {@link SchedulerOptions}.
 *
 * @example
 * ```ts
 * scheduler.updateLimits({ concurrency: 4, rateLimit: { limit: 50, interval: 1000 }, minTime: 10 });
 * scheduler.updateLimits({ rateLimit: null, reservoir: null }); // no rate limit, no reservoir
 * ```
 */
export interface LimitUpdate {
  /** Attempts running at once across all executors, a positive integer or `Infinity`. */
  readonly concurrency?: number;
  /** Rate limit of starts across all executors; `null` removes it. */
  readonly rateLimit?: RateLimit | null;
  /** Least ms between two starts, a finite number ≥ 0 (`0`: none). */
  readonly minTime?: number;
  /**
   * Units left in the reservoir now (with no reservoir yet: one is made); `null` removes the
   * reservoir and its refresh and increase settings.
   */
  readonly reservoir?: number | null;
  /** Refresh period in ms (`Infinity`: no refresh); a changed period counts from now. */
  readonly reservoirRefreshInterval?: number;
  /** What the reservoir is set to at each refresh. */
  readonly reservoirRefreshAmount?: number;
  /** Increase period in ms (`Infinity`: no increase); a changed period counts from now. */
  readonly reservoirIncreaseInterval?: number;
  /** Units added at each increase. */
  readonly reservoirIncreaseAmount?: number;
  /** Increases stop at this many units. */
  readonly reservoirIncreaseMaximum?: number;
  /** Default per-attempt timeout in ms of tasks scheduled from now on; `Infinity` for none. */
  readonly timeout?: number;
  /** Tasks that may wait in the queues; raised, waiting tasks enter at once. */
  readonly maxPending?: number;
  /** Default overflow strategy of tasks scheduled from now on. */
  readonly onFull?: OnFull;
  /** Limits of the I/O executor. */
  readonly io?: ExecutorLimitUpdate;
  /** Limits of the CPU executor (only when one is configured). */
  readonly cpu?: ExecutorLimitUpdate;
}
