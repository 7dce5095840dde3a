// OpenTelemetry (issue #24) with the real SDK: the task and run spans and their parent/child
// links, the context an inline task's code and an executor's submit see, retry and rate-limit
// events, error recording, and the metrics with their documented names.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { context, metrics, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Scheduler,
  SchedulerGroup,
  type Executor,
  type ExecutorCallOptions,
} from '@weft/core-scheduler';
import * as tasks from './fixtures/tasks.mjs';

/** A reader the test collects from by hand (no timer). */
class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});

afterEach(async () => {
  trace.disable();
  metrics.disable();
  context.disable();
  await provider.shutdown();
});

const tracer = (): ReturnType<typeof trace.getTracer> => trace.getTracer('test');

function spans(name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === name);
}

function only(name: string): ReadableSpan {
  const found = spans(name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

function isChild(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** Runs `fn` inside a new active span named `name` and ends it after `fn` settles. */
async function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

describe('spans of inline tasks', () => {
  it('links caller → weft.task → weft.run → a span made inside the task, for queued tasks too', async () => {
    // concurrency 1: tasks 2 and 3 start from an earlier task's settlement, not from their caller.
    const scheduler = new Scheduler({ concurrency: 1, name: 'crawler' });
    const inner = async (label: string): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      tracer().startSpan(`inner ${label}`).end();
    };
    await Promise.all(
      ['a', 'b', 'c'].map((label) =>
        inSpan(`caller ${label}`, () =>
          scheduler.schedule({ fn: inner, args: [label], name: `work-${label}`, priority: 3 }),
        ),
      ),
    );
    for (const label of ['a', 'b', 'c']) {
      const caller = only(`caller ${label}`);
      const task = only(`weft.task work-${label}`);
      const run = only(`weft.run work-${label}`);
      const innerSpan = only(`inner ${label}`);
      expect(isChild(task, caller)).toBe(true);
      expect(isChild(run, task)).toBe(true);
      expect(isChild(innerSpan, run)).toBe(true);
      expect(task.attributes).toMatchObject({
        'weft.task.name': `work-${label}`,
        'weft.scheduler.name': 'crawler',
        'weft.route': 'io',
        'weft.task.priority': 3,
      });
      expect(typeof task.attributes['weft.task.id']).toBe('number');
      expect(task.attributes['weft.route.requested']).toBeUndefined();
      expect(run.attributes).toMatchObject({
        'weft.task.attempt': 1,
        'weft.route': 'io',
        'weft.worker.kind': 'inline',
        'weft.task.id': task.attributes['weft.task.id'],
      });
      // The wait in the queue is the gap between the task span's start and the run span's.
      expect(run.startTime[0] * 1e9 + run.startTime[1]).toBeGreaterThanOrEqual(
        task.startTime[0] * 1e9 + task.startTime[1],
      );
    }
    await scheduler.close();
  });

  it("marks 'auto' tasks with weft.route.requested and uses a given id", async () => {
    const scheduler = new Scheduler();
    await scheduler.schedule({ fn: () => 1, kind: 'auto', name: 'guess', id: 'job-7' });
    expect(only('weft.task guess').attributes).toMatchObject({
      'weft.route': 'io',
      'weft.route.requested': 'auto',
      'weft.task.id': 'job-7',
    });
    expect(only('weft.run guess').attributes['weft.route.requested']).toBe('auto');
  });

  it('records a retry per failed attempt, one run span per attempt, and the error codes', async () => {
    const scheduler = new Scheduler();
    let calls = 0;
    const flaky = (): string => {
      if (++calls < 3) throw new TypeError(`failure ${calls}`);
      return 'ok';
    };
    await expect(
      scheduler.schedule({
        fn: flaky,
        retry: { attempts: 3, backoff: { type: 'fixed', delay: 1 } },
      }),
    ).resolves.toBe('ok');
    const task = only('weft.task flaky');
    const runs = spans('weft.run flaky').sort(
      (a, b) =>
        Number(a.attributes['weft.task.attempt']) - Number(b.attributes['weft.task.attempt']),
    );
    expect(runs.map((run) => run.attributes['weft.task.attempt'])).toEqual([1, 2, 3]);
    expect(runs.every((run) => isChild(run, task))).toBe(true);
    expect(runs.map((run) => run.status.code)).toEqual([2, 2, 0]); // ERROR, ERROR, UNSET
    expect(runs[0]!.attributes['error.type']).toBe('TypeError');
    const retries = task.events.filter((event) => event.name === 'weft.retry');
    expect(retries.map((event) => event.attributes)).toEqual([
      { 'weft.task.attempt': 1, 'error.type': 'TypeError', 'weft.retry.delay_ms': 1 },
      { 'weft.task.attempt': 2, 'error.type': 'TypeError', 'weft.retry.delay_ms': 1 },
    ]);
    expect(task.status.code).toBe(0);
  });

  it('records the Weft error code as error.type, with the exception, on failure', async () => {
    const scheduler = new Scheduler();
    const broken = (): never => {
      throw new RangeError('bad input');
    };
    await expect(scheduler.schedule({ fn: broken, retry: { attempts: 2 } })).rejects.toMatchObject({
      code: 'ERR_WEFT_RETRY_EXHAUSTED',
    });
    const task = only('weft.task broken');
    expect(task.status).toMatchObject({ code: 2 });
    expect(task.attributes['error.type']).toBe('ERR_WEFT_RETRY_EXHAUSTED');
    expect(task.events.some((event) => event.name === 'exception')).toBe(true);
    const runs = spans('weft.run broken');
    expect(runs.map((run) => run.attributes['error.type'])).toEqual(['RangeError', 'RangeError']);

    const never = new Promise(() => {});
    const hang = (): Promise<unknown> => never;
    await expect(scheduler.schedule({ fn: hang, timeout: 20 })).rejects.toMatchObject({
      code: 'ERR_WEFT_TASK_TIMEOUT',
    });
    expect(only('weft.run hang').attributes['error.type']).toBe('ERR_WEFT_TASK_TIMEOUT');
    expect(only('weft.task hang').attributes['error.type']).toBe('ERR_WEFT_TASK_TIMEOUT');

    const controller = new AbortController();
    const queued = new Scheduler({ paused: true });
    const cancelled = queued.schedule({
      fn: () => 1,
      name: 'never-started',
      signal: controller.signal,
    });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'ERR_WEFT_TASK_CANCELLED' });
    expect(only('weft.task never-started').attributes['error.type']).toBe(
      'ERR_WEFT_TASK_CANCELLED',
    );
    expect(spans('weft.run never-started')).toEqual([]);
  });

  it('adds weft.rate_limited with the wait to tasks held by a rate limit, minTime or reservoir', async () => {
    const noop = (): void => undefined;
    const byRate = new Scheduler({ rateLimit: { limit: 1, interval: 30 } });
    await Promise.all([1, 2, 3].map((i) => byRate.schedule({ fn: noop, name: `rate-${i}` })));
    const byMinTime = new Scheduler({ minTime: 30 });
    await Promise.all([1, 2].map((i) => byMinTime.schedule({ fn: noop, name: `min-${i}` })));
    const byReservoir = new Scheduler({ reservoir: 1 });
    const first = byReservoir.schedule({ fn: noop, name: 'res-1' });
    const second = byReservoir.schedule({ fn: noop, name: 'res-2' });
    await first;
    setTimeout(() => byReservoir.incrementReservoir(1), 20);
    await second;

    const waits = (name: string): number[] =>
      only(`weft.task ${name}`)
        .events.filter((event) => event.name === 'weft.rate_limited')
        .map((event) => Number(event.attributes?.['weft.wait_ms']));
    expect(waits('rate-1')).toEqual([]);
    expect(waits('min-1')).toEqual([]);
    expect(waits('res-1')).toEqual([]);
    for (const name of ['rate-2', 'rate-3', 'min-2', 'res-2']) {
      expect(waits(name), name).toHaveLength(1);
      expect(waits(name)[0], name).toBeGreaterThan(0);
    }
  });

  it('records nothing with telemetry: false, and into a given provider without a global one', async () => {
    const off = new Scheduler({ telemetry: false });
    await inSpan('caller', () => off.schedule({ fn: () => tracer().startSpan('inner').end() }));
    expect(
      exporter
        .getFinishedSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['caller', 'inner']);

    trace.disable(); // no global SDK now
    const ownExporter = new InMemorySpanExporter();
    const own = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(ownExporter)] });
    const scheduler = new Scheduler({ telemetry: { tracerProvider: own } });
    await scheduler.schedule({ fn: () => 1, name: 'mine' });
    expect(
      ownExporter
        .getFinishedSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['weft.run mine', 'weft.task mine']);
    await own.shutdown();
  });

  it('passes the option through a SchedulerGroup and refuses bad values', async () => {
    const group = new SchedulerGroup({ name: 'per-user', telemetry: true });
    await group.key('u1').schedule({ fn: () => 1, name: 'g' });
    expect(only('weft.task g').attributes['weft.scheduler.name']).toBe('per-user');
    await group.close();
    expect(() => new Scheduler({ telemetry: 'yes' as never })).toThrow(InvalidOptionError);
    expect(() => new Scheduler({ telemetry: { tracerProvider: {} as never } })).toThrow(
      InvalidOptionError,
    );
    expect(() => new Scheduler({ name: '' })).toThrow(InvalidOptionError);
  });
});

