// Every fault of issue 4, for both worker kinds: each ends in a settled promise and a pool that
// carries on (or, where asked, a broken pool), and never a hang or a leftover child.
import { Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  ArgumentNotSendableError,
  Pool,
  PoolBrokenError,
  PoolClosedError,
  PoolTerminatedError,
  QueueFullError,
  ResultNotSendableError,
  TaskAbortedError,
  TaskModuleLoadError,
  TaskTimeoutError,
  WorkerExitedError,
  WorkerInitError,
  WorkerStartError,
  type WorkerSpawnedEvent,
} from '@weft/process-pool';
import { alive, itOn, kinds, makePool, next, tasks, tasksUrl, type Tasks } from './helpers.js';

let logs = 0;
/** A fresh file in which fixture tasks record each run. */
function runLog(): string {
  const file = join(tmpdir(), `weft-runs-${String(process.pid)}-${String(++logs)}.log`);
  writeFileSync(file, '');
  return file;
}
function runs(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe.each(kinds)('faults (%s workers)', (kind) => {
  describe('a task throws', () => {
    it('rejects with the same class name, message, worker stack, cause and own properties', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const before = await pool.apply(tasks.whoami, []);
      const error = (await pool.apply(tasks.throwCustom, []).catch((e: unknown) => e)) as Error & {
        field: string;
        details: unknown;
      };
      expect(error).toBeInstanceOf(Error);
      expect(error.constructor.name).toBe('ValidationError');
      expect(error.name).toBe('ValidationError');
      expect(error.message).toBe('bad email');
      expect(error.stack).toContain('throwCustom');
      expect(error.stack).toContain('tasks.mjs');
      expect(error.field).toBe('email');
      expect(error.details).toEqual({ min: 3 });
      expect(error.cause).toBeInstanceOf(RangeError);
      expect((error.cause as Error).message).toBe('too short');
      // The worker lives on.
      await expect(pool.apply(tasks.whoami, [])).resolves.toMatchObject({
        workerId: before.workerId,
      });
    });

    it('keeps built-in error classes and non-Error throws', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      await expect(pool.apply(tasks.throwType, [])).rejects.toBeInstanceOf(TypeError);
      await expect(pool.apply(tasks.throwString, [])).rejects.toBe('plain string');
    });

    it('rejects when the result cannot be sent back, and the worker lives on', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      await expect(pool.apply(tasks.returnFunction, [])).rejects.toThrow(/cannot be sent back/);
      await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
    });

    it("a result that cannot be sent back has its own class and code, keeping the serializer's error", async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const error = (await pool
        .apply(tasks.returnFunction, [])
        .catch((e: unknown) => e)) as ResultNotSendableError;
      expect(error).toBeInstanceOf(ResultNotSendableError);
      expect(error).not.toBeInstanceOf(TypeError);
      expect(error.code).toBe('ERR_WEFT_POOL_RESULT_NOT_SENDABLE');
      expect(error.position).toBe('result');
      expect(error.cause).toBeInstanceOf(Error);
      expect((error.cause as Error).message).toMatch(/could not be cloned/);
      // A task's own TypeError stays a TypeError.
      await expect(pool.apply(tasks.throwType, [])).rejects.toBeInstanceOf(TypeError);
    });
  });

  describe('a worker dies mid-task', () => {
    it('process.exit: rejects WorkerExitedError with the exit code, starts a replacement, runs queued tasks', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const first = await pool.apply(tasks.whoami, []);
      const exited: number[] = [];
      pool.on('worker:exited', (e) => exited.push(e.workerId));
      const dying = pool.apply(tasks.exit, [7]);
      const queued = Promise.all([pool.apply(tasks.add, [1, 2]), pool.apply(tasks.add, [3, 4])]);
      const error = (await dying.catch((e: unknown) => e)) as WorkerExitedError;
      expect(error).toBeInstanceOf(WorkerExitedError);
      expect(error.code).toBe('ERR_WEFT_POOL_WORKER_EXITED');
      expect(error.exitCode).toBe(7);
      expect(exited).toContain(error.workerId);
      expect(exited).toContain(first.workerId);
      await expect(queued).resolves.toEqual([3, 7]);
      const after = await pool.apply(tasks.whoami, []);
      expect(after.workerId).not.toBe(first.workerId);
    });

    it('an uncaught exception in a callback: rejects WorkerExitedError', async () => {
      const pool = makePool(kind, { maxWorkers: 1, stderr: 'capture' });
      const error = (await pool
        .apply(tasks.throwInCallback, [])
        .catch((e: unknown) => e)) as WorkerExitedError;
      expect(error).toBeInstanceOf(WorkerExitedError);
      expect(error.exitCode).toBe(1);
      await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
    });

    it('re-dispatches tasks that were sent to the dead worker but had not started', async () => {
      // prefetch 8: the crash and the tasks behind it all sit on the one worker.
      const pool = makePool(kind, { maxWorkers: 1, prefetch: 8 });
      await pool.apply(tasks.noop, []);
      const results = [
        pool.apply(tasks.add, [0, 1]),
        pool.apply(tasks.exit, [9]),
        pool.apply(tasks.add, [1, 1]),
        pool.apply(tasks.add, [2, 1]),
      ];
      const settled = await Promise.allSettled(results);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WorkerExitedError);
    });

    it('a task that transferred memory to the dead worker before it started is not re-sent empty', async () => {
      // Its ArrayBuffer moved to the worker that died; re-sent, it would arrive detached (0 bytes).
      // A process worker got a copy, so there the task runs again with its data.
      const pool = makePool(kind, { maxWorkers: 1, prefetch: 8 });
      await pool.apply(tasks.noop, []);
      const crash = pool.apply(tasks.exit, [9]);
      const moved = new ArrayBuffer(16);
      const behind = pool.apply(tasks.byteLength, [moved], { transfer: [moved] });
      const copied = pool.apply(tasks.byteLength, [new ArrayBuffer(8)]);
      await expect(crash).rejects.toBeInstanceOf(WorkerExitedError);
      if (kind === 'thread') {
        const error = (await behind.catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect(error.exitCode).toBe(9);
        expect(error.message).toMatch(
          /before the task started; the memory its transfer list moved/,
        );
      } else {
        await expect(behind).resolves.toBe(16);
      }
      await expect(copied).resolves.toBe(8);
    });

    itOn('process', kind)(
      'SIGKILL of the child: rejects WorkerExitedError with the signal',
      async () => {
        const pool = makePool(kind, { maxWorkers: 1 });
        const started = next(pool, 'task:started');
        const hanging = pool.apply(tasks.hang, []);
        const { pid } = await started;
        process.kill(pid!, 'SIGKILL');
        const error = (await hanging.catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect(error.signal).toBe('SIGKILL');
        expect(error.exitCode).toBeNull();
        await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
      },
    );

    // At most once (CPython never re-runs a task): the worker records each start, so only the
    // tasks it never started move to another worker.
    itOn('process', kind)(
      'a start that cannot be recorded is not run there: the worker exits first, so a later crash cannot re-run it',
      async () => {
        const pool = makePool(kind, { maxWorkers: 1, stderr: 'capture' });
        const spawned: WorkerSpawnedEvent[] = [];
        pool.on('worker:spawned', (e) => spawned.push(e));
        const file = runLog();
        const closed = pool.apply(tasks.closeStartFile, []);
        const running = pool.apply(tasks.markAndHang, [file, 'A']);
        running.catch(() => undefined);
        expect(await closed).toBe('closed');
        await vi.waitFor(() => expect(runs(file)).toEqual(['A']), { timeout: 20_000 });
        // A crash while A runs: A started (on whichever worker marked it) and must not run again.
        process.kill(spawned.at(-1)!.pid!, 'SIGKILL');
        const ranTwice = vi
          .waitFor(() => expect(runs(file).length).toBeGreaterThan(1), { timeout: 5_000 })
          .then(
            () => 'ran twice',
            () => 'ran once',
          );
        const outcome = await Promise.race([running.catch(() => 'rejected'), ranTwice]);
        expect(outcome).toBe('rejected');
        expect(await running.catch((e: unknown) => e)).toBeInstanceOf(WorkerExitedError);
        expect(runs(file)).toEqual(['A']);
      },
    );

    it('no task runs twice: the dying task rejects, the ones before and behind it run once', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      await pool.map(
        tasks.noop,
        Array.from({ length: 200 }, () => 0),
        { chunksize: 1 },
      );
      const file = runLog();
      const calls = [
        pool.apply(tasks.mark, [file, 'A']),
        pool.apply(tasks.exit, [9]),
        pool.apply(tasks.mark, [file, 'B']),
        pool.apply(tasks.mark, [file, 'C']),
      ];
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WorkerExitedError);
      expect(runs(file)).toEqual(['A', 'B', 'C']);
    });

    itOn('process', kind)(
      'SIGKILL mid-task on a warmed pool with default prefetch: the running task rejects and never runs again; tasks behind it run once',
      async () => {
        const pool = makePool(kind, { maxWorkers: 1 });
        await pool.map(
          tasks.noop,
          Array.from({ length: 200 }, () => 0),
          { chunksize: 1 },
        );
        const { pid } = await pool.apply(tasks.whoami, []);
        const file = runLog();
        const running = pool.apply(tasks.markAndHang, [file, 'A']);
        const behind = [pool.apply(tasks.mark, [file, 'B']), pool.apply(tasks.mark, [file, 'C'])];
        await vi.waitFor(() => expect(runs(file)).toEqual(['A']), { timeout: 20_000 });
        // Default prefetch is adaptive: after the warm-up's sub-millisecond tasks it sends all three
        // to the one worker (3 in flight); on a machine so loaded that those tasks took over 1 ms,
        // it sends one at a time (1). Either way the running task must not run again (the prefetch 8
        // test above pins the case where tasks behind it sit on the dying worker).
        expect([1, 3]).toContain(pool.stats().inFlight);
        process.kill(pid, 'SIGKILL');
        const error = (await running.catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect(error.signal).toBe('SIGKILL');
        await expect(Promise.all(behind)).resolves.toEqual(['B', 'C']);
        expect(runs(file)).toEqual(['A', 'B', 'C']);
      },
    );

    // The start record at scale: a worker killed outright (no exit handler, results it held lost)
    // in the middle of a long run of prefetched tiny tasks. Every task ran exactly once (those
    // whose result died with it fail, the rest are fulfilled, here or after moving), none twice.
    itOn('process', kind)(
      'SIGKILL in the middle of a long run of tiny tasks: each task runs exactly once, none is lost',
      async () => {
        const pool = makePool(kind, { maxWorkers: 1, prefetch: 64 });
        await pool.apply(tasks.noop, []);
        const file = runLog();
        const tags = Array.from({ length: 300 }, (_, i) => String(i));
        const before = tags.slice(0, 150).map((tag) => pool.apply(tasks.mark, [file, tag]));
        const killed = pool.apply(tasks.killSelf, []);
        const behind = tags.slice(150).map((tag) => pool.apply(tasks.mark, [file, tag]));
        const error = (await killed.catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect(error.signal).toBe('SIGKILL');
        const settled = await Promise.allSettled([...before, ...behind]);
        for (const [i, s] of settled.entries()) {
          if (s.status === 'fulfilled') expect(s.value).toBe(tags[i]);
          // Only a task that ran before the kill may fail: its result died with the worker.
          else expect(s.reason).toBeInstanceOf(WorkerExitedError);
        }
        // Those sent behind the killer never started on the dead worker: they moved, and ran.
        expect(settled.slice(150).every((s) => s.status === 'fulfilled')).toBe(true);
        expect(runs(file).sort()).toEqual([...tags].sort());
      },
    );

    itOn('thread', kind)(
      'out of memory under resourceLimits: rejects WorkerExitedError',
      async () => {
        const pool = makePool(kind, {
          maxWorkers: 1,
          resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
        });
        const error = (await pool
          .apply(tasks.allocate, [])
          .catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
        await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
      },
    );

    itOn('process', kind)(
      'out of memory under --max-old-space-size: rejects WorkerExitedError',
      async () => {
        const pool = makePool(kind, {
          maxWorkers: 1,
          execArgv: ['--max-old-space-size=16'],
          stderr: 'capture',
        });
        const error = (await pool
          .apply(tasks.allocate, [])
          .catch((e: unknown) => e)) as WorkerExitedError;
        expect(error).toBeInstanceOf(WorkerExitedError);
        expect(error.exitCode !== 0 || error.signal !== null).toBe(true);
        // V8's native report is on the error, not in the test log.
        expect(error.stderr).toMatch(/heap out of memory/);
        await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
      },
    );

    it("onWorkerExit: 'break' fails all pending work and refuses more", async () => {
      const pool = makePool(kind, { maxWorkers: 1, onWorkerExit: 'break' });
      const dying = pool.apply(tasks.exit, [1]);
      const queued = pool.apply(tasks.add, [1, 1]);
      await expect(dying).rejects.toBeInstanceOf(WorkerExitedError);
      await expect(queued).rejects.toBeInstanceOf(PoolBrokenError);
      await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolBrokenError);
    });
  });

  describe("stderr: 'capture'", () => {
    it('puts what the dead worker wrote to stderr on its WorkerExitedError and in the message', async () => {
      const pool = makePool(kind, { maxWorkers: 1, stderr: 'capture' });
      const error = (await pool
        .apply(tasks.printAndExit, ['last words of a dying worker\n', 5])
        .catch((e: unknown) => e)) as WorkerExitedError;
      expect(error).toBeInstanceOf(WorkerExitedError);
      expect(error.exitCode).toBe(5);
      expect(error.stderr).toBe('last words of a dying worker\n');
      expect(error.message).toContain('last words of a dying worker');
      // The replacement captures afresh.
      await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
    });

    it('keeps only the last 8 KiB', async () => {
      const pool = makePool(kind, { maxWorkers: 1, stderr: 'capture' });
      const error = (await pool
        .apply(tasks.printAndExit, ['0123456789abcdef', 6, 2048]) // 32 KiB
        .catch((e: unknown) => e)) as WorkerExitedError;
      expect(error).toBeInstanceOf(WorkerExitedError);
      expect(error.stderr).toBe('0123456789abcdef'.repeat(512));
      expect(error.message.length).toBeLessThan(2048);
    });

    it('puts a start failure’s stderr on its WorkerStartError', async () => {
      const pool = new Pool<{ f(): void }>({
        module: new URL('./fixtures/prints-and-exits-on-load.mjs', import.meta.url),
        kind,
        maxWorkers: 1,
        stderr: 'capture',
      });
      try {
        const error = (await pool.run('f').catch((e: unknown) => e)) as WorkerStartError;
        expect(error).toBeInstanceOf(WorkerStartError);
        expect(error.stderr).toBe('tasks: config.json is missing\n');
        expect(error.message).toContain('--- worker stderr');
      } finally {
        await pool.terminate();
      }
    });

    it("leaves errors without stderr under the default 'inherit'", async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const error = (await pool
        .apply(tasks.exit, [3])
        .catch((e: unknown) => e)) as WorkerExitedError;
      expect(error).toBeInstanceOf(WorkerExitedError);
      expect(error.stderr).toBeUndefined();
    });
  });

  describe('timeout', () => {
    it('counts run time only, terminates and replaces the worker, rejects TaskTimeoutError', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const first = await pool.apply(tasks.whoami, []);
      const exited = next(pool, 'worker:exited');
      const error = (await pool
        .apply(tasks.spin, [], { timeout: 50 })
        .catch((e: unknown) => e)) as TaskTimeoutError;
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect(error.timeout).toBe(50);
      expect((await exited).workerId).toBe(first.workerId);
      await expect(pool.apply(tasks.whoami, [])).resolves.not.toMatchObject({
        workerId: first.workerId,
      });
    });

    it('does not count time spent in the queue', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const started = next(pool, 'task:started');
      const blocker = pool.apply(tasks.hang, [], { timeout: 200 });
      await started;
      // Queued behind a task that hangs for 200 ms, with a 100 ms timeout of its own.
      const queued = pool.apply(tasks.add, [1, 1], { timeout: 100 });
      await expect(blocker).rejects.toBeInstanceOf(TaskTimeoutError);
      await expect(queued).resolves.toBe(2);
    });
  });

  describe('signal', () => {
    it('aborting a queued task removes it at once with TaskAbortedError carrying the reason', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const started = next(pool, 'task:started');
      const blocker = pool.apply(tasks.waitForAbort, [], { signal: AbortSignal.timeout(60_000) });
      await started;
      const controller = new AbortController();
      const queued = pool.apply(tasks.add, [1, 1], { signal: controller.signal });
      controller.abort('no longer needed');
      const error = (await queued.catch((e: unknown) => e)) as TaskAbortedError;
      expect(error).toBeInstanceOf(TaskAbortedError);
      expect(error.cause).toBe('no longer needed');
      expect(pool.stats().queued).toBe(0);
      void blocker.catch(() => undefined);
    });

    it('an already aborted signal rejects without running', async () => {
      const pool = makePool(kind);
      await expect(
        pool.apply(tasks.add, [1, 1], { signal: AbortSignal.abort() }),
      ).rejects.toBeInstanceOf(TaskAbortedError);
      expect(pool.stats().workers).toBe(0);
    });

    it("aborting a running task fires the task's own signal; a cooperative task keeps its worker", async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const controller = new AbortController();
      const started = next(pool, 'task:started');
      const running = pool.apply(tasks.waitForAbort, [], { signal: controller.signal });
      const { workerId } = await started;
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(TaskAbortedError);
      await expect(pool.apply(tasks.whoami, [])).resolves.toMatchObject({ workerId });
    });

    it('a running task that ignores its signal loses its worker after the grace period', async () => {
      const pool = makePool(kind, { maxWorkers: 1, abortGracePeriod: 20 });
      const controller = new AbortController();
      const started = next(pool, 'task:started');
      const running = pool.apply(tasks.spin, [], { signal: controller.signal });
      const { workerId } = await started;
      const exited = next(pool, 'worker:exited');
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(TaskAbortedError);
      expect((await exited).workerId).toBe(workerId);
      await expect(pool.apply(tasks.whoami, [])).resolves.not.toMatchObject({ workerId });
    });
  });

  describe('arguments that cannot be sent', () => {
    it('rejects a function at submit, naming its position, and sends nothing', async () => {
      const pool = makePool(kind);
      const error = (await pool
        .apply(tasks.echo, [{ nested: [1, () => 1] }])
        .catch((e: unknown) => e)) as ArgumentNotSendableError;
      expect(error).toBeInstanceOf(ArgumentNotSendableError);
      expect(error.position).toBe('args[0].nested[1]');
      expect(pool.stats().workers).toBe(0);
    });

    it('rejects a socket', async () => {
      const pool = makePool(kind);
      const socket = new Socket();
      const error = (await pool
        .apply(tasks.echo, [socket])
        .catch((e: unknown) => e)) as ArgumentNotSendableError;
      expect(error).toBeInstanceOf(ArgumentNotSendableError);
      expect(error.position).toBe('args[0]');
      socket.destroy();
    });

    it('names the item of map() that cannot be sent', async () => {
      const pool = makePool(kind);
      const error = (await pool
        .map(tasks.echo, [1, 2, Symbol('x')])
        .catch((e: unknown) => e)) as ArgumentNotSendableError;
      expect(error.position).toBe('items[2]');
    });

    // A WeakMap passes the submit-time check and only the serializer refuses it: the refusal path
    // must reject those tasks and then hand the rest of the queue to the freed worker.
    it('values only the serializer refuses: each call rejects, the others and the pool carry on', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const refused = Array.from({ length: 5 }, () => pool.apply(tasks.echo, [new WeakMap()]));
      const good = pool.apply(tasks.add, [2, 3]);
      for (const outcome of await Promise.allSettled(refused)) {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as ArgumentNotSendableError;
        expect(error).toBeInstanceOf(ArgumentNotSendableError);
        expect(error.position).toBe('args[0]');
      }
      await expect(good).resolves.toBe(5);
      await expect(pool.apply(tasks.add, [1, 1])).resolves.toBe(2);
    });

    it('map() and imap() name the refused item by its index in the whole input', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const items: unknown[] = [0, 1, 2, 3, 4, 5, 6, new WeakMap(), 8, 9];
      const error = (await pool
        .map(tasks.echo, items, { chunksize: 3 })
        .catch((e: unknown) => e)) as ArgumentNotSendableError;
      expect(error).toBeInstanceOf(ArgumentNotSendableError);
      expect(error.position).toBe('items[7]');
      const seen: unknown[] = [];
      const fromImap = await (async () => {
        for await (const value of pool.imap(tasks.echo, items, { chunksize: 2 })) seen.push(value);
      })().catch((e: unknown) => e);
      expect((fromImap as ArgumentNotSendableError).position).toBe('items[7]');
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      await expect(pool.map(tasks.square, [1, 2, 3])).resolves.toEqual([1, 4, 9]);
    });

    itOn('process', kind)(
      'rejects shared memory for process workers instead of copying it',
      async () => {
        const pool = makePool(kind);
        const sab = new SharedArrayBuffer(8);
        const error = (await pool
          .apply(tasks.sabAdd, [sab, 0, 1])
          .catch((e: unknown) => e)) as ArgumentNotSendableError;
        expect(error).toBeInstanceOf(ArgumentNotSendableError);
        expect(error.position).toBe('args[0]');
        const view = (await pool
          .apply(tasks.echo, [{ v: new Int32Array(sab) }])
          .catch((e: unknown) => e)) as ArgumentNotSendableError;
        expect(view.position).toBe('args[0].v');
      },
    );
  });

  describe('task modules', () => {
    it('a missing module rejects the task with TaskModuleLoadError', async () => {
      const pool = new Pool<{ f(): void }>({
        module: new URL('./fixtures/missing.mjs', import.meta.url),
        kind,
        maxWorkers: 1,
      });
      try {
        await expect(pool.run('f')).rejects.toBeInstanceOf(TaskModuleLoadError);
      } finally {
        await pool.terminate();
      }
    });

    it('a module that throws while loading rejects the task with TaskModuleLoadError', async () => {
      const pool = new Pool<{ f(): void }>({
        module: new URL('./fixtures/throws-on-load.mjs', import.meta.url),
        kind,
        maxWorkers: 1,
      });
      try {
        const error = (await pool.run('f').catch((e: unknown) => e)) as TaskModuleLoadError;
        expect(error).toBeInstanceOf(TaskModuleLoadError);
        expect((error.cause as Error).message).toBe('module exploded while loading');
      } finally {
        await pool.terminate();
      }
    });

    it('with minWorkers > 0, a module that fails to load fails the start fast', async () => {
      const pool = new Pool<{ f(): void }>({
        module: new URL('./fixtures/throws-on-load.mjs', import.meta.url),
        kind,
        maxWorkers: 1,
        minWorkers: 1,
      });
      try {
        await expect(pool.ready()).rejects.toBeInstanceOf(TaskModuleLoadError);
        await expect(pool.run('f')).rejects.toBeInstanceOf(PoolBrokenError);
      } finally {
        await pool.terminate();
      }
    });
  });

  // Python's ProcessPoolExecutor breaks when a worker cannot start; so does the pool, with the cause.
  describe('a worker that cannot start', () => {
    const expectStartError = async (
      pool: Pool<Tasks>,
      pattern: RegExp,
    ): Promise<WorkerStartError> => {
      const calls = [
        pool.apply(tasks.add, [1, 2], { timeout: 60_000 }),
        pool.apply(tasks.add, [3, 4]),
      ];
      const outcomes = await Promise.allSettled(calls);
      const errors = outcomes.map((o) => (o as PromiseRejectedResult).reason as WorkerStartError);
      for (const error of errors) {
        expect(error).toBeInstanceOf(WorkerStartError);
        expect(error.code).toBe('ERR_WEFT_POOL_WORKER_START');
        expect(error.message).toMatch(pattern);
      }
      await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolBrokenError);
      await pool.terminate();
      expect(pool.stats().workers).toBe(0);
      return errors[0]!;
    };

    itOn('process', kind)('a cwd that does not exist: ENOENT and the path', async () => {
      const missing = '/nonexistent/weft-pool-test-dir';
      const pool = makePool(kind, { cwd: missing });
      const error = await expectStartError(pool, /ENOENT/);
      expect(error.message).toContain(missing);
      expect((error.cause as { code?: string }).code).toBe('ENOENT');
    });

    itOn('process', kind)('an execPath that does not exist: ENOENT and the path', async () => {
      const pool = makePool(kind, { execPath: '/nonexistent/bin/node' });
      const error = await expectStartError(pool, /ENOENT/);
      expect(error.message).toContain('/nonexistent/bin/node');
    });

    it('an execArgv flag node refuses', async () => {
      const pool = makePool(kind, { execArgv: ['--no-such-flag-for-weft'], stderr: 'capture' });
      const error = await expectStartError(pool, /--no-such-flag-for-weft/);
      // A child process says why on stderr; with capture it is on the error.
      if (kind === 'process') expect(error.stderr).toMatch(/bad option/);
    });

    it('an initializer that never finishes: bounded by startTimeout', async () => {
      const pool = makePool(kind, { initializer: tasks.hangingInit, startTimeout: 500 });
      await expectStartError(pool, /startTimeout \(500 ms\)/);
    });

    it('a task module that exits its worker while loading', async () => {
      const pool = new Pool<{ f(): void }>({
        module: new URL('./fixtures/exits-on-load.mjs', import.meta.url),
        kind,
        maxWorkers: 1,
      });
      try {
        const error = (await pool.run('f').catch((e: unknown) => e)) as WorkerStartError;
        expect(error).toBeInstanceOf(WorkerStartError);
        expect(error.message).toMatch(/exit code 3 before it was ready/);
      } finally {
        await pool.terminate();
      }
    });

    it('ready() rejects with the start error', async () => {
      const pool = makePool(kind, {
        minWorkers: 1,
        execArgv: ['--no-such-flag-for-weft'],
        stderr: 'capture',
      });
      await expect(pool.ready()).rejects.toBeInstanceOf(WorkerStartError);
    });
  });

  describe('initializer failure', () => {
    it('fails the waiting tasks with WorkerInitError and does not respawn in a loop', async () => {
      const pool = makePool(kind, { maxWorkers: 2, initializer: tasks.failingInit });
      const spawned: WorkerSpawnedEvent[] = [];
      pool.on('worker:spawned', (e) => spawned.push(e));
      const results = await Promise.allSettled([
        pool.apply(tasks.add, [1, 1]),
        pool.apply(tasks.add, [2, 2]),
        pool.apply(tasks.add, [3, 3]),
      ]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WorkerInitError);
        expect(((r as PromiseRejectedResult).reason as Error).cause).toMatchObject({
          message: 'init failed',
        });
      }
      await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolBrokenError);
      await pool.terminate();
      expect(spawned.length).toBeLessThanOrEqual(2);
    });
  });

  describe('close() and terminate()', () => {
    it('after close(), new work rejects PoolClosedError', async () => {
      const pool = makePool(kind);
      pool.close();
      await expect(pool.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(PoolClosedError);
      await expect(pool.run('add', 1, 1)).rejects.toBeInstanceOf(PoolClosedError);
    });

    it('terminate() rejects all pending work with PoolTerminatedError and leaves no worker behind', async () => {
      const pool = makePool(kind, { maxWorkers: 2 });
      const pids: number[] = [];
      pool.on('worker:spawned', (e) => {
        if (e.pid !== undefined) pids.push(e.pid);
      });
      const exits: number[] = [];
      pool.on('worker:exited', (e) => exits.push(e.workerId));
      const started = next(pool, 'task:started');
      const pending = [
        pool.apply(tasks.spin, []),
        pool.apply(tasks.hang, []),
        pool.apply(tasks.add, [1, 1]),
        pool.apply(tasks.add, [1, 2]),
      ];
      await started;
      const outcomes = Promise.allSettled(pending);
      await pool.terminate();
      for (const result of await outcomes) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(PoolTerminatedError);
      }
      expect(exits).toHaveLength(2);
      expect(pool.stats().workers).toBe(0);
      if (kind === 'process') {
        expect(pids).toHaveLength(2);
        for (const pid of pids) expect(alive(pid)).toBe(false);
      }
    });

    it('a crash leaves no child process behind', async () => {
      const pool = makePool(kind, { maxWorkers: 1 });
      const spawned = next(pool, 'worker:spawned');
      const exited = next(pool, 'worker:exited');
      await pool.apply(tasks.exit, [1]).catch(() => undefined);
      const { pid } = await spawned;
      await exited;
      if (kind === 'process') expect(alive(pid!)).toBe(false);
    });
  });

  describe('maxQueue', () => {
    it('rejects with QueueFullError when the queue is full', async () => {
      const pool = makePool(kind, { maxWorkers: 1, maxQueue: 1, prefetch: 1 });
      const started = next(pool, 'task:started');
      const running = pool.apply(tasks.hang, [], { timeout: 60_000 });
      await started;
      // The second task is in the queue once the pool says so (an event, not a count of turns).
      const inQueue = next(pool, 'task:queued');
      const queued = pool.apply(tasks.add, [1, 1]);
      await inQueue;
      await expect(pool.apply(tasks.add, [2, 2])).rejects.toBeInstanceOf(QueueFullError);
      void running.catch(() => undefined);
      void queued.catch(() => undefined);
    });

    it("waits for room with onQueueFull: 'wait'", async () => {
      const pool = makePool(kind, { maxWorkers: 1, maxQueue: 1, onQueueFull: 'wait' });
      const all = Array.from({ length: 6 }, (_, i) => pool.apply(tasks.add, [i, 0]));
      await expect(Promise.all(all)).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    });
  });
});

