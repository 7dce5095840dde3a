// `--otlp <url>`: exports a run's OpenTelemetry spans and metrics over OTLP/HTTP (JSON), next to
// its reports. An SDK is registered globally for the run (tracer provider with a batch span
// processor, meter provider with a periodic reader, AsyncLocalStorage context manager), so the
// spans and metrics of Weft's packages (`weft.task`, `weft.run`, `weft.pool.*`, ...) reach the
// collector, under one `weft-playground <experiment>` span for the whole run. `shutdown()` flushes
// what is buffered; it runs when the run ends, normally or after Ctrl-C.
import { context, metrics, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { version } from './version.js';

/** How often metrics are sent during a run (and once more at its end). */
const METRICS_INTERVAL_MS = 5_000;
/** How long the final flush may take before the playground gives up on the collector. */
const FLUSH_TIMEOUT_MS = 10_000;

/**
 * The signal endpoints of a collector base URL (`http://host:4318` → `.../v1/traces`,
 * `.../v1/metrics`), as OTEL_EXPORTER_OTLP_ENDPOINT is read; a URL already ending in `/v1/traces`
 * is taken as the collector's base plus that path.
 */
export function otlpEndpoints(base: string): { traces: string; metrics: string } {
  const root = base.replace(/\/+$/, '').replace(/\/v1\/(traces|metrics)$/, '');
  return { traces: `${root}/v1/traces`, metrics: `${root}/v1/metrics` };
}

/** The SDK of one run. */
export interface OtlpExport {
  /** Runs `fn` inside the run's root span. */
  within<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends the root span, flushes spans and metrics, and unregisters the SDK. */
  shutdown(): Promise<void>;
}

function bounded(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

/** Registers the SDK, exporting to the collector at `url`, for a run of `experiment`. */
export function startOtlp(url: string, experiment: string): OtlpExport {
  const endpoints = otlpEndpoints(url);
  const resource = resourceFromAttributes({
    'service.name': 'weft-playground',
    'service.version': version,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoints.traces }))],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: endpoints.metrics }),
        exportIntervalMillis: METRICS_INTERVAL_MS,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  const tracer = tracerProvider.getTracer('@weft/playground', version);
  let root: Span | undefined;
  let stopped: Promise<void> | undefined;
  return {
    within: (fn) =>
      tracer.startActiveSpan(`weft-playground ${experiment}`, (span) => {
        root = span;
        return fn();
      }),
    shutdown: () => {
      stopped ??= (async () => {
        root?.end();
        await bounded(Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]));
        trace.disable();
        metrics.disable();
        context.disable();
      })();
      return stopped;
    },
  };
}