describe('context at an executor’s submit', () => {
  /** An executor that remembers the span active when it is handed each task. */
  function spyExecutor(inner?: Executor): Executor & { seen: (Span | undefined)[] } {
    const seen: (Span | undefined)[] = [];
    return {
      seen,
      apply<A extends readonly unknown[], R>(
        fn: (...args: A) => R,
        args: A,
        options?: ExecutorCallOptions,
      ): Promise<Awaited<R>> {
        seen.push(trace.getActiveSpan());
        if (inner !== undefined) return inner.apply(fn, args, options);
        return Promise.resolve<Awaited<R>>(fn(...args) as Awaited<R>);
      },
    };
  }

  it('hands cpu tasks to the executor inside the run span, also when queued', async () => {
    const executor = spyExecutor();
    const scheduler = new Scheduler({ cpu: { executor, concurrency: 1 } });
    await inSpan('caller', () =>
      Promise.all(
        [1, 2].map((i) => scheduler.schedule({ fn: () => i, kind: 'cpu', name: `c${i}` })),
      ),
    );
    const runs = [only('weft.run c1'), only('weft.run c2')];
    expect(executor.seen.map((span) => span?.spanContext().spanId)).toEqual(
      runs.map((run) => run.spanContext().spanId),
    );
    expect(runs.map((run) => run.attributes['weft.route'])).toEqual(['cpu', 'cpu']);
    expect(runs.map((run) => run.attributes['weft.worker.kind'])).toEqual([undefined, undefined]);
    expect(isChild(only('weft.task c1'), only('caller'))).toBe(true);
  });

  const poolEntry = fileURLToPath(new URL('../../process-pool/dist/index.js', import.meta.url));

  it('runs tasks on a real process pool with the run span active at its submit', async () => {
    if (!existsSync(poolEntry))
      throw new Error(`@weft/process-pool is not built (${poolEntry} is missing)`);
    const specifier: string = '@weft/process-pool';
    const { Pool } = (await import(specifier)) as {
      Pool: new (options: { module: URL; kind: 'process'; maxWorkers: number }) => Executor & {
        readonly maxWorkers: number;
        terminate(): Promise<void>;
      };
    };
    const pool = new Pool({
      module: new URL('./fixtures/tasks.mjs', import.meta.url),
      kind: 'process',
      maxWorkers: 1,
    });
    try {
      const executor = spyExecutor(pool);
      const scheduler = new Scheduler({ cpu: { executor, concurrency: 1 }, name: 'mixed' });
      const results = await inSpan('caller', () =>
        Promise.all([1, 2].map(() => scheduler.schedule({ fn: tasks.whereAmI, kind: 'cpu' }))),
      );
      expect(results.every((where) => where.pid !== process.pid)).toBe(true);
      await scheduler.close();
      // The pool makes spans of the same names (its own scope): tell them apart.
      const ours = (name: string): ReadableSpan[] =>
        spans(name).filter((span) => span.instrumentationScope.name === '@weft/core-scheduler');
      const runs = ours('weft.run whereAmI');
      expect(runs).toHaveLength(2);
      expect(executor.seen.map((span) => span?.spanContext().spanId).sort()).toEqual(
        runs.map((run) => run.spanContext().spanId).sort(),
      );
      for (const task of ours('weft.task whereAmI')) {
        expect(isChild(task, only('caller'))).toBe(true);
        expect(task.attributes).toMatchObject({
          'weft.route': 'cpu',
          'weft.scheduler.name': 'mixed',
        });
      }
      // With a pool that records spans (process-pool's telemetry), its task span is a child of
      // the scheduler's run span: the context reached the pool's submit.
      const poolTasks = spans('weft.task whereAmI').filter(
        (span) => span.instrumentationScope.name === '@weft/process-pool',
      );
      expect(poolTasks).toHaveLength(2);
      for (const poolTask of poolTasks)
        expect(runs.some((run) => isChild(poolTask, run))).toBe(true);
    } finally {
      await pool.terminate();
    }
  });
});

