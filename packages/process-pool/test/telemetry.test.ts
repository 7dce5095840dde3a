// OpenTelemetry (#24): the pool's spans and metrics with the real SDK, and the trace context
// crossing to real thread and process workers, whose own SDK exports over OTLP/HTTP to a receiver
// this file starts on 127.0.0.1 (the spans come back as JSON: no shared memory with the worker).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, trace, type Span } from '@opentelemetry/api';
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
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { Pool, type PoolOptions } from '@weft/process-pool';
import type * as OtelTasksModule from './fixtures/otel-tasks.mjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const otelTasksUrl = new URL('./fixtures/otel-tasks.mjs', import.meta.url);
const setupUrl = new URL('./fixtures/otel-setup.mjs', import.meta.url);
type OtelTasks = typeof OtelTasksModule;
const otelTasks = (await import(otelTasksUrl.href)) as OtelTasks;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

// ------------------------------------------------------------------ an OTLP/HTTP receiver
let server: Server;
let otlpUrl: string;
const received: OtlpSpan[] = [];
const arrivals: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) received.push(s);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of arrivals.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  otlpUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1/traces`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The span named `name` once the receiver has it (bounded by the test timeout). */
async function receivedSpan(name: string): Promise<OtlpSpan> {
  for (;;) {
    const span = received.find((s) => s.name === name);
    if (span !== undefined) return span;
    await new Promise<void>((resolve) => arrivals.push(resolve));
  }
}

// ------------------------------------------------------------------ the pool's SDK
let exporter: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
const pools: Pool<object>[] = [];

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.terminate()));
  trace.disable();
  metrics.disable();
  context.disable();
  received.length = 0;
});

function makePool(options: Partial<PoolOptions>): Pool<OtelTasks> {
  const pool = new Pool<OtelTasks>({ module: otelTasksUrl, maxWorkers: 1, ...options });
  pools.push(pool);
  return pool;
}

const finished = (name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((s) => s.name === name);

/** Run `fn` inside a new span `outer`; returns the span with fn's result. */
async function inOuterSpan<T>(fn: () => Promise<T>): Promise<{ outer: Span; value: T }> {
  const outer = trace.getTracer('test').startSpan('outer');
  const value = await context.with(trace.setSpan(context.active(), outer), fn);
  outer.end();
  return { outer, value };
}

function expectPoolSpansUnder(
  outer: Span,
  task: string,
): { run: ReadableSpan; span: ReadableSpan } {
  const [span] = finished(`weft.task ${task}`);
  const [run] = finished(`weft.run ${task}`);
  expect(span).toBeDefined();
  expect(run).toBeDefined();
  expect(span!.spanContext().traceId).toBe(outer.spanContext().traceId);
  expect(span!.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  expect(run!.parentSpanContext?.spanId).toBe(span!.spanContext().spanId);
  return { run: run!, span: span! };
}

describe.each(['thread', 'process'] as const)('context crosses to a %s worker', (kind) => {
  it('a span the task starts is a child of its weft.run span, exported by the worker over OTLP/HTTP', async () => {
    const pool =
      kind === 'thread'
        ? makePool({ kind, initializer: otelTasks.setupTracing, initArgs: [otlpUrl] })
        : makePool({
            kind,
            execArgv: ['--import', setupUrl.href],
            env: { ...process.env, WEFT_TEST_OTLP_URL: otlpUrl },
          });
    const { outer, value } = await inOuterSpan(() =>
      pool.apply(otelTasks.childSpan, [`inside-${kind}`]),
    );
    const { run, span } = expectPoolSpansUnder(outer, 'childSpan');
    expect(span.attributes).toMatchObject({
      'weft.task.name': 'childSpan',
      'weft.worker.kind': kind,
    });
    expect(run.attributes).toMatchObject({ 'weft.task.attempt': 1, 'weft.worker.kind': kind });
    // What the task saw, and what its worker's SDK sent to the receiver.
    expect(value.traceId).toBe(outer.spanContext().traceId);
    expect(value.parentSpanId).toBe(run.spanContext().spanId);
    const exported = await receivedSpan(`inside-${kind}`);
    expect(exported.traceId).toBe(outer.spanContext().traceId);
    expect(exported.parentSpanId).toBe(run.spanContext().spanId);
    expect(exported.spanId).toBe(value.spanId);
  });
});

describe('trace context', () => {
  it('with no SDK registered, a span active at submit still reaches the worker', async () => {
    trace.disable();
    const pool = makePool({ kind: 'thread', initializer: otelTasks.setupContextOnly });
    const parent = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    const seen = await context.with(trace.setSpan(context.active(), parent), () =>
      pool.apply(otelTasks.activeSpanContext, []),
    );
    expect(seen).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    expect(await pool.apply(otelTasks.activeSpanContext, [])).toBeUndefined();
  });

  it('telemetry: false records nothing and carries nothing', async () => {
    const pool = makePool({
      kind: 'thread',
      initializer: otelTasks.setupContextOnly,
      telemetry: false,
    });
    const { value } = await inOuterSpan(() => pool.apply(otelTasks.activeSpanContext, []));
    expect(value).toBeUndefined();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['outer']);
  });

  it('records the error with its Weft code on both spans', async () => {
    const pool = makePool({ kind: 'thread' });
    await expect(pool.apply(otelTasks.failCoded, [])).rejects.toThrow('coded failure');
    const [span] = finished('weft.task failCoded');
    const [run] = finished('weft.run failCoded');
    for (const s of [span!, run!]) {
      expect(s.status).toEqual({ code: 2, message: 'coded failure' });
      expect(s.attributes['error.type']).toBe('ERR_TEST_CODED');
      expect(s.events.some((e) => e.name === 'exception')).toBe(true);
    }
  });

  it('a timeout is recorded with ERR_WEFT_POOL_TASK_TIMEOUT', async () => {
    const pool = makePool({ kind: 'thread' });
    await expect(pool.runWith('hang', [], { timeout: 50 })).rejects.toThrow();
    const [span] = finished('weft.task hang');
    expect(span!.attributes['error.type']).toBe('ERR_WEFT_POOL_TASK_TIMEOUT');
  });

  it('queue wait and run are told apart: the run span starts when a worker is handed the task', async () => {
    const pool = makePool({ kind: 'thread', prefetch: 1 });
    await Promise.all([
      pool.apply(otelTasks.childSpan, ['a']),
      pool.apply(otelTasks.childSpan, ['b']),
    ]);
    const tasks = finished('weft.task childSpan');
    const runs = finished('weft.run childSpan');
    expect(tasks).toHaveLength(2);
    const later = tasks.find((t) => t.attributes['weft.task.id'] === 2)!;
    const laterRun = runs.find((r) => r.parentSpanContext?.spanId === later.spanContext().spanId)!;
    const firstRun = runs.find((r) => r !== laterRun)!;
    // With one worker and prefetch 1, task 2 waits in the queue until task 1 has ended.
    const ns = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    // The SDK takes a span's start from Date.now() (whole milliseconds) and its end as start plus a
    // performance.now() delta, so a start in the same millisecond as an earlier end can read up to
    // 1 ms before it (seen on Node 24): the order holds to the clock's grain.
    const grain = 1_000_000n;
    expect(ns(laterRun.startTime)).toBeGreaterThanOrEqual(ns(firstRun.endTime) - grain);
    expect(ns(laterRun.startTime)).toBeGreaterThan(ns(later.startTime));
  });

  it('crash recovery: a task its dead worker never started gets a weft.requeued event and a second attempt', async () => {
    const pool = makePool({ kind: 'process', prefetch: 2 });
    const dies = pool.apply(otelTasks.exit, [3]);
    const after = pool.apply(otelTasks.noop, []);
    await expect(dies).rejects.toThrow();
    await after;
    const [span] = finished('weft.task noop');
    const runs = finished('weft.run noop').map((r) => r.attributes['weft.task.attempt']);
    expect(span!.events.map((e) => e.name)).toContain('weft.requeued');
    expect(runs.sort()).toEqual([1, 2]);
    expect(finished('weft.task exit')[0]!.attributes['error.type']).toBe(
      'ERR_WEFT_POOL_WORKER_EXITED',
    );
  });
});

describe('metrics', () => {
  it('records the documented instruments', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const pool = makePool({ kind: 'thread', telemetry: { meterProvider } });
    await pool.apply(otelTasks.noop, []);
    await expect(pool.apply(otelTasks.failCoded, [])).rejects.toThrow();
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(all.map((m) => [m.descriptor.name, m]));
    expect([...byName.keys()].sort()).toEqual([
      'weft.pool.queue.size',
      'weft.pool.task.duration',
      'weft.pool.task.wait.duration',
      'weft.pool.tasks.running',
      'weft.pool.worker.utilization',
      'weft.pool.workers',
    ]);
    expect(byName.get('weft.pool.task.duration')!.descriptor.unit).toBe('s');
    const points = byName.get('weft.pool.task.duration')!.dataPoints;
    expect(points.map((p) => p.attributes)).toEqual(
      expect.arrayContaining([
        { 'weft.worker.kind': 'thread', 'weft.task.name': 'noop' },
        {
          'weft.worker.kind': 'thread',
          'weft.task.name': 'failCoded',
          'error.type': 'ERR_TEST_CODED',
        },
      ]),
    );
    expect(byName.get('weft.pool.workers')!.dataPoints[0]!.value).toBe(1);
    await meterProvider.shutdown();
  });
});
