// Named events of scheduler.on(): p-queue's add/active/completed/error/next/empty/idle and Weft's
// routed/retried/listenererror, and what happens when a listener throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidOptionError,
  Scheduler,
  TaskClearedError,
  type SchedulerEventMap,
} from '@weft/core-scheduler';
import { deferred, flush } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Records the named events in order, as `type` or `type:detail`. */
function tape(scheduler: Scheduler): string[] {
  const log: string[] = [];
  scheduler.on('add', (e) => log.push(`add:${e.name}`));
  scheduler.on('active', (e) => log.push(`active:${e.name}`));
  scheduler.on('completed', (e) => log.push(`completed:${e.name}=${String(e.result)}`));
  scheduler.on('error', (e) => log.push(`error:${e.name}:${e.status}`));
  scheduler.on('next', (e) => log.push(`next:${e.name}`));
  scheduler.on('empty', () => log.push('empty'));
  scheduler.on('idle', () => log.push('idle'));
  return log;
}

describe('Scheduler events', () => {
  describe('on()', () => {
    it('reports add, active, completed, next, empty and idle for one task, in that order', async () => {
      const scheduler = new Scheduler();
      const log = tape(scheduler);
      await scheduler.schedule({ fn: () => 42, name: 'answer' });
      await flush();
      expect(log).toEqual([
        'add:answer',
        'active:answer',
        'empty',
        'completed:answer=42',
        'next:answer',
        'idle',
      ]);
    });

    it('reports error with the status for a failing task, then next', async () => {
      const scheduler = new Scheduler();
      const errors: SchedulerEventMap['error'][] = [];
      scheduler.on('error', (e) => errors.push(e));
      const boom = new Error('boom');
      await expect(
        scheduler.schedule({
          fn: () => {
            throw boom;
          },
          name: 'fails',
        }),
      ).rejects.toBe(boom);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        name: 'fails',
        error: boom,
        status: 'rejected',
        attempts: 1,
      });
    });

    it('fires empty when the last queued task starts, and idle once when all are done', async () => {
      const scheduler = new Scheduler({ concurrency: 1 });
      const gates = [deferred(), deferred(), deferred()];
      const log = tape(scheduler);
      const all = gates.map((gate, i) =>
        scheduler.schedule({ fn: () => gate.promise, name: `t${i}` }),
      );
      const empties = (): number => log.filter((e) => e === 'empty').length;
      expect(log.filter((e) => e.startsWith('add'))).toHaveLength(3);
      // t0 started at once and left the queue empty for a moment; then t1 and t2 queued.
      expect(log.slice(0, 3)).toEqual(['add:t0', 'active:t0', 'empty']);
      expect(empties()).toBe(1);
      gates[0]!.resolve();
      await flush();
      expect(empties()).toBe(1); // t1 started, t2 still queued
      gates[1]!.resolve();
      await flush();
      expect(empties()).toBe(2); // t2, the last queued task, started
      expect(log).not.toContain('idle');
      gates[2]!.resolve();
      await Promise.all(all);
      await flush();
      expect(log.filter((e) => e === 'idle')).toHaveLength(1);
      // A new burst of work becomes idle again: a second idle.
      await scheduler.schedule({ fn: () => 1 });
      await flush();
      expect(log.filter((e) => e === 'idle')).toHaveLength(2);
    });

    it('fires empty and error (cancelled) for tasks dropped by clear()', async () => {
      const scheduler = new Scheduler({ paused: true });
      const log = tape(scheduler);
      const dropped = scheduler.schedule({ fn: () => 1, name: 'dropped' });
      scheduler.clear();
      await expect(dropped).rejects.toBeInstanceOf(TaskClearedError);
      expect(log).toEqual([
        'add:dropped',
        'empty',
        'error:dropped:cancelled',
        'next:dropped',
        'idle',
      ]);
    });

    it("reports Weft's routed and retried events", async () => {
      const scheduler = new Scheduler();
      const routed: string[] = [];
      const retried: number[] = [];
      scheduler.on('routed', (e) => routed.push(`${e.name}→${e.executor}`));
      scheduler.on('retried', (e) => retried.push(e.attempt));
      let calls = 0;
      const flaky = (): number => {
        if (++calls < 3) throw new Error('not yet');
        return calls;
      };
      await expect(scheduler.schedule({ fn: flaky, retry: { attempts: 3 } })).resolves.toBe(3);
      expect(routed).toEqual(['flaky→io']);
      expect(retried).toEqual([1, 2]);
    });

    it('returns a function that removes the listener; off() does the same', async () => {
      const scheduler = new Scheduler();
      const a = vi.fn();
      const b = vi.fn();
      const offA = scheduler.on('completed', a);
      scheduler.on('completed', b);
      offA();
      scheduler.off('completed', b);
      await scheduler.schedule({ fn: () => 1 });
      expect(a).not.toHaveBeenCalled();
      expect(b).not.toHaveBeenCalled();
    });

    it('with only a state listener (idle, as a group key has), per-task events still reach listeners added later, and stop when removed', async () => {
      const scheduler = new Scheduler();
      const idle = vi.fn();
      scheduler.on('idle', idle);
      await scheduler.schedule({ fn: () => 1 });
      const seen: string[] = [];
      const offs = [
        scheduler.on('add', (e) => seen.push(`add:${e.name}`)),
        scheduler.on('active', (e) => seen.push(`active:${e.name}`)),
        scheduler.on('completed', (e) => seen.push(`completed:${String(e.result)}`)),
        scheduler.on('next', (e) => seen.push(`next:${e.status}`)),
        scheduler.on('empty', () => seen.push('empty')),
        scheduler.on('routed', (e) => seen.push(`routed:${e.executor}`)),
      ];
      await scheduler.schedule({ fn: () => 2, name: 'two' });
      expect(seen).toEqual([
        'routed:io',
        'add:two',
        'active:two',
        'empty',
        'completed:2',
        'next:fulfilled',
      ]);
      for (const off of offs) off();
      seen.length = 0;
      await scheduler.schedule({ fn: () => 3 });
      expect(seen).toEqual([]);
      expect(idle).toHaveBeenCalledTimes(3);
    });

    it('once() calls its listener for the first event only', async () => {
      const scheduler = new Scheduler();
      const listener = vi.fn();
      scheduler.once('completed', listener);
      await scheduler.schedule({ fn: () => 1 });
      await scheduler.schedule({ fn: () => 2 });
      expect(listener).toHaveBeenCalledTimes(1);
      expect(listener.mock.calls[0]![0]).toMatchObject({ result: 1 });
    });

    it('rejects an unknown event name or a listener that is not a function', () => {
      const scheduler = new Scheduler();
      expect(() => scheduler.on('finished' as 'idle', () => {})).toThrow(InvalidOptionError);
      expect(() => scheduler.on('idle', 'nope' as unknown as () => void)).toThrow(
        InvalidOptionError,
      );
    });
  });

  describe('a listener that throws', () => {
    it('does not break scheduling and is reported to listenererror', async () => {
      const scheduler = new Scheduler();
      const reported: SchedulerEventMap['listenererror'][] = [];
      const oops = new Error('listener bug');
      scheduler.on('listenererror', (e) => reported.push(e));
      scheduler.on('completed', () => {
        throw oops;
      });
      scheduler.subscribe(() => {
        throw oops;
      });
      const after = vi.fn();
      scheduler.on('completed', after);
      await expect(scheduler.schedule({ fn: () => 'ok' })).resolves.toBe('ok');
      await expect(scheduler.schedule({ fn: () => 'still ok' })).resolves.toBe('still ok');
      expect(after).toHaveBeenCalledTimes(2);
      expect(reported.some((e) => e.event === 'completed' && e.error === oops)).toBe(true);
      expect(reported.some((e) => e.event.startsWith('task:') && e.error === oops)).toBe(true);
    });

    it('becomes a process warning when nobody listens to listenererror', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const scheduler = new Scheduler();
      scheduler.on('add', () => {
        throw new Error('listener bug');
      });
      await expect(scheduler.schedule({ fn: () => 1 })).resolves.toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/'add' threw/);
      expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'WEFT_SCHEDULER_LISTENER_ERROR' });
    });

    it('a throwing listenererror listener becomes a process warning, without recursion', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const scheduler = new Scheduler();
      scheduler.on('listenererror', () => {
        throw new Error('reporter bug');
      });
      scheduler.on('add', () => {
        throw new Error('listener bug');
      });
      await expect(scheduler.schedule({ fn: () => 1 })).resolves.toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/'listenererror' threw/);
    });
  });
});
