// The PostgreSQL cancel channel against a real server: a cancel reaches the listeners of its own
// queue and schema only, and a listener whose connection was dropped reconnects and hears the next.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import pg from 'pg';
import {
  CANCEL_CHANNEL,
  PostgresCancelListener,
  publishCancel,
} from '../src/internal/postgres-cancel-channel.js';
import { storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import { deferred, freshQueue } from './helpers.js';

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

  function listen(queue: string, options: { store?: PostgresStore } = {}) {
    const heard: string[] = [];
    const connection: boolean[] = [];
    let waiter: { count: number; resolve: () => void } | undefined;
    const reconnected = deferred();
    const opened = PostgresCancelListener.open({
      store: options.store ?? store,
      queue,
      onCancel: (jobId) => {
        heard.push(jobId);
        if (waiter !== undefined && heard.length >= waiter.count) waiter.resolve();
      },
      onError: () => undefined,
      onConnection: (up) => {
        connection.push(up);
        if (up) reconnected.resolve();
      },
    });
    const until = (count: number): Promise<void> => {
      if (heard.length >= count) return Promise.resolve();
      const d = deferred();
      waiter = { count, resolve: d.resolve };
      return d.promise;
    };
    return { opened, heard, connection, until, reconnected: reconnected.promise };
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
    await listener.close();
    expect(mine.connection).toEqual([false]);
  });
});
