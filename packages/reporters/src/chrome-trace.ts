// Chrome Trace Event Format output (the JSON Object Format that Perfetto and chrome://tracing open).
// Format: "Trace Event Format", Duffy et al., Google, docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
import { ReporterOptionsInvalidError } from './errors.js';
import { bounds, layoutLanes, rowName } from './internal/layout.js';
import { optionalString, optionsObject } from './internal/options.js';
import { validateTimeline, type Timeline } from './timeline.js';

/**
 * Argument values carried by trace events.
 *
 * @example
 * ```ts
 * import type { TraceArgs } from '@weft/reporters';
 * const args: TraceArgs = { status: 'rejected', lane: 'loop', error: 'ECONNRESET' };
 * ```
 */
export type TraceArgs = Readonly<Record<string, string | number | boolean>>;

/**
 * A complete event: a span with a start and a duration, both in microseconds.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type TraceCompleteEvent } from '@weft/reporters';
 * const spans = toChromeTrace(timeline).traceEvents.filter(
 *   (e): e is TraceCompleteEvent => e.ph === 'X',
 * );
 * const longest = Math.max(...spans.map((e) => e.dur)); // µs
 * ```
 */
export interface TraceCompleteEvent {
  /** Phase: complete event. */
  readonly ph: 'X';
  /** The span's name. */
  readonly name: string;
  /** Category: the span's status, so viewers can filter by it. */
  readonly cat: string;
  /** Start, µs from the trace origin. */
  readonly ts: number;
  /** Duration, µs. */
  readonly dur: number;
  /** Process id. */
  readonly pid: number;
  /** Trace thread id: one per lane or sub-lane. */
  readonly tid: number;
  /** The span's args plus `status`, `lane` and `attempt`. */
  readonly args: TraceArgs;
}

/**
 * A metadata event naming or ordering a process or thread.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type TraceMetadataEvent } from '@weft/reporters';
 * const names = toChromeTrace(timeline)
 *   .traceEvents.filter((e): e is TraceMetadataEvent => e.ph === 'M' && e.name === 'thread_name')
 *   .map((e) => ('name' in e.args ? e.args.name : ''));
 * ```
 */
export interface TraceMetadataEvent {
  /** Phase: metadata event. */
  readonly ph: 'M';
  /** Which metadata this is. */
  readonly name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index';
  /** Process id. */
  readonly pid: number;
  /** Thread id (0 for process metadata). */
  readonly tid: number;
  /** Always 0. */
  readonly ts: 0;
  /** The name, or the sort index. */
  readonly args:
    | {
        /** Display name of the process or thread. */
        readonly name: string;
      }
    | {
        /** Position among processes or threads, smallest first. */
        readonly sort_index: number;
      };
}

/**
 * An instant event on one thread.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type TraceInstantEvent } from '@weft/reporters';
 * const crashes = toChromeTrace(timeline).traceEvents.filter(
 *   (e): e is TraceInstantEvent => e.ph === 'i' && e.cat === 'crash',
 * );
 * ```
 */
export interface TraceInstantEvent {
  /** Phase: instant event. */
  readonly ph: 'i';
  /** The instant's name. */
  readonly name: string;
  /** Category: the instant's kind. */
  readonly cat: string;
  /** Scope: thread. */
  readonly s: 't';
  /** Time, µs from the trace origin. */
  readonly ts: number;
  /** Process id. */
  readonly pid: number;
  /** Thread id of the lane's first sub-lane. */
  readonly tid: number;
  /** `kind` of the instant. */
  readonly args: TraceArgs;
}

/**
 * A counter sample; Perfetto draws one track per counter name and process.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type TraceCounterEvent } from '@weft/reporters';
 * const depth = toChromeTrace(timeline).traceEvents.filter(
 *   (e): e is TraceCounterEvent => e.ph === 'C' && e.name === 'queue depth',
 * );
 * ```
 */
