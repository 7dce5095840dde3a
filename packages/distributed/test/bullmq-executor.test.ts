// BullMQExecutor against a real Redis and a real PostgreSQL (one run per store), with real workers
// started in this process (inline kind, so tasks can watch their job's signal) or as weft-worker
// processes in worker.test.ts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import {
  BullMQExecutor,
  ExecutorClosedError,
  InvalidOptionError,
  JobCancelledError,
  JobLostError,
  RedisConnectionLostError,
  RedisUnavailableError,
  TaskNotRegisteredError,
  ValueNotSerializableError,
  startWorker,
} from '@weft/distributed';
import type {
  DistributedEvent,
  DistributedWorker,
  JobSettledEvent,
  JobStartedEvent,
  RemoteExecutionStart,
} from '@weft/distributed';
import type { ExecutionSettle, ExecutionStart } from '@weft/core-scheduler';
import * as tasks from './fixtures/tasks.mjs';
import { deferred, freshQueue, TASKS_URL } from './helpers.js';
import { freePort, startRedis } from './redis-server.js';

import { adminQueue, testStores } from './stores.js';
import type { TestStore } from './stores.js';

const redisUrl = inject('redisUrl');
/** The store of the describe.each run under way (set in its beforeAll). */
let store: TestStore = testStores[0] ?? { name: 'redis', url: '' };
const DIST = new URL('../dist/index.js', import.meta.url).href;
const UNREGISTERED_URL = new URL('./fixtures/unregistered.mjs', import.meta.url).href;
// Runs one job on a worker of its own, then floods the event stream past BullMQ's trimming.
const FLOOD = `
  import { Queue } from 'bullmq';
  const { startWorker } = await import(${JSON.stringify(DIST)});
  const [url, queue, tasks] = process.argv.slice(-3);
  const worker = await startWorker({ connection: url, queue, tasks: [tasks], kind: 'inline', concurrency: 1 });
  await new Promise((resolve) => worker.subscribe((e) => e.type === 'job:settled' && resolve()));
  await worker.close();
  const admin = new Queue(queue, { connection: { url } });
  const client = await admin.getBackend().client;
  for (let i = 0; i < 500; i++) await client.xadd(admin.keys.events, 'MAXLEN', '~', '10', '*', 'event', 'filler');
  await admin.close();
  process.exit(0);
`;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function executor(
  queue: string,
  extra: Partial<ConstructorParameters<typeof BullMQExecutor>[0]> = {},
): BullMQExecutor {
  const ex = new BullMQExecutor({ connection: store.url, queue, tasks: [TASKS_URL], ...extra });
  cleanups.push(() => ex.terminate());
  return ex;
}

async function worker(
  queue: string,
  extra: Partial<Parameters<typeof startWorker>[0]> = {},
): Promise<DistributedWorker> {
  const w = await startWorker({
    connection: store.url,
    queue,
    tasks: [TASKS_URL],
    kind: 'inline',
    concurrency: 1,
    ...extra,
  });
  cleanups.push(() => w.close({ gracePeriod: 0 }));
  return w;
}

