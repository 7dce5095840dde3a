// Every duration a user gives the executor or the worker, at the largest value it accepts (#20):
// the package's own timers wait the whole time even above 2^31 - 1 ms (Node's setTimeout would
// fire them after 1 ms), and the options BullMQ turns into plain Node timers are refused above it.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import {
  BullMQExecutor,
  ExecutorClosedError,
  InvalidOptionError,
  JobCancelledError,
  JobLostError,
  startWorker,
} from '@weft/distributed';
import type { DistributedWorker, StartWorkerOptions, WorkerEvent } from '@weft/distributed';
import * as tasks from './fixtures/tasks.mjs';
import { deferred, freshQueue, TASKS_URL } from './helpers.js';
import { freePort, startRedis } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

const redisUrl = inject('redisUrl');
/** '' when this machine has no Redis to test against (see global-setup.ts). */
const noRedis = redisUrl === '';
const cleanups: (() => Promise<unknown>)[] = [];
/** Node's warnings that a timer was armed above 2^31 - 1 ms (and so fires after 1 ms instead). */
const overflows: Error[] = [];
const onWarning = (warning: Error): void => {
  if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning);
};

beforeEach(() => {
  overflows.length = 0;
  process.on('warning', onWarning);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  process.off('warning', onWarning);
});

/** The largest duration the package's own timers accept: any finite number. */
const LARGEST = Number.MAX_VALUE;
/** The largest value of an option BullMQ arms a plain Node timer from. */
const NODE_TIMER_MAX = 2 ** 31 - 1;

/**
 * Node arms a delay above 2^31 - 1 ms as 1 ms. A timer armed after such a one, for longer, fires
 * after it however loaded the machine is, so once this resolves an overflowed timer has fired: an
 * ordering, not a measured duration.
 */
