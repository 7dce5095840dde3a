// The caller's side of Weft's OpenTelemetry support: one `weft.task <name>` span (kind PRODUCER)
// per executor call, from its submission to its settle, a child of the context active at the call;
// the call's job carries the span's W3C trace context (see traceparent.ts) so that the worker runs
// the task as its child. And two metrics: calls in flight and call duration. Created only when a
// tracer or meter provider is registered: otherwise the executor's call path is unchanged.
import type { Histogram, Span, Tracer, UpDownCounter } from '@opentelemetry/api';
import { metricsOn, otelApi, PACKAGE_NAME, packageVersion, tracingOn } from './telemetry.js';
import type { OtelApi } from './telemetry.js';
import { carrierOf } from './traceparent.js';
import type { TraceCarrier } from './traceparent.js';

/**
 * `error.type`, the same in every Weft package (apps/playground/test/shared-contracts.test.ts pins
 * the copies): a non-empty `code` (a Weft error's stable code), else a non-empty `name`, else
 * `_OTHER`.
 */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  // OpenTelemetry's value for "no type known" (a thrown string, a nameless object).
  return '_OTHER';
}

/** Records `error` on `span`: the exception, status ERROR with its message, and `error.type`. */
export function recordError(otel: OtelApi, span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', errorType(error));
}

interface CallMetrics {
  readonly inflight: UpDownCounter;
  readonly duration: Histogram;
}

export class CallTelemetry {
  readonly #otel: OtelApi;
  readonly #queue: string;
  readonly #tracer: Tracer | undefined;
  readonly #metrics: CallMetrics | undefined;

  private constructor(otel: OtelApi, queue: string, tracer?: Tracer, metrics?: CallMetrics) {
    this.#otel = otel;
    this.#queue = queue;
    this.#tracer = tracer;
    this.#metrics = metrics;
  }

  /**
   * The telemetry of an executor on `queue`, or `undefined` when there is nothing to record to:
   * `@opentelemetry/api` is not installed, or neither a tracer nor a meter provider is registered
   * (checked when the executor connects, not per call).
   */
  static create(queue: string): CallTelemetry | undefined {
    const otel = otelApi();
    if (otel === undefined) return undefined;
    const tracing = tracingOn(otel);
    const measuring = metricsOn(otel);
    if (!tracing && !measuring) return undefined;
    const version = packageVersion();
    const tracer = tracing ? otel.trace.getTracer(PACKAGE_NAME, version) : undefined;
    let metrics: CallMetrics | undefined;
    if (measuring) {
      const meter = otel.metrics.getMeter(PACKAGE_NAME, version);
      metrics = {
        inflight: meter.createUpDownCounter('weft.distributed.calls.inflight', {
          description: 'Executor calls submitted and not yet settled',
          unit: '{call}',
        }),
        duration: meter.createHistogram('weft.distributed.call.duration', {
          description: 'Time from submitting an executor call to its settle',
          unit: 's',
        }),
      };
    }
    return new CallTelemetry(otel, queue, tracer, metrics);
  }

  /**
   * Runs `submit` (the call's submission) inside a new `weft.task <name>` span, giving it the trace
   * context to put in the job, and ends the span (and records the metrics) when the call settles.
   */
  call<T>(name: string, submit: (carrier: TraceCarrier | undefined) => Promise<T>): Promise<T> {
    const otel = this.#otel;
    const attributes = {
      'weft.task.name': name,
      'weft.worker.kind': 'distributed',
      'messaging.system': 'bullmq',
      'messaging.destination.name': this.#queue,
    };
    const metrics = this.#metrics;
    const begin = performance.now();
    metrics?.inflight.add(1, attributes);
    let span: Span | undefined;
    let done: Promise<T>;
    if (this.#tracer === undefined) {
      done = submit(undefined);
    } else {
      const active = otel.context.active();
      span = this.#tracer.startSpan(
        `weft.task ${name}`,
        { kind: otel.SpanKind.PRODUCER, attributes },
        active,
      );
      const carrier = carrierOf(span.spanContext());
      // The submission (and the jobs it adds, retries included) runs in the span's context.
      done = otel.context.with(otel.trace.setSpan(active, span), () => submit(carrier));
    }
    const settle = (error: unknown, failed: boolean): void => {
      if (metrics !== undefined) {
        metrics.inflight.add(-1, attributes);
        const seconds = (performance.now() - begin) / 1000;
        metrics.duration.record(
          seconds,
          failed ? { ...attributes, 'error.type': errorType(error) } : attributes,
        );
      }
      if (span === undefined) return;
      if (failed) recordError(otel, span, error);
      span.end();
    };
    done.then(
      () => settle(undefined, false),
      (error: unknown) => settle(error, true),
    );
    return done;
  }
}
