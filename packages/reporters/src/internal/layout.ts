// Timeline layout shared by the ASCII, HTML and trace renderers: time bounds and sub-lanes.
import type { Timeline, TimelineLane, TimelineSpan } from '../timeline.js';

export interface Bounds {
  readonly start: number;
  readonly end: number;
}

/** Earliest and latest time anywhere in the timeline (a zero-length timeline gets 1 ms). */
export function bounds(timeline: Timeline): Bounds {
  let start = Infinity;
  let end = -Infinity;
  const see = (t: number): void => {
    if (t < start) start = t;
    if (t > end) end = t;
  };
  for (const s of timeline.spans) {
    see(s.start);
    see(s.end);
  }
  for (const i of timeline.instants) see(i.time);
  for (const c of timeline.counters) for (const p of c.points) see(p.time);
  if (start === Infinity) return { start: 0, end: 1 };
  return { start, end: end > start ? end : start + 1 };
}

export interface LaidOutLane {
  readonly lane: TimelineLane;
  /** Index of this row among the lane's sub-lanes (0 for the lane itself). */
  readonly sub: number;
  readonly subCount: number;
  readonly spans: readonly TimelineSpan[];
  /** Nesting depth of each span of `spans` (0 for top level), same order. */
  readonly depths: readonly number[];
}

/**
 * Splits each lane's spans into sub-lanes on which spans either follow each other or nest
 * completely: trace viewers require that of one thread, and overlapping bars hide each other.
 * Greedy interval partitioning (first fit, spans taken by start, longer first).
 *
 * On an event-loop lane, overlapping spans are concurrent tasks, never calls inside one another,
 * so there a span that lies within another still gets its own slot: drawing it nested would show
 * it as the other's child in Perfetto.
 */
export function layoutLanes(timeline: Timeline): LaidOutLane[] {
  const out: LaidOutLane[] = [];
  for (const lane of timeline.lanes) {
    const nests = lane.kind !== 'event-loop';
    const spans = timeline.spans
      .filter((s) => s.lane === lane.id)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const subs: { stack: TimelineSpan[]; spans: TimelineSpan[]; depths: number[] }[] = [];
    for (const span of spans) {
      let placed = false;
      for (const sub of subs) {
        while (sub.stack.length > 0 && (sub.stack[sub.stack.length - 1]?.end ?? 0) <= span.start) {
          sub.stack.pop();
        }
        const top = sub.stack[sub.stack.length - 1];
        if (top === undefined || (nests && top.end >= span.end)) {
          sub.depths.push(sub.stack.length);
          sub.stack.push(span);
          sub.spans.push(span);
          placed = true;
          break;
        }
      }
      if (!placed) subs.push({ stack: [span], spans: [span], depths: [0] });
    }
    if (subs.length === 0) subs.push({ stack: [], spans: [], depths: [] });
    subs.forEach((sub, i) =>
      out.push({ lane, sub: i, subCount: subs.length, spans: sub.spans, depths: sub.depths }),
    );
  }
  return out;
}

/** Display name of a (sub-)lane row. */
export function rowName(row: LaidOutLane): string {
  return row.subCount > 1 ? `${row.lane.name} #${row.sub + 1}` : row.lane.name;
}

export interface LaneSummary {
  readonly lane: TimelineLane;
  readonly spans: number;
  readonly failed: number;
  /** Time covered by at least one span (union of intervals), ms. */
  readonly busyMs: number;
  /** busyMs over the timeline's whole duration. */
  readonly utilization: number;
}

export function summarizeLanes(timeline: Timeline): LaneSummary[] {
  const b = bounds(timeline);
  return timeline.lanes.map((lane) => {
    const spans = timeline.spans
      .filter((s) => s.lane === lane.id)
      .sort((x, y) => x.start - y.start);
    let busy = 0;
    let curStart = -Infinity;
    let curEnd = -Infinity;
    for (const s of spans) {
      if (s.start > curEnd) {
        if (curEnd > curStart) busy += curEnd - curStart;
        curStart = s.start;
        curEnd = s.end;
      } else if (s.end > curEnd) curEnd = s.end;
    }
    if (curEnd > curStart) busy += curEnd - curStart;
    return {
      lane,
      spans: spans.length,
      failed: spans.filter((s) => s.status !== 'fulfilled').length,
      busyMs: busy,
      utilization: busy / (b.end - b.start),
    };
  });
}
