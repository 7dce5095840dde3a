// JoinableQueue: Python's task_done()/join() accounting, across real worker threads.
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  JoinTimeoutError,
  JoinableQueue,
  Queue,
  TaskDoneOverflowError,
  WaitAbortedError,
  reviveShared,
} from '@weft/sync-primitives';
import { startWorker } from './helpers.js';

const FIXTURE = new URL('./fixtures/queue-worker.mjs', import.meta.url);
const run = (data: Record<string, unknown>) => startWorker(data, FIXTURE);

describe('JoinableQueue', () => {
  it('is a Queue, and revives as a JoinableQueue', () => {
    const queue = new JoinableQueue<number>({ maxsize: 4 });
    expect(queue).toBeInstanceOf(Queue);
    expect(queue.toHandle().type).toBe('JoinableQueue');
    const twin = reviveShared(structuredClone(queue.toHandle()));
    expect(twin).toBeInstanceOf(JoinableQueue);
    queue.put(1);
    expect((twin as JoinableQueue<number>).unfinishedTasks()).toBe(1);
  });

  describe('taskDone()', () => {
    it('throws TaskDoneOverflowError when called more times than items were put', () => {
      const queue = new JoinableQueue<string>();
      expect(() => queue.taskDone()).toThrow(TaskDoneOverflowError);
      queue.put('a');
      queue.get();
      queue.taskDone();
      try {
        queue.taskDone();
        expect.unreachable();
      } catch (error) {
        expect((error as TaskDoneOverflowError).code).toBe('ERR_WEFT_QUEUE_TASK_DONE_OVERFLOW');
      }
      expect(queue.unfinishedTasks()).toBe(0);
    });
  });

  describe('join()', () => {
    it('returns true at once when nothing is unfinished, false on timeout otherwise', () => {
      const queue = new JoinableQueue<string>();
      expect(queue.join()).toBe(true);
      queue.put('a');
      expect(queue.join({ timeout: 5 })).toBe(false);
      queue.get();
      expect(queue.join({ timeout: 5 })).toBe(false); // taken is not done
      queue.taskDone();
      expect(queue.join({ timeout: 5 })).toBe(true);
    });

    it('returns only after every taskDone() of two consumer threads', async () => {
      const queue = new JoinableQueue<{ producer: number; i: number }>();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const count = 500;
      for (let i = 0; i < count; i++) queue.put({ producer: 0, i });
      const consumers = [false, true].map((async) =>
        run({
          scenario: 'consume',
          queue: queue.toHandle(),
          cells: cells.buffer,
          taskDone: true,
          async,
        }),
      );
      await queue.joinAsync();
      // Each consumer counts an item before its taskDone(): all must be counted by now.
      expect(Atomics.load(cells, 0)).toBe(count);
      expect(queue.unfinishedTasks()).toBe(0);
      queue.close();
      const taken = (await Promise.all(consumers.map((c) => c.result))) as unknown[][];
      expect(taken[0]!.length + taken[1]!.length).toBe(count);
    });

    it('a blocking join() in a worker thread waits for the consumers too', async () => {
      const queue = new JoinableQueue<{ producer: number; i: number }>();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const start = new Barrier(2);
      const count = 300;
      for (let i = 0; i < count; i++) queue.put({ producer: 0, i });
      const joiner = run({
        scenario: 'joiner',
        queue: queue.toHandle(),
        cells: cells.buffer,
        start: start.toHandle(),
      });
      const consumer = run({
        scenario: 'consume',
        queue: queue.toHandle(),
        cells: cells.buffer,
        taskDone: true,
        start: start.toHandle(),
      });
      await expect(joiner.result).resolves.toEqual({ ok: true, done: count });
      queue.close();
      await consumer.result;
    });
  });

  describe('joinAsync()', () => {
    it('rejects with JoinTimeoutError on timeout and WaitAbortedError on abort', async () => {
      const queue = new JoinableQueue<string>();
      await expect(queue.joinAsync()).resolves.toBeUndefined();
      queue.put('a');
      const error = await queue.joinAsync({ timeout: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JoinTimeoutError);
      expect((error as JoinTimeoutError).code).toBe('ERR_WEFT_QUEUE_JOIN_TIMEOUT');
      const controller = new AbortController();
      const joining = queue.joinAsync({ signal: controller.signal });
      controller.abort('enough');
      await expect(joining).rejects.toBeInstanceOf(WaitAbortedError);
      const waiting = queue.joinAsync();
      queue.get();
      queue.taskDone();
      await expect(waiting).resolves.toBeUndefined();
    });
  });
});
