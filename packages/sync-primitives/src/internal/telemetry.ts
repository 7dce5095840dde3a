// OpenTelemetry for lock waits (names: docs/guides/tracing-with-opentelemetry.md): off until
// configureLockTelemetry() turns it on. Only the contended path of an async lock calls in here
// (`watchWait`, one comparison when off); the uncontended acquire is untouched. A wait longer than
// the threshold becomes a `weft.lock.wait <Kind>` span (a child of the waiter's context, back-dated
// to when the wait began), and every contended wait is recorded in the `weft.lock.wait.duration`
// histogram. `@opentelemetry/api` is an optional peer, loaded here lazily and nowhere else.
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Histogram, Tracer } from '@opentelemetry/api';

type Api = typeof OtelApi;

const PACKAGE = '@weft/sync-primitives';

let api: Api | null | undefined;
function loadApi(): Api | undefined {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as Api;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === PACKAGE && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this one
    }
  }
  return '0.0.0';
}

/** What a lock wait is recorded with while lock telemetry is on. */
export class LockTelemetry {
  readonly #api: Api;
  readonly #tracer: Tracer;
  readonly #histogram: Histogram;
  readonly #thresholdMs: number;

  constructor(
    otel: Api,
    thresholdMs: number,
    tracerProvider: OtelApi.TracerProvider | undefined,
    meterProvider: OtelApi.MeterProvider | undefined,
  ) {
    this.#api = otel;
    this.#thresholdMs = thresholdMs;
    const version = packageVersion();
    this.#tracer = (tracerProvider ?? otel.trace.getTracerProvider()).getTracer(PACKAGE, version);
    this.#histogram = (meterProvider ?? otel.metrics.getMeterProvider())
      .getMeter(PACKAGE, version)
      .createHistogram('weft.lock.wait.duration', {
        description: 'Time a contended lock acquire waited',
        unit: 's',
      });
  }

  /** Follow the wait `promise` of a `kind` lock that began now; returns what the caller awaits. */
  watch<T>(kind: string, promise: Promise<T>): Promise<T> {
    const otel = this.#api;
    const parent = otel.context.active();
    const start = performance.now();
    const done = (outcome: 'acquired' | 'timeout' | 'aborted', error?: unknown): void => {
      const waitedMs = performance.now() - start;
      const attributes = { 'weft.lock.kind': kind, 'weft.lock.outcome': outcome };
      this.#histogram.record(waitedMs / 1000, attributes);
      if (waitedMs < this.#thresholdMs) return;
      const span = this.#tracer.startSpan(
        `weft.lock.wait ${kind}`,
        { attributes, startTime: performance.timeOrigin + start },
        parent,
      );
      if (error !== undefined) {
        const code = (error as { code?: unknown }).code;
        span.setAttribute('error.type', typeof code === 'string' ? code : (error as Error).name);
        if (error instanceof Error) span.recordException(error);
        span.setStatus({
          code: otel.SpanStatusCode.ERROR,
          message: String((error as Error).message),
        });
      }
      span.end(performance.timeOrigin + start + waitedMs);
    };
    return promise.then(
      (value) => {
        done(value === false ? 'timeout' : 'acquired');
        return value;
      },
      (error: unknown) => {
        done('aborted', error);
        throw error;
      },
    );
  }
}

/** The lock telemetry in force; `undefined` while it is off (the default). */
export let lockTelemetry: LockTelemetry | undefined;

/** Turn lock telemetry on (returns whether `@opentelemetry/api` resolved) or off. */
export function setLockTelemetry(
  on: false | { thresholdMs: number; tracerProvider?: unknown; meterProvider?: unknown },
): boolean {
  if (on === false) {
    lockTelemetry = undefined;
    return false;
  }
  const otel = loadApi();
  if (otel === undefined) {
    lockTelemetry = undefined;
    return false;
  }
  lockTelemetry = new LockTelemetry(
    otel,
    on.thresholdMs,
    on.tracerProvider as OtelApi.TracerProvider | undefined,
    on.meterProvider as OtelApi.MeterProvider | undefined,
  );
  return true;
}

/** The contended path's hook: `promise` itself while lock telemetry is off. */
export function watchWait<T>(kind: string, promise: Promise<T>): Promise<T> {
  return lockTelemetry === undefined ? promise : lockTelemetry.watch(kind, promise);
}
