import { afterEach, describe, expect, it, vi } from 'vitest';
import diagnostics_channel from 'node:diagnostics_channel';
import {
  Recorder,
  Scheduler,
  schedulerChannels,
  type SchedulerEvent,
  type Timeline,
} from '@weft/core-scheduler';
import { deferred, fakeExecutor, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Checks the invariants every timeline must satisfy for @weft/reporters. */
function expectSaneTimeline(timeline: Timeline): void {
  const laneIds = new Set(timeline.lanes.map((lane) => lane.id));
  expect(laneIds.size).toBe(timeline.lanes.length);
  for (const span of timeline.spans) {
    expect(laneIds.has(span.lane)).toBe(true);
    expect(span.end).toBeGreaterThanOrEqual(span.start);
    expect(Number.isFinite(span.start)).toBe(true);
  }
  for (const instant of timeline.instants) expect(laneIds.has(instant.lane)).toBe(true);
  // Spans on one lane never overlap (one lane per event-loop slot or worker).
  for (const id of laneIds) {
    const spans = timeline.spans
      .filter((span) => span.lane === id)
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  }
}

describe('Recorder', () => {
  it('records one span per attempt on event-loop slot lanes, with sane times', async () => {
    const recorder = new Recorder();
    const scheduler = new Scheduler({ concurrency: 2, recorder });
    const before = performance.timeOrigin + performance.now();
    let calls = 0;
    const gateA = deferred();
    const gateB = deferred();
    const all = Promise.all([
      scheduler.schedule({ fn: () => gateA.promise, name: 'a' }),
      scheduler.schedule({ fn: () => gateB.promise, name: 'b' }),
      scheduler.schedule({
        fn: () => (++calls < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve()),
        name: 'flaky',
        retry: { attempts: 3 },
      }),
    ]);
    await flush();
    gateA.resolve(); // 'flaky' takes a's slot and fails twice while b still holds the other
    await flush(20);
    gateB.resolve();
    await all;
    const after = performance.timeOrigin + performance.now();
    const timeline = recorder.timeline();
    expectSaneTimeline(timeline);
    expect(
      timeline.spans.filter((s) => s.name === 'flaky').map((s) => [s.attempt, s.status]),
    ).toEqual([
      [1, 'rejected'],
      [2, 'rejected'],
      [3, 'fulfilled'],
    ]);
    expect(timeline.spans).toHaveLength(5);
    for (const span of timeline.spans) {
      expect(span.start).toBeGreaterThanOrEqual(before);
      expect(span.end).toBeLessThanOrEqual(after);
    }
    const slotLanes = timeline.lanes.filter((lane) => lane.kind === 'event-loop');
    expect(slotLanes.map((lane) => lane.id).sort()).toEqual(['io:slot-0', 'io:slot-1']);
    expect(
      timeline.instants.filter((i) => i.kind === 'mark' && i.name.startsWith('retry flaky')),
    ).toHaveLength(2);
    const running = timeline.counters.find((c) => c.name === 'running')!;
    expect(Math.max(...running.points.map((p) => p.value))).toBe(2);
  });

  it('puts pool attempts on one lane per worker and marks executor crashes', async () => {
    let calls = 0;
    const pool = fakeExecutor(async (call, options) => {
      const workerId = calls++ % 2;
      options?.onStart?.({
        time: performance.timeOrigin + performance.now(),
        workerId,
        pid: process.pid,
        threadId: 10 + workerId,
      });
      await flush();
      if (calls === 3)
        throw Object.assign(new Error('worker crashed'), {
          code: 'ERR_WEFT_POOL_WORKER_EXITED',
          isExecutorFailure: true,
        });
      const value = await call();
      options?.onSettle?.({
        time: performance.timeOrigin + performance.now(),
        status: 'fulfilled',
        runMs: 0,
        cpuMs: 0.5,
      });
      return value;
    });
    const recorder = new Recorder();
    const scheduler = new Scheduler({ cpu: { executor: pool, concurrency: 1 }, recorder });
    await Promise.allSettled(
      [1, 2, 3, 4].map((n) => scheduler.schedule({ fn: () => n, kind: 'cpu', name: `t${n}` })),
    );
    const timeline = recorder.timeline();
    expectSaneTimeline(timeline);
    const workers = timeline.lanes.filter((lane) => lane.kind === 'worker');
    expect(workers.map((lane) => [lane.id, lane.threadId])).toEqual([
      ['cpu:worker-0', 10],
      ['cpu:worker-1', 11],
    ]);
    expect(timeline.spans.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(timeline.spans[0]!.args).toMatchObject({ cpuMs: 0.5, executor: 'cpu' });
    expect(timeline.instants.filter((i) => i.kind === 'crash')).toHaveLength(1);
  });

  it('records cancelled and timed-out attempts with their status', async () => {
    vi.useFakeTimers();
    const recorder = new Recorder();
    const scheduler = new Scheduler({ recorder });
    const controller = new AbortController();
    const cancelled = scheduler
      .schedule({ fn: () => new Promise(() => {}), signal: controller.signal, name: 'cancelled' })
      .catch(() => 0);
    const timedOut = scheduler
      .schedule({ fn: () => new Promise(() => {}), timeout: 10, name: 'slow' })
      .catch(() => 0);
    controller.abort();
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([cancelled, timedOut]);
    const statuses = Object.fromEntries(recorder.timeline().spans.map((s) => [s.name, s.status]));
    expect(statuses).toEqual({ cancelled: 'cancelled', slow: 'timeout' });
  });

  it('emits queued → routed → started → finished → settled per task, with the routing reason', async () => {
    const scheduler = new Scheduler();
    const events: SchedulerEvent[] = [];
    const unsubscribe = scheduler.subscribe((event) => events.push(event));
    await scheduler.schedule({ fn: () => 1, name: 'one' });
    unsubscribe();
    await scheduler.schedule({ fn: () => 2, name: 'two' });
    expect(events.map((e) => e.type)).toEqual([
      'task:routed',
      'task:queued',
      'task:started',
      'task:finished',
      'task:settled',
    ]);
    expect(events.every((e) => e.name === 'one')).toBe(true);
    const routed = events[0]!;
    expect(routed.type === 'task:routed' && routed.reason).toBe("declared kind 'io'");
    const times = events.map((e) => e.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('publishes events on node:diagnostics_channel', async () => {
    const scheduler = new Scheduler();
    const seen: string[] = [];
    const onSettled = (message: unknown): void => {
      seen.push((message as SchedulerEvent).name);
    };
    diagnostics_channel.subscribe(schedulerChannels['task:settled'], onSettled);
    try {
      await scheduler.schedule({ fn: () => 1, name: 'observed' });
    } finally {
      diagnostics_channel.unsubscribe(schedulerChannels['task:settled'], onSettled);
    }
    await scheduler.schedule({ fn: () => 1, name: 'unobserved' });
    expect(seen).toEqual(['observed']);
  });

  it('records a task cancelled before it started as an instant on the scheduler lane, not a span', async () => {
    const recorder = new Recorder();
    const scheduler = new Scheduler({ concurrency: 1, recorder });
    const gate = deferred();
    const blocker = scheduler.schedule({ fn: () => gate.promise, name: 'blocker' });
    const controller = new AbortController();
    const never = scheduler
      .schedule({ fn: () => 1, signal: controller.signal, name: 'never' })
      .catch(() => 0);
    controller.abort();
    gate.resolve();
    await Promise.all([blocker, never]);
    const timeline = recorder.timeline();
    expect(timeline.spans.map((s) => s.name)).toEqual(['blocker']);
    expect(timeline.instants).toEqual([
      expect.objectContaining({ lane: 'scheduler', name: 'never cancelled before start' }),
    ]);
    recorder.clear();
    expect(recorder.timeline().spans).toEqual([]);
  });
});