describe.each(testStores)('BullMQExecutor on $name', (current) => {
  beforeAll(() => {
    store = current;
  });
  /** Tests about Redis itself (its event stream, a Redis server stopped or restarted empty). */
  const redisOnly = it.runIf(current.name === 'redis');
  /** Tests that need PostgreSQL itself (an open transaction, a connection ended by the server). */

  describe('constructor', () => {
    it.each([
      ['queue', { queue: '' }],
      ['queue', { queue: 'a:b' }],
      ['tasks', { tasks: 'x' as unknown as string[] }],
      ['connectTimeout', { connectTimeout: 0 }],
      ['connectionLostTimeout', { connectionLostTimeout: Number.NaN }],
      ['retry.attempts', { retry: { attempts: 0 } }],
      ['retry.attempts', { retry: { attempts: 1.5 } }],
      ['retry.retryOn', { retry: { attempts: 2, retryOn: 'yes' as unknown as () => boolean } }],
      ['retry.backoff.delay', { retry: { attempts: 2, backoff: { type: 'fixed', delay: -1 } } }],
      [
        'retry.backoff.jitter',
        { retry: { attempts: 2, backoff: { type: 'exponential', delay: 1, jitter: 2 } } },
      ],
    ] as const)('rejects an invalid %s before connecting', (option, patch) => {
      const make = (): BullMQExecutor =>
        new BullMQExecutor({ connection: store.url, queue: 'q', tasks: [TASKS_URL], ...patch });
      expect(make).toThrow(InvalidOptionError);
      try {
        make();
      } catch (error) {
        expect((error as InvalidOptionError).option).toBe(option);
        expect((error as InvalidOptionError).code).toBe('ERR_WEFT_DISTRIBUTED_INVALID_OPTION');
      }
    });
  });

  describe('apply()', () => {
    it('runs an exported task on a worker and returns its result, structured values intact', async () => {
      const queue = freshQueue('apply');
      await worker(queue);
      const ex = executor(queue);
      expect(await ex.apply(tasks.add, [2, 3])).toBe(5);
      const value = {
        when: new Date(0),
        ids: new Set([1, 2]),
        big: 2n ** 70n,
        map: new Map([['a', new Uint8Array([1, 2])]]),
      };
      expect(await ex.apply(tasks.echo, [value])).toEqual(value);
    });

    it('rejects a function that is not an export of its task modules', async () => {
      const ex = executor(freshQueue('unregistered'));
      const local = (a: number): number => a;
      await expect(ex.apply(local, [1])).rejects.toBeInstanceOf(TaskNotRegisteredError);
    });

    it('rejects arguments that cannot be serialized, before submitting', async () => {
      const ex = executor(freshQueue('unserializable'));
      const error = (await ex
        .apply(tasks.echo, [() => 1])
        .catch((e: unknown) => e)) as ValueNotSerializableError;
      expect(error).toBeInstanceOf(ValueNotSerializableError);
      expect(error.position).toBe('args');
      expect(ex.pending).toBe(0);
    });

    it("brings a task's error back with its class name, message, remote stack and own properties", async () => {
      const queue = freshQueue('error');
      await worker(queue);
      const ex = executor(queue);
      const error = await ex.apply(tasks.rejectField, ['email']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor.name).toBe('ValidationError');
      expect((error as Error).name).toBe('ValidationError');
      expect((error as Error).message).toBe('field "email" is invalid');
      expect((error as Error & { field: string }).field).toBe('email');
      expect((error as Error).stack).toContain('rejectField');
      expect((error as Error).stack).toContain('tasks.mjs');
    });

    it('reports start and settle (host, pid, worker) through callbacks and events, settle before the result', async () => {
      const queue = freshQueue('timeline');
      const w = await worker(queue, { name: 'inline-1' });
      const ex = executor(queue);
      const events: DistributedEvent[] = [];
      ex.subscribe((e) => events.push(e));
      const order: string[] = [];
      let start: ExecutionStart | undefined;
      let settle: ExecutionSettle | undefined;
      const result = await ex.apply(tasks.add, [1, 1], {
        onStart: (info) => {
          start = info;
          order.push('start');
        },
        onSettle: (info) => {
          settle = info;
          order.push('settle');
        },
      });
      order.push('result');
      expect(result).toBe(2);
      expect(order).toEqual(['start', 'settle', 'result']);
      const remote = start as RemoteExecutionStart;
      expect(remote.worker).toBe(w.name);
      expect(remote.hostPid).toBe(process.pid);
      expect(remote.pid).toBe(process.pid);
      expect(remote.attempt).toBe(1);
      expect(typeof remote.workerId).toBe('number');
      expect(settle?.status).toBe('fulfilled');
      expect(settle!.time).toBeGreaterThanOrEqual(start!.time);
      expect(events.map((e) => e.type)).toEqual(['job:queued', 'job:started', 'job:settled']);
      const started = events[1] as JobStartedEvent;
      expect(started.where.worker).toBe('inline-1');
      expect((events[2] as JobSettledEvent).final).toBe(true);
    });
  });

  describe('close()', () => {
    it('waits for calls in flight, then refuses new ones with ExecutorClosedError', async () => {
      const queue = freshQueue('close');
      await worker(queue);
      const ex = executor(queue);
      const call = ex.apply(tasks.add, [20, 22]);
      await ex.close();
      expect(await call).toBe(42);
      await expect(ex.apply(tasks.add, [1, 1])).rejects.toBeInstanceOf(ExecutorClosedError);
    });
  });

  describe('signal', () => {
    it('removes a queued job from Redis: it never runs', async () => {
      const queue = freshQueue('cancel-queued');
      const ex = executor(queue);
      const queued = deferred<string>();
      ex.subscribe((e) => {
        if (e.type === 'job:queued') queued.resolve(e.jobId);
      });
      const controller = new AbortController();
      const call = ex.apply(tasks.add, [1, 2], { signal: controller.signal });
      const jobId = await queued.promise;
      controller.abort(new Error('changed my mind'));
      const error = (await call.catch((e: unknown) => e)) as JobCancelledError;
      expect(error).toBeInstanceOf(JobCancelledError);
      expect(error.stage).toBe('queued');
      expect((error.cause as Error).message).toBe('changed my mind');
      await ex.close();
      const inspect = adminQueue(store, queue);
      cleanups.push(() => inspect.close());
      expect(await inspect.getJob(jobId)).toBeUndefined();
    });

    it('asks the worker running a job to stop it, and the worker moves on', async () => {
      const queue = freshQueue('cancel-running');
      const w = await worker(queue, { concurrency: 1 });
      const settled = deferred<unknown>();
      w.subscribe((e) => {
        if (e.type === 'job:settled') settled.resolve(e.error);
      });
      const ex = executor(queue);
      const started = deferred();
      const controller = new AbortController();
      const call = ex.apply(tasks.waitForAbort, [], {
        signal: controller.signal,
        onStart: () => started.resolve(),
      });
      await started.promise;
      controller.abort();
      const error = (await call.catch((e: unknown) => e)) as JobCancelledError;
      expect(error).toBeInstanceOf(JobCancelledError);
      expect(error.stage).toBe('running');
      // The task itself saw its signal abort on the worker:
      expect(await settled.promise).toBeInstanceOf(JobCancelledError);
      // With concurrency 1, this only runs if the cancelled job let go of the worker.
      expect(await ex.apply(tasks.add, [4, 4])).toBe(8);
    });
  });

  describe('retry', () => {
    it('retries a failing task with backoff until it succeeds, one attempt per settle event', async () => {
      const queue = freshQueue('retry');
      await worker(queue);
      const ex = executor(queue);
      const events: DistributedEvent[] = [];
      ex.subscribe((e) => events.push(e));
      const result = await ex.apply(tasks.flaky, [queue, 2], {
        retry: { attempts: 3, backoff: { type: 'fixed', delay: 150 } },
      });
      expect(result).toBe(3);
      const settles = events.filter((e): e is JobSettledEvent => e.type === 'job:settled');
      expect(settles.map((s) => [s.attempt, s.status, s.final])).toEqual([
        [1, 'rejected', false],
        [2, 'rejected', false],
        [3, 'fulfilled', true],
      ]);
      expect((settles[0]!.error as Error).message).toBe(`flaky ${queue} failure 1`);
      // Backoff is a lower bound: the next attempt cannot start before the delay has passed.
      const starts = events.filter((e): e is JobStartedEvent => e.type === 'job:started');
      expect(starts.map((s) => s.attempt)).toEqual([1, 2, 3]);
      expect(starts[1]!.time - settles[0]!.time).toBeGreaterThanOrEqual(145);
      expect(starts[2]!.time - settles[1]!.time).toBeGreaterThanOrEqual(145);
    });

    it('grows an exponential backoff by its factor between attempts', async () => {
      const queue = freshQueue('retry-exponential');
      await worker(queue);
      const ex = executor(queue);
      const events: DistributedEvent[] = [];
      ex.subscribe((e) => events.push(e));
      const retry = {
        attempts: 3,
        backoff: { type: 'exponential', delay: 100, factor: 3 },
      } as const;
      expect(await ex.apply(tasks.flaky, [queue, 2], { retry })).toBe(3);
      const settles = events.filter((e): e is JobSettledEvent => e.type === 'job:settled');
      const starts = events.filter((e): e is JobStartedEvent => e.type === 'job:started');
      expect(starts[1]!.time - settles[0]!.time).toBeGreaterThanOrEqual(95);
      expect(starts[2]!.time - settles[1]!.time).toBeGreaterThanOrEqual(295);
    });

    it("rejects with the last attempt's error once attempts are exhausted", async () => {
      const queue = freshQueue('retry-exhausted');
      await worker(queue);
      const ex = executor(queue, { retry: { attempts: 2 } });
      await expect(ex.apply(tasks.flaky, [queue, 5])).rejects.toThrow(`flaky ${queue} failure 2`);
    });
  });

  describe('retry with retryOn (run by the caller)', () => {
    it('asks retryOn after each failed attempt and stops retrying when it says no', async () => {
      const queue = freshQueue('retry-on');
      await worker(queue);
      const ex = executor(queue);
      const events: DistributedEvent[] = [];
      ex.subscribe((e) => events.push(e));
      const asked: [string, number][] = [];
      const error = (await ex
        .apply(tasks.flaky, [queue, 5], {
          retry: {
            attempts: 5,
            backoff: { type: 'fixed', delay: 100 },
            retryOn: (e, attempt) => {
              asked.push([(e as Error).message, attempt]);
              return attempt < 2;
            },
          },
        })
        .catch((e: unknown) => e)) as Error;
      expect(error.message).toBe(`flaky ${queue} failure 2`);
      expect(asked).toEqual([
        [`flaky ${queue} failure 1`, 1],
        [`flaky ${queue} failure 2`, 2],
      ]);
      const settles = events.filter((e): e is JobSettledEvent => e.type === 'job:settled');
      expect(settles.map((s) => [s.attempt, s.status, s.final])).toEqual([
        [1, 'rejected', false],
        [2, 'rejected', true],
      ]);
      const starts = events.filter((e): e is JobStartedEvent => e.type === 'job:started');
      expect(starts.map((s) => s.attempt)).toEqual([1, 2]);
      // The backoff is a lower bound: the second attempt cannot start before it has passed.
      expect(starts[1]!.time - settles[0]!.time).toBeGreaterThanOrEqual(95);
      expect(ex.pending).toBe(0);
    });

    it('returns the result of a retried attempt, with one onStart and one onSettle for the call', async () => {
      const queue = freshQueue('retry-on-ok');
      await worker(queue);
      const ex = executor(queue, { retry: { attempts: 3, retryOn: () => true } });
      let starts = 0;
      let settles = 0;
      const result = await ex.apply(tasks.flaky, [queue, 2], {
        onStart: () => starts++,
        onSettle: () => settles++,
      });
      expect(result).toBe(3);
      expect([starts, settles]).toEqual([1, 1]);
    });

    it('never retries an error no retry can fix, whatever retryOn says', async () => {
      const queue = freshQueue('retry-on-module');
      // The worker runs another module than the one the caller names.
      await worker(queue, { tasks: [UNREGISTERED_URL] });
      const ex = executor(queue);
      let asked = 0;
      const error = await ex
        .apply(tasks.add, [1, 2], {
          retry: {
            attempts: 3,
            retryOn: () => {
              asked++;
              return true;
            },
          },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskNotRegisteredError);
      expect(asked).toBe(0);
    });
  });

  describe('faults', () => {
    it('rejects with TaskNotRegisteredError, without retrying, when the worker does not run the task module', async () => {
      const queue = freshQueue('missing-module');
      await worker(queue, { tasks: [UNREGISTERED_URL] });
      const ex = executor(queue, { retry: { attempts: 3 } });
      let starts = 0;
      ex.subscribe((e) => {
        if (e.type === 'job:settled') starts++;
      });
      const error = (await ex
        .apply(tasks.add, [1, 2])
        .catch((e: unknown) => e)) as TaskNotRegisteredError;
      expect(error).toBeInstanceOf(TaskNotRegisteredError);
      expect(error.code).toBe('ERR_WEFT_TASK_NOT_REGISTERED');
      expect(error.module).toBe(TASKS_URL);
      expect(starts).toBe(1);
    });

    // BullMQ's PostgreSQL `remove` writes no `removed` event (Redis's does), so on PostgreSQL only
    // the sweep can notice. The queue has events from before the executor started, so the sweep
    // finds its event table whole from its first pass on: the call is never read back because of a
    // trimmed table, and without a look for removed jobs it would wait forever (it used to, when a
    // sweep happened to read the job back between the add and the remove).
    it('rejects with JobLostError when its job is removed from the store by someone else', async () => {
      const queue = freshQueue('removed');
      const admin = adminQueue(store, queue);
      cleanups.push(() => admin.close());
      const before = await admin.add('not-weft', {});
      expect(await admin.remove(before.id!)).toBe(1);
      const ex = executor(queue);
      const queued = deferred<string>();
      ex.subscribe((e) => {
        if (e.type === 'job:queued') queued.resolve(e.jobId);
      });
      const call = ex.apply(tasks.add, [1, 2]);
      const jobId = await queued.promise;
      expect(await admin.remove(jobId)).toBe(1);
      const error = (await call.catch((e: unknown) => e)) as JobLostError;
      expect(error).toBeInstanceOf(JobLostError);
      expect(error.code).toBe('ERR_WEFT_JOB_LOST');
      expect(error.jobId).toBe(jobId);
    });

    // Redis-only: the flood trims a Redis stream (XADD MAXLEN); PostgreSQL's trimming is by BullMQ.
    redisOnly(
      'still settles a call whose events were trimmed from the stream before it read them',
      async () => {
        const queue = freshQueue('trimmed');
        const ex = executor(queue);
        const queued = deferred<string>();
        ex.subscribe((e) => {
          if (e.type === 'job:queued') queued.resolve(e.jobId);
        });
        let started = 0;
        const call = ex.apply(tasks.add, [1, 2], { onStart: () => started++ });
        await queued.promise;
        // Freeze this process (as a starved caller is) while another one runs the job and then
        // floods the queue's event stream, so BullMQ trims the job's events before we can read them.
        execFileSync(
          process.execPath,
          ['--input-type=module', '-e', FLOOD, '--', redisUrl, queue, TASKS_URL],
          {
            cwd: fileURLToPath(new URL('..', import.meta.url)),
            stdio: 'ignore',
            timeout: 20_000,
          },
        );
        expect(await call).toBe(3);
        expect(started).toBe(1);
      },
    );

    // Redis-only: writes raw stream entries (XADD); the PostgreSQL source's unreadable rows are in
    // postgres-event-source.test.ts.
    redisOnly(
      'keeps reading the event stream past entries it cannot parse, and every call settles (#25)',
      async () => {
        const queue = freshQueue('bad-event');
        const ex = executor(queue);
        // One call first, so the reader is past the stream's first entries (the once-a-second sweep
        // reads from Redis only the jobs submitted before the stream's first entry).
        const first = await worker(queue);
        expect(await ex.apply(tasks.add, [1, 1])).toBe(2);
        await first.close({ gracePeriod: 0 });
        const queued = deferred<string>();
        ex.subscribe((e) => {
          if (e.type === 'job:queued') queued.resolve(e.jobId);
        });
        const call = ex.apply(tasks.add, [2, 3]);
        const jobId = await queued.promise;
        // Anyone who can write to the queue can add entries BullMQ's own reader can't parse: one for
        // another job, one naming the pending call's job.
        const admin = new Queue(queue, { connection: { url: redisUrl } });
        cleanups.push(() => admin.close());
        const client = await admin.getBackend().client;
        const stream = admin.keys.events ?? '';
        const xadd = (...fields: string[]): Promise<unknown> =>
          (client as unknown as { call(...args: string[]): Promise<unknown> }).call(
            'XADD',
            stream,
            '*',
            ...fields,
          );
        await xadd('event', 'completed', 'jobId', 'x', 'returnvalue', '{not json');
        await xadd('event', 'progress', 'jobId', jobId, 'data', '{not json');
        await xadd('event', 'completed', 'jobId', jobId, 'returnvalue', '[');
        // The job only runs now, after the bad entries: its real outcome must still reach the call.
        await worker(queue);
        expect(await call).toBe(5);
        expect(await ex.apply(tasks.add, [4, 4])).toBe(8);
        expect(ex.pending).toBe(0);
      },
    );

    it.runIf(current.name === 'postgres')(
      'fails with RedisUnavailableError naming PostgreSQL within connectTimeout when it is unreachable',
      async () => {
        const port = await freePort();
        const ex = executor(freshQueue('pg-down'), {
          connection: `postgres://weft:pw@127.0.0.1:${port}/jobs`,
          connectTimeout: 500,
        });
        const error = (await ex.ready().catch((e: unknown) => e)) as RedisUnavailableError;
        expect(error).toBeInstanceOf(RedisUnavailableError);
        expect(error.code).toBe('ERR_WEFT_REDIS_UNAVAILABLE');
        expect(error.address).toBe(`postgres://weft:***@127.0.0.1:${port}/jobs`);
        expect(error.message).toMatch(/^PostgreSQL at postgres:\/\/weft:\*\*\*@/);
      },
    );

    // Redis-only: about an unreachable Redis.
    redisOnly(
      'fails with RedisUnavailableError within connectTimeout when Redis is unreachable',
      async () => {
        const url = `redis://127.0.0.1:${await freePort()}`;
        const ex = new BullMQExecutor({
          connection: url,
          queue: 'q',
          tasks: [TASKS_URL],
          connectTimeout: 300,
        });
        cleanups.push(() => ex.terminate());
        await expect(ex.apply(tasks.add, [1, 2])).rejects.toBeInstanceOf(RedisUnavailableError);
        await expect(
          startWorker({ connection: url, queue: 'q', tasks: [TASKS_URL], connectTimeout: 300 }),
        ).rejects.toBeInstanceOf(RedisUnavailableError);
      },
    );

    // Redis-only: stops a private redis-server.
    redisOnly(
      'rejects calls in flight with RedisConnectionLostError when Redis goes away, and closes without hanging',
      async () => {
        const redis = await startRedis();
        cleanups.push(() => redis.stop());
        const queue = freshQueue('redis-gone');
        const w = await startWorker({
          connection: redis.url,
          queue,
          tasks: [TASKS_URL],
          kind: 'inline',
          concurrency: 1,
          gracePeriod: 0,
        });
        const ex = new BullMQExecutor({
          connection: redis.url,
          queue,
          tasks: [TASKS_URL],
          connectionLostTimeout: 300,
          connectTimeout: 300,
        });
        const events: string[] = [];
        ex.subscribe((e) => events.push(e.type));
        const started = deferred();
        const call = ex.apply(tasks.waitForAbort, [], { onStart: () => started.resolve() });
        await started.promise;
        await redis.stop();
        await expect(call).rejects.toBeInstanceOf(RedisConnectionLostError);
        expect(events).toContain('connection:lost');
        await expect(ex.apply(tasks.add, [1, 2])).rejects.toBeInstanceOf(RedisUnavailableError);
        await ex.terminate();
        await w.close({ gracePeriod: 0 });
      },
    );

    // #20: the stream of a fresh Redis is empty, and nothing else was written to it, so only a check
    // of each call's job (on reconnect, or by the periodic sweep) can notice the jobs are gone.
    // Redis-only: a Redis restarted without persistence.
    redisOnly(
      'rejects every call in flight with JobLostError when Redis comes back empty, with no other traffic (#20)',
      async () => {
        const first = await startRedis();
        let redis = first;
        cleanups.push(() => redis.stop());
        const queue = freshQueue('redis-empty');
        const ex = new BullMQExecutor({
          connection: redis.url,
          queue,
          tasks: [TASKS_URL],
          // Far beyond the test's bound: only the lost jobs can settle these calls in time.
          connectionLostTimeout: 600_000,
        });
        cleanups.push(() => ex.terminate());
        const queued = new Set<string>();
        const allQueued = deferred();
        const lost = deferred();
        const restored = deferred();
        ex.subscribe((e) => {
          if (e.type === 'job:queued' && queued.add(e.jobId).size === 10) allQueued.resolve();
          if (e.type === 'connection:lost') lost.resolve();
          if (e.type === 'connection:restored') restored.resolve();
        });
        // No worker: the jobs wait in Redis.
        const calls = Array.from({ length: 10 }, (_, i) =>
          ex.apply(tasks.add, [i, 1]).then(
            () => 'fulfilled',
            (error: unknown) => error,
          ),
        );
        await allQueued.promise;
        await first.stop();
        await lost.promise;
        redis = await startRedis({ port: first.port });
        await restored.promise;
        const outcomes = await Promise.all(calls);
        for (const outcome of outcomes) {
          expect(outcome).toBeInstanceOf(JobLostError);
          expect((outcome as JobLostError).code).toBe('ERR_WEFT_JOB_LOST');
        }
        expect(ex.pending).toBe(0);
      },
      20_000,
    );

    // Redis-only: FLUSHALL.
    redisOnly(
      'rejects calls in flight with JobLostError when their jobs vanish with the event stream (FLUSHALL)',
      async () => {
        const queue = freshQueue('flushed');
        const redis = await startRedis();
        cleanups.push(() => redis.stop());
        const ex = new BullMQExecutor({ connection: redis.url, queue, tasks: [TASKS_URL] });
        cleanups.push(() => ex.terminate());
        const queued = deferred();
        ex.subscribe((e) => {
          if (e.type === 'job:queued') queued.resolve();
        });
        const call = ex.apply(tasks.add, [1, 1]);
        await queued.promise;
        const admin = new Queue(queue, { connection: { url: redis.url } });
        const client = (await admin.getBackend().client) as unknown as {
          flushall(): Promise<unknown>;
        };
        await client.flushall();
        await admin.close();
        await expect(call).rejects.toBeInstanceOf(JobLostError);
      },
      20_000,
    );
  });
});
