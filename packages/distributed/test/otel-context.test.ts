// Weft's own OpenTelemetry spans and metrics across a real queue (Redis and, when this machine has
// it, PostgreSQL): the caller's `weft.task` span (PRODUCER), its W3C trace context carried in the
// job, and a real weft-worker process, whose own SDK (loaded with NODE_OPTIONS=--import) sends its
// spans over OTLP/HTTP to a receiver this test starts on 127.0.0.1. No bullmq-otel, no propagator:
// the task's spans hang under the caller's only through Weft's carrying.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { BullMQExecutor } from '@weft/distributed';
import type { DistributedEvent } from '@weft/distributed';
import * as traced from './fixtures/traced-tasks.mjs';
import { freshQueue, killAllWorkers, spawnWorker } from './helpers.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';
import { adminQueue, storeArgs, testStores } from './stores.js';
import type { TestStore } from './stores.js';
import { encode, WIRE_VERSION } from '../src/internal/wire.js';

const TRACED_URL = new URL('./fixtures/traced-tasks.mjs', import.meta.url).href;
const OTLP_SETUP = new URL('./fixtures/otlp-tracing.mjs', import.meta.url).href;
// OTLP/JSON span kinds are the API's plus one (0 is "unspecified").
const OTLP_CONSUMER = SpanKind.CONSUMER + 1;

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = tracerProvider.getTracer('weft-otel-context-test');
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const cleanups: (() => Promise<unknown> | void)[] = [];
let receiver: OtlpReceiver;

function registerSdk(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
}

function unregisterSdk(): void {
  trace.disable();
  metrics.disable();
  context.disable();
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  unregisterSdk();
  await receiver.close();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
  exporter.reset();
});

/** Resolves with `read()` once it returns something; bounded by the test's timeout. */
async function eventually<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function executor(store: TestStore, queue: string): BullMQExecutor {
  const ex = new BullMQExecutor({ connection: store.url, queue, tasks: [TRACED_URL] });
  cleanups.push(() => ex.terminate());
  return ex;
}

