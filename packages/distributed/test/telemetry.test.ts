// The `telemetry` option against a real Redis and a real PostgreSQL (one run per store) and a real
// OpenTelemetry SDK: BullMQ's tracing hook
// reaches the executor's Queue and the worker's Worker, and a job's spans (producer on the caller,
// consumer on the worker, the task's own inside it) hang under the span active at the call, for a
// worker in this process and for a weft-worker process.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { BullMQExecutor, InvalidOptionError, startWorker } from '@weft/distributed';
import type { BullMQExecutorOptions, StartWorkerOptions } from '@weft/distributed';
import * as traced from './fixtures/traced-tasks.mjs';
import { freshQueue, killAllWorkers, spawnWorker } from './helpers.js';
import { storeArgs, testStores } from './stores.js';
import type { TestStore } from './stores.js';

/** The store of the describe.each run under way (set in its beforeAll). */
let store: TestStore = testStores[0] ?? { name: 'redis', url: '' };
const TRACED_URL = new URL('./fixtures/traced-tasks.mjs', import.meta.url).href;
const TRACING_SETUP = new URL('./fixtures/tracing.mjs', import.meta.url).href;
const DIST_INDEX = new URL('../dist/index.js', import.meta.url).href;
const cleanups: (() => Promise<unknown> | void)[] = [];

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('weft-telemetry-test');

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await provider.shutdown();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
  exporter.reset();
});

interface SpanRecord {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** The spans this process ended so far. */
function localSpans(): SpanRecord[] {
  return exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: span.attributes,
  }));
}

/** The spans a weft-worker process wrote (see fixtures/tracing.mjs). */
function fileSpans(file: string): SpanRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SpanRecord);
}

/** `span`'s ancestors in `spans`, nearest first, as far as parent links lead. */
function ancestors(span: SpanRecord, spans: readonly SpanRecord[]): SpanRecord[] {
  const chain: SpanRecord[] = [];
  let parentId = span.parentSpanId;
  for (;;) {
    const parent = spans.find((s) => s.spanId === parentId && s.traceId === span.traceId);
    if (parent === undefined) return chain;
    chain.push(parent);
    parentId = parent.parentSpanId;
  }
}

/**
 * Resolves with `read()` once it returns something: a worker ends a job's span just after the
 * result is out, so the caller may see the result first. Bounded by the test's timeout.
 */
async function eventually<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `fn` inside a new active span named `name`; returns its result and the span's ids. */
function inSpan<T>(
  name: string,
  fn: () => Promise<T>,
): Promise<{ result: T; traceId: string; spanId: string }> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      const { traceId, spanId } = span.spanContext();
      return { result: await fn(), traceId, spanId };
    } finally {
      span.end();
    }
  });
}

function executor(queue: string, extra: Partial<BullMQExecutorOptions> = {}): BullMQExecutor {
  const ex = new BullMQExecutor({ connection: store.url, queue, tasks: [TRACED_URL], ...extra });
  cleanups.push(() => ex.terminate());
  return ex;
}

async function worker(queue: string, extra: Partial<StartWorkerOptions> = {}): Promise<void> {
  const w = await startWorker({
    connection: store.url,
    queue,
    tasks: [TRACED_URL],
    kind: 'inline',
    concurrency: 2,
    ...extra,
  });
  cleanups.push(() => w.close({ gracePeriod: 0 }));
}

const processSpan = (queue: string) => (s: SpanRecord) => s.name === `process ${queue}`;

