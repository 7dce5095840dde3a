// OpenTelemetry on the pool's side (names: docs/guides/tracing-with-opentelemetry.md): the task span
// `weft.task <name>` from submit to settle, one `weft.run <name>` span per attempt from the moment a
// worker is handed the task, the W3C trace context that goes to the worker with the task, and the
// pool's metrics. `@opentelemetry/api` is an optional peer loaded lazily here and nowhere else on
// the pool's side; the pool calls one hook per lifecycle point (queued, assigned, requeued,
// settled), and only for tasks flagged FLAG_TRACED or when metrics are on, so a pool with no SDK
// registered makes no span, no attribute object and no message field per task.
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type {
  Attributes,
  Context,
  Histogram,
  Meter,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type { PoolTelemetryOptions, WorkerKind } from '../pool-options.js';
import type { PoolTask } from './dispatcher.js';
import {
  FLAG_MAP,
  FLAG_STARMAP,
  FLAG_TRACED,
  TASK_STRIDE,
  runMessageOf,
  type RunMessage,
} from './protocol.js';
import type { WorkerHandle } from './worker-handle.js';

type Api = typeof OtelApi;

const PACKAGE = '@weft/process-pool';
/**
 * Where every copy of `@opentelemetry/api` 1.x keeps its registered globals (the API's own
 * cross-copy contract): read directly so that, with nothing registered, the per-task check is one
 * property read.
 */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
let api: Api | null | undefined;

/** `@opentelemetry/api` if it resolves from here, loaded once; `undefined` without it. */
export function loadOtelApi(): Api | undefined {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as Api;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

let version: string | undefined;
function packageVersion(): string {
  if (version !== undefined) return version;
  const require = createRequire(import.meta.url);
  // dist/index.js and src/internal/telemetry.ts sit at different depths under the package.
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === PACKAGE && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not this one
    }
  }
  return (version = '0.0.0');
}

/** A task's spans, kept in its extras while it is traced. */
export class TaskTrace {
  /** The context of the task span (parent of each run span). */
  readonly context: Context;
  readonly span: Span;
  run: Span | undefined = undefined;
  attempt = 0;

  constructor(context: Context, span: Span) {
    this.context = context;
    this.span = span;
  }
}

/** The counts the pool's observable instruments read (computed on collection, never per task). */
export interface PoolGauges {
  readonly queued: number;
  readonly running: number;
  readonly workers: number;
  /** Run time of finished tasks and lifetime of workers so far, ms (for utilization). */
  readonly busyMs: number;
  readonly aliveMs: number;
}

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

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

/**
 * One pool's telemetry. The pool makes one only when the API resolves and `telemetry` is not
 * `false`; tracing is looked up per task (one comparison), metrics once here.
 */
export class PoolTelemetry {
  readonly #api: Api;
  readonly #kind: WorkerKind;
  readonly #tracer: Tracer;
  /** Whether spans are recorded: a provider was passed, or the global proxy has a real delegate. */
  readonly #tracing: () => boolean;
  readonly #meter: Meter | undefined;
  readonly #duration: Histogram | undefined;
  readonly #wait: Histogram | undefined;
  /** Attributes of successful tasks by task name (made once per name). */
  readonly #okAttributes = new Map<string, Attributes>();
  readonly #observe: ((result: OtelApi.BatchObservableResult) => void) | undefined;
  readonly #observables: OtelApi.Observable[] = [];