/** A weft-worker process whose own SDK exports its spans to the receiver. */
async function tracedWorker(store: TestStore, queue: string, kind: string): Promise<void> {
  const env = {
    NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${OTLP_SETUP}`.trim(),
    WEFT_TEST_OTLP_URL: receiver.url,
  };
  const args = [...storeArgs(store), '--queue', queue, '--kind', kind, '--concurrency', '1'];
  await spawnWorker([...args, '--tasks', TRACED_URL], env);
}

function inSpan<T>(name: string, fn: () => Promise<T>) {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      const { traceId, spanId } = span.spanContext();
      return { result: await fn(), traceId, spanId };
    } finally {
      span.end();
    }
  });
}

function localSpan(traceId: string, name: string) {
  return exporter
    .getFinishedSpans()
    .find((s) => s.spanContext().traceId === traceId && s.name === name);
}

function remoteSpans(traceId: string): ReceivedSpan[] {
  return receiver.spans.filter((s) => s.traceId === traceId);
}

describe.each(testStores)(
  'Weft spans and metrics across a weft-worker process ($name)',
  (store) => {
    beforeAll(registerSdk);
    afterAll(unregisterSdk);

    it('runs an inline task inside the worker’s weft.run span, a child of the caller’s weft.task span', async () => {
      const queue = freshQueue('otel-ctx-inline');
      await tracedWorker(store, queue, 'inline');
      const ex = executor(store, queue);
      const call = await inSpan('caller', () => ex.apply(traced.tracedDouble, [21]));
      expect(call.result).toBe(42);
      const task = await eventually(() => localSpan(call.traceId, 'weft.task tracedDouble'));
      expect(task.parentSpanContext?.spanId).toBe(call.spanId);
      expect(task.kind).toBe(SpanKind.PRODUCER);
      expect(task.attributes).toMatchObject({
        'weft.task.name': 'tracedDouble',
        'weft.worker.kind': 'distributed',
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue,
      });
      const remote = await eventually(() => {
        const spans = remoteSpans(call.traceId);
        const names = spans.map((s) => s.name);
        return names.includes('task-body') && names.includes('weft.run tracedDouble')
          ? spans
          : undefined;
      });
      const run = remote.find(
        (s) => s.name === 'weft.run tracedDouble' && s.scope === '@weft/distributed',
      );
      expect(run?.parentSpanId).toBe(task.spanContext().spanId);
      expect(run?.kind).toBe(OTLP_CONSUMER);
      expect(run?.attributes).toMatchObject({
        'weft.task.name': 'tracedDouble',
        'weft.task.attempt': 1,
        'weft.worker.kind': 'distributed',
        'messaging.destination.name': queue,
      });
      expect(typeof run?.attributes['weft.task.id']).toBe('string');
      // The task's own span: a child of the run span, in the caller's trace.
      expect(remote.find((s) => s.name === 'task-body')?.parentSpanId).toBe(run?.spanId);
    });

    it('hands a thread task to the pool inside the weft.run span, a child of the caller’s', async () => {
      const queue = freshQueue('otel-ctx-thread');
      await tracedWorker(store, queue, 'thread');
      const ex = executor(store, queue);
      const call = await inSpan('caller', () => ex.apply(traced.tracedDouble, [4]));
      expect(call.result).toBe(8);
      const task = await eventually(() => localSpan(call.traceId, 'weft.task tracedDouble'));
      const run = await eventually(() =>
        remoteSpans(call.traceId).find(
          (s) => s.name === 'weft.run tracedDouble' && s.scope === '@weft/distributed',
        ),
      );
      expect(run.parentSpanId).toBe(task.spanContext().spanId);
      // The worker's pool carries the context on: its own task span (named like ours, told apart
      // by its tracer) is a child of the run span, in the caller's trace.
      const pooled = await eventually(() =>
        remoteSpans(call.traceId).find(
          (s) => s.name === 'weft.task tracedDouble' && s.scope === '@weft/process-pool',
        ),
      );
      expect(pooled.parentSpanId).toBe(run.spanId);
      expect(pooled.attributes['weft.worker.kind']).toBe('thread');
    });

    it('records a failed call on its span and in the metrics with the error’s code', async () => {
      const queue = freshQueue('otel-ctx-metrics');
      await tracedWorker(store, queue, 'inline');
      const ex = executor(store, queue);
      await ex.ready();
      const before = await callMetrics(queue);
      await expect(ex.apply(traced.tracedDouble, [1])).resolves.toBe(2);
      const failed = await inSpan('caller', () =>
        ex.apply(traced.failOnce, [queue]).catch((error: unknown) => error),
      );
      expect((failed.result as Error).message).toMatch(/first call fails/);
      const task = await eventually(() => localSpan(failed.traceId, 'weft.task failOnce'));
      expect(task.status.code).toBe(SpanStatusCode.ERROR);
      expect(task.attributes['error.type']).toBe('Error');
      expect(task.events.some((e) => e.name === 'exception')).toBe(true);
      const after = await callMetrics(queue);
      expect(after.inflight).toBe(0);
      expect(after.calls - before.calls).toBe(2);
      expect(after.failed - before.failed).toBe(1);
    });

    it('ignores a malformed traceparent in a job (the job runs, its run span starts a new trace)', async () => {
      const queue = freshQueue('otel-ctx-bad');
      await tracedWorker(store, queue, 'inline');
      const admin = adminQueue(store, queue);
      cleanups.push(() => admin.close());
      const base = { weft: WIRE_VERSION, module: TRACED_URL, export: 'tracedDouble' };
      const values = [
        'not a traceparent',
        '00-00000000000000000000000000000000-1111111111111111-01',
        `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01; process.exit(1)`,
        { toString: 'process.exit(1)' },
      ];
      for (const [i, traceparent] of values.entries()) {
        await admin.add('bad', { ...base, args: encode([i]), traceparent }, { jobId: `bad-${i}` });
      }
      const good = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
      await admin.add('good', { ...base, args: encode([9]), traceparent: good }, { jobId: 'good' });
      const runs = await eventually(() => {
        const found = receiver.spans.filter(
          (s) =>
            s.name === 'weft.run tracedDouble' &&
            s.attributes['messaging.destination.name'] === queue,
        );
        return found.length === values.length + 1 ? found : undefined;
      });
      for (const run of runs) {
        if (run.attributes['weft.task.id'] === 'good') {
          expect(run.traceId).toBe('c'.repeat(32));
          expect(run.parentSpanId).toBe('d'.repeat(16));
        } else {
          expect(run.parentSpanId).toBeUndefined();
        }
      }
      for (const [i] of values.entries()) {
        const job = await admin.getJob(`bad-${i}`);
        expect(job?.returnvalue).toBeDefined();
      }
    });
  },
);

describe.each(testStores)('no SDK registered ($name)', (store) => {
  it('adds nothing to the job (no trace context) and records nothing', async () => {
    const queue = freshQueue('otel-ctx-none');
    await tracedWorker(store, queue, 'inline');
    const ex = executor(store, queue);
    const queued: string[] = [];
    ex.subscribe((event: DistributedEvent) => {
      if (event.type === 'job:queued') queued.push(event.jobId);
    });
    await expect(ex.apply(traced.tracedDouble, [3])).resolves.toBe(6);
    const admin = adminQueue(store, queue);
    cleanups.push(() => admin.close());
    const job = await admin.getJob(queued[0]!);
    // The job's own fields only (`result`: the result format the caller reads), no trace context.
    expect(Object.keys(job?.data as object).sort()).toEqual([
      'args',
      'export',
      'module',
      'result',
      'weft',
    ]);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

interface CallFigures {
  inflight: number;
  calls: number;
  failed: number;
}

/** The executor metrics for `queue`, read from the meter provider now. */
async function callMetrics(queue: string): Promise<CallFigures> {
  const { resourceMetrics } = await reader.collect();
  const figures: CallFigures = { inflight: 0, calls: 0, failed: 0 };
  for (const scope of resourceMetrics.scopeMetrics) {
    if (scope.scope.name !== '@weft/distributed') continue;
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        if (point.attributes['messaging.destination.name'] !== queue) continue;
        if (metric.descriptor.name === 'weft.distributed.calls.inflight') {
          figures.inflight += point.value as number;
        } else if (metric.descriptor.name === 'weft.distributed.call.duration') {
          const { count } = point.value as Histogram;
          figures.calls += count;
          if (point.attributes['error.type'] !== undefined) figures.failed += count;
        }
      }
    }
  }
  return figures;
}
