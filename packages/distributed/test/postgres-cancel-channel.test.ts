// The PostgreSQL cancel channel against a real server: a cancel reaches the listeners of its own
// queue and schema only, a listener whose connection was dropped reconnects and hears the next, and
// a worker listens on BullMQ's LISTEN connection rather than a connection of its own.
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import pg from 'pg';
import { BullMQExecutor, JobCancelledError, startWorker } from '@weft/distributed';
import {
  CANCEL_CHANNEL,
  PostgresCancelListener,
  publishCancel,
} from '../src/internal/postgres-cancel-channel.js';
import type { ListenClient, OpenClient } from '../src/internal/postgres.js';
import { storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import * as tasks from './fixtures/tasks.mjs';
import { deferred, freshQueue, TASKS_URL } from './helpers.js';

const postgresUrl = inject('postgresUrl');
const noPostgres = postgresUrl === '';
if (noPostgres)
  console.warn('postgres-cancel-channel: SKIPPED: no PostgreSQL (see global-setup.ts)');

describe.skipIf(noPostgres)('PostgreSQL cancel channel', () => {
  const store = storeOf(postgresUrl) as PostgresStore;
  let pool: pg.Pool;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
  });

  function listen(
    queue: string,
    options: { store?: PostgresStore; listen?: () => Promise<OpenClient> } = {},
  ) {
    const heard: string[] = [];
    const connection: boolean[] = [];
    let waiter: { count: number; resolve: () => void } | undefined;
    const reconnected = deferred();
    const down = deferred();
    const opened = PostgresCancelListener.open({
      store: options.store ?? store,
      queue,
      ...(options.listen === undefined ? {} : { listen: options.listen }),
      onCancel: (jobId) => {
        heard.push(jobId);
        if (waiter !== undefined && heard.length >= waiter.count) waiter.resolve();
      },
      onError: () => undefined,
      onConnection: (up) => {
        connection.push(up);
        if (up) reconnected.resolve();
        else down.resolve();
      },
    });
    const until = (count: number): Promise<void> => {
      if (heard.length >= count) return Promise.resolve();
      const d = deferred();
      waiter = { count, resolve: d.resolve };
      return d.promise;
    };
    return {
      opened,
      heard,
      connection,
      until,
      reconnected: reconnected.promise,
      down: down.promise,
    };
  }

  test('a cancel reaches the listeners of its queue and schema, and no other', async () => {
    const queue = freshQueue('pg-cancel');
    const other = freshQueue('pg-cancel-other');
    const mine = listen(queue);
    const second = listen(queue);
    const otherQueue = listen(other);
    const otherSchema = listen(queue, { store: { ...store, schema: 'another_schema' } });
    const listeners = await Promise.all([
      mine.opened,
      second.opened,
      otherQueue.opened,
      otherSchema.opened,
    ]);
    try {
      await publishCancel(pool, store.schema, queue, '17');
      await publishCancel(pool, store.schema, other, '99');
      // Someone else's message on the channel is ignored.
      await pool.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, 'not json']);
      await publishCancel(pool, store.schema, queue, '18');
      await Promise.all([mine.until(2), second.until(2), otherQueue.until(1)]);
      expect(mine.heard).toEqual(['17', '18']);
      expect(second.heard).toEqual(['17', '18']);
      expect(otherQueue.heard).toEqual(['99']);
      // Delivered in order: the other schema's listener had every message before '18' arrived.
      expect(otherSchema.heard).toEqual([]);
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
    }
  });

  test('a listener whose connection is dropped reconnects and hears the next cancel', async () => {
    const queue = freshQueue('pg-cancel-drop');
    const mine = listen(queue);
    const listener = await mine.opened;
    try {
      const { rowCount } = await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [`weft:cancel:${queue}`],
      );
      expect(rowCount).toBe(1);
      // A cancel sent while the connection is down is not delivered (like Redis pub/sub): send
      // once it is back.
      await mine.reconnected;
      await publishCancel(pool, store.schema, queue, '1');
      await mine.until(1);
      expect(mine.connection).toEqual([false, true]);
      expect(mine.heard).toEqual(['1']);
    } finally {
      await listener.close();
    }
  });

  // Before the reconnect pause could be cut short, close() waited on it forever.
  test('close() settles while a reconnect is pending', async () => {
    const queue = freshQueue('pg-cancel-close');
    const mine = listen(queue);
    const listener = await mine.opened;
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
      [`weft:cancel:${queue}`],
    );
    // Close once the listener knows (it then waits before reconnecting).
    await mine.down;
    await listener.close();
    expect(mine.connection).toEqual([false]);
  });

  describe('on a borrowed connection', () => {
    test('listens on it, and close() takes off its own listeners only, leaving it open', async () => {
      const queue = freshQueue('pg-cancel-borrowed');
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        const owners = () => undefined;
        client.on('notification', owners);
        const borrowed = vi.fn((): Promise<OpenClient> =>
          Promise.resolve({
            client: client as unknown as ListenClient,
            close: () => Promise.resolve(),
          }),
        );
        const mine = listen(queue, { listen: borrowed });
        const listener = await mine.opened;
        await publishCancel(pool, store.schema, queue, '7');
        await mine.until(1);
        await listener.close();
        expect(mine.heard).toEqual(['7']);
        expect(borrowed).toHaveBeenCalledTimes(1);
        expect(client.listeners('notification')).toEqual([owners]);
        expect(client.listenerCount('error') + client.listenerCount('end')).toBe(0);
        // Still the owner's, and still open.
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await client.end();
      }
    });

    test('borrows again once the borrowed connection drops', async () => {
      const queue = freshQueue('pg-cancel-borrow-again');
      const clients: pg.Client[] = [];
      const borrow = async (): Promise<OpenClient> => {
        const client = new pg.Client({ connectionString: postgresUrl, application_name: queue });
        client.on('error', () => undefined);
        await client.connect();
        clients.push(client);
        return { client: client as unknown as ListenClient, close: () => Promise.resolve() };
      };
      const mine = listen(queue, { listen: borrow });
      const listener = await mine.opened;
      try {
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
          [queue],
        );
        await mine.reconnected;
        await publishCancel(pool, store.schema, queue, '2');
        await mine.until(1);
        expect(clients).toHaveLength(2);
        expect(mine.connection).toEqual([false, true]);
      } finally {
        await listener.close();
        await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      }
    });
  });

  describe('on a worker', () => {
    test("opens no connection of its own, and hears cancels over BullMQ's, even after it drops", async () => {
      const queue = freshQueue('pg-cancel-worker');
      const worker = await startWorker({
        connection: postgresUrl,
        queue,
        name: 'shared-listen',
        tasks: [TASKS_URL],
        kind: 'inline',
        concurrency: 1,
      });
      const executor = new BullMQExecutor({ connection: postgresUrl, queue, tasks: [TASKS_URL] });
      try {
        const settled = deferred<unknown>();
        worker.subscribe((e) => {
          if (e.type === 'job:settled') settled.resolve(e.error);
        });
        const started = deferred<string>();
        executor.subscribe((e) => {
          if (e.type === 'job:started') started.resolve(e.jobId);
        });
        const call = executor.apply(tasks.waitForAbort, []);
        const jobId = await started.promise;
        const named = (name: string) =>
          pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [name]);
        expect((await named(`weft:cancel:${queue}`)).rowCount).toBe(0);
        // BullMQ's LISTEN connection of the worker drops (BullMQ builds a new one).
        const { rowCount } = await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
          [`${queue}:w:shared-listen`],
        );
        expect(rowCount).toBe(1);
        // A cancel sent while no connection listens is lost: send until the worker has heard one.
        await vi.waitFor(
          async () => {
            await publishCancel(pool, store.schema, queue, jobId);
            expect(worker.active).toBe(0);
          },
          { timeout: 10_000, interval: 50 },
        );
        expect(await settled.promise).toBeInstanceOf(JobCancelledError);
        await call.catch(() => undefined);
      } finally {
        await executor.terminate();
        await worker.close({ gracePeriod: 0 });
      }
    });
  });
});
