// Lock-wait telemetry (#24): off by default, spans only past the threshold, the histogram for
// every contended wait, with the real OpenTelemetry SDK and its in-memory exporters.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  AsyncMutex,
  AsyncReadWriteLock,
  AsyncSemaphore,
  configureLockTelemetry,
  InvalidArgumentError,
} from '@weft/sync-primitives';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let exporter: InMemorySpanExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
});

afterEach(async () => {
  configureLockTelemetry(false);
  await meterProvider.shutdown();
  trace.disable();
  metrics.disable();
  context.disable();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Hold `mutex` for at least `ms`, then release it; meanwhile a second acquire waits. */
async function contended(ms: number): Promise<void> {
  const mutex = new AsyncMutex();
  await mutex.acquire();
  const outer = trace.getTracer('test').startSpan('outer');
  const waiting = context.with(trace.setSpan(context.active(), outer), () => mutex.acquire());
  await sleep(ms);
  mutex.release();
  expect(await waiting).toBe(true);
  mutex.release();
  outer.end();
}

const lockSpans = (): string[] =>
  exporter
    .getFinishedSpans()
    .map((s) => s.name)
    .filter((n) => n.startsWith('weft.lock'));

describe('lock telemetry', () => {
  it('is off by default: a long wait records nothing', async () => {
    await contended(30);
    expect(lockSpans()).toEqual([]);
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)).toEqual([]);
  });

  it('turned on: a wait past the threshold is a weft.lock.wait span under the waiter, all waits in the histogram', async () => {
    expect(configureLockTelemetry({ spanThresholdMs: 20 })).toBe(true);
    await contended(40);
    const spans = exporter.getFinishedSpans();
    const wait = spans.find((s) => s.name === 'weft.lock.wait AsyncMutex');
    const outer = spans.find((s) => s.name === 'outer');
    expect(wait).toBeDefined();
    expect(wait!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
    expect(wait!.attributes).toEqual({
      'weft.lock.kind': 'AsyncMutex',
      'weft.lock.outcome': 'acquired',
    });
    // Back-dated to when the wait began: it lasts about as long as the lock was held.
    const ms = (t: [number, number]): number => t[0] * 1000 + t[1] / 1e6;
    expect(ms(wait!.endTime) - ms(wait!.startTime)).toBeGreaterThanOrEqual(20);

    // A short wait (released at once) is counted, but is no span.
    const mutex = new AsyncMutex();
    await mutex.acquire();
    const short = mutex.acquire();
    mutex.release();
    await short;
    mutex.release();
    expect(lockSpans()).toEqual(['weft.lock.wait AsyncMutex']);

    const { resourceMetrics } = await reader.collect();
    const [histogram] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    expect(histogram!.descriptor).toMatchObject({ name: 'weft.lock.wait.duration', unit: 's' });
    const point = histogram!.dataPoints[0]!.value as { count: number };
    expect(point.count).toBe(2);
  });

  it('covers AsyncSemaphore and AsyncReadWriteLock; a timeout is an outcome, an abort an error', async () => {
    configureLockTelemetry({ spanThresholdMs: 0 });
    const sem = new AsyncSemaphore(1);
    await sem.acquire();
    expect(await sem.acquire({ timeout: 5 })).toBe(false);
    const rw = new AsyncReadWriteLock();
    await rw.acquireRead();
    const controller = new AbortController();
    const write = rw.acquireWrite({ signal: controller.signal });
    controller.abort();
    await expect(write).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes['weft.lock.outcome']])).toEqual([
      ['weft.lock.wait AsyncSemaphore', 'timeout'],
      ['weft.lock.wait AsyncReadWriteLock', 'aborted'],
    ]);
    expect(spans[1]!.attributes['error.type']).toBe('ERR_WEFT_WAIT_ABORTED');
    expect(spans[1]!.status.code).toBe(2);
  });

  it('the uncontended acquire is the same promise on or off (nothing wraps it)', async () => {
    const mutex = new AsyncMutex();
    const off = mutex.acquire();
    mutex.release();
    configureLockTelemetry();
    const on = mutex.acquire();
    mutex.release();
    expect(on).toBe(off);
    await on;
  });

  it('refuses a bad threshold', () => {
    expect(() => configureLockTelemetry({ spanThresholdMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => configureLockTelemetry({ spanThresholdMs: Number.NaN })).toThrow(
      InvalidArgumentError,
    );
  });
});
