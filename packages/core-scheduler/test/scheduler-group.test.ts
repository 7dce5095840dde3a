// SchedulerGroup: one scheduler per key, made on demand with shared options, dropped when idle.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, SchedulerGroup } from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('SchedulerGroup', () => {
  it('gives each key its own scheduler with the shared options (Bottleneck Group)', async () => {
    const group = new SchedulerGroup({ concurrency: 1 });
    const a = group.key('a');
    expect(group.key('a')).toBe(a);
    const b = group.key('b');
    expect(b).not.toBe(a);
    expect(a.concurrency).toBe(1);
    const gate = deferred();
    const inA = [a.schedule({ fn: () => gate.promise }), a.schedule({ fn: () => 'a2' })];
    const inB = b.schedule({ fn: () => 'b1' });
    await flush();
    // Limits are per key: b runs while a is full.
    await expect(inB).resolves.toBe('b1');
    expect(a.running).toBe(1);
    expect(a.size).toBe(1);
    gate.resolve();
    await Promise.all(inA);
    expect(group.keys()).toEqual(['a', 'b']);
    await group.close();
  });

  it('closes and forgets a key idle for idleTimeout; the next use makes a new scheduler', async () => {
    vi.useFakeTimers();
    const group = new SchedulerGroup({ idleTimeout: 1000 });
    const first = group.key('k');
    await first.schedule({ fn: () => 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(group.keys()).toEqual(['k']);
    await vi.advanceTimersByTimeAsync(1);
    expect(group.keys()).toEqual([]);
    expect(first.isClosed()).toBe(true);
    const second = group.key('k');
    expect(second).not.toBe(first);
    await expect(second.schedule({ fn: () => 2 })).resolves.toBe(2);
    await group.close();
  });

  it('does not expire a key while it has work, and counts idleness from when the work ends', async () => {
    vi.useFakeTimers();
    const group = new SchedulerGroup({ idleTimeout: 1000 });
    const scheduler = group.key('busy');
    const gate = deferred();
    const task = scheduler.schedule({ fn: () => gate.promise });
    await vi.advanceTimersByTimeAsync(5000);
    expect(group.keys()).toEqual(['busy']);
    gate.resolve();
    await task;
    await vi.advanceTimersByTimeAsync(999);
    expect(group.keys()).toEqual(['busy']);
    await vi.advanceTimersByTimeAsync(1);
    expect(group.keys()).toEqual([]);
  });

  it('does not expire a key whose only task waits for a retry, nor one busy again before expiry', async () => {
    vi.useFakeTimers();
    const group = new SchedulerGroup({ idleTimeout: 1000 });
    const scheduler = group.key('k');
    await scheduler.schedule({ fn: () => 'first' });
    // Busy again 500 ms into the idle period: the failing attempt's retry waits 2 s in backoff.
    await vi.advanceTimersByTimeAsync(500);
    let calls = 0;
    const retried = scheduler.schedule({
      fn: () => {
        if (++calls === 1) throw new Error('first attempt fails');
        return 'second';
      },
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 2000 } },
    });
    await vi.advanceTimersByTimeAsync(600); // the first idle period's timer is due: work remains
    expect(scheduler.counts().backoff).toBe(1);
    expect(group.keys()).toEqual(['k']);
    await vi.advanceTimersByTimeAsync(1400);
    await expect(retried).resolves.toBe('second');
    await vi.advanceTimersByTimeAsync(999);
    expect(group.keys()).toEqual(['k']);
    await vi.advanceTimersByTimeAsync(1);
    expect(group.keys()).toEqual([]);
  });

  it('expires a key idleTimeout after it last went idle, however often it was idle before', async () => {
    vi.useFakeTimers();
    const group = new SchedulerGroup({ idleTimeout: 1000 });
    const scheduler = group.key('k');
    await scheduler.schedule({ fn: () => 1 }); // idle at 0
    await vi.advanceTimersByTimeAsync(600);
    await scheduler.schedule({ fn: () => 2 }); // idle again at 600
    await vi.advanceTimersByTimeAsync(300);
    await scheduler.schedule({ fn: () => 3 }); // and at 900
    await vi.advanceTimersByTimeAsync(999); // 1899: the first timer fired at 1000, idle since 900
    expect(group.keys()).toEqual(['k']);
    expect(scheduler.isClosed()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(group.keys()).toEqual([]);
    expect(scheduler.isClosed()).toBe(true);
  });

  it('deleteKey() closes the key now; close() closes all and refuses new keys', async () => {
    const group = new SchedulerGroup();
    const a = group.key('a');
    group.key('b');
    await expect(group.deleteKey('a')).resolves.toBe(true);
    await expect(group.deleteKey('a')).resolves.toBe(false);
    expect(a.isClosed()).toBe(true);
    await group.close();
    expect(group.keys()).toEqual([]);
    expect(() => group.key('c')).toThrow(InvalidOptionError);
  });

  it('checks the shared options once, at construction', () => {
    expect(() => new SchedulerGroup({ concurrency: 0 })).toThrow(InvalidOptionError);
    expect(() => new SchedulerGroup({ idleTimeout: -1 })).toThrow(InvalidOptionError);
    expect(() => new SchedulerGroup().key(1 as unknown as string)).toThrow(InvalidOptionError);
  });
});