describe.each(testStores)('telemetry on $name (OpenTelemetry SDK)', (current) => {
  beforeAll(() => {
    store = current;
  });

  it('hangs each call’s job spans under the caller’s span, worker in this process', async () => {
    const queue = freshQueue('otel-local');
    await worker(queue, { telemetry: new BullMQOtel() });
    // `true`: the executor loads bullmq-otel itself, on the global provider registered above.
    const ex = executor(queue, { telemetry: true });
    // Two callers at once, each in its own trace: neither may adopt the other's context.
    const calls = await Promise.all([
      inSpan('caller-a', () => ex.apply(traced.tracedDouble, [1])),
      inSpan('caller-b', () => ex.apply(traced.tracedDouble, [2])),
    ]);
    expect(calls.map((c) => c.result)).toEqual([2, 4]);
    expect(calls[0].traceId).not.toBe(calls[1].traceId);
    for (const call of calls) {
      const spans = await eventually(() => {
        const all = localSpans().filter((s) => s.traceId === call.traceId);
        const done = all.some(processSpan(queue)) && all.some((s) => s.name === 'task-body');
        return done ? all : undefined;
      });
      const jobSpans = spans.filter(processSpan(queue));
      expect(jobSpans).toHaveLength(1);
      const job = jobSpans[0]!;
      const chain = ancestors(job, spans);
      // process (worker) → add (this executor's Queue) → Weft's call span → the caller's span.
      expect(chain.map((s) => s.name)).toEqual([
        `add ${queue}.${TRACED_URL}#tracedDouble`,
        'weft.task tracedDouble',
        call === calls[0] ? 'caller-a' : 'caller-b',
      ]);
      expect(chain[2]!.spanId).toBe(call.spanId);
      expect(chain[0]!.attributes['bullmq.job.id']).toBe(job.attributes['bullmq.job.id']);
      // An inline task runs inside Weft's run span, inside its job's span.
      const run = spans.find((s) => s.name === 'weft.run tracedDouble')!;
      expect(run.parentSpanId).toBe(job.spanId);
      const body = spans.find((s) => s.name === 'task-body')!;
      expect(body.parentSpanId).toBe(run.spanId);
    }
  });

  it('adds each job of calls made in the same tick inside its own caller’s context', async () => {
    const queue = freshQueue('otel-tick');
    await worker(queue, { telemetry: new BullMQOtel() });
    const ex = executor(queue, { telemetry: true });
    // Connected first, outside any span: the three calls below are made in one synchronous burst,
    // so their adds are flushed together, from a tick callback that none of their contexts owns.
    await ex.ready();
    const names = ['caller-a', 'caller-b', 'caller-c'];
    const calls = await Promise.all(
      names.map((name, i) => inSpan(name, () => ex.apply(traced.tracedDouble, [i]))),
    );
    expect(calls.map((c) => c.result)).toEqual([0, 2, 4]);
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(3);
    for (const [i, call] of calls.entries()) {
      const spans = await eventually(() => {
        const all = localSpans().filter((s) => s.traceId === call.traceId);
        return all.some(processSpan(queue)) ? all : undefined;
      });
      const adds = spans.filter((s) => s.name.startsWith(`add ${queue}`));
      const jobs = spans.filter(processSpan(queue));
      // One producer span and one consumer span in this caller's trace: its own job's, no other's.
      expect(adds).toHaveLength(1);
      expect(jobs).toHaveLength(1);
      expect(ancestors(adds[0]!, spans)[1]?.spanId).toBe(call.spanId);
      expect(ancestors(jobs[0]!, spans).map((s) => s.name)).toEqual([
        `add ${queue}.${TRACED_URL}#tracedDouble`,
        'weft.task tracedDouble',
        names[i],
      ]);
    }
  });

  it('traces a retry run by the caller (retryOn) as that caller’s, not the call that connected', async () => {
    const queue = freshQueue('otel-retry');
    await worker(queue, { telemetry: new BullMQOtel() });
    const ex = executor(queue, { telemetry: new BullMQOtel() });
    // Another caller connects the executor: its event reader runs in that caller's context, and the
    // retry below is submitted from an event.
    const connector = await inSpan('connector', () => ex.ready());
    const call = await inSpan('caller', () =>
      ex.apply(traced.failOnce, [queue], { retry: { attempts: 2, retryOn: () => true } }),
    );
    expect(call.result).toBe(2);
    const jobs = await eventually(() => {
      const found = localSpans().filter(processSpan(queue));
      return found.length === 2 ? found : undefined;
    });
    const spans = localSpans();
    expect(new Set(jobs.map((s) => s.attributes['bullmq.job.id'])).size).toBe(2);
    for (const job of jobs) {
      expect(job.traceId).toBe(call.traceId);
      expect(ancestors(job, spans).at(-1)?.spanId).toBe(call.spanId);
    }
    expect(spans.filter((s) => s.traceId === connector.traceId).map((s) => s.name)).toEqual([
      'connector',
    ]);
  });

  it('works with any object implementing BullMQ’s Telemetry interface', async () => {
    // A hand-written Telemetry: the context is the id of the active span.
    const store = new AsyncLocalStorage<string | undefined>();
    const started: { name: string; id: string; parent: string | undefined }[] = [];
    const telemetry: Telemetry<string | undefined> = {
      contextManager: {
        with: <A extends () => unknown>(ctx: string | undefined, fn: A): ReturnType<A> =>
          store.run(ctx, fn) as ReturnType<A>,
        active: () => store.getStore(),
        getMetadata: (ctx: string | undefined) => JSON.stringify({ parent: ctx }),
        fromMetadata: (_active, metadata) => (JSON.parse(metadata) as { parent?: string }).parent,
      },
      tracer: {
        startSpan(name, _options, ctx) {
          const id = `span-${started.length + 1}`;
          started.push({ name, id, parent: ctx ?? store.getStore() });
          return {
            setSpanOnContext: () => id,
            setAttribute: () => undefined,
            setAttributes: () => undefined,
            addEvent: () => undefined,
            recordException: () => undefined,
            end: () => undefined,
          };
        },
      },
    };
    const queue = freshQueue('otel-custom');
    await worker(queue, { telemetry });
    const ex = executor(queue, { telemetry });
    await ex.ready();
    const result = await telemetry.contextManager.with('caller-span', () =>
      ex.apply(traced.tracedDouble, [5]),
    );
    expect(result).toBe(10);
    const job = await eventually(() => started.find((s) => s.name === `process ${queue}`));
    const add = started.find((s) => s.id === job.parent);
    expect(add?.name).toBe(`add ${queue}.${TRACED_URL}#tracedDouble`);
    expect(add?.parent).toBe('caller-span');
  });

  it('hangs the job span of a weft-worker --telemetry process under the caller’s span', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-otel-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'spans.jsonl');
    const queue = freshQueue('otel-cli');
    // The user's tracing setup, loaded before the CLI, registers the SDK globally.
    const env = {
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${TRACING_SETUP}`.trim(),
      WEFT_TEST_SPANS: file,
    };
    const args = [...storeArgs(store), '--queue', queue, '--kind', 'inline', '--concurrency', '1'];
    await spawnWorker([...args, '--tasks', TRACED_URL, '--telemetry'], env);
    const ex = executor(queue, { telemetry: new BullMQOtel() });
    const call = await inSpan('cli-caller', () => ex.apply(traced.tracedDouble, [21]));
    expect(call.result).toBe(42);
    const remote = await eventually(() => {
      const spans = fileSpans(file).filter((s) => s.traceId === call.traceId);
      const done = spans.some(processSpan(queue)) && spans.some((s) => s.name === 'task-body');
      return done ? spans : undefined;
    });
    const job = remote.find(processSpan(queue))!;
    const local = localSpans();
    const add = local.find((s) => s.spanId === job.parentSpanId);
    expect(add?.name).toBe(`add ${queue}.${TRACED_URL}#tracedDouble`);
    expect(add?.traceId).toBe(call.traceId);
    const weftTask = local.find((s) => s.spanId === add?.parentSpanId);
    expect(weftTask?.name).toBe('weft.task tracedDouble');
    expect(weftTask?.parentSpanId).toBe(call.spanId);
    // The task runs inside Weft's run span, itself inside the job's span.
    const run = remote.find((s) => s.name === 'weft.run tracedDouble');
    expect(run?.parentSpanId).toBe(job.spanId);
    expect(remote.find((s) => s.name === 'task-body')?.parentSpanId).toBe(run?.spanId);
  });
});