describe('metrics', () => {
  function points(all: MetricData[], name: string): DataPoint<unknown>[] {
    return all
      .filter((metric) => metric.descriptor.name === name)
      .flatMap((m): DataPoint<unknown>[] => m.dataPoints);
  }

  it('records the four instruments with their names, units and attributes', async () => {
    const reader = new ManualReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    try {
      const scheduler = new Scheduler({ name: 'jobs', cpu: spyExecutor0(), paused: true });
      const ok = scheduler.schedule({ fn: () => 1, kind: 'cpu' });
      const bad = scheduler.schedule({
        fn: () => {
          throw new TypeError('no');
        },
      });
      void scheduler.schedule({ fn: () => 2 });
      const before = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap(
        (s) => s.metrics,
      );
      const queued = points(before, 'weft.scheduler.queue.size');
      expect(queued.map((p) => [p.attributes, p.value])).toEqual(
        expect.arrayContaining([
          [{ 'weft.route': 'io', 'weft.scheduler.name': 'jobs' }, 2],
          [{ 'weft.route': 'cpu', 'weft.scheduler.name': 'jobs' }, 1],
        ]),
      );
      expect(points(before, 'weft.scheduler.tasks.running').every((p) => p.value === 0)).toBe(true);
      scheduler.resume();
      await ok;
      await expect(bad).rejects.toThrow('no');
      await scheduler.onIdle();
      const after = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const names = new Set(after.map((metric) => metric.descriptor.name));
      for (const name of [
        'weft.scheduler.queue.size',
        'weft.scheduler.tasks.running',
        'weft.scheduler.task.duration',
        'weft.scheduler.task.wait.duration',
      ])
        expect(names.has(name), name).toBe(true);
      const duration = after.find((m) => m.descriptor.name === 'weft.scheduler.task.duration')!;
      expect(duration.descriptor.unit).toBe('s');
      const byAttributes = duration.dataPoints.map((p) => [
        p.attributes,
        (p.value as Histogram).count,
      ]);
      expect(byAttributes).toEqual(
        expect.arrayContaining([
          [{ 'weft.route': 'io', 'weft.scheduler.name': 'jobs' }, 1],
          [{ 'weft.route': 'cpu', 'weft.scheduler.name': 'jobs' }, 1],
          [{ 'weft.route': 'io', 'weft.scheduler.name': 'jobs', 'error.type': 'TypeError' }, 1],
        ]),
      );
      const waits = points(after, 'weft.scheduler.task.wait.duration');
      expect(waits.reduce((sum, p) => sum + (p.value as Histogram).count, 0)).toBe(3);
      expect(points(after, 'weft.scheduler.queue.size').every((p) => p.value === 0)).toBe(true);
      await scheduler.close();
    } finally {
      await meterProvider.shutdown();
    }
  });

  /** A cpu executor that runs on this thread (so the test needs no pool). */
  function spyExecutor0(): Executor {
    return {
      apply: <A extends readonly unknown[], R>(fn: (...args: A) => R, args: A) =>
        Promise.resolve<Awaited<R>>(fn(...args) as Awaited<R>),
    };
  }
});