export interface TraceCounterEvent {
  /** Phase: counter event. */
  readonly ph: 'C';
  /** The counter's name. */
  readonly name: string;
  /** Time, µs from the trace origin. */
  readonly ts: number;
  /** Process id the counter track belongs to. */
  readonly pid: number;
  /** Always 0: counters belong to the process. */
  readonly tid: 0;
  /** The sample. */
  readonly args: {
    /** The counter's value from `ts` on. */
    readonly value: number;
  };
}

/**
 * Any event this package writes.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type TraceEvent } from '@weft/reporters';
 * const events: readonly TraceEvent[] = toChromeTrace(timeline).traceEvents;
 * const spans = events.filter((e) => e.ph === 'X').length;
 * ```
 */
export type TraceEvent =
  TraceCompleteEvent | TraceMetadataEvent | TraceInstantEvent | TraceCounterEvent;

/**
 * A trace file in the JSON Object Format.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { toChromeTrace, type ChromeTrace } from '@weft/reporters';
 * const trace: ChromeTrace = toChromeTrace(timeline);
 * writeFileSync('trace.json', JSON.stringify(trace)); // open in https://ui.perfetto.dev
 * ```
 */
export interface ChromeTrace {
  /** Metadata events first, then the others by time. */
  readonly traceEvents: readonly TraceEvent[];
  /** Unit the viewer shows times in. */
  readonly displayTimeUnit: 'ms';
  /** Free-form data kept by viewers. */
  readonly otherData: {
    /** `'@weft/reporters'`. */
    readonly generator: string;
    /** The timeline time (ms) that `ts: 0` stands for. */
    readonly originMs: number;
  };
}

/**
 * Options of {@link toChromeTrace}.
 *
 * @example
 * ```ts
 * import { toChromeTrace, type ChromeTraceOptions } from '@weft/reporters';
 * const options: ChromeTraceOptions = { pid: process.pid, processName: 'mandelbrot run' };
 * const trace = toChromeTrace(timeline, options);
 * ```
 */
export interface ChromeTraceOptions {
  /**
   * Process id for lanes that carry no `pid`, and for counters.
   * @defaultValue the first lane's `pid`, else `1`
   */
  readonly pid?: number;
  /**
   * Name shown for that process.
   * @defaultValue `'weft'`
   */
  readonly processName?: string;
}

const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

/**
 * Converts a timeline into Chrome Trace Event JSON: `X` events for spans, `M` events naming
 * processes and threads, `i` events for instants and `C` events for counters.
 *
 * Times become microseconds from the earliest event (`otherData.originMs` keeps the absolute
 * origin). Events on one trace thread must nest, so a lane whose spans overlap is split into
 * sub-lanes named `"<lane> #1"`, `"<lane> #2"`...; on an event-loop lane every concurrent task
 * gets its own sub-lane, even one that starts and ends within another (it is not its child).
 * Lanes with a `pid` go to that process; the others and all counters go to `options.pid`
 * (by default the first lane's pid).
 *
 * @param timeline - the timeline; validated first
 * @param options - process id and name for lanes without a pid
 * @returns the trace object, ready for `JSON.stringify`
 * @throws {@link ReportInputInvalidError} when the timeline is malformed
 * @throws {@link ReporterOptionsInvalidError} when `pid` is not an integer >= 0, `processName`
 * not a string, or `options` not an object
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { toChromeTrace } from '@weft/reporters';
 * writeFileSync('trace.json', JSON.stringify(toChromeTrace(timeline)));
 * // open it in https://ui.perfetto.dev or chrome://tracing
 * ```
 */