describe('telemetry option checks', () => {
  const bad: unknown[] = [
    'yes',
    1,
    null,
    {},
    { tracer: { startSpan: () => undefined } },
    {
      tracer: { startSpan: () => undefined },
      contextManager: { with: () => undefined, active: () => undefined },
    },
    {
      tracer: { startSpan: () => undefined },
      contextManager: {
        with: () => undefined,
        active: () => undefined,
        getMetadata: () => '',
        fromMetadata: () => undefined,
      },
      meter: { createCounter: () => undefined },
    },
  ];

  it.each(bad)(
    'refuses telemetry %j with InvalidOptionError saying what is allowed',
    async (value) => {
      const options = {
        connection: 'redis://127.0.0.1:1',
        queue: 'q',
        tasks: [TRACED_URL],
        telemetry: value as Telemetry,
      };
      let thrown: unknown;
      try {
        new BullMQExecutor(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect((thrown as InvalidOptionError).option).toBe('telemetry');
      expect((thrown as Error).message).toMatch(
        /allowed: true \(bullmq-otel .*Telemetry interface/,
      );
      const rejected = await startWorker(options).catch((error: unknown) => error);
      expect(rejected).toBeInstanceOf(InvalidOptionError);
      expect((rejected as InvalidOptionError).option).toBe('telemetry');
    },
  );

  it('imports neither bullmq-otel nor @opentelemetry/* unless asked; telemetry: true without them is TelemetryLoadError', async () => {
    // A child process in which those packages cannot be resolved at all.
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === 'bullmq-otel' || specifier.startsWith('@opentelemetry/')) {
        const error = new Error('Cannot find package ' + specifier + ' (hidden by the test)');
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }`;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const { BullMQExecutor, startWorker } = await import(${JSON.stringify(DIST_INDEX)});
      const base = { connection: 'redis://127.0.0.1:1', queue: 'q', tasks: [], connectTimeout: 200 };
      const plain = new BullMQExecutor({ ...base, telemetry: false });
      await plain.terminate();
      const traced = new BullMQExecutor({ ...base, telemetry: true });
      const executorError = await traced.ready().catch((e) => e);
      const workerError = await startWorker({ ...base, tasks: [${JSON.stringify(TRACED_URL)}], kind: 'inline', telemetry: true }).catch((e) => e);
      console.log(JSON.stringify([executorError.code, executorError.module, workerError.code, executorError.message]));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const [executorCode, module, workerCode, message] = JSON.parse(stdout) as string[];
    expect(executorCode).toBe('ERR_WEFT_TELEMETRY_LOAD');
    expect(module).toBe('bullmq-otel');
    expect(workerCode).toBe('ERR_WEFT_TELEMETRY_LOAD');
    expect(message).toMatch(/install bullmq-otel and @opentelemetry\/api/);
  });
});