function afterAnOverflowedTimerWouldHaveFired(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** `promise`, plus whether it has settled yet. */
function watch<T>(promise: Promise<T>): {
  readonly settled: () => boolean;
  readonly promise: Promise<T>;
} {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}

async function privateRedis(port?: number): Promise<RedisServer> {
  const redis = await startRedis(port === undefined ? {} : { port });
  cleanups.push(() => redis.stop());
  return redis;
}

async function inlineWorker(
  extra: Partial<StartWorkerOptions> & { queue: string },
): Promise<DistributedWorker> {
  const w = await startWorker({
    connection: redisUrl,
    tasks: [TASKS_URL],
    kind: 'inline',
    concurrency: 1,
    ...extra,
  });
  cleanups.push(() => w.close({ gracePeriod: 0 }));
  return w;
}

describe.skipIf(noRedis)('long durations (#20)', () => {
  describe('BullMQExecutor', () => {
    it.each(['connectTimeout', 'connectionLostTimeout'] as const)(
      'accepts %s up to Number.MAX_VALUE and refuses Infinity',
      (option) => {
        const make = (value: number): BullMQExecutor =>
          new BullMQExecutor({
            connection: redisUrl,
            queue: 'q',
            tasks: [TASKS_URL],
            [option]: value,
          });
        expect(() => make(LARGEST)).not.toThrow();
        expect(() => make(Infinity)).toThrow(InvalidOptionError);
        try {
          make(Infinity);
        } catch (error) {
          expect((error as InvalidOptionError).option).toBe(option);
          expect((error as InvalidOptionError).code).toBe('ERR_WEFT_DISTRIBUTED_INVALID_OPTION');
        }
      },
    );

    it('waits for Redis for the whole connectTimeout when it is above 2^31 - 1 ms', async () => {
      const port = await freePort();
      const ex = new BullMQExecutor({
        connection: `redis://127.0.0.1:${port}`,
        queue: freshQueue('long-connect'),
        tasks: [TASKS_URL],
        connectTimeout: LARGEST,
      });
      const ready = watch(ex.ready());
      await afterAnOverflowedTimerWouldHaveFired();
      expect(ready.settled()).toBe(false);
      expect(overflows).toEqual([]);
      // Redis comes up late: the executor connects (ioredis keeps retrying) instead of having failed.
      await privateRedis(port);
      await ready.promise;
      await ex.terminate();
    });

    it('gives up a connect in progress on terminate(), however long the connectTimeout', async () => {
      const ex = new BullMQExecutor({
        connection: `redis://127.0.0.1:${await freePort()}`,
        queue: freshQueue('terminate-connect'),
        tasks: [TASKS_URL],
        connectTimeout: LARGEST,
      });
      const ready = ex.ready();
      const call = ex.apply(tasks.add, [1, 2]);
      await afterAnOverflowedTimerWouldHaveFired();
      await ex.terminate();
      await expect(ready).rejects.toBeInstanceOf(ExecutorClosedError);
      await expect(call).rejects.toBeInstanceOf(ExecutorClosedError);
    }, 20_000);

    it('keeps calls in flight for the whole connectionLostTimeout when it is above 2^31 - 1 ms', async () => {
      const first = await privateRedis();
      const ex = new BullMQExecutor({
        connection: first.url,
        queue: freshQueue('long-lost'),
        tasks: [TASKS_URL],
        connectionLostTimeout: LARGEST,
      });
      cleanups.push(() => ex.terminate());
      const queued = deferred();
      const lost = deferred();
      ex.subscribe((e) => {
        if (e.type === 'job:queued') queued.resolve();
        if (e.type === 'connection:lost') lost.resolve();
      });
      const call = watch(ex.apply(tasks.add, [1, 2]));
      await queued.promise;
      await first.stop();
      await lost.promise;
      await afterAnOverflowedTimerWouldHaveFired();
      expect(call.settled()).toBe(false);
      expect(overflows).toEqual([]);
      // Redis comes back (empty): the call settles for that reason, not for the lost connection.
      await privateRedis(first.port);
      await expect(call.promise).rejects.toBeInstanceOf(JobLostError);
    });
  });

  describe('startWorker()', () => {
    it.each(['lockDuration', 'stalledInterval'] as const)(
      'refuses %s above 2^31 - 1 ms (BullMQ arms a plain timer from it), naming the range',
      async (option) => {
        const start = startWorker({
          connection: redisUrl,
          queue: freshQueue('bad-timer'),
          tasks: [TASKS_URL],
          [option]: NODE_TIMER_MAX + 1,
        });
        // (Stop a worker that starts anyway, so that its timers don't outlive this test.)
        cleanups.push(() =>
          start.then(
            (w) => w.close({ gracePeriod: 0 }),
            () => undefined,
          ),
        );
        await expect(start).rejects.toBeInstanceOf(InvalidOptionError);
        const error = (await start.catch((e: unknown) => e)) as InvalidOptionError;
        expect(error.option).toBe(option);
        expect(error.code).toBe('ERR_WEFT_DISTRIBUTED_INVALID_OPTION');
        expect(error.message).toContain(String(NODE_TIMER_MAX + 1));
        expect(error.message).toContain(String(NODE_TIMER_MAX));
      },
    );

    it('runs jobs with lockDuration and stalledInterval at 2^31 - 1 ms, arming no overflowing timer', async () => {
      const queue = freshQueue('max-lock');
      await inlineWorker({ queue, lockDuration: NODE_TIMER_MAX, stalledInterval: NODE_TIMER_MAX });
      const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [TASKS_URL] });
      cleanups.push(() => ex.terminate());
      expect(await ex.apply(tasks.add, [2, 3])).toBe(5);
      expect(overflows).toEqual([]);
    });

    it('waits for Redis for the whole connectTimeout when it is above 2^31 - 1 ms', async () => {
      const port = await freePort();
      const start = watch(
        startWorker({
          connection: `redis://127.0.0.1:${port}`,
          queue: freshQueue('long-connect-worker'),
          tasks: [TASKS_URL],
          kind: 'inline',
          connectTimeout: LARGEST,
        }),
      );
      await afterAnOverflowedTimerWouldHaveFired();
      expect(start.settled()).toBe(false);
      expect(overflows).toEqual([]);
      await privateRedis(port);
      const w = await start.promise;
      await w.close({ gracePeriod: 0 });
    });
  });

  describe('DistributedWorker', () => {
    it('lets a running job finish for the whole gracePeriod when it is above 2^31 - 1 ms', async () => {
      const queue = freshQueue('long-grace');
      const w = await inlineWorker({ queue, gracePeriod: LARGEST });
      const events: WorkerEvent['type'][] = [];
      const started = deferred();
      w.subscribe((e) => {
        events.push(e.type);
        if (e.type === 'job:started') started.resolve();
      });
      const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [TASKS_URL] });
      cleanups.push(() => ex.terminate());
      const call = ex.apply(tasks.waitForAbort, []);
      call.catch(() => undefined);
      await started.promise;
      const closed = watch(w.close());
      await afterAnOverflowedTimerWouldHaveFired();
      expect(events).not.toContain('job:handed-back');
      expect(closed.settled()).toBe(false);
      expect(overflows).toEqual([]);
      // A second close without grace hands the job back at once.
      await w.close({ gracePeriod: 0 });
      expect(events).toContain('job:handed-back');
    });

    it('refuses a close() gracePeriod that is not a finite number ≥ 0', async () => {
      const w = await inlineWorker({ queue: freshQueue('bad-grace') });
      for (const gracePeriod of [-1, Number.NaN, Infinity]) {
        const error = (await w
          .close({ gracePeriod })
          .catch((e: unknown) => e)) as InvalidOptionError;
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect(error.option).toBe('gracePeriod');
      }
    });

    it('holds back a start report for the whole startReportDelay when it is above 2^31 - 1 ms', async () => {
      const queue = freshQueue('long-start-report');
      const w = await inlineWorker({ queue, startReportDelay: LARGEST });
      const started = deferred<string>();
      w.subscribe((e) => {
        if (e.type === 'job:started') started.resolve(e.jobId);
      });
      const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [TASKS_URL] });
      cleanups.push(() => ex.terminate());
      const abort = new AbortController();
      const call = ex.apply(tasks.waitForAbort, [], { signal: abort.signal });
      const jobId = await started.promise;
      await afterAnOverflowedTimerWouldHaveFired();
      // The report would have been written as the job's progress before this read was sent.
      const admin = new Queue(queue, { connection: { url: redisUrl } });
      cleanups.push(() => admin.close());
      const job = await admin.getJob(jobId);
      expect(job?.progress).toBe(0);
      expect(overflows).toEqual([]);
      abort.abort();
      await expect(call).rejects.toBeInstanceOf(JobCancelledError);
    });
  });
});
