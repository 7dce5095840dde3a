// The worker's side of trace context carrying (issue #24): the pool sends the W3C `traceparent`
// (and `tracestate`) of each traced task's run span with its batch; the worker runs that task's
// function inside it, so spans the task's code starts (an instrumented HTTP client, a database
// driver, its own) are children of the pool's `weft.run` span. `@opentelemetry/api` is looked up
// from the worker once, lazily, on the first traced task; without it, or with a malformed
// `traceparent`, the task runs as it would untraced. Recording those spans takes an SDK registered
// in the worker (README, "OpenTelemetry": the initializer or `execArgv: ['--import', …]`).
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

type Api = typeof OtelApi;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

let api: Api | null | undefined;
function otel(): Api | undefined {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as Api;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

/** The span context a W3C `traceparent` names; `undefined` for anything malformed. */
export function parseTraceparent(
  traceparent: unknown,
): { traceId: string; spanId: string; traceFlags: number } | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent);
  if (m === null || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) };
}

/** The trace contexts of the tasks this worker holds, by task id, until each runs or is skipped. */
export class TraceContexts {
  readonly #byId = new Map<number, readonly [string, string]>();

  /** Keep the contexts of a `run` message (flat: task id, traceparent, tracestate). */
  add(traces: unknown[]): void {
    for (let i = 0; i + 2 < traces.length; i += 3)
      this.#byId.set(traces[i] as number, [traces[i + 1] as string, traces[i + 2] as string]);
  }

  /** Forget a task's context (it was skipped). */
  drop(id: number): void {
    this.#byId.delete(id);
  }

  /**
   * Call `run(...args)` inside the remote context of task `id` (as the current context), or
   * plainly when there is none, the API does not resolve or the context is malformed.
   */
  runIn<A extends unknown[], R>(id: number, run: (...args: A) => R, ...args: A): R {
    const entry = this.#byId.get(id);
    this.#byId.delete(id);
    const parsed = entry === undefined ? undefined : parseTraceparent(entry[0]);
    const o = parsed === undefined ? undefined : otel();
    if (o === undefined || parsed === undefined) return run(...args);
    let traceState: OtelApi.TraceState | undefined;
    if (entry![1] !== '') {
      try {
        traceState = o.createTraceState(entry![1]);
      } catch {
        traceState = undefined;
      }
    }
    const context = o.trace.setSpanContext(o.ROOT_CONTEXT, {
      ...parsed,
      isRemote: true,
      ...(traceState === undefined ? {} : { traceState }),
    });
    return o.context.with(context, run, undefined, ...args);
  }
}
