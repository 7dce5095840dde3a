// The worker's side of trace context carrying: `traceparent` is parsed strictly, and a malformed
// one is ignored (the task runs untraced), never an error.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraceparent, TraceContexts } from '../src/internal/worker-trace.js';

const good = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

beforeEach(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterEach(() => {
  context.disable();
});

describe('parseTraceparent', () => {
  it('reads a valid W3C traceparent', () => {
    expect(parseTraceparent(good)).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
  });

  it.each([
    ['another version', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['upper-case hex', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`],
    ['an all-zero span id', `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`],
    ['a short span id', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033-01'],
    ['trailing text', `${good}-extra`],
    ['not a string', 42],
  ])('refuses %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('TraceContexts.runIn', () => {
  const activeIds = (): unknown => {
    const sc = trace.getSpanContext(context.active());
    return sc === undefined
      ? undefined
      : [sc.traceId, sc.spanId, sc.isRemote, sc.traceState?.get('k')];
  };

  it('runs the task inside the remote context, with its tracestate', () => {
    const traces = new TraceContexts();
    traces.add([7, good, 'k=v']);
    expect(traces.runIn(7, activeIds)).toEqual([
      '0af7651916cd43dd8448eb211c80319c',
      'b7ad6b7169203331',
      true,
      'v',
    ]);
    // Taken once: the entry is gone after the run.
    expect(traces.runIn(7, activeIds)).toBeUndefined();
  });

  it('runs a task with a malformed traceparent, or none, untraced', () => {
    const traces = new TraceContexts();
    traces.add([1, '00-zz-yy-01', '', 2, good, '']);
    traces.drop(2);
    expect(traces.runIn(1, activeIds)).toBeUndefined();
    expect(traces.runIn(2, activeIds)).toBeUndefined();
    expect(traces.runIn(3, (a: number, b: number) => a + b, 1, 2)).toBe(3);
  });
});
