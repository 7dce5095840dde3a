import { describe, expect, it } from 'vitest';
import {
  ReporterOptionsInvalidError,
  formatChromeTrace,
  toChromeTrace,
  type Timeline,
  type TraceCompleteEvent,
  type TraceEvent,
  type TraceMetadataEvent,
} from '@weft/reporters';
import { T0, timeline } from './fixtures/data.js';

const trace = toChromeTrace(timeline);
const byPh = <P extends TraceEvent['ph']>(ph: P): Extract<TraceEvent, { ph: P }>[] =>
  trace.traceEvents.filter((e): e is Extract<TraceEvent, { ph: P }> => e.ph === ph);
const threadName = (pid: number, tid: number): string | undefined => {
  const m = byPh('M').find((e) => e.name === 'thread_name' && e.pid === pid && e.tid === tid);
  return m && 'name' in m.args ? m.args.name : undefined;
};

describe('toChromeTrace()', () => {
  it('writes the JSON Object Format with a ms display unit and the origin', () => {
    expect(Object.keys(trace).sort()).toEqual(['displayTimeUnit', 'otherData', 'traceEvents']);
    expect(trace.displayTimeUnit).toBe('ms');
    expect(trace.otherData).toEqual({ generator: '@weft/reporters', originMs: T0 });
  });

  it('writes one X event per span, field by field, with µs times from the origin', () => {
    const xs = byPh('X');
    expect(xs).toHaveLength(timeline.spans.length);
    for (const e of xs) {
      expect(Object.keys(e).sort()).toEqual([
        'args',
        'cat',
        'dur',
        'name',
        'ph',
        'pid',
        'tid',
        'ts',
      ]);
      expect(typeof e.name).toBe('string');
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      expect(e.ts).toBeGreaterThanOrEqual(0);
      expect(e.dur).toBeGreaterThanOrEqual(0);
      expect(['fulfilled', 'rejected', 'cancelled', 'timeout']).toContain(e.cat);
      expect(e.args['status']).toBe(e.cat);
    }
    const rejected = xs.find((e) => e.name === 'fetch b' && e.cat === 'rejected')!;
    expect(rejected).toMatchObject({
      ts: 15_000,
      dur: 20_000,
      pid: 100,
      args: { error: 'ECONNRESET', lane: 'loop' },
    });
    expect(xs.find((e) => e.args['attempt'] === 2 && e.pid === 4242)).toMatchObject({
      ts: 81_000,
      dur: 29_000,
      tid: 1,
    });
  });

  it('names every process and thread with M events', () => {
    const ms = byPh('M');
    for (const e of ms) {
      expect(Object.keys(e).sort()).toEqual(['args', 'name', 'ph', 'pid', 'tid', 'ts']);
    }
    const processNames = ms
      .filter((e) => e.name === 'process_name')
      .map((e) => [e.pid, (e.args as { name: string }).name]);
    expect(processNames).toEqual([
      [100, 'weft'],
      [4242, 'process 4242'],
    ]);
    const used = new Set(byPh('X').map((e) => `${e.pid}:${e.tid}`));
    for (const key of used) {
      const [pid, tid] = key.split(':').map(Number) as [number, number];
      expect(threadName(pid, tid)).toBeDefined();
    }
    expect(ms.filter((e): e is TraceMetadataEvent => e.name === 'thread_sort_index')).toHaveLength(
      7,
    );
  });

  it('splits overlapping spans of one lane into sub-lanes so every thread nests', () => {
    const threads = new Map<string, TraceCompleteEvent[]>();
    for (const e of byPh('X'))
      threads.set(`${e.pid}:${e.tid}`, [...(threads.get(`${e.pid}:${e.tid}`) ?? []), e]);
    for (const events of threads.values()) {
      const sorted = [...events].sort((a, b) => a.ts - b.ts || b.dur - a.dur);
      const stack: TraceCompleteEvent[] = [];
      for (const e of sorted) {
        while (stack.length > 0 && stack.at(-1)!.ts + stack.at(-1)!.dur <= e.ts) stack.pop();
        const parent = stack.at(-1);
        if (parent) expect(e.ts + e.dur).toBeLessThanOrEqual(parent.ts + parent.dur);
        stack.push(e);
      }
    }
    const loopThreads = new Set(
      byPh('X')
        .filter((e) => e.args['lane'] === 'loop')
        .map((e) => e.tid),
    );
    expect([...loopThreads].map((tid) => threadName(100, tid)).sort()).toEqual([
      'event loop #1',
      'event loop #2',
      'event loop #3',
    ]);
  });

  it('gives concurrent event-loop tasks separate lanes, even one lying within another', () => {
    // 'fetch b' (15-35 ms) runs while 'fetch a' (10-40 ms) waits: concurrent, not its child.
    const loop = byPh('X').filter((e) => e.args['lane'] === 'loop');
    const a = loop.find((e) => e.name === 'fetch a')!;
    const b = loop.find((e) => e.name === 'fetch b' && e.cat === 'rejected')!;
    expect(b.ts).toBeGreaterThan(a.ts);
    expect(b.ts + b.dur).toBeLessThan(a.ts + a.dur);
    expect(b.tid).not.toBe(a.tid);
    for (const x of loop)
      for (const y of loop)
        if (x !== y && x.tid === y.tid)
          expect(x.ts + x.dur <= y.ts || y.ts + y.dur <= x.ts).toBe(true);
  });

  it('keeps a span nested in another on the same thread', () => {
    const main = byPh('X').filter((e) => e.args['lane'] === 'main');
    expect(new Set(main.map((e) => e.tid)).size).toBe(1);
  });

  it('writes instants as thread-scoped i events on their lane', () => {
    const is = byPh('i');
    expect(is).toHaveLength(timeline.instants.length);
    const crash = is.find((e) => e.cat === 'crash')!;
    expect(crash).toEqual({
      ph: 'i',
      name: 'worker 2 crashed',
      cat: 'crash',
      s: 't',
      ts: 80_000,
      pid: 100,
      tid: crash.tid,
      args: { kind: 'crash' },
    });
    expect(threadName(100, crash.tid)).toBe('worker 2');
  });

  it('writes each counter point as a C event with a value arg', () => {
    const cs = byPh('C');
    expect(cs).toHaveLength(timeline.counters.reduce((n, c) => n + c.points.length, 0));
    for (const e of cs) {
      expect(Object.keys(e).sort()).toEqual(['args', 'name', 'ph', 'pid', 'tid', 'ts']);
      expect(typeof e.args.value).toBe('number');
    }
    expect(cs.find((e) => e.name === 'queue depth' && e.ts === 6_000)?.args).toEqual({ value: 4 });
  });

  it('puts lanes without a pid and counters on options.pid', () => {
    const t: Timeline = {
      lanes: [{ id: 'a', name: 'a', kind: 'event-loop' }],
      spans: [{ lane: 'a', name: 's', start: 5, end: 6, status: 'fulfilled' }],
      instants: [],
      counters: [{ name: 'q', points: [{ time: 5, value: 1 }] }],
    };
    const out = toChromeTrace(t, { pid: 7, processName: 'demo' });
    expect(out.traceEvents.every((e) => e.pid === 7)).toBe(true);
    expect(out.traceEvents.find((e) => e.name === 'process_name')?.args).toEqual({ name: 'demo' });
    expect(() => toChromeTrace(t, { pid: -1 })).toThrow(ReporterOptionsInvalidError);
  });

  it.each<[string, unknown, string]>([
    ['options that are not an object', 7, 'options'],
    ['a process name that is not a string', { processName: 7 }, 'processName'],
    ['a fractional pid', { pid: 1.5 }, 'pid'],
  ])('rejects %s, naming the option', (_name, options, option) => {
    expect(() => toChromeTrace(timeline, options as never)).toThrow(
      expect.objectContaining({ option, code: 'ERR_WEFT_REPORTER_OPTIONS_INVALID' }),
    );
  });
});

describe('toChromeTrace() on an empty timeline', () => {
  it('writes only the process name', () => {
    const out = toChromeTrace({ lanes: [], spans: [], instants: [], counters: [] });
    expect(out.traceEvents.map((e) => e.name)).toEqual(['process_name', 'process_sort_index']);
    expect(out.otherData.originMs).toBe(0);
  });
});

describe('formatChromeTrace()', () => {
  it('is the JSON text of toChromeTrace()', () => {
    expect(JSON.parse(formatChromeTrace(timeline))).toEqual(trace);
  });
});
