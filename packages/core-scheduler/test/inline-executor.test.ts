import { describe, expect, it } from 'vitest';
import {
  InlineExecutor,
  InvalidOptionError,
  TaskCancelledError,
  TaskTimeoutError,
  taskSignal,
  type ExecutionSettle,
  type ExecutionStart,
} from '@weft/core-scheduler';
import { threadId } from 'node:worker_threads';
import { Gauge, deferred, flush } from './helpers.js';

describe('InlineExecutor', () => {
  describe('apply()', () => {
    it('runs the function on this thread with its args', async () => {
      const executor = new InlineExecutor();
      await expect(executor.apply((a: number, b: number) => a * b, [6, 7])).resolves.toBe(42);
      await expect(executor.apply(() => Promise.resolve(threadId), [])).resolves.toBe(threadId);
    });

    it('rejects with what the function threw, synchronously or not', async () => {
      const executor = new InlineExecutor();
      const boom = new Error('boom');
      await expect(
        executor.apply(() => {
          throw boom;
        }, []),
      ).rejects.toBe(boom);
      await expect(executor.apply(() => Promise.reject(boom), [], {})).rejects.toBe(boom);
    });

    it('reports start and settle with this process and thread, and CPU time of the synchronous part', async () => {
      const executor = new InlineExecutor();
      const starts: ExecutionStart[] = [];
      const settles: ExecutionSettle[] = [];
      // Spins until the process has used 20 ms of CPU (not 20 ms of wall time): on a loaded
      // machine a wall-time loop may be given far less than 1 ms of CPU.
      const spin = (): void => {
        const before = process.cpuUsage();
        for (;;) {
          const used = process.cpuUsage(before);
          if (used.user + used.system >= 20_000) break;
        }
      };
      await executor.apply(spin, [], {
        onStart: (i) => starts.push(i),
        onSettle: (i) => settles.push(i),
      });
      await executor.apply(() => new Promise((r) => setTimeout(r, 20)), [], {
        onSettle: (i) => settles.push(i),
      });
      expect(starts[0]).toMatchObject({ pid: process.pid, threadId });
      const [busy, idle] = settles;
      expect(busy).toMatchObject({ status: 'fulfilled' });
      expect(busy!.cpuMs).toBeGreaterThan(1);
      expect(busy!.cpuMs).toBeLessThanOrEqual(busy!.runMs);
      expect(idle!.cpuMs).toBeLessThan(1);
      expect(idle!.cpuMs).toBeLessThan(idle!.runMs); // it waited: wall time, not CPU time
      expect(busy!.time).toBeGreaterThanOrEqual(starts[0]!.time);
    });

    it("reports as blockedMs the time other calls' synchronous code held the thread", async () => {
      const executor = new InlineExecutor();
      const settles: ExecutionSettle[] = [];
      const spin = (ms: number): void => {
        const end = performance.now() + ms;
        while (performance.now() < end);
      };
      // Four calls made back to back: each blocks for at least 10 ms before the first one's
      // settle can run, so the first was held up by at least 30 ms of the others' code.
      await Promise.all(
        [0, 1, 2, 3].map((i) =>
          executor.apply(spin, [10], { onSettle: (info) => (settles[i] = info) }),
        ),
      );
      const first = settles[0]!;
      expect(first.blockedMs).toBeGreaterThanOrEqual(30);
      expect(first.blockedMs).toBeLessThanOrEqual(first.runMs);
      expect(settles[3]!.blockedMs).toBeLessThan(first.blockedMs!);
    });

    it('ignores callbacks that throw', async () => {
      const executor = new InlineExecutor();
      const throws = (): void => {
        throw new Error('observer bug');
      };
      await expect(
        executor.apply(() => 1, [], { onStart: throws, onSettle: throws }),
      ).resolves.toBe(1);
    });

    it('rejects with TaskCancelledError (cause: signal.reason) on abort and exposes the signal through taskSignal()', async () => {
      const executor = new InlineExecutor();
      const controller = new AbortController();
      let inside: AbortSignal | undefined;
      const result = executor.apply(
        async () => {
          await Promise.resolve();
          inside = taskSignal();
          return new Promise<never>(() => {});
        },
        [],
        { signal: controller.signal },
      );
      await flush();
      expect(inside).toBe(controller.signal);
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(result).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(result).rejects.toMatchObject({
        code: 'ERR_WEFT_TASK_CANCELLED',
        cause: reason,
      });
      const late = executor.apply(() => 1, [], { signal: controller.signal });
      await expect(late).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(late).rejects.toMatchObject({ cause: reason });
      expect(taskSignal()).toBeUndefined();
    });

    it("passes a reason that is already a scheduler error through as it is (the scheduler's timeout)", async () => {
      const executor = new InlineExecutor();
      const controller = new AbortController();
      const result = executor.apply(() => new Promise<never>(() => {}), [], {
        signal: controller.signal,
      });
      const timeout = new TaskTimeoutError('slow', 10);
      controller.abort(timeout);
      await expect(result).rejects.toBe(timeout);
    });
  });

  describe('concurrency', () => {
    it('runs at most `concurrency` calls at once, the rest in FIFO order', async () => {
      const executor = new InlineExecutor({ concurrency: 2 });
      const gauge = new Gauge();
      const order: number[] = [];
      const gates = Array.from({ length: 5 }, () => deferred());
      const calls = gates.map((gate, i) =>
        executor.apply(async () => {
          order.push(i);
          gauge.enter();
          await gate.promise;
          gauge.leave();
        }, []),
      );
      await flush();
      expect(order).toEqual([0, 1]);
      gates.forEach((gate) => gate.resolve());
      await Promise.all(calls);
      expect(order).toEqual([0, 1, 2, 3, 4]);
      expect(gauge.max).toBe(2);
    });

    it('drops a waiting call whose signal aborts', async () => {
      const executor = new InlineExecutor({ concurrency: 1 });
      const gate = deferred();
      const first = executor.apply(() => gate.promise, []);
      const controller = new AbortController();
      let ran = false;
      const second = executor.apply(() => (ran = true), [], { signal: controller.signal });
      const reason = new Error('nope');
      controller.abort(reason);
      await expect(second).rejects.toBeInstanceOf(TaskCancelledError);
      await expect(second).rejects.toMatchObject({
        code: 'ERR_WEFT_TASK_CANCELLED',
        cause: reason,
      });
      gate.resolve();
      await first;
      await flush();
      expect(ran).toBe(false);
    });

    it('rejects a concurrency that is not a positive integer', () => {
      expect(() => new InlineExecutor({ concurrency: 0 })).toThrow(InvalidOptionError);
      expect(() => new InlineExecutor({ concurrency: 2.5 })).toThrow(
        expect.objectContaining({ option: 'concurrency' }) as Error,
      );
      expect(() => new InlineExecutor(null as never)).toThrow(
        expect.objectContaining({ code: 'ERR_WEFT_INVALID_OPTION', option: 'options' }) as Error,
      );
    });
  });
});
