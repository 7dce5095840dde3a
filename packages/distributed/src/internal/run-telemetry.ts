// The worker's side of Weft's OpenTelemetry support: one `weft.run <name>` span (kind CONSUMER) per
// attempt of a job, a child of the caller's `weft.task` span whose trace context the job carries
// (see traceparent.ts), and the context the task's code runs in: an inline task inside
// `context.with`, a pool task submitted inside it (the pool carries it on to its thread or
// process). Created only when this process has a tracer provider registered (weft-worker:
// NODE_OPTIONS="--import ./tracing.mjs"); otherwise the job path is unchanged.
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { recordError } from './call-telemetry.js';
import { otelApi, PACKAGE_NAME, packageVersion, tracingOn } from './telemetry.js';
import type { OtelApi } from './telemetry.js';
import { parseTraceparent, tracestateText } from './traceparent.js';
import type { JobData } from './wire.js';

/** One attempt's span: run the task inside it, then end it once. */
export interface RunSpan {
  within<T>(fn: () => T): T;
  end(failure?: { readonly error: unknown }): void;
}

export class RunTelemetry {
  readonly #otel: OtelApi;
  readonly #tracer: Tracer;
  readonly #worker: string;
  readonly #queue: string;

  private constructor(otel: OtelApi, worker: string, queue: string) {
    this.#otel = otel;
    this.#tracer = otel.trace.getTracer(PACKAGE_NAME, packageVersion());
    this.#worker = worker;
    this.#queue = queue;
  }

  /** The worker's telemetry, or `undefined` without the API or a registered tracer provider. */
  static create(worker: string, queue: string): RunTelemetry | undefined {
    const otel = otelApi();
    if (otel === undefined || !tracingOn(otel)) return undefined;
    return new RunTelemetry(otel, worker, queue);
  }

  /**
   * The caller's context for a job: its carried trace context, unless the active context (BullMQ's
   * consumer span, with bullmq-otel) is already in that trace, below the caller's span.
   */
  #parent(data: JobData): Context {
    const otel = this.#otel;
    const active = otel.context.active();
    const carried = parseTraceparent(data.traceparent);
    if (carried === undefined) return active;
    if (otel.trace.getSpanContext(active)?.traceId === carried.traceId) return active;
    const state = tracestateText(data.tracestate);
    return otel.trace.setSpanContext(active, {
      ...carried,
      isRemote: true,
      ...(state === undefined ? {} : { traceState: otel.createTraceState(state) }),
    });
  }

  /** Starts the span of attempt `attempt` of job `jobId`. */
  start(data: JobData, jobId: string, attempt: number): RunSpan {
    const otel = this.#otel;
    const parent = this.#parent(data);
    const span: Span = this.#tracer.startSpan(
      `weft.run ${data.export}`,
      {
        kind: otel.SpanKind.CONSUMER,
        attributes: {
          'weft.task.name': data.export,
          'weft.task.id': jobId,
          'weft.task.attempt': attempt,
          'weft.worker.kind': 'distributed',
          'weft.worker.id': this.#worker,
          'messaging.system': 'bullmq',
          'messaging.destination.name': this.#queue,
        },
      },
      parent,
    );
    const inside = otel.trace.setSpan(parent, span);
    let ended = false;
    return {
      within: (fn) => otel.context.with(inside, fn),
      end: (failure) => {
        if (ended) return;
        ended = true;
        if (failure !== undefined) recordError(otel, span, failure.error);
        span.end();
      },
    };
  }
}