  constructor(
    otel: Api,
    kind: WorkerKind,
    options: PoolTelemetryOptions | undefined,
    gauges: () => PoolGauges,
  ) {
    this.#api = otel;
    this.#kind = kind;
    const passed = options?.tracerProvider as TracerProvider | undefined;
    const provider = passed ?? otel.trace.getTracerProvider();
    this.#tracer = provider.getTracer(PACKAGE, packageVersion());
    if (passed === undefined && provider instanceof otel.ProxyTracerProvider) {
      const noop = new otel.ProxyTracerProvider().getDelegate();
      this.#tracing = () => provider.getDelegate() !== noop;
    } else {
      this.#tracing = () => true;
    }
    const meterProvider =
      (options?.meterProvider as OtelApi.MeterProvider | undefined) ??
      otel.metrics.getMeterProvider();
    const meter = meterProvider.getMeter(PACKAGE, packageVersion());
    // The API's no-op meter (no provider registered) records nothing: leave metrics off.
    if (meter.constructor === otel.createNoopMeter().constructor) return;
    this.#meter = meter;
    this.#duration = meter.createHistogram('weft.pool.task.duration', {
      description: 'Run time of a task on a worker',
      unit: 's',
    });
    this.#wait = meter.createHistogram('weft.pool.task.wait.duration', {
      description: 'Time a task waited in the pool before a worker started it',
      unit: 's',
    });
    const queue = meter.createObservableUpDownCounter('weft.pool.queue.size', {
      description: 'Tasks in the pool queue that no worker has yet',
      unit: '{task}',
    });
    const running = meter.createObservableUpDownCounter('weft.pool.tasks.running', {
      description: 'Tasks running on a worker',
      unit: '{task}',
    });
    const workers = meter.createObservableUpDownCounter('weft.pool.workers', {
      description: 'Live workers',
      unit: '{worker}',
    });
    const utilization = meter.createObservableGauge('weft.pool.worker.utilization', {
      description: 'Share of worker time spent running tasks since the last collection',
      unit: '1',
    });
    this.#observables.push(queue, running, workers, utilization);
    const attributes: Attributes = { 'weft.worker.kind': kind };
    let lastBusy = 0;
    let lastAlive = 0;
    this.#observe = (result) => {
      const g = gauges();
      result.observe(queue, g.queued, attributes);
      result.observe(running, g.running, attributes);
      result.observe(workers, g.workers, attributes);
      const alive = g.aliveMs - lastAlive;
      if (alive > 0) {
        result.observe(
          utilization,
          Math.min(1, Math.max(0, (g.busyMs - lastBusy) / alive)),
          attributes,
        );
      }
      lastBusy = g.busyMs;
      lastAlive = g.aliveMs;
    };
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  /** FLAG_TRACED when this task's context goes to its worker: tracing is on, or a span is active. */
  traceFlag(): number {
    if (this.#tracing()) return FLAG_TRACED;
    // No context manager registered: no span can be active (the no-op manager keeps none).
    const registered = (globalThis as Record<symbol, { context?: unknown } | undefined>)[
      OTEL_GLOBAL
    ];
    if (registered?.context === undefined) return 0;
    const otel = this.#api;
    const active = otel.trace.getSpanContext(otel.context.active());
    return active !== undefined && otel.isSpanContextValid(active) ? FLAG_TRACED : 0;
  }

  /** queued (FLAG_TRACED tasks): start `weft.task <name>` as a child of the submitter's context. */
  queued(task: PoolTask): void {
    const otel = this.#api;
    const parent = otel.context.active();
    const attributes: Attributes = {
      'weft.task.name': task.name,
      'weft.task.id': task.id,
      'weft.worker.kind': this.#kind,
    };
    if ((task.flags & (FLAG_MAP | FLAG_STARMAP)) !== 0) {
      attributes['weft.task.chunk'] = task.extras?.offset ?? 0;
      attributes['weft.task.chunk_size'] = (task.args as unknown[]).length;
    }
    const span = this.#tracer.startSpan(
      `weft.task ${task.name}`,
      { kind: otel.SpanKind.INTERNAL, attributes },
      parent,
    );
    task.more().trace = new TaskTrace(otel.trace.setSpan(parent, span), span);
  }

  /**
   * assign (FLAG_TRACED tasks): start this attempt's `weft.run <name>` span and queue its W3C
   * context for the worker (sent with the batch, see {@link runMessage}).
   */
  assigned(task: PoolTask, worker: WorkerHandle): void {
    const trace = task.extras?.trace;
    if (trace === undefined) return;
    const attempt = ++trace.attempt;
    const run = this.#tracer.startSpan(
      `weft.run ${task.name}`,
      {
        kind: this.#api.SpanKind.INTERNAL,
        attributes: {
          'weft.task.name': task.name,
          'weft.task.id': task.id,
          'weft.task.attempt': attempt,
          'weft.worker.kind': this.#kind,
          'weft.worker.id': worker.id,
        },
      },
      trace.context,
    );
    trace.run = run;
    const sc = run.spanContext();
    (worker.traces ??= []).push(
      task.id,
      `00-${sc.traceId}-${sc.spanId}-${hex2(sc.traceFlags)}`,
      sc.traceState?.serialize() ?? '',
    );
  }

  /** requeue (crash recovery): the attempt never started; the task runs again elsewhere. */
  requeued(task: PoolTask, workerId: number): void {
    const trace = task.extras?.trace;
    if (trace === undefined) return;
    trace.span.addEvent('weft.requeued', { 'weft.worker.id': workerId });
    trace.run?.end();
    trace.run = undefined;
  }

  /** Whether settled() has anything to do for `task`: it is traced, or it ran and metrics are on. */
  settles(task: PoolTask, ran: boolean): boolean {
    return task.extras?.trace !== undefined || (this.#meter !== undefined && ran);
  }

  /** settle: end the spans (recording the error) and record the task's times. */
  settled(
    task: PoolTask,
    ok: boolean,
    value: unknown,
    waitMs: number,
    runMs: number,
    ran: boolean,
  ): void {
    const trace = task.extras?.trace;
    if (trace !== undefined) {
      if (!ok) {
        this.#fail(trace.span, value);
        if (trace.run !== undefined) this.#fail(trace.run, value);
      }
      trace.run?.end();
      trace.span.end();
    }
    if (this.#meter === undefined || !ran) return;
    let attributes: Attributes | undefined;
    if (ok) {
      attributes = this.#okAttributes.get(task.name);
      if (attributes === undefined) {
        attributes = { 'weft.worker.kind': this.#kind, 'weft.task.name': task.name };
        this.#okAttributes.set(task.name, attributes);
      }
    } else {
      attributes = {
        'weft.worker.kind': this.#kind,
        'weft.task.name': task.name,
        'error.type': errorType(value),
      };
    }
    this.#wait!.record(waitMs / 1000, attributes);
    this.#duration!.record(runMs / 1000, attributes);
  }

  #fail(span: Span, error: unknown): void {
    const type = errorType(error);
    span.setAttribute('error.type', type);
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: this.#api.SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }

  /** The pool is over: stop observing it. */
  close(): void {
    if (this.#observe !== undefined)
      this.#meter!.removeBatchObservableCallback(this.#observe, this.#observables);
  }
}

/**
 * The telemetry of a new pool: `undefined` (nothing at all per task) when `telemetry` is `false`
 * or `@opentelemetry/api` does not resolve.
 */
export function poolTelemetry(
  kind: WorkerKind,
  option: boolean | PoolTelemetryOptions | undefined,
  gauges: () => PoolGauges,
): PoolTelemetry | undefined {
  if (option === false) return undefined;
  const otel = loadOtelApi();
  if (otel === undefined) return undefined;
  return new PoolTelemetry(otel, kind, option === true ? undefined : option, gauges);
}

/**
 * The trace contexts of `traces` (flat: task id, traceparent, tracestate) whose task is in `batch`
 * (flat, TASK_STRIDE), or `undefined` for none: a batch the serializer refused is sent again
 * without the refused tasks.
 */
export function tracesIn(traces: unknown[] | undefined, batch: unknown[]): unknown[] | undefined {
  if (traces === undefined) return undefined;
  const ids = new Set<unknown>();
  for (let i = 0; i < batch.length; i += TASK_STRIDE) ids.add(batch[i]);
  const kept: unknown[] = [];
  for (let i = 0; i < traces.length; i += 3)
    if (ids.has(traces[i])) kept.push(traces[i], traces[i + 1], traces[i + 2]);
  return kept.length > 0 ? kept : undefined;
}

/**
 * The `run` message for a worker's batch, with the trace contexts queued for it and the function
 * table entries `f` it has not been sent, if any.
 */
export function runMessage(
  worker: WorkerHandle,
  batch: unknown[],
  f: unknown[] | undefined,
): RunMessage {
  const traces = worker.traces;
  worker.traces = undefined;
  return runMessageOf(batch, traces, f);
}
