// A thread worker lingers between tasks: once its queue is empty it polls its port a moment for
// the pool's next message, and takes it off the port without an event-loop turn (worker-runner.ts,
// SPIN_MS). These tests drive that with real threads: what arrives while the worker lingers
// (tasks, an exit request) is handled, work a task left for the worker's event loop still gets
// done while tasks keep coming, and a worker that dies while lingering is a plain exit.
import { describe, expect, it } from 'vitest';
import { makePool, next, tasks } from './helpers.js';

describe('a thread worker lingering between tasks', () => {
  it('runs each task of a one-at-a-time sequence, in order, on the same worker', async () => {
    const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
    await pool.ready();
    const first = await pool.apply(tasks.whoami, []);
    for (let i = 0; i < 500; i++) {
      expect(await pool.apply(tasks.square, [i])).toBe(i * i);
      if (i % 100 === 0) expect(await pool.apply(tasks.whoami, [])).toEqual(first);
    }
  });

  it('handles an abort that reaches it while it lingers, and runs the next task', async () => {
    const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
    await pool.ready();
    for (let i = 0; i < 50; i++) {
      const controller = new AbortController();
      const aborted = pool.apply(tasks.square, [i], { signal: controller.signal });
      await Promise.resolve(); // the pool sends it in a microtask
      controller.abort(); // the worker most likely ran it already and lingers: the abort comes after
      await expect(aborted).rejects.toMatchObject({ code: 'ERR_WEFT_POOL_TASK_ABORTED' });
      expect(await pool.apply(tasks.add, [i, 1])).toBe(i + 1);
    }
  });

  it('does not keep the event loop from work a task left there while tasks keep coming', async () => {
    const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
    await pool.ready();
    await pool.apply(tasks.leaveTimer, []);
    // Tasks back to back, a few in flight so that the next is always on the worker's port within
    // its poll: it runs them without leaving its drain loop, but returns to its event loop at least
    // every SPIN_TURN_MS, so the timer fires while the stream goes on. (This checks the promise,
    // not the bound alone: on this 2-vCPU VM the worker also finds its port empty now and then.)
    let fired = false;
    let sent = 0;
    const stream = async (): Promise<void> => {
      while (!fired && sent < 200_000) {
        sent++;
        if (await pool.apply(tasks.hasTimerFired, [])) fired = true;
      }
    };
    await Promise.all([stream(), stream(), stream(), stream()]);
    expect(fired).toBe(true);
  });

  it('runs an async task to its end: the worker does not linger while it is pending', async () => {
    const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
    await pool.ready();
    for (let i = 0; i < 50; i++) {
      // asyncAdd awaits a 0 ms timer: the worker's event loop must run for it to settle.
      const [a, b] = await Promise.all([
        pool.apply(tasks.asyncAdd, [i, 1]),
        pool.apply(tasks.square, [i]),
      ]);
      expect([a, b]).toEqual([i + 1, i * i]);
    }
  });

  it('takes an exit request off its port while lingering and exits', async () => {
    const pool = makePool('thread', { maxWorkers: 1, idleTimeout: 1 });
    const exited = next(pool, 'worker:exited');
    expect(await pool.apply(tasks.square, [3])).toBe(9);
    const event = await exited;
    expect(event.expected).toBe(true);
    expect(event.code).toBe(0);
    expect(await pool.apply(tasks.square, [4])).toBe(16); // a new worker takes over
  });

  it('terminate() right after a result ends a worker that is lingering', async () => {
    for (let i = 0; i < 10; i++) {
      const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
      expect(await pool.apply(tasks.square, [i])).toBe(i * i);
      await pool.terminate(); // the worker is most likely polling its port now
      expect(pool.stats().workers).toBe(0);
    }
  });

  it('a worker that dies right after a result is replaced, and the next task runs', async () => {
    const pool = makePool('thread', { maxWorkers: 1, minWorkers: 1 });
    await pool.ready();
    for (let i = 0; i < 5; i++) {
      const exited = next(pool, 'worker:exited');
      await expect(pool.apply(tasks.exit, [1])).rejects.toThrow();
      expect((await exited).expected).toBe(false);
      expect(await pool.apply(tasks.square, [i])).toBe(i * i);
    }
  });
});
