// The public switch of lock-wait telemetry (OpenTelemetry); the recording is internal/telemetry.ts.
import { InvalidArgumentError } from './errors.js';
import { setLockTelemetry } from './internal/telemetry.js';
import { checkOptions, describe } from './internal/validate.js';

/**
 * Options of {@link configureLockTelemetry}. The providers are structural types (pass the
 * OpenTelemetry SDK's objects): no OpenTelemetry type is needed to compile against this package.
 *
 * @example
 * ```ts
 * import { configureLockTelemetry, type LockTelemetryOptions } from '@weft/sync-primitives';
 * const options: LockTelemetryOptions = { spanThresholdMs: 10 };
 * configureLockTelemetry(options);
 * ```
 */
export interface LockTelemetryOptions {
  /**
   * A contended wait at least this long (ms) becomes a `weft.lock.wait <Kind>` span; shorter ones
   * are only counted in the `weft.lock.wait.duration` histogram.
   * @defaultValue `10`
   */
  readonly spanThresholdMs?: number;
  /** Where the spans go (an OpenTelemetry `TracerProvider`); the global one by default. */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** Where the histogram goes (an OpenTelemetry `MeterProvider`); the global one by default. */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}

/**
 * Turn OpenTelemetry for lock waits on (off by default), or off again with `false`. While on, a
 * contended acquire of an {@link AsyncMutex}, {@link AsyncSemaphore} or {@link AsyncReadWriteLock}
 * that waits at least `spanThresholdMs` becomes a span `weft.lock.wait <Kind>` (attributes
 * `weft.lock.kind`, `weft.lock.outcome`), a child of the context the acquire was called in, and
 * every contended wait is recorded in the histogram `weft.lock.wait.duration` (seconds). An
 * acquire that does not wait is never touched, on or off.
 *
 * @param options - the span threshold and providers, or `false` to turn it off.
 * @returns whether lock telemetry is on: `false` after `false`, or when `@opentelemetry/api` is
 *   not installed.
 * @throws {@link InvalidArgumentError} for a `spanThresholdMs` that is not a number ≥ 0.
 * @example
 * ```ts
 * import { AsyncMutex, configureLockTelemetry } from '@weft/sync-primitives';
 * configureLockTelemetry({ spanThresholdMs: 5 });
 * const mutex = new AsyncMutex();
 * await mutex.acquire();
 * setTimeout(() => mutex.release(), 20);
 * await mutex.acquire(); // waited about 20 ms: one `weft.lock.wait AsyncMutex` span
 * mutex.release();
 * configureLockTelemetry(false);
 * ```
 */
export function configureLockTelemetry(options: LockTelemetryOptions | false = {}): boolean {
  if (options === false) return setLockTelemetry(false);
  checkOptions(options, 'configureLockTelemetry');
  const threshold = options.spanThresholdMs ?? 10;
  if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold < 0) {
    throw new InvalidArgumentError(
      `configureLockTelemetry: spanThresholdMs must be a number of ms >= 0; got ${describe(threshold)}`,
    );
  }
  return setLockTelemetry({
    thresholdMs: threshold,
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
  });
}
