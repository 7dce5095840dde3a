// OpenTelemetry for the scheduler (names: docs/guides/tracing-with-opentelemetry.md): a
// `weft.task <name>` span per task from submit to settle, a `weft.run <name>` span per attempt,
// retry and rate-limit events, and the scheduler's metrics. `@opentelemetry/api` is an optional
// peer, loaded lazily here and nowhere else. The run loop calls a few hooks (submitted, started,
// attempt over, retrying, requeued, settled), and only for tasks that carry a TaskTelemetry: with
// the API absent, `telemetry: false`, or no SDK registered, no task carries one and the hot path
// stays as it was.
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type {
  Attributes,
  BatchObservableResult,
  Context,
  Histogram,
  Meter,
  MeterProvider,
  Observable,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type { Executor, ExecutorCallOptions } from '../executor.js';
import type { SchedulerTelemetryOptions } from '../scheduler-options.js';
import type { Status } from './attempts.js';
import type { Lane } from './lane.js';
import type { TaskRecord } from './task-record.js';

type Api = typeof OtelApi;

const PACKAGE = '@weft/core-scheduler';
let loaded: Api | null | undefined;

/** `@opentelemetry/api` if it resolves from this package, loaded once; `undefined` without it. */
export function loadOtelApi(): Api | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Api;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

let version: string | undefined;
function packageVersion(): string {
  if (version !== undefined) return version;
  const require = createRequire(import.meta.url);
  // dist/index.js and src/internal/telemetry.ts sit at different depths below package.json.
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not at this depth
    }
  }
  return (version = '0.0.0');
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

/** What the scheduler's observable instruments read on collection (never per task). */
export interface SchedulerGauges {
  /** Tasks not yet started, per executor. */
  pendingOn(lane: Lane): number;
  readonly lanes: readonly Lane[];
}

/** One traced or measured task: its spans (if tracing) and the times its metrics need. */
export class TaskTelemetry {
  /** The task span and its context (the parent of each run span); unset when only measured. */
  readonly span: Span | undefined;
  readonly context: Context | undefined;
  run: Span | undefined = undefined;
  /** The run span's context: the task's code runs in it. */
  runContext: Context | undefined = undefined;
  /** performance.now() when it was last queued (submit or retry) and when its attempt started. */
  queuedAt: number;
  startedAt = 0;

  constructor(span: Span | undefined, context: Context | undefined) {
    this.span = span;
    this.context = context;
    this.queuedAt = performance.now();
  }
}

/**
 * One scheduler's telemetry: made when `@opentelemetry/api` resolves and `telemetry` is not
 * `false`. Metrics are decided once, here (a no-op meter means none); tracing per task by one
 * comparison of the global provider's delegate.
 */
export class SchedulerTelemetry {
  readonly #api: Api;
  readonly #tracer: Tracer;
  /** The global proxy whose delegate says whether an SDK is there; unset: a provider was passed. */
  readonly #proxy: OtelApi.ProxyTracerProvider | undefined;
  /** The proxy's delegate while no SDK is registered. */
  readonly #noop: TracerProvider | undefined;
  readonly #name: string | undefined;
  readonly #meter: Meter | undefined;
  readonly #duration: Histogram | undefined;
  readonly #wait: Histogram | undefined;
  /** Metric attributes of each executor's successful attempts, made once. */
  readonly #okAttributes = new Map<Lane, Attributes>();
  readonly #observe: ((result: BatchObservableResult) => void) | undefined;
  readonly #observables: Observable[] = [];