describe('option validation', () => {
  const module = tasksUrl;
  it.each([
    [{ maxWorkers: 0 }, RangeError, 'maxWorkers'],
    [{ maxWorkers: 1.5 }, RangeError, 'maxWorkers'],
    [{ maxWorkers: '2' }, TypeError, 'maxWorkers'],
    [{ minWorkers: 3, maxWorkers: 2 }, RangeError, 'minWorkers'],
    [{ minWorkers: -1 }, RangeError, 'minWorkers'],
    [{ maxTasksPerWorker: 0 }, RangeError, 'maxTasksPerWorker'],
    [{ idleTimeout: -1 }, RangeError, 'idleTimeout'],
    [{ initializer: 'init' }, TypeError, 'initializer'],
    [{ kind: 'fiber' }, RangeError, 'kind'],
    [{ prefetch: 0 }, RangeError, 'prefetch'],
    [{ module: 'relative/tasks.mjs' }, RangeError, 'module'],
    [{ stderr: 'pipe' }, RangeError, 'stderr'],
  ])('rejects %o with a %o naming the option', (options, type, option) => {
    let error: unknown;
    try {
      new Pool<Tasks>({ module, ...(options as object) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ option });
    expect((error as { code: string }).code).toMatch(/^ERR_WEFT_POOL_OPTION_/);
  });
});