export function toChromeTrace(timeline: Timeline, options: ChromeTraceOptions = {}): ChromeTrace {
  const o = optionsObject(options);
  if (o.pid !== undefined && (!Number.isSafeInteger(o.pid) || o.pid < 0)) {
    throw new ReporterOptionsInvalidError('pid', `got ${String(o.pid)}; expected an integer >= 0`);
  }
  const processName = optionalString(o.processName, 'processName');
  const t = validateTimeline(timeline);
  const defaultPid = o.pid ?? t.lanes.find((l) => l.pid !== undefined)?.pid ?? 1;
  const origin = bounds(t).start;
  const meta: TraceMetadataEvent[] = [];
  const events: TraceEvent[] = [];
  const processes = new Map<number, string>([[defaultPid, processName ?? 'weft']]);
  const nextTid = new Map<number, number>();
  const firstTidOfLane = new Map<string, { pid: number; tid: number }>();

  layoutLanes(t).forEach((row, index) => {
    const pid = row.lane.pid ?? defaultPid;
    if (!processes.has(pid))
      processes.set(pid, row.lane.kind === 'process' ? row.lane.name : `process ${pid}`);
    const tid = (nextTid.get(pid) ?? 0) + 1;
    nextTid.set(pid, tid);
    if (row.sub === 0) firstTidOfLane.set(row.lane.id, { pid, tid });
    meta.push(
      { ph: 'M', name: 'thread_name', pid, tid, ts: 0, args: { name: rowName(row) } },
      { ph: 'M', name: 'thread_sort_index', pid, tid, ts: 0, args: { sort_index: index } },
    );
    for (const span of row.spans) {
      const args: Record<string, string | number | boolean> = {
        ...span.args,
        status: span.status,
        lane: row.lane.id,
      };
      if (span.attempt !== undefined) args['attempt'] = span.attempt;
      events.push({
        ph: 'X',
        name: span.name,
        cat: span.status,
        ts: us(span.start - origin),
        dur: us(span.end - span.start),
        pid,
        tid,
        args,
      });
    }
  });
  for (const instant of t.instants) {
    const where = firstTidOfLane.get(instant.lane) ?? { pid: defaultPid, tid: 1 };
    events.push({
      ph: 'i',
      name: instant.name,
      cat: instant.kind,
      s: 't',
      ts: us(instant.time - origin),
      pid: where.pid,
      tid: where.tid,
      args: { kind: instant.kind },
    });
  }
  for (const counter of t.counters) {
    for (const point of counter.points) {
      events.push({
        ph: 'C',
        name: counter.name,
        ts: us(point.time - origin),
        pid: defaultPid,
        tid: 0,
        args: { value: point.value },
      });
    }
  }
  const processMeta: TraceMetadataEvent[] = [];
  [...processes].forEach(([pid, name], index) => {
    processMeta.push(
      { ph: 'M', name: 'process_name', pid, tid: 0, ts: 0, args: { name } },
      { ph: 'M', name: 'process_sort_index', pid, tid: 0, ts: 0, args: { sort_index: index } },
    );
  });
  // Parents before children when two spans start together, as viewers expect for nesting.
  events.sort((a, b) => a.ts - b.ts || ('dur' in b ? b.dur : 0) - ('dur' in a ? a.dur : 0));
  return {
    traceEvents: [...processMeta, ...meta, ...events],
    displayTimeUnit: 'ms',
    otherData: { generator: '@weft/reporters', originMs: origin },
  };
}

/**
 * Writes a timeline as Chrome Trace Event JSON text; see {@link toChromeTrace}.
 *
 * @param timeline - the timeline; validated first
 * @param options - process id and name for lanes without a pid
 * @returns the JSON text
 * @throws {@link ReportInputInvalidError} when the timeline is malformed
 * @throws {@link ReporterOptionsInvalidError} when an option is invalid, as for {@link toChromeTrace}
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { formatChromeTrace } from '@weft/reporters';
 * writeFileSync('trace.json', formatChromeTrace(timeline));
 * ```
 */
export function formatChromeTrace(timeline: Timeline, options: ChromeTraceOptions = {}): string {
  return JSON.stringify(toChromeTrace(timeline, options));
}