  constructor(
    otel: Api,
    options: SchedulerTelemetryOptions | undefined,
    name: string | undefined,
    gauges: SchedulerGauges,
  ) {
    this.#api = otel;
    this.#name = name;
    const passed = options?.tracerProvider as TracerProvider | undefined;
    const provider = passed ?? otel.trace.getTracerProvider();
    this.#tracer = provider.getTracer(PACKAGE, packageVersion());
    const proxy =
      passed === undefined && provider instanceof otel.ProxyTracerProvider ? provider : undefined;
    this.#proxy = proxy;
    this.#noop = proxy === undefined ? undefined : new otel.ProxyTracerProvider().getDelegate();
    const meterProvider =
      (options?.meterProvider as MeterProvider | undefined) ?? otel.metrics.getMeterProvider();
    const meter = meterProvider.getMeter(PACKAGE, packageVersion());
    // The API's no-op meter (no SDK registered) records nothing: leave metrics off.
    if (meter.constructor === otel.createNoopMeter().constructor) return;
    this.#meter = meter;
    this.#duration = meter.createHistogram('weft.scheduler.task.duration', {
      description: 'Run time of a task attempt, from its start on an executor to its end',
      unit: 's',
    });
    this.#wait = meter.createHistogram('weft.scheduler.task.wait.duration', {
      description: 'Time a task attempt waited in the scheduler (queued or held) before it started',
      unit: 's',
    });
    const queue = meter.createObservableUpDownCounter('weft.scheduler.queue.size', {
      description: 'Tasks accepted and not yet started',
      unit: '{task}',
    });
    const running = meter.createObservableUpDownCounter('weft.scheduler.tasks.running', {
      description: 'Task attempts running on an executor',
      unit: '{task}',
    });
    this.#observables.push(queue, running);
    const byLane = new Map(gauges.lanes.map((lane) => [lane, this.#attributes(lane)]));
    this.#observe = (result) => {
      for (const [lane, attributes] of byLane) {
        result.observe(queue, gauges.pendingOn(lane), attributes);
        result.observe(running, lane.running, attributes);
      }
    };
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  #attributes(lane: Lane): Attributes {
    const attributes: Attributes = { 'weft.route': lane.name };
    if (this.#name !== undefined) attributes['weft.scheduler.name'] = this.#name;
    return attributes;
  }

  /** Whether a task submitted now is traced (an SDK's tracer provider is there) or measured. */
  wants(): boolean {
    return this.#meter !== undefined || this.#tracing();
  }

  #tracing(): boolean {
    return this.#proxy === undefined || this.#proxy.getDelegate() !== this.#noop;
  }

  /**
   * submit (of a task {@link wants} said yes to): its telemetry; if traced, its span is a child
   * of the context active now.
   */
  submitted(record: TaskRecord): TaskTelemetry {
    if (!this.#tracing()) return new TaskTelemetry(undefined, undefined);
    const otel = this.#api;
    const parent = otel.context.active();
    const attributes: Attributes = {
      'weft.task.name': record.name,
      'weft.task.id': record.id,
      'weft.task.priority': record.priority,
      'weft.route': record.lane.name,
    };
    if (record.kind === 'auto') attributes['weft.route.requested'] = 'auto';
    if (this.#name !== undefined) attributes['weft.scheduler.name'] = this.#name;
    const span = this.#tracer.startSpan(
      `weft.task ${record.name}`,
      { kind: otel.SpanKind.INTERNAL, attributes },
      parent,
    );
    return new TaskTelemetry(span, otel.trace.setSpan(parent, span));
  }

  /**
   * start: an attempt is handed to its executor. Records its queue wait, notes a wait under a
   * rate rule (`heldSince`: performance.now() since when starts were held, or NaN), and starts its
   * run span.
   */
  started(record: TaskRecord, lane: Lane, t: TaskTelemetry, heldSince: number): void {
    const at = performance.now();
    t.startedAt = at;
    const waited = at - t.queuedAt;
    this.#wait?.record(waited / 1000, this.#okAttributesOf(lane));
    const span = t.span;
    if (span === undefined) return;
    if (heldSince === heldSince) {
      const held = at - Math.max(heldSince, t.queuedAt);
      if (held > 0) span.addEvent('weft.rate_limited', { 'weft.wait_ms': held });
    }
    span.setAttribute('weft.route', lane.name);
    const attributes: Attributes = {
      'weft.task.name': record.name,
      'weft.task.id': record.id,
      'weft.task.attempt': record.attempt,
      'weft.route': lane.name,
    };
    if (record.kind === 'auto') attributes['weft.route.requested'] = 'auto';
    if (lane.inline) attributes['weft.worker.kind'] = 'inline';
    if (this.#name !== undefined) attributes['weft.scheduler.name'] = this.#name;
    t.run = this.#tracer.startSpan(
      `weft.run ${record.name}`,
      { kind: this.#api.SpanKind.INTERNAL, attributes },
      t.context,
    );
    t.runContext = this.#api.trace.setSpan(t.context!, t.run);
  }

  /**
   * Hands the attempt to its executor inside the run span's context: an inline task's code runs
   * in it, and an executor such as a Pool sees it as the active context when it takes the task.
   */
  apply(
    t: TaskTelemetry,
    executor: Executor,
    fn: (...args: readonly unknown[]) => unknown,
    args: readonly unknown[],
    options: ExecutorCallOptions | undefined,
  ): Promise<unknown> {
    if (t.runContext === undefined) return executor.apply(fn, args, options);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with `executor` as `this`
    return this.#api.context.with(t.runContext, executor.apply, executor, fn, args, options);
  }

  /** An attempt is over (settled, timed out or cancelled): ends its run span, records its time. */
  attemptOver(lane: Lane, t: TaskTelemetry, status: Status, valueOrError: unknown): void {
    const ok = status === 'fulfilled';
    if (this.#duration !== undefined && t.startedAt !== 0) {
      const attributes = ok ? this.#okAttributesOf(lane) : this.#failed(lane, valueOrError);
      this.#duration.record((performance.now() - t.startedAt) / 1000, attributes);
    }
    t.startedAt = 0;
    const run = t.run;
    if (run === undefined) return;
    if (!ok) this.#fail(run, valueOrError);
    run.end();
    t.run = t.runContext = undefined;
  }

  /** retry: an attempt failed and the task runs again after `delay` ms. */
  retrying(t: TaskTelemetry, attempt: number, error: unknown, delay: number): void {
    t.span?.addEvent('weft.retry', {
      'weft.task.attempt': attempt,
      'error.type': errorType(error),
      'weft.retry.delay_ms': delay,
    });
  }

  /** settle: ends the task span, with the error if it failed. */
  settled(t: TaskTelemetry, status: Status, valueOrError: unknown): void {
    const span = t.span;
    if (span === undefined) return;
    if (status !== 'fulfilled') this.#fail(span, valueOrError);
    span.end();
  }

  #okAttributesOf(lane: Lane): Attributes {
    let attributes = this.#okAttributes.get(lane);
    if (attributes === undefined) {
      attributes = this.#attributes(lane);
      this.#okAttributes.set(lane, attributes);
    }
    return attributes;
  }

  #failed(lane: Lane, error: unknown): Attributes {
    return { ...this.#okAttributesOf(lane), 'error.type': errorType(error) };
  }

  #fail(span: Span, error: unknown): void {
    span.setAttribute('error.type', errorType(error));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: this.#api.SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }

  /** The scheduler closed: its gauges stop being observed. */
  close(): void {
    if (this.#observe !== undefined)
      this.#meter!.removeBatchObservableCallback(this.#observe, this.#observables);
  }
}

/**
 * The telemetry of a new scheduler: `undefined` (no telemetry work at all per task) when
 * `telemetry` is `false` or `@opentelemetry/api` does not resolve.
 */
export function schedulerTelemetry(
  option: boolean | SchedulerTelemetryOptions,
  name: string | undefined,
  gauges: SchedulerGauges,
): SchedulerTelemetry | undefined {
  if (option === false) return undefined;
  const otel = loadOtelApi();
  if (otel === undefined) return undefined;
  return new SchedulerTelemetry(otel, option === true ? undefined : option, name, gauges);
}
